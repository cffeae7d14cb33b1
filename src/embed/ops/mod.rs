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

mod attention;
#[cfg(test)]
mod tests;

pub use attention::{attention, attention_bias_dtype, split_heads};

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
