//! The encoder's weights as sentence-transformers stores them (BERT's and MPNet's names), each
//! projection's bias either separate or folded into its weight (see [`fold_bias`]).

use candle_core::{DType, Device, Tensor};
use candle_nn::{Embedding, VarBuilder};

use super::Encoder;
use crate::embed::model::{Architecture, ModelDir};
use crate::embed::ops::{self, AddNorm};

pub(super) struct Norm {
    pub(super) weight: Tensor,
    pub(super) bias: Tensor,
    pub(super) eps: f32,
}

impl Norm {
    fn load(vb: &VarBuilder, size: usize, eps: f64) -> candle_core::Result<Norm> {
        Ok(Norm {
            weight: vb.get(size, "weight")?,
            bias: vb.get(size, "bias")?,
            eps: eps as f32,
        })
    }

    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }
}

/// Weights as stored ([out, in]); each projection is one 2-D GEMM over all tokens of the batch.
/// With [`Encoder::fold_bias`] each weight is `[out, in + BIAS_COLUMNS]` and the biases are `None`.
pub(super) struct Layer {
    /// q, k and v in one GEMM.
    pub(super) qkv: Tensor,
    pub(super) qkv_bias: Option<Tensor>,
    pub(super) attn_out: Tensor,
    pub(super) attn_norm: AddNorm,
    pub(super) up: Tensor,
    pub(super) up_bias: Option<Tensor>,
    pub(super) down: Tensor,
    pub(super) out_norm: AddNorm,
}

/// Columns appended to a folded projection's weight: its bias, then zeros, so that the inner
/// dimension stays a multiple of 8 (16-byte rows for half-precision tensor cores).
pub(super) const BIAS_COLUMNS: usize = 8;

/// Where a projection's bias is added. Off the fused CPU kernels, adding a `[N]` bias to an
/// `[M, N]` activation is candle's generic broadcast kernel, which does 64-bit index arithmetic
/// per element: on an H100 those adds were 55% of MPNet's GPU time, more than every GEMM
/// together. Folded, the bias is one more input column of the GEMM (the activation gets a
/// column of ones), which costs a fast 2-D copy and 1% more GEMM work, and the bias is summed in
/// the GEMM's f32 accumulator instead of after rounding.
pub(super) fn fold_bias(device: &Device, dtype: DType) -> bool {
    !(device.is_cpu() && dtype == DType::F32)
}

/// `weight` `[out, in]` and `bias` `[out]` as `[out, in + BIAS_COLUMNS]`.
fn folded(weight: Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    let out = weight.dim(0)?;
    let zeros = Tensor::zeros((out, BIAS_COLUMNS - 1), weight.dtype(), weight.device())?;
    Tensor::cat(&[weight, bias.reshape((out, 1))?, zeros], 1)
}

/// A projection's weight and bias.
fn linear(vb: &VarBuilder, input: usize, output: usize) -> candle_core::Result<(Tensor, Tensor)> {
    Ok((vb.get((output, input), "weight")?, vb.get(output, "bias")?))
}

fn fused_qkv(parts: [&VarBuilder; 3], hidden: usize) -> candle_core::Result<(Tensor, Tensor)> {
    let mut weights = Vec::with_capacity(3);
    let mut biases = Vec::with_capacity(3);
    for vb in parts {
        let (w, b) = linear(vb, hidden, hidden)?;
        weights.push(w);
        biases.push(b);
    }
    Ok((Tensor::cat(&weights, 0)?, Tensor::cat(&biases, 0)?))
}

/// The residual block closing a projection: its bias (unless folded), then LayerNorm (weights in
/// f32).
fn add_norm(
    bias: Option<Tensor>,
    norm: &VarBuilder,
    size: usize,
    eps: f64,
) -> candle_core::Result<AddNorm> {
    Ok(AddNorm {
        bias,
        weight: norm.get(size, "weight")?,
        beta: norm.get(size, "bias")?,
        eps: eps as f32,
    })
}

impl Encoder {
    pub(in crate::embed) fn load_with(
        model: &ModelDir,
        dtype: DType,
        device: &Device,
        fold: bool,
    ) -> candle_core::Result<Encoder> {
        // SAFETY: the weights file is memory-mapped read-only for the life of the run; like every
        // safetensors reader we rely on nobody truncating it underneath us.
        let weights =
            unsafe { VarBuilder::from_mmaped_safetensors(&[&model.weights], dtype, device)? };
        let prefix = ["", "bert.", "mpnet."]
            .into_iter()
            .find(|p| weights.contains_tensor(&format!("{p}embeddings.word_embeddings.weight")))
            .unwrap_or("");
        let vb = weights.pp(prefix.trim_end_matches('.'));
        let vb = if prefix.is_empty() {
            weights.clone()
        } else {
            vb
        };
        let norms = vb.clone().set_dtype(DType::F32);
        let c = &model.config;
        let hidden = c.hidden_size;
        let emb = vb.pp("embeddings");
        let word = Embedding::new(
            emb.get((c.vocab_size, hidden), "word_embeddings.weight")?,
            hidden,
        );
        let position = emb.get(
            (c.max_position_embeddings, hidden),
            "position_embeddings.weight",
        )?;
        let token_type = match model.architecture {
            Architecture::Bert => {
                let table = emb.get_unchecked("token_type_embeddings.weight")?;
                Some(table.get(0)?)
            }
            Architecture::Mpnet => None,
        };
        let embed_norm = Norm::load(&norms.pp("embeddings.LayerNorm"), hidden, c.layer_norm_eps)?;
        let mut layers = Vec::with_capacity(c.num_hidden_layers);
        for i in 0..c.num_hidden_layers {
            let layer = vb.pp(format!("encoder.layer.{i}"));
            let layer_norms = norms.pp(format!("encoder.layer.{i}"));
            let ((qkv, qkv_bias), (attn_out, attn_out_bias), attn_norm) = match model.architecture {
                Architecture::Bert => {
                    let s = layer.pp("attention.self");
                    (
                        fused_qkv([&s.pp("query"), &s.pp("key"), &s.pp("value")], hidden)?,
                        linear(&layer.pp("attention.output.dense"), hidden, hidden)?,
                        layer_norms.pp("attention.output.LayerNorm"),
                    )
                }
                Architecture::Mpnet => {
                    let a = layer.pp("attention.attn");
                    (
                        fused_qkv([&a.pp("q"), &a.pp("k"), &a.pp("v")], hidden)?,
                        linear(&a.pp("o"), hidden, hidden)?,
                        layer_norms.pp("attention.LayerNorm"),
                    )
                }
            };
            let (up, up_bias) =
                linear(&layer.pp("intermediate.dense"), hidden, c.intermediate_size)?;
            let (down, down_bias) = linear(&layer.pp("output.dense"), c.intermediate_size, hidden)?;
            let place = |(weight, bias): (Tensor, Tensor)| -> candle_core::Result<_> {
                Ok(if fold {
                    (folded(weight, &bias)?, None)
                } else {
                    (weight, Some(bias))
                })
            };
            let (qkv, qkv_bias) = place((qkv, qkv_bias))?;
            let (attn_out, attn_out_bias) = place((attn_out, attn_out_bias))?;
            let (up, up_bias) = place((up, up_bias))?;
            let (down, down_bias) = place((down, down_bias))?;
            layers.push(Layer {
                qkv,
                qkv_bias,
                attn_out,
                attn_norm: add_norm(attn_out_bias, &attn_norm, hidden, c.layer_norm_eps)?,
                up,
                up_bias,
                down,
                out_norm: add_norm(
                    down_bias,
                    &layer_norms.pp("output.LayerNorm"),
                    hidden,
                    c.layer_norm_eps,
                )?,
            });
        }
        let relative = match model.architecture {
            Architecture::Mpnet => Some(norms.get(
                (c.relative_attention_num_buckets, c.num_attention_heads),
                "encoder.relative_attention_bias.weight",
            )?),
            Architecture::Bert => None,
        };
        Ok(Encoder {
            architecture: model.architecture,
            word,
            position,
            token_type,
            embed_norm,
            layers,
            relative,
            heads: c.num_attention_heads,
            head_dim: hidden / c.num_attention_heads,
            pad_id: c.pad_token_id,
            pooling: model.pooling,
            normalize: model.normalize,
            fold_bias: fold,
            dtype,
            device: device.clone(),
            fused: None,
        })
    }
}
