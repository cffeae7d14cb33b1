//! The encoder's fused path for GPUs: the whole forward pass as a short list of calls (cuBLASLt
//! projections with their bias and GELU in the epilogue, attention GEMMs that read q, k and v
//! straight out of the QKV projection and write the context straight back, one kernel for
//! scale + relative bias + padding mask + softmax, one for residual + LayerNorm, one for
//! embeddings + LayerNorm, one for pooling + normalisation), on buffers the path owns.
//!
//! Why: on an H100 candle's generic ops made 80–90% of MPNet's GPU time element-wise kernels
//! (broadcast adds with index arithmetic per element, head split/merge copies, a three-pass
//! softmax in bf16, casts around LayerNorm) and only 10% GEMMs (specs/embed-gpu.md).
//!
//! The pass is written once, in [`forward`], against the [`Kernels`] trait. [`reference`] runs
//! it on the CPU with kernels written to follow the CUDA ones, so the orchestration (offsets,
//! strides, the table, masks) is tested without a GPU against the generic candle path;
//! `cuda` runs it on the GPU. The generic path stays selectable at run time
//! (`embed --kernels generic`): it is the oracle on the GPU and the A/B baseline.

pub mod plan;
pub mod reference;

#[cfg(feature = "cuda")]
pub mod cuda;

#[cfg(test)]
mod tests;

use candle_core::{Result, Tensor};

use super::encoder::Pending;
use super::model::{Architecture, Pooling};

/// What follows a projection's bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    None,
    /// GELU, tanh form: what cuBLASLt's epilogue computes (within 4.7e-4 of the exact form).
    GeluTanh,
    /// GELU, erf form (BERT's and MPNet's own): a separate pass after the GEMM.
    GeluErf,
}

/// The pooled output: which token rows, how combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    pub rows: usize,
    pub len: usize,
    pub width: usize,
    pub pooling: Pooling,
    pub normalize: bool,
}

/// The operations of the pass. `Half` holds activations and weights in the model's dtype
/// (bf16/f16 on the GPU), `Float` holds f32 (LayerNorm weights, the relative table), `Ids` u32.
/// Shapes are row-major and contiguous unless a [`plan::Gemm`] says otherwise.
pub trait Kernels {
    type Half;
    type Float;
    type Ids;
    /// Host memory one batch's copies to and from the device go through; it goes with the batch
    /// from [`Kernels::upload`] to the [`Pending`] that [`Kernels::pool`] returns.
    type Staging;

    /// A buffer of `len` elements whose contents are unspecified: every caller writes before it
    /// reads.
    fn scratch(&self, len: usize) -> Result<Self::Half>;
    fn ids(&self, host: &[u32]) -> Result<Self::Ids>;
    fn floats(&self, host: &[f32]) -> Result<Self::Float>;
    /// One batch's inputs on the device, and the staging its pooled vectors come back through.
    /// Unlike [`Kernels::ids`], nothing here waits for earlier batches' work on the device.
    fn upload(&self, inputs: &Inputs<'_>) -> Result<(Uploaded<Self>, Self::Staging)>;
    /// A weight, in the model's dtype.
    fn half_weight(&self, t: &Tensor) -> Result<Self::Half>;
    /// A weight, in f32.
    fn float_weight(&self, t: &Tensor) -> Result<Self::Float>;

    /// `out = act(op(A)·op(B) + bias)` for a [`plan::linear`] GEMM, `A` the weight, `B` the
    /// activations, the bias along `m`.
    fn linear(
        &self,
        g: &plan::Gemm,
        weight: &Self::Half,
        x: &Self::Half,
        bias: &Self::Half,
        act: Act,
        out: &mut Self::Half,
    ) -> Result<()>;

    /// A strided-batched GEMM, `beta = 0`.
    fn gemm(
        &self,
        g: &plan::Gemm,
        a: &Self::Half,
        b: &Self::Half,
        c: &mut Self::Half,
    ) -> Result<()>;

    /// In place over the `[rows, heads, len, pitch]` scores: add the relative bias (when there
    /// is a table), mask keys at or past each row's length, softmax in f32; query rows at or past
    /// the length become zeros, so the context GEMM never reads a NaN.
    fn softmax(
        &self,
        shape: &plan::Attention,
        scores: &mut Self::Half,
        table: Option<&Self::Float>,
        lengths: &Self::Ids,
    ) -> Result<()>;

    /// `out = LayerNorm(x + residual)` over rows of `width`, statistics in f32.
    fn add_norm(
        &self,
        width: usize,
        x: &Self::Half,
        residual: &Self::Half,
        norm: &Norm<Self::Float>,
        out: &mut Self::Half,
    ) -> Result<()>;

    /// `out[t] = LayerNorm(word[ids[t]] + position[positions[t]] (+ token_type))`.
    #[allow(clippy::too_many_arguments)]
    fn embed_norm(
        &self,
        width: usize,
        ids: &Self::Ids,
        positions: &Self::Ids,
        tables: &Embeddings<Self::Half>,
        norm: &Norm<Self::Float>,
        out: &mut Self::Half,
    ) -> Result<()>;

    /// Pooled (and optionally L2-normalised) vectors of `[rows, len, width]` token states, in
    /// f32, one per row, on their way back to the host through `staging`.
    fn pool(
        &self,
        shape: &Pool,
        x: &Self::Half,
        lengths: &Self::Ids,
        staging: Self::Staging,
    ) -> Result<Box<dyn Pending>>;
}

/// One batch's inputs on the host.
pub struct Inputs<'a> {
    pub ids: &'a [u32],
    pub positions: &'a [u32],
    pub lengths: &'a [u32],
    /// The relative-position table (MPNet).
    pub table: Option<&'a [f32]>,
    /// Floats the pooled vectors take on their way back.
    pub pooled: usize,
}

/// The same inputs on the device.
pub struct Uploaded<K: Kernels + ?Sized> {
    pub ids: K::Ids,
    pub positions: K::Ids,
    pub lengths: K::Ids,
    pub table: Option<K::Float>,
}

pub struct Norm<F> {
    pub weight: F,
    pub bias: F,
    pub eps: f32,
}

pub struct Embeddings<H> {
    pub word: H,
    pub vocab: usize,
    pub position: H,
    pub positions: usize,
    /// BERT's token-type-0 row, added to every token.
    pub token_type: Option<H>,
}

pub struct Layer<H, F> {
    pub qkv: H,
    pub qkv_bias: H,
    pub attn_out: H,
    pub attn_out_bias: H,
    pub attn_norm: Norm<F>,
    pub up: H,
    pub up_bias: H,
    pub down: H,
    pub down_bias: H,
    pub out_norm: Norm<F>,
}

/// An encoder's weights on a [`Kernels`] implementation, and its shape.
pub struct Weights<H, F> {
    pub architecture: Architecture,
    pub embeddings: Embeddings<H>,
    pub embed_norm: Norm<F>,
    pub layers: Vec<Layer<H, F>>,
    /// MPNet's `[buckets, heads]` relative-position table, on the host (f32).
    pub relative: Option<Vec<f32>>,
    pub hidden: usize,
    pub heads: usize,
    pub intermediate: usize,
    pub pad_id: u32,
    pub pooling: Pooling,
    pub normalize: bool,
    pub gelu: Act,
}

/// Longest sequence the softmax kernel holds in registers (16 keys per lane).
pub const MAX_LEN: usize = 512;
/// Widest row the LayerNorm kernels hold in registers (32 values per lane).
pub const MAX_WIDTH: usize = 1024;

/// Whether a model fits the kernels' register budgets; otherwise the generic path runs it.
pub fn supports(hidden: usize, intermediate: usize, max_len: usize) -> bool {
    hidden <= MAX_WIDTH && hidden % 8 == 0 && intermediate % 8 == 0 && max_len <= MAX_LEN
}

/// The forward pass of one batch of token-id sequences, queued on the device; its [`Pending`]
/// gives one vector per sequence, in order.
pub fn forward<K: Kernels>(
    k: &K,
    w: &Weights<K::Half, K::Float>,
    batch: &[&[u32]],
) -> Result<Box<dyn Pending>> {
    let rows = batch.len();
    let len = batch.iter().map(|s| s.len()).max().unwrap_or(0);
    if rows == 0 || len == 0 {
        return Ok(Box::new(vec![Vec::new(); rows]));
    }
    if len > MAX_LEN {
        candle_core::bail!("fused encoder: sequences of {len} tokens exceed {MAX_LEN}");
    }
    let hidden = w.hidden;
    let tokens = rows * len;
    let mut ids = Vec::with_capacity(tokens);
    let mut positions = Vec::with_capacity(tokens);
    let mut lengths = Vec::with_capacity(rows);
    for seq in batch {
        if let Some(&id) = seq.iter().find(|&&id| id as usize >= w.embeddings.vocab) {
            candle_core::bail!("token id {id} is outside the model's vocabulary");
        }
        ids.extend_from_slice(seq);
        ids.extend(std::iter::repeat_n(w.pad_id, len - seq.len()));
        lengths.push(seq.len() as u32);
        match w.architecture {
            Architecture::Bert => positions.extend(0..len as u32),
            // Real tokens (a prefix of each row) take positions pad+1, pad+2, ...; pads take pad.
            Architecture::Mpnet => positions.extend((0..len as u32).map(|i| {
                if (i as usize) < seq.len() {
                    w.pad_id + 1 + i
                } else {
                    w.pad_id
                }
            })),
        }
    }
    if let Some(&p) = positions.iter().max() {
        if p as usize >= w.embeddings.positions {
            candle_core::bail!("position {p} is outside the model's position table");
        }
    }
    let table = w
        .relative
        .as_ref()
        .map(|relative| plan::relative_table(relative, w.heads, len));
    let (inputs, staging) = k.upload(&Inputs {
        ids: &ids,
        positions: &positions,
        lengths: &lengths,
        table: table.as_deref(),
        pooled: rows * hidden,
    })?;
    let Uploaded {
        ids,
        positions,
        lengths,
        table,
    } = inputs;
    let attention = plan::Attention {
        rows,
        len,
        heads: w.heads,
        head_dim: hidden / w.heads,
    };
    let alpha = 1.0 / (attention.head_dim as f32).sqrt();

    let mut x = k.scratch(tokens * hidden)?;
    k.embed_norm(
        hidden,
        &ids,
        &positions,
        &w.embeddings,
        &w.embed_norm,
        &mut x,
    )?;
    let mut qkv = k.scratch(tokens * 3 * hidden)?;
    let mut scores = k.scratch(attention.scores_len())?;
    let mut context = k.scratch(tokens * hidden)?;
    let mut projected = k.scratch(tokens * hidden)?;
    let mut h = k.scratch(tokens * hidden)?;
    let mut up = k.scratch(tokens * w.intermediate)?;
    for layer in &w.layers {
        let g = plan::linear(tokens, hidden, 3 * hidden);
        k.linear(&g, &layer.qkv, &x, &layer.qkv_bias, Act::None, &mut qkv)?;
        for head in 0..w.heads {
            k.gemm(&attention.scores(head, alpha), &qkv, &qkv, &mut scores)?;
        }
        k.softmax(&attention, &mut scores, table.as_ref(), &lengths)?;
        for head in 0..w.heads {
            k.gemm(&attention.context(head), &qkv, &scores, &mut context)?;
        }
        let g = plan::linear(tokens, hidden, hidden);
        k.linear(
            &g,
            &layer.attn_out,
            &context,
            &layer.attn_out_bias,
            Act::None,
            &mut projected,
        )?;
        k.add_norm(hidden, &projected, &x, &layer.attn_norm, &mut h)?;
        let g = plan::linear(tokens, hidden, w.intermediate);
        k.linear(&g, &layer.up, &h, &layer.up_bias, w.gelu, &mut up)?;
        let g = plan::linear(tokens, w.intermediate, hidden);
        k.linear(
            &g,
            &layer.down,
            &up,
            &layer.down_bias,
            Act::None,
            &mut projected,
        )?;
        k.add_norm(hidden, &projected, &h, &layer.out_norm, &mut x)?;
    }
    let pool = Pool {
        rows,
        len,
        width: hidden,
        pooling: w.pooling,
        normalize: w.normalize,
    };
    k.pool(&pool, &x, &lengths, staging)
}

/// A [`Kernels`] implementation bound to an encoder's weights.
pub struct Bound<K: Kernels> {
    pub kernels: K,
    pub weights: Weights<K::Half, K::Float>,
}

/// What the encoder calls, whatever the kernels' types.
pub trait Forward: Send + Sync {
    /// Queues a batch's forward pass (see [`forward`]).
    fn submit(&self, batch: &[&[u32]]) -> Result<Box<dyn Pending>>;
}

impl<K> Forward for Bound<K>
where
    K: Kernels + Send + Sync,
    K::Half: Send + Sync,
    K::Float: Send + Sync,
{
    fn submit(&self, batch: &[&[u32]]) -> Result<Box<dyn Pending>> {
        forward(&self.kernels, &self.weights, batch)
    }
}

/// Which kernels the encoder runs on a GPU (`embed --kernels`, or `LAKEOPS_EMBED_KERNELS`):
/// the fused path with cuBLASLt's tanh GELU (the default), the fused path with the exact GELU in
/// its own pass, or candle's generic ops (the oracle on the GPU and the A/B baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Generic,
    Fused(Act),
}
