//! The encoder's weights handed to the fused GPU kernels (separate biases, LayerNorm in f32).

use candle_core::{DType, Tensor};

use super::Encoder;
use crate::embed::fused::{self, Act, Kernels};

impl Encoder {
    /// This encoder's weights on `kernels`, for the fused path. Needs separate biases (loaded
    /// with `fold = false`).
    pub fn fused_weights<K: Kernels>(
        &self,
        kernels: &K,
        gelu: Act,
    ) -> candle_core::Result<fused::Weights<K::Half, K::Float>> {
        let half = |t: &Tensor| kernels.half_weight(t);
        let norm = |weight: &Tensor, bias: &Tensor, eps: f32| -> candle_core::Result<_> {
            Ok(fused::Norm {
                weight: kernels.float_weight(weight)?,
                bias: kernels.float_weight(bias)?,
                eps,
            })
        };
        let bias = |b: &Option<Tensor>| match b {
            Some(b) => half(b),
            None => candle_core::bail!("the fused encoder needs unfolded biases"),
        };
        let mut layers = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            layers.push(fused::Layer {
                qkv: half(&l.qkv)?,
                qkv_bias: bias(&l.qkv_bias)?,
                attn_out: half(&l.attn_out)?,
                attn_out_bias: bias(&l.attn_norm.bias)?,
                attn_norm: norm(&l.attn_norm.weight, &l.attn_norm.beta, l.attn_norm.eps)?,
                up: half(&l.up)?,
                up_bias: bias(&l.up_bias)?,
                down: half(&l.down)?,
                down_bias: bias(&l.out_norm.bias)?,
                out_norm: norm(&l.out_norm.weight, &l.out_norm.beta, l.out_norm.eps)?,
            });
        }
        let word = self.word.embeddings();
        let hidden = self.heads * self.head_dim;
        Ok(fused::Weights {
            architecture: self.architecture,
            embeddings: fused::Embeddings {
                word: half(word)?,
                vocab: word.dim(0)?,
                position: half(&self.position)?,
                positions: self.position.dim(0)?,
                token_type: self.token_type.as_ref().map(half).transpose()?,
            },
            embed_norm: norm(
                &self.embed_norm.weight,
                &self.embed_norm.bias,
                self.embed_norm.eps,
            )?,
            intermediate: self.layers.first().map_or(0, |l| l.up.dim(0).unwrap_or(0)),
            layers,
            relative: match &self.relative {
                Some(r) => Some(r.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?),
                None => None,
            },
            hidden,
            heads: self.heads,
            pad_id: self.pad_id,
            pooling: self.pooling,
            normalize: self.normalize,
            gelu,
        })
    }
}
