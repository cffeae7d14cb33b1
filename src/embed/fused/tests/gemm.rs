//! The cuBLAS parameters through a column-major GEMM emulator against candle's matmuls, the
//! GELU references, and the relative-position table against the full bias.

use super::*;

/// The scores and context GEMMs of every head, emulated as cuBLAS would run them on the QKV
/// buffer, equal candle's matmuls of explicitly split heads.
#[test]
fn attention_gemm_parameters_match_split_head_matmuls() {
    for (seed, &(rows, len, heads, head_dim)) in GRID.iter().enumerate() {
        let shape = Attention {
            rows,
            len,
            heads,
            head_dim,
        };
        let hidden = shape.hidden();
        let qkv = sample_values(rows * len * 3 * hidden, seed as u64, 1.0);
        let alpha = 1.0 / (head_dim as f32).sqrt();
        let mut scores = vec![f32::NAN; shape.scores_len()];
        for h in 0..heads {
            reference::gemm(&shape.scores(h, alpha), &qkv, &qkv, &mut scores);
        }
        let split = tensor(&qkv, &[rows, len, 3, heads, head_dim])
            .permute((2, 0, 3, 1, 4))
            .unwrap()
            .contiguous()
            .unwrap();
        let (q, k, v) = (
            split.get(0).unwrap(),
            split.get(1).unwrap(),
            split.get(2).unwrap(),
        );
        let expected = (q.matmul(&k.t().unwrap()).unwrap() * alpha as f64).unwrap();
        let pitch = shape.pitch();
        let got: Vec<f32> = scores
            .chunks(pitch)
            .flat_map(|row| row[..len].to_vec())
            .collect();
        let expected = expected.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(
            max_diff(&got, &expected) < 1e-5,
            "scores {rows}x{len}x{heads}x{head_dim}"
        );

        // Context from probabilities in the pitched score buffer.
        let probs = sample_values(rows * heads * len * len, seed as u64 + 99, 1.0);
        let mut pitched = vec![f32::NAN; shape.scores_len()];
        for (r, row) in pitched.chunks_mut(pitch).enumerate() {
            row[..len].copy_from_slice(&probs[r * len..][..len]);
        }
        let mut context = vec![f32::NAN; rows * len * hidden];
        for h in 0..heads {
            reference::gemm(&shape.context(h), &qkv, &pitched, &mut context);
        }
        let expected = tensor(&probs, &[rows, heads, len, len])
            .matmul(&v)
            .unwrap()
            .transpose(1, 2)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert!(
            max_diff(&context, &expected) < 1e-4,
            "context {rows}x{len}x{heads}x{head_dim}"
        );
    }
}

/// The "TN" projection mapping with its bias and both GELU forms equals `x·Wᵀ + b` (+ GELU).
#[test]
fn linear_gemm_parameters_match_candle() {
    let (tokens, inputs, outputs) = (13, 24, 40);
    let x = sample_values(tokens * inputs, 1, 1.0);
    let w = sample_values(outputs * inputs, 2, 1.0);
    let b = sample_values(outputs, 3, 1.0);
    let expected = tensor(&x, &[tokens, inputs])
        .matmul(&tensor(&w, &[outputs, inputs]).t().unwrap())
        .unwrap()
        .broadcast_add(&tensor(&b, &[outputs]))
        .unwrap();
    let g = plan::linear(tokens, inputs, outputs);
    for (act, expected) in [
        (Act::None, expected.clone()),
        (Act::GeluErf, expected.gelu_erf().unwrap()),
        (Act::GeluTanh, expected.gelu().unwrap()),
    ] {
        let mut out = vec![f32::NAN; tokens * outputs];
        reference::linear(&g, &w, &x, &b, act, &mut out);
        let expected = expected.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(max_diff(&out, &expected) < 1e-5, "{act:?}");
    }
}

#[test]
fn erf_gelu_reference_is_exact_and_tanh_within_5e4() {
    for i in -600..=600 {
        let x = i as f32 / 100.0;
        let exact = 0.5 * x as f64 * (1.0 + libm_erf(x as f64 / std::f64::consts::SQRT_2));
        assert!((reference::gelu_erf(x) as f64 - exact).abs() < 2e-6, "{x}");
        assert!((reference::gelu_tanh(x) as f64 - exact).abs() < 5e-4, "{x}");
    }
}

/// erf by numerical integration of its definition (Simpson, 4,000 steps), independent of the
/// reference's series.
fn libm_erf(x: f64) -> f64 {
    let n = 4000;
    let h = x / n as f64;
    let f = |t: f64| (-t * t).exp();
    let mut sum = f(0.0) + f(x);
    for i in 1..n {
        sum += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0 * 2.0 / std::f64::consts::PI.sqrt()
}

/// The `[heads, 2L−1]` table gives exactly the bias the generic path builds as `[H, L, L]`.
#[test]
fn relative_table_reproduces_the_full_bias() {
    let (buckets, heads) = (32, 3);
    let relative = sample_values(buckets * heads, 7, 2.0);
    for len in [1, 2, 7, 31, 129, 512] {
        let table = plan::relative_table(&relative, heads, len);
        let full = relative_buckets(len);
        for h in 0..heads {
            for i in 0..len {
                for j in 0..len {
                    let bucket = full[i * len + j] as usize;
                    assert_eq!(
                        table[h * (2 * len - 1) + i + len - 1 - j],
                        relative[bucket * heads + h],
                        "len {len} head {h} ({i}, {j})"
                    );
                }
            }
        }
    }
}
