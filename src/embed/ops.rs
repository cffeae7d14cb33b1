//! The encoder's element-wise steps, each one function with a fused, multi-threaded CPU kernel and
//! a composition of candle ops for every other device (CUDA).
//!
//! Why: on the CPU, candle runs element-wise ops one at a time on one thread, and for a BERT-sized
//! encoder they took as long as the matrix multiplies (bias adds, residual adds, GELU, the
//! attention mask, head split/merge copies). Fusing them into single passes over rows, split over
//! all cores, halves the CPU time. The generic path is the reference: tests check each kernel
//! against it.

use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

fn contiguous<'a>(storage: &'a CpuStorage, layout: &Layout, what: &str) -> Result<&'a [f32]> {
    let CpuStorage::F32(data) = storage else {
        candle_core::bail!("{what}: the fused CPU kernels take f32");
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("{what}: the fused CPU kernels take contiguous tensors");
    };
    Ok(&data[start..end])
}

fn fusable(tensors: &[&Tensor]) -> bool {
    tensors
        .iter()
        .all(|t| t.device().is_cpu() && t.dtype() == DType::F32)
}

/// `gelu_erf(x + bias)` over the last dimension (`gelu_erf(x)` when the bias was folded into the
/// projection).
pub fn bias_gelu(x: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    match bias {
        Some(bias) if fusable(&[x, bias]) => {
            let bias = bias.to_vec1::<f32>()?;
            x.contiguous()?.apply_op1_no_bwd(&BiasGelu(bias))
        }
        _ => bias_gelu_generic(x, bias),
    }
}

fn bias_gelu_generic(x: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    match bias {
        Some(bias) => x.broadcast_add(bias)?.gelu_erf(),
        None => x.gelu_erf(),
    }
}

struct BiasGelu(Vec<f32>);

impl CustomOp1 for BiasGelu {
    fn name(&self) -> &'static str {
        "bias-gelu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let x = contiguous(storage, layout, self.name())?;
        let width = self.0.len();
        let mut out = vec![0f32; x.len()];
        out.par_chunks_mut(width)
            .zip(x.par_chunks(width))
            .for_each(|(out, x)| {
                for ((o, &v), &b) in out.iter_mut().zip(x).zip(&self.0) {
                    let v = v + b;
                    *o = 0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2));
                }
            });
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }
}

/// erf within 1.5e-7 (Abramowitz & Stegun 7.1.26; 6e-7 absolute after f32 rounding), the approximation oneDNN's GELU uses
/// under PyTorch on the CPU; branch-free, three times faster than libm's correctly rounded erff.
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = ((((1.061_405_4 * t - 1.453_152_1) * t + 1.421_413_8) * t - 0.284_496_74) * t
        + 0.254_829_6)
        * t;
    (1.0 - poly * exp(-a * a)).copysign(x)
}

/// e^x with a relative error under 4e-7, written without calls or branches so that the loops
/// using it (softmax, GELU) vectorise; libm's `expf` is a call per element. Below -87.3 (where
/// f32 underflows) it returns 0, as `expf` does for masked scores.
fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so that n·ln2 is exact in the high part.
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding then subtracting 1.5·2^23 rounds to the nearest integer with plain adds.
    const ROUND: f32 = 12_582_912.0;
    let clamped = x.clamp(-87.3, 88.3);
    let n = (clamped * LOG2E + ROUND) - ROUND;
    let r = clamped - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    if x < -87.3 {
        0.0
    } else {
        p * scale
    }
}

/// The post-LN residual block: `LayerNorm(x + bias + residual)`, statistics in f32. No bias when
/// it was folded into the projection.
pub struct AddNorm {
    pub bias: Option<Tensor>,
    pub weight: Tensor,
    pub beta: Tensor,
    pub eps: f32,
}

impl AddNorm {
    pub fn forward(&self, x: &Tensor, residual: &Tensor) -> Result<Tensor> {
        let bias = match &self.bias {
            Some(bias) if fusable(&[x, residual, bias, &self.weight, &self.beta]) => bias,
            _ => return self.forward_generic(x, residual),
        };
        let op = AddNormOp {
            bias: bias.to_vec1()?,
            weight: self.weight.to_vec1()?,
            beta: self.beta.to_vec1()?,
            eps: self.eps,
        };
        x.contiguous()?
            .apply_op2_no_bwd(&residual.contiguous()?, &op)
    }

    fn forward_generic(&self, x: &Tensor, residual: &Tensor) -> Result<Tensor> {
        let sum = match &self.bias {
            Some(bias) => (x.broadcast_add(bias)? + residual)?,
            None => (x + residual)?,
        };
        layer_norm(&sum, &self.weight, &self.beta, self.eps)
    }
}

/// LayerNorm with its statistics in the weights' dtype (f32, as the encoder loads them), the
/// result back in the input's dtype.
pub fn layer_norm(x: &Tensor, weight: &Tensor, beta: &Tensor, eps: f32) -> Result<Tensor> {
    candle_nn::ops::layer_norm(&x.to_dtype(weight.dtype())?, weight, beta, eps)?.to_dtype(x.dtype())
}

struct AddNormOp {
    bias: Vec<f32>,
    weight: Vec<f32>,
    beta: Vec<f32>,
    eps: f32,
}

impl CustomOp2 for AddNormOp {
    fn name(&self) -> &'static str {
        "add-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let x = contiguous(s1, l1, self.name())?;
        let residual = contiguous(s2, l2, self.name())?;
        if x.len() != residual.len() {
            candle_core::bail!("add-norm: shapes differ");
        }
        let width = self.bias.len();
        let mut out = vec![0f32; x.len()];
        out.par_chunks_mut(width)
            .zip(x.par_chunks(width).zip(residual.par_chunks(width)))
            .for_each(|(out, (x, r))| {
                for ((o, (&x, &r)), &b) in out.iter_mut().zip(x.iter().zip(r)).zip(&self.bias) {
                    *o = x + b + r;
                }
                let mean = lanes(out, 0.0, add, add) / width as f32;
                let var = lanes(out, 0.0, |a, v| a + (v - mean) * (v - mean), add) / width as f32;
                let inv = 1.0 / (var + self.eps).sqrt();
                for ((o, &w), &b) in out.iter_mut().zip(&self.weight).zip(&self.beta) {
                    *o = (*o - mean) * inv * w + b;
                }
            });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

/// q, k and v, each `[B, H, L, D]`: packed in one `[3, B, H, L, D]` tensor by the CPU kernel.
pub enum Heads {
    Packed(Tensor),
    Separate(Tensor, Tensor, Tensor),
}

impl Heads {
    fn separate(&self) -> Result<(Tensor, Tensor, Tensor)> {
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

fn split_heads_generic(
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

fn attention_generic(
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

/// A reduction over eight interleaved partial results (`step` folds a value into a partial,
/// `combine` joins partials).
fn lanes(
    values: &[f32],
    init: f32,
    step: impl Fn(f32, f32) -> f32,
    combine: impl Fn(f32, f32) -> f32,
) -> f32 {
    let mut acc = [init; 8];
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a = step(*a, v);
        }
    }
    let partial = tail.iter().fold(init, |a, &v| step(a, v));
    acc.into_iter().fold(partial, combine)
}

fn max(a: f32, b: f32) -> f32 {
    if b > a {
        b
    } else {
        a
    }
}

fn add(a: f32, b: f32) -> f32 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn random(shape: &[usize], seed: u64) -> Tensor {
        // A small deterministic generator: the kernels are compared with the generic path.
        let n: usize = shape.iter().product();
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let values: Vec<f32> = (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 33) as f32 / (1u64 << 31) as f32) * 4.0 - 2.0
            })
            .collect();
        Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        assert_eq!(a.dims(), b.dims());
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar()
            .unwrap()
    }

    #[test]
    fn exp_is_within_4e7_relative_of_libm() {
        for i in -873_000..=880_000 {
            let x = i as f32 / 10_000.0;
            let want = x.exp();
            let rel = ((exp(x) - want) / want).abs();
            assert!(rel <= 4e-7, "exp({x}): relative error {rel}");
        }
        assert_eq!(exp(-1e9), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn erf_is_within_6e7_of_libm() {
        for i in -60_000..=60_000 {
            let x = i as f32 / 10_000.0;
            let err = (erf(x) - candle_core::cpu::erf::erf_f32(x)).abs();
            assert!(err <= 6e-7, "erf({x}): off by {err}");
        }
    }

    #[test]
    fn bias_gelu_matches_candle() {
        let x = random(&[2, 5, 16], 1);
        let bias = random(&[16], 2);
        let fused = bias_gelu(&x, Some(&bias)).unwrap();
        let reference = bias_gelu_generic(&x, Some(&bias)).unwrap();
        assert!(max_diff(&fused, &reference) < 1e-5);
    }

    #[test]
    fn add_norm_matches_candle() {
        let x = random(&[2, 5, 16], 3);
        let residual = random(&[2, 5, 16], 4);
        let norm = AddNorm {
            bias: Some(random(&[16], 5)),
            weight: random(&[16], 6),
            beta: random(&[16], 7),
            eps: 1e-5,
        };
        let fused = norm.forward(&x, &residual).unwrap();
        let reference = norm.forward_generic(&x, &residual).unwrap();
        assert!(max_diff(&fused, &reference) < 1e-4);
    }

    #[test]
    fn split_heads_matches_candle() {
        let qkv = random(&[2, 7, 3 * 4 * 8], 8);
        let bias = random(&[3 * 4 * 8], 9);
        let stack = |heads: Heads| {
            let (q, k, v) = heads.separate().unwrap();
            Tensor::stack(&[q, k, v], 0).unwrap()
        };
        let fused = stack(split_heads(&qkv, Some(&bias), 4, 0.125).unwrap());
        assert_eq!(fused.dims(), &[3, 2, 4, 7, 8]);
        let reference = stack(split_heads_generic(&qkv, Some(&bias), 4, 0.125).unwrap());
        assert!(max_diff(&fused, &reference) < 1e-6);
    }

    #[test]
    fn attention_matches_candle_for_both_bias_shapes() {
        let qkv = random(&[2, 5, 3 * 3 * 4], 10);
        let heads = split_heads(&qkv, Some(&random(&[36], 11)), 3, 0.5).unwrap();
        for bias in [random(&[2, 1, 1, 5], 12), random(&[2, 3, 5, 5], 13)] {
            let fused = attention(&heads, &bias, DType::F32).unwrap();
            assert_eq!(fused.dims(), &[10, 12]);
            let (q, k, v) = heads.separate().unwrap();
            let reference = attention_generic(&q, &k, &v, &bias, DType::F32).unwrap();
            assert!(max_diff(&fused, &reference) < 1e-5);
        }
    }
}
