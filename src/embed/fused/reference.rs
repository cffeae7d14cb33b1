//! The fused path's kernels on the CPU, in f32, each written to follow its CUDA kernel
//! (`kernels.cu`): the same masking, the same order of statistics (mean, then the variance of
//! the deviations), the same GELU forms. They are the oracle for the CUDA kernels (the GPU
//! check) and, with [`Reference`], run [`super::forward`] without a GPU, so the orchestration is
//! tested against the generic candle path in CI.
//!
//! Not a fast path: plain loops, one thread.

use candle_core::{DType, Result, Tensor};

use super::plan::{Attention, Gemm};
use super::{Act, Embeddings, Inputs, Kernels, Norm, Pool, Uploaded};
use crate::embed::encoder::Pending;
use crate::embed::model::Pooling;

/// A column-major strided-batched GEMM as cuBLAS defines it (`beta = 0`): `C(r, c) =
/// alpha · Σ_l op(A)(r, l) · op(B)(l, c)` for each batch, element `(r, c)` of a matrix with
/// leading dimension `ld` being at `c · ld + r`.
pub fn gemm(g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
    for p in 0..g.batch {
        let (a0, b0, c0) = (
            g.a_offset + p * g.stride_a,
            g.b_offset + p * g.stride_b,
            g.c_offset + p * g.stride_c,
        );
        for col in 0..g.n {
            for row in 0..g.m {
                let mut sum = 0f32;
                for l in 0..g.k {
                    let x = if g.transa {
                        a[a0 + row * g.lda + l]
                    } else {
                        a[a0 + l * g.lda + row]
                    };
                    let y = if g.transb {
                        b[b0 + l * g.ldb + col]
                    } else {
                        b[b0 + col * g.ldb + l]
                    };
                    sum += x * y;
                }
                c[c0 + col * g.ldc + row] = g.alpha * sum;
            }
        }
    }
}

pub fn gelu_tanh(x: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)).tanh())
}

pub fn gelu_erf(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf in f64 (Abramowitz & Stegun 7.1.26 is not exact enough for a reference): the series for
/// small |x|, the continued fraction's complement beyond.
fn erf(x: f32) -> f32 {
    let x = x as f64;
    let a = x.abs();
    let value = if a < 2.5 {
        // Maclaurin series: 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)).
        let mut term = a;
        let mut sum = a;
        let x2 = a * a;
        for n in 1..60 {
            term *= -x2 / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // erfc by Lentz's continued fraction.
        let mut f = a;
        let mut c = a;
        let mut d = 0.0;
        for n in 1..80 {
            let an = n as f64 / 2.0;
            d = a + an * d;
            d = 1.0 / d;
            c = a + an / c;
            f *= c * d;
        }
        1.0 - (-a * a).exp() / (f * std::f64::consts::PI.sqrt())
    };
    value.copysign(x) as f32
}

/// `out = act(W·x + bias)` for a [`super::plan::linear`] GEMM.
pub fn linear(g: &Gemm, weight: &[f32], x: &[f32], bias: &[f32], act: Act, out: &mut [f32]) {
    gemm(g, weight, x, out);
    for col in 0..g.n {
        for (row, &b) in bias.iter().enumerate().take(g.m) {
            let v = &mut out[col * g.ldc + row];
            *v += b;
            *v = match act {
                Act::None => *v,
                Act::GeluTanh => gelu_tanh(*v),
                Act::GeluErf => gelu_erf(*v),
            };
        }
    }
}

/// The softmax kernel: one row per (sequence, head, query).
pub fn softmax(shape: &Attention, scores: &mut [f32], table: Option<&[f32]>, lengths: &[u32]) {
    let (len, pitch) = (shape.len, shape.pitch());
    for (row, values) in scores
        .chunks_mut(pitch)
        .take(shape.rows * shape.heads * len)
        .enumerate()
    {
        let i = row % len;
        let head = row / len % shape.heads;
        let valid = lengths[row / len / shape.heads] as usize;
        let values = &mut values[..len];
        if i >= valid {
            values.fill(0.0);
            continue;
        }
        let bias = |j: usize| table.map_or(0.0, |t| t[head * (2 * len - 1) + i + len - 1 - j]);
        let mut max = f32::NEG_INFINITY;
        for (j, v) in values.iter_mut().enumerate() {
            *v = if j < valid {
                *v + bias(j)
            } else {
                f32::NEG_INFINITY
            };
            max = max.max(*v);
        }
        let mut sum = 0f32;
        for v in values.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        let inv = 1.0 / sum;
        for v in values.iter_mut() {
            *v *= inv;
        }
    }
}

/// LayerNorm of one row in place: mean, then the mean squared deviation (not `E[x²] − E[x]²`).
pub fn layer_norm_row(row: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
    let width = row.len() as f32;
    let mean = row.iter().sum::<f32>() / width;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / width;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, &w), &b) in row.iter_mut().zip(weight).zip(bias) {
        *v = (*v - mean) * inv * w + b;
    }
}

pub fn add_norm(width: usize, x: &[f32], residual: &[f32], norm: &Norm<Vec<f32>>, out: &mut [f32]) {
    for ((out, x), r) in out
        .chunks_mut(width)
        .zip(x.chunks(width))
        .zip(residual.chunks(width))
    {
        for ((o, &x), &r) in out.iter_mut().zip(x).zip(r) {
            *o = x + r;
        }
        layer_norm_row(out, &norm.weight, &norm.bias, norm.eps);
    }
}

pub fn embed_norm(
    width: usize,
    ids: &[u32],
    positions: &[u32],
    tables: &Embeddings<Vec<f32>>,
    norm: &Norm<Vec<f32>>,
    out: &mut [f32],
) {
    for ((out, &id), &position) in out.chunks_mut(width).zip(ids).zip(positions) {
        let word = &tables.word[id as usize * width..][..width];
        let pos = &tables.position[position as usize * width..][..width];
        for (c, o) in out.iter_mut().enumerate() {
            *o = word[c] + pos[c] + tables.token_type.as_ref().map_or(0.0, |t| t[c]);
        }
        layer_norm_row(out, &norm.weight, &norm.bias, norm.eps);
    }
}

pub fn pool(shape: &Pool, x: &[f32], lengths: &[u32]) -> Vec<Vec<f32>> {
    let width = shape.width;
    (0..shape.rows)
        .map(|b| {
            let n = lengths[b] as usize;
            let token = |t: usize| &x[(b * shape.len + t) * width..][..width];
            let mut v: Vec<f32> = match shape.pooling {
                Pooling::Cls => token(0).to_vec(),
                Pooling::Mean => {
                    let mut sum = vec![0f32; width];
                    for t in 0..n {
                        for (s, &x) in sum.iter_mut().zip(token(t)) {
                            *s += x;
                        }
                    }
                    let count = n.max(1) as f32;
                    sum.into_iter().map(|s| s / count).collect()
                }
                Pooling::Max => {
                    let mut max = vec![f32::NEG_INFINITY; width];
                    for t in 0..n {
                        for (m, &x) in max.iter_mut().zip(token(t)) {
                            *m = m.max(x);
                        }
                    }
                    max
                }
            };
            if shape.normalize {
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= norm);
            }
            v
        })
        .collect()
}

/// Deterministic inputs in [-scale, scale) for the kernel checks (CPU tests and the GPU check
/// share them, so a failure on either names the same data).
pub fn sample_values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

/// The cosine of two vectors (0 for a zero vector).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b)).max(1e-30)
}

/// [`Kernels`] on the CPU in f32, for running [`super::forward`] without a GPU.
pub struct Reference;

fn host(t: &Tensor) -> Result<Vec<f32>> {
    t.to_dtype(DType::F32)?.flatten_all()?.to_vec1()
}

impl Kernels for Reference {
    type Half = Vec<f32>;
    type Float = Vec<f32>;
    type Ids = Vec<u32>;
    type Staging = ();

    fn scratch(&self, len: usize) -> Result<Vec<f32>> {
        // NaN, not zeros: a kernel that reads what nobody wrote shows up in the tests.
        Ok(vec![f32::NAN; len])
    }

    fn ids(&self, host: &[u32]) -> Result<Vec<u32>> {
        Ok(host.to_vec())
    }

    fn floats(&self, host: &[f32]) -> Result<Vec<f32>> {
        Ok(host.to_vec())
    }

    fn upload(&self, inputs: &Inputs<'_>) -> Result<(Uploaded<Self>, ())> {
        let uploaded = Uploaded {
            ids: inputs.ids.to_vec(),
            positions: inputs.positions.to_vec(),
            lengths: inputs.lengths.to_vec(),
            table: inputs.table.map(<[f32]>::to_vec),
        };
        Ok((uploaded, ()))
    }

    fn half_weight(&self, t: &Tensor) -> Result<Vec<f32>> {
        host(t)
    }

    fn float_weight(&self, t: &Tensor) -> Result<Vec<f32>> {
        host(t)
    }

    fn linear(
        &self,
        g: &Gemm,
        weight: &Vec<f32>,
        x: &Vec<f32>,
        bias: &Vec<f32>,
        act: Act,
        out: &mut Vec<f32>,
    ) -> Result<()> {
        linear(g, weight, x, bias, act, out);
        Ok(())
    }

    fn gemm(&self, g: &Gemm, a: &Vec<f32>, b: &Vec<f32>, c: &mut Vec<f32>) -> Result<()> {
        gemm(g, a, b, c);
        Ok(())
    }

    fn softmax(
        &self,
        shape: &Attention,
        scores: &mut Vec<f32>,
        table: Option<&Vec<f32>>,
        lengths: &Vec<u32>,
    ) -> Result<()> {
        softmax(shape, scores, table.map(Vec::as_slice), lengths);
        Ok(())
    }

    fn add_norm(
        &self,
        width: usize,
        x: &Vec<f32>,
        residual: &Vec<f32>,
        norm: &Norm<Vec<f32>>,
        out: &mut Vec<f32>,
    ) -> Result<()> {
        add_norm(width, x, residual, norm, out);
        Ok(())
    }

    fn embed_norm(
        &self,
        width: usize,
        ids: &Vec<u32>,
        positions: &Vec<u32>,
        tables: &Embeddings<Vec<f32>>,
        norm: &Norm<Vec<f32>>,
        out: &mut Vec<f32>,
    ) -> Result<()> {
        embed_norm(width, ids, positions, tables, norm, out);
        Ok(())
    }

    fn pool(
        &self,
        shape: &Pool,
        x: &Vec<f32>,
        lengths: &Vec<u32>,
        _staging: (),
    ) -> Result<Box<dyn Pending>> {
        Ok(Box::new(pool(shape, x, lengths)))
    }
}
