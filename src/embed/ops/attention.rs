//! Attention on split heads: q/k/v split out of the QKV projection, then `softmax(q·kᵀ + bias)·v`
//! per head with the heads merged back, fused into one pass per head on the CPU.

use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::{add, contiguous, exp, fusable, lanes, max};

/// q, k and v, each `[B, H, L, D]`: packed in one `[3, B, H, L, D]` tensor by the CPU kernel.
pub enum Heads {
    Packed(Tensor),
    Separate(Tensor, Tensor, Tensor),
}

impl Heads {
    pub(super) fn separate(&self) -> Result<(Tensor, Tensor, Tensor)> {
        Ok(match self {
            Heads::Packed(t) => (t.get(0)?, t.get(1)?, t.get(2)?),
            Heads::Separate(q, k, v) => (q.clone(), k.clone(), v.clone()),
        })
    }
}

/// `[B, L, 3·H·D]` fused projections (+ bias) to q, k and v, contiguous per head for the
/// attention GEMMs, q scaled by `scale`.
pub fn split_heads(qkv: &Tensor, bias: Option<&Tensor>, heads: usize, scale: f64) -> Result<Heads> {
    let bias = match bias {
        Some(bias) if fusable(&[qkv, bias]) => bias,
        _ => return split_heads_generic(qkv, bias, heads, scale),
    };
    let (rows, len, width) = qkv.dims3()?;
    let head_dim = width / 3 / heads;
    let op = SplitHeads {
        bias: bias.to_vec1()?,
        rows,
        len,
        heads,
        head_dim,
        scale: scale as f32,
    };
    Ok(Heads::Packed(qkv.contiguous()?.apply_op1_no_bwd(&op)?))
}

pub(super) fn split_heads_generic(
    qkv: &Tensor,
    bias: Option<&Tensor>,
    heads: usize,
    scale: f64,
) -> Result<Heads> {
    let (rows, len, width) = qkv.dims3()?;
    let qkv = match bias {
        Some(bias) => qkv.broadcast_add(bias)?,
        None => qkv.clone(),
    };
    let split = qkv
        .reshape((rows, len, 3, heads, width / 3 / heads))?
        .permute((2, 0, 3, 1, 4))?
        .contiguous()?;
    Ok(Heads::Separate(
        (split.get(0)? * scale)?,
        split.get(1)?,
        split.get(2)?,
    ))
}

struct SplitHeads {
    bias: Vec<f32>,
    rows: usize,
    len: usize,
    heads: usize,
    head_dim: usize,
    scale: f32,
}

impl CustomOp1 for SplitHeads {
    fn name(&self) -> &'static str {
        "split-heads"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let src = contiguous(storage, layout, self.name())?;
        let (rows, len, heads, dim) = (self.rows, self.len, self.heads, self.head_dim);
        let hidden = heads * dim;
        let mut out = vec![0f32; src.len()];
        // One output block per (part, row, head): L × D values gathered from L source rows.
        out.par_chunks_mut(len * dim)
            .enumerate()
            .for_each(|(block, out)| {
                let part = block / (rows * heads);
                let row = block / heads % rows;
                let head = block % heads;
                let column = part * hidden + head * dim;
                let scale = if part == 0 { self.scale } else { 1.0 };
                let bias = &self.bias[column..column + dim];
                for (t, out) in out.chunks_mut(dim).enumerate() {
                    let at = (row * len + t) * 3 * hidden + column;
                    for ((o, &v), &b) in out.iter_mut().zip(&src[at..at + dim]).zip(bias) {
                        *o = (v + b) * scale;
                    }
                }
            });
        Ok((
            CpuStorage::F32(out),
            Shape::from_dims(&[3, rows, heads, len, dim]),
        ))
    }
}

/// The dtype the attention bias is built in, and so the scores' storage dtype. On the CPU it is
/// f32: the fused kernel wants it, and candle's CPU softmax would also sum in f16. On a GPU it is
/// the model dtype, as in PyTorch: the [B, H, L, L] scores are the largest tensors of the forward
/// pass, and holding them in f32 cost three extra passes over them per layer (two casts and a
/// wider add), which measured 0.78× sentence-transformers on an H100; candle's CUDA softmax
/// accumulates in f32 whatever the storage.
pub fn attention_bias_dtype(device: &candle_core::Device, dtype: DType) -> DType {
    if device.is_cpu() {
        DType::F32
    } else {
        dtype
    }
}

/// Self-attention over split heads: `softmax(q·kᵀ + bias)·v` per head, heads merged back to
/// `[B·L, H·D]` in `dtype`. `bias` broadcasts over heads and queries: `[B, 1, 1, L]` or
/// `[B, H, L, L]`; the scores are stored in its dtype (see [`attention_bias_dtype`]) and softmax
/// always accumulates in f32.
pub fn attention(heads: &Heads, bias: &Tensor, dtype: DType) -> Result<Tensor> {
    let packed = match heads {
        Heads::Packed(packed) if fusable(&[packed, bias]) => packed,
        _ => {
            let (q, k, v) = heads.separate()?;
            return attention_generic(&q, &k, &v, bias, dtype);
        }
    };
    let (_, rows, heads, len, dim) = packed.dims5()?;
    let (bias_rows, bias_heads, bias_len, bias_keys) = bias.dims4()?;
    if bias_rows != rows
        || bias_keys != len
        || (bias_heads != 1 && bias_heads != heads)
        || (bias_len != 1 && bias_len != len)
    {
        candle_core::bail!(
            "attention: bias {:?} does not broadcast to [{rows}, {heads}, {len}, {len}]",
            bias.dims()
        );
    }
    let op = Attention {
        rows,
        heads,
        len,
        dim,
        bias_heads,
        bias_len,
    };
    packed.apply_op2_no_bwd(&bias.contiguous()?, &op)
}

pub(super) fn attention_generic(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    bias: &Tensor,
    dtype: DType,
) -> Result<Tensor> {
    let (rows, heads, len, dim) = q.dims4()?;
    let scores = q.matmul(&k.t()?)?.to_dtype(bias.dtype())?;
    candle_nn::ops::softmax_last_dim(&scores.broadcast_add(bias)?)?
        .to_dtype(dtype)?
        .matmul(v)?
        .transpose(1, 2)?
        .reshape((rows * len, heads * dim))
}

struct Attention {
    rows: usize,
    heads: usize,
    len: usize,
    dim: usize,
    bias_heads: usize,
    bias_len: usize,
}

/// `dst = lhs · rhs` for row-major blocks given by their row and column strides, on this thread.
#[allow(clippy::too_many_arguments)]
fn gemm_into(
    (m, n, k): (usize, usize, usize),
    dst: &mut [f32],
    dst_row: usize,
    lhs: &[f32],
    (lhs_row, lhs_col): (usize, usize),
    rhs: &[f32],
    (rhs_row, rhs_col): (usize, usize),
) {
    let last = |rows: usize, cols: usize, rs: usize, cs: usize| (rows - 1) * rs + (cols - 1) * cs;
    assert!(m > 0 && n > 0 && k > 0);
    assert!(last(m, n, dst_row, 1) < dst.len());
    assert!(last(m, k, lhs_row, lhs_col) < lhs.len());
    assert!(last(k, n, rhs_row, rhs_col) < rhs.len());
    // SAFETY: the asserts above keep every element gemm reads or writes inside the slices, and
    // `dst` is a unique borrow that does not overlap the shared inputs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            dst_row as isize,
            false,
            lhs.as_ptr(),
            lhs_col as isize,
            lhs_row as isize,
            rhs.as_ptr(),
            rhs_col as isize,
            rhs_row as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

impl CustomOp2 for Attention {
    fn name(&self) -> &'static str {
        "attention"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let qkv = contiguous(s1, l1, self.name())?;
        let bias = contiguous(s2, l2, self.name())?;
        let (rows, heads, len, dim) = (self.rows, self.heads, self.len, self.dim);
        let block = len * dim;
        let part = rows * heads * block;
        // One task per (row, head), spread over all cores; each task's GEMMs stay on its thread,
        // where candle would run hundreds of tiny GEMMs one after another.
        let mut context = vec![0f32; part];
        context
            .par_chunks_mut(block)
            .enumerate()
            .for_each(|(task, out)| {
                let (row, head) = (task / heads, task % heads);
                let q = &qkv[task * block..(task + 1) * block];
                let k = &qkv[part + task * block..part + (task + 1) * block];
                let v = &qkv[2 * part + task * block..2 * part + (task + 1) * block];
                let mut scores = vec![0f32; len * len];
                gemm_into((len, len, dim), &mut scores, len, q, (dim, 1), k, (1, dim));
                let b_head = if self.bias_heads == 1 { 0 } else { head };
                for (query, scores) in scores.chunks_mut(len).enumerate() {
                    let b_query = if self.bias_len == 1 { 0 } else { query };
                    let at = ((row * self.bias_heads + b_head) * self.bias_len + b_query) * len;
                    softmax_row(scores, &bias[at..at + len]);
                }
                gemm_into((len, dim, len), out, dim, &scores, (len, 1), v, (dim, 1));
            });
        // Heads back side by side: [B, H, L, D] -> [B·L, H·D].
        let hidden = heads * dim;
        let mut merged = vec![0f32; part];
        merged
            .par_chunks_mut(hidden)
            .enumerate()
            .for_each(|(token, out)| {
                let (row, t) = (token / len, token % len);
                for (head, out) in out.chunks_mut(dim).enumerate() {
                    let at = ((row * heads + head) * len + t) * dim;
                    out.copy_from_slice(&context[at..at + dim]);
                }
            });
        Ok((
            CpuStorage::F32(merged),
            Shape::from_dims(&[rows * len, hidden]),
        ))
    }
}

/// `softmax(scores + bias)` in place. Each pass is a plain loop the compiler vectorises; the
/// reductions use eight partial lanes because a single running max or sum would not vectorise.
fn softmax_row(scores: &mut [f32], bias: &[f32]) {
    for (s, &b) in scores.iter_mut().zip(bias) {
        *s += b;
    }
    let top = lanes(scores, f32::NEG_INFINITY, max, max);
    for s in scores.iter_mut() {
        *s = exp(*s - top);
    }
    let inv = 1.0 / lanes(scores, 0.0, add, add);
    for s in scores.iter_mut() {
        *s *= inv;
    }
}
