//! Stage 4: the transformer encoder (BERT and MPNet), pooling and normalisation, on candle.
//!
//! One encoder serves both architectures: they differ only in their embeddings (BERT: absolute
//! positions and a token type; MPNet: positions offset past the padding index) and in the
//! additive attention bias (BERT: the padding mask; MPNet: the padding mask plus a bucketed
//! relative-position bias). That bias is built once per batch, in f32, and shared by every layer;
//! GEMMs run in the model dtype while LayerNorm, softmax and pooling run in f32, so bf16/f16 keep
//! sentence-transformers' accuracy and a padding mask can never turn into NaN.
//!
//! Stages, one file each: `weights` (the safetensors layout of both architectures, folded or
//! separate biases), `position` (MPNet's relative-position buckets) and `fused_weights` (the same
//! weights handed to the fused GPU kernels); this file holds the forward pass.

// Read by the GPU build's fused path (`fused::cuda`), the tests and the kernel check.
#[cfg_attr(not(feature = "cuda"), allow(dead_code))]
mod fused_weights;
mod position;
mod weights;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::Embedding;

use super::fused::{self, Choice};
use super::model::{Architecture, ModelDir, Pooling};
use super::ops;
pub use position::{relative_bucket, relative_buckets};
use weights::{fold_bias, Layer, Norm, BIAS_COLUMNS};

/// What masked keys get added to their scores: finite in the scores' dtype, so that softmax gives
/// exact zeros and never NaN (an `f32::MIN` cast to bf16 is `-inf`; f16 ends at 65504).
fn masked(dtype: DType) -> f64 {
    if dtype == DType::F16 {
        -6e4
    } else {
        -1e9
    }
}

/// A batch's vectors on their way back from the device. On a GPU, [`Encoder::submit`] only
/// queues the work: submitting batch n+1 before waiting for batch n keeps the GPU busy while the
/// host reads n back and hands it on. On the CPU the work is done by the time `submit` returns.
pub trait Pending: Send {
    /// The vectors, one per sequence, in order; waits for the device when it is not done yet.
    fn wait(self: Box<Self>) -> candle_core::Result<Vec<Vec<f32>>>;
}

impl std::fmt::Debug for dyn Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

impl Pending for Vec<Vec<f32>> {
    fn wait(self: Box<Self>) -> candle_core::Result<Vec<Vec<f32>>> {
        Ok(*self)
    }
}

/// The generic path's pooled `[rows, dim]` f32 tensor.
impl Pending for Tensor {
    fn wait(self: Box<Self>) -> candle_core::Result<Vec<Vec<f32>>> {
        self.to_vec2()
    }
}

pub struct Encoder {
    architecture: Architecture,
    word: Embedding,
    position: Tensor,
    /// BERT's token-type-0 row, added to every token.
    token_type: Option<Tensor>,
    embed_norm: Norm,
    layers: Vec<Layer>,
    /// MPNet's [buckets, heads] relative-position table (f32).
    relative: Option<Tensor>,
    heads: usize,
    head_dim: usize,
    pad_id: u32,
    pooling: Pooling,
    normalize: bool,
    /// Biases folded into the projection weights (see [`fold_bias`]).
    fold_bias: bool,
    dtype: DType,
    device: Device,
    /// The fused GPU path, when it runs this model (see [`fused`]).
    fused: Option<Box<dyn fused::Forward>>,
}

impl Encoder {
    /// `choice`: the kernels for a GPU in bf16/f16; anything else runs the generic path.
    pub fn load(
        model: &ModelDir,
        dtype: DType,
        device: &Device,
        choice: Choice,
    ) -> candle_core::Result<Encoder> {
        let c = &model.config;
        let fused_act = match choice {
            Choice::Fused(act)
                if !device.is_cpu()
                    && matches!(dtype, DType::BF16 | DType::F16)
                    && fused::supports(
                        c.hidden_size,
                        c.intermediate_size,
                        model.max_seq_length,
                    ) =>
            {
                Some(act)
            }
            _ => None,
        };
        let fold = fused_act.is_none() && fold_bias(device, dtype);
        #[allow(unused_mut)]
        let mut encoder = Self::load_with(model, dtype, device, fold)?;
        #[cfg(feature = "cuda")]
        if let Some(act) = fused_act {
            encoder.fused = Some(fused::cuda::bind(&encoder, act)?);
        }
        Ok(encoder)
    }

    /// Which kernels run the forward pass: `fused` or `generic`.
    pub fn kernels(&self) -> &'static str {
        if self.fused.is_some() {
            "fused"
        } else {
            "generic"
        }
    }

    // For the GPU build's fused path (`fused::cuda`).
    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    pub fn device(&self) -> &Device {
        &self.device
    }

    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Embeds a batch of token-id sequences (each already truncated, special tokens included);
    /// returns one vector per sequence, in order. The pipeline submits (see [`Pending`]); this is
    /// for the tests and the GPU check.
    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    pub fn embed(&self, batch: &[&[u32]]) -> candle_core::Result<Vec<Vec<f32>>> {
        self.submit(batch)?.wait()
    }

    /// Queues [`Encoder::embed`]'s work on the device and returns without waiting for it.
    pub fn submit(&self, batch: &[&[u32]]) -> candle_core::Result<Box<dyn Pending>> {
        if let Some(fused) = &self.fused {
            return fused.submit(batch);
        }
        let rows = batch.len();
        let len = batch.iter().map(|s| s.len()).max().unwrap_or(0);
        if rows == 0 || len == 0 {
            return Ok(Box::new(vec![Vec::new(); rows]));
        }
        let mut ids = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        for seq in batch {
            ids.extend_from_slice(seq);
            ids.extend(std::iter::repeat_n(self.pad_id, len - seq.len()));
            mask.extend(std::iter::repeat_n(1f32, seq.len()));
            mask.extend(std::iter::repeat_n(0f32, len - seq.len()));
        }
        let ids = Tensor::from_vec(ids, (rows, len), &self.device)?;
        let mask = Tensor::from_vec(mask, (rows, len), &self.device)?;
        let mut x = self.embeddings(&ids, batch, len)?;
        let bias = self.attention_bias(&mask, len)?;
        let ones = self.bias_inputs(rows * len)?;
        for layer in &self.layers {
            x = self.layer(layer, &x, &bias, ones.as_ref())?;
        }
        let pooled = self.pool(&x.to_dtype(DType::F32)?, &mask)?;
        let pooled = if self.normalize {
            let norm = pooled.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
            pooled.broadcast_div(&norm)?
        } else {
            pooled
        };
        Ok(Box::new(pooled))
    }

    fn embeddings(
        &self,
        ids: &Tensor,
        batch: &[&[u32]],
        len: usize,
    ) -> candle_core::Result<Tensor> {
        let words = self.word.forward(ids)?;
        let x = match self.architecture {
            Architecture::Bert => {
                let positions = self.position.narrow(0, 0, len)?;
                let mut x = words.broadcast_add(&positions)?;
                if let Some(token_type) = &self.token_type {
                    x = x.broadcast_add(token_type)?;
                }
                x
            }
            Architecture::Mpnet => {
                // Real tokens (a prefix of each row) take positions pad+1, pad+2, ...; pads take pad.
                let pad = self.pad_id;
                let positions: Vec<u32> = batch
                    .iter()
                    .flat_map(|seq| {
                        (0..len as u32).map(move |i| {
                            if (i as usize) < seq.len() {
                                pad + 1 + i
                            } else {
                                pad
                            }
                        })
                    })
                    .collect();
                let positions = Tensor::from_vec(positions, (batch.len(), len), &self.device)?;
                let table = Embedding::new(self.position.clone(), self.position.dim(1)?);
                (words + table.forward(&positions)?)?
            }
        };
        self.embed_norm.forward(&x)
    }

    /// The bias every layer adds to its attention scores: [B, 1, 1, L] padding mask for BERT,
    /// [B, H, L, L] padding mask plus relative-position bias for MPNet; summed in f32, stored in
    /// [`ops::attention_bias_dtype`].
    fn attention_bias(&self, mask: &Tensor, len: usize) -> candle_core::Result<Tensor> {
        let (rows, _) = mask.dims2()?;
        let dtype = ops::attention_bias_dtype(&self.device, self.dtype);
        let padding = ((1.0 - mask)? * masked(dtype))?.reshape((rows, 1, 1, len))?;
        let Some(relative) = &self.relative else {
            return padding.to_dtype(dtype);
        };
        let buckets = Tensor::from_vec(relative_buckets(len), len * len, &self.device)?;
        let bias = relative
            .index_select(&buckets, 0)?
            .reshape((len, len, self.heads))?
            .permute((2, 0, 1))?
            .unsqueeze(0)?;
        bias.broadcast_add(&padding)?.to_dtype(dtype)?.contiguous()
    }

    /// With folded biases: the `[tokens, BIAS_COLUMNS]` block appended to every projection's
    /// input, a column of ones and then zeros. Built once per batch.
    fn bias_inputs(&self, tokens: usize) -> candle_core::Result<Option<Tensor>> {
        if !self.fold_bias {
            return Ok(None);
        }
        let ones = Tensor::ones((tokens, 1), self.dtype, &self.device)?;
        let zeros = Tensor::zeros((tokens, BIAS_COLUMNS - 1), self.dtype, &self.device)?;
        Tensor::cat(&[ones, zeros], 1).map(Some)
    }

    fn layer(
        &self,
        layer: &Layer,
        x: &Tensor,
        bias: &Tensor,
        ones: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let project = |x: &Tensor, weight: &Tensor| match ones {
            Some(ones) => Tensor::cat(&[x, ones], 1)?.matmul(&weight.t()?),
            None => x.matmul(&weight.t()?),
        };
        let (rows, len, hidden) = x.dims3()?;
        let tokens = x.reshape((rows * len, hidden))?;
        let qkv = project(&tokens, &layer.qkv)?.reshape((rows, len, 3 * hidden))?;
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let heads = ops::split_heads(&qkv, layer.qkv_bias.as_ref(), self.heads, scale)?;
        let context = ops::attention(&heads, bias, self.dtype)?;
        let h = layer
            .attn_norm
            .forward(&project(&context, &layer.attn_out)?, &tokens)?;
        let u = ops::bias_gelu(&project(&h, &layer.up)?, layer.up_bias.as_ref())?;
        let y = layer.out_norm.forward(&project(&u, &layer.down)?, &h)?;
        y.reshape((rows, len, hidden))
    }

    fn pool(&self, x: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        match self.pooling {
            Pooling::Cls => x.narrow(1, 0, 1)?.squeeze(1),
            Pooling::Mean => {
                let mask = mask.unsqueeze(2)?;
                let sum = x.broadcast_mul(&mask)?.sum(1)?;
                let count = mask.sum(1)?.maximum(1e-9)?;
                sum.broadcast_div(&count)
            }
            Pooling::Max => {
                // Pads get a very negative value so they never win, as sentence-transformers does.
                let mask = mask.unsqueeze(2)?;
                let pad_penalty = ((1.0 - &mask)? * -1e9)?;
                x.broadcast_mul(&mask)?.broadcast_add(&pad_penalty)?.max(1)
            }
        }
    }
}
