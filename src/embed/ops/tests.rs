use super::attention::{attention_generic, split_heads_generic, Heads};
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
