//! The fused path without a GPU: the cuBLAS parameters through a column-major GEMM emulator
//! against candle's matmul of explicitly split heads, each reference kernel against the generic
//! candle ops (f32, and bf16 round trips), and the whole pass on the CPU against the encoder.

use candle_core::{DType, Device, Tensor};

use super::plan::{self, Attention};
use super::reference::{self, cosine, sample_values, Reference};
use super::{forward, Act, Embeddings, Norm, Pool};
use crate::embed::encoder::{relative_buckets, Encoder};
use crate::embed::model::{ModelDir, Pooling};

fn tensor(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_slice(data, shape, &Device::Cpu).unwrap()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn bf16_round(v: &[f32]) -> Vec<f32> {
    tensor(v, &[v.len()])
        .to_dtype(DType::BF16)
        .and_then(|t| t.to_dtype(DType::F32))
        .and_then(|t| t.to_vec1())
        .unwrap()
}

const GRID: [(usize, usize, usize, usize); 7] = [
    // (rows, len, heads, head_dim)
    (1, 1, 2, 64),
    (3, 2, 2, 32),
    (3, 7, 3, 64),
    (1, 31, 2, 32),
    (2, 64, 2, 64),
    (1, 129, 1, 32),
    (2, 40, 12, 64),
];

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

/// The generic path's softmax: scores + [B, H, L, L] bias + padding mask, candle's softmax.
fn generic_softmax(
    shape: &Attention,
    scores: &[f32],
    bias: Option<&[f32]>,
    lengths: &[u32],
    dtype: DType,
) -> Vec<f32> {
    // Always f32 here (see the caller); the parameter keeps the bf16 path one call away.
    let (rows, heads, len) = (shape.rows, shape.heads, shape.len);
    let s = tensor(scores, &[rows, heads, len, len]);
    let mask: Vec<f32> = lengths
        .iter()
        .flat_map(|&n| (0..len).map(move |j| if j < n as usize { 0.0 } else { -1e9 }))
        .collect();
    let mut s = s.broadcast_add(&tensor(&mask, &[rows, 1, 1, len])).unwrap();
    if let Some(bias) = bias {
        s = s
            .broadcast_add(&tensor(bias, &[1, heads, len, len]))
            .unwrap();
    }
    candle_nn::ops::softmax_last_dim(&s.to_dtype(dtype).unwrap())
        .unwrap()
        .to_dtype(DType::F32)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

#[test]
fn softmax_reference_matches_candle_with_bias_and_masks() {
    for (seed, len) in [1usize, 2, 7, 31, 64, 129, 256, 384, 512]
        .into_iter()
        .enumerate()
    {
        let (rows, heads) = (3, 2);
        let shape = Attention {
            rows,
            len,
            heads,
            head_dim: 64,
        };
        // One row full, one with a single real token, one half padded.
        let lengths = [len as u32, 1, len.div_ceil(2) as u32];
        let scores = sample_values(rows * heads * len * len, seed as u64, 4.0);
        let relative = sample_values(32 * heads, seed as u64 + 1, 2.0);
        let table = plan::relative_table(&relative, heads, len);
        let full: Vec<f32> = (0..heads)
            .flat_map(|h| {
                relative_buckets(len)
                    .into_iter()
                    .map(move |b| b as usize * heads + h)
            })
            .map(|at| relative[at])
            .collect();
        for (table, full) in [(None, None), (Some(&table), Some(full.as_slice()))] {
            for dtype in [DType::F32, DType::BF16] {
                let input = if dtype == DType::F32 {
                    scores.clone()
                } else {
                    bf16_round(&scores)
                };
                let mut pitched = vec![f32::NAN; shape.scores_len()];
                for (r, row) in pitched.chunks_mut(shape.pitch()).enumerate() {
                    row[..len].copy_from_slice(&input[r * len..][..len]);
                }
                reference::softmax(&shape, &mut pitched, table.map(Vec::as_slice), &lengths);
                let got: Vec<f32> = pitched
                    .chunks(shape.pitch())
                    .flat_map(|row| row[..len].to_vec())
                    .collect();
                let got = if dtype == DType::F32 {
                    got
                } else {
                    bf16_round(&got)
                };
                // The oracle runs in f32 on the same (rounded) scores: candle's own bf16 softmax
                // takes its exponentials in bf16, which is what the kernel improves on.
                let expected = generic_softmax(&shape, &input, full, &lengths, DType::F32);
                // f32: the same math; bf16: the output's rounding (half a unit in the last place
                // at 1 is 2^-9).
                let tolerance = if dtype == DType::F32 { 1e-6 } else { 2.5e-3 };
                for (r, (got, expected)) in got.chunks(len).zip(expected.chunks(len)).enumerate() {
                    let i = r % len;
                    let valid = lengths[r / len / heads] as usize;
                    if i >= valid {
                        assert!(got.iter().all(|&p| p == 0.0), "padded query row not zero");
                        continue;
                    }
                    assert!(
                        max_diff(got, expected) <= tolerance,
                        "len {len} {dtype:?} row {r}: {}",
                        max_diff(got, expected)
                    );
                }
            }
        }
    }
}

fn norm(width: usize, seed: u64) -> Norm<Vec<f32>> {
    Norm {
        weight: sample_values(width, seed, 1.0)
            .iter()
            .map(|w| 1.0 + w)
            .collect(),
        bias: sample_values(width, seed + 1, 0.5),
        eps: 1e-5,
    }
}

/// LayerNorm by candle's composed ops in f64 (`dtype`): the encoder's kernel takes the variance
/// as E[x²] − E[x]², which loses digits in f32 that the two-pass reference keeps, so the oracle
/// is the exact computation.
fn generic_layer_norm(x: &[f32], width: usize, n: &Norm<Vec<f32>>, dtype: DType) -> Vec<f32> {
    let rows = x.len() / width;
    let x = tensor(x, &[rows, width]).to_dtype(dtype).unwrap();
    candle_nn::ops::layer_norm_slow(
        &x,
        &tensor(&n.weight, &[width]).to_dtype(dtype).unwrap(),
        &tensor(&n.bias, &[width]).to_dtype(dtype).unwrap(),
        n.eps,
    )
    .unwrap()
    .to_dtype(DType::F32)
    .unwrap()
    .flatten_all()
    .unwrap()
    .to_vec1()
    .unwrap()
}

#[test]
fn add_norm_reference_matches_candle() {
    for (seed, width) in [2usize, 32, 384, 768, 1024].into_iter().enumerate() {
        let rows = 5;
        let n = norm(width, seed as u64);
        let x = sample_values(rows * width, seed as u64 + 10, 3.0);
        let residual = sample_values(rows * width, seed as u64 + 20, 3.0);
        for dtype in [DType::F32, DType::BF16] {
            let (x, residual) = if dtype == DType::F32 {
                (x.clone(), residual.clone())
            } else {
                (bf16_round(&x), bf16_round(&residual))
            };
            let mut out = vec![f32::NAN; rows * width];
            reference::add_norm(width, &x, &residual, &n, &mut out);
            let sum: Vec<f32> = x.iter().zip(&residual).map(|(a, b)| a + b).collect();
            // The kernel sums in f32 from the rounded inputs; the oracle is exact (f64).
            let expected = generic_layer_norm(&sum, width, &n, DType::F64);
            let (out, tolerance) = if dtype == DType::F32 {
                (out, 1e-5)
            } else {
                (bf16_round(&out), 3e-2)
            };
            assert!(
                max_diff(&out, &expected) <= tolerance,
                "width {width} {dtype:?}: {}",
                max_diff(&out, &expected)
            );
        }
    }
}

#[test]
fn embed_norm_reference_matches_candle() {
    let (vocab, positions, width) = (50, 20, 64);
    let tables = Embeddings {
        word: sample_values(vocab * width, 1, 1.0),
        vocab,
        position: sample_values(positions * width, 2, 1.0),
        positions,
        token_type: Some(sample_values(width, 3, 1.0)),
    };
    let n = norm(width, 4);
    let ids = [0u32, 49, 7, 7, 1];
    let pos = [0u32, 1, 2, 19, 5];
    let mut out = vec![f32::NAN; ids.len() * width];
    reference::embed_norm(width, &ids, &pos, &tables, &n, &mut out);
    let word = tensor(&tables.word, &[vocab, width]);
    let position = tensor(&tables.position, &[positions, width]);
    let sum = word
        .index_select(&Tensor::new(&ids, &Device::Cpu).unwrap(), 0)
        .unwrap()
        .add(
            &position
                .index_select(&Tensor::new(&pos, &Device::Cpu).unwrap(), 0)
                .unwrap(),
        )
        .unwrap()
        .broadcast_add(&tensor(tables.token_type.as_ref().unwrap(), &[width]))
        .unwrap();
    let sum = sum.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let expected = generic_layer_norm(&sum, width, &n, DType::F64);
    assert!(max_diff(&out, &expected) < 1e-5);
}

#[test]
fn pool_reference_matches_masked_candle_pooling() {
    let (rows, len, width) = (3, 5, 8);
    let lengths = [5u32, 1, 3];
    let x = sample_values(rows * len * width, 5, 2.0);
    let t = tensor(&x, &[rows, len, width]);
    let mask: Vec<f32> = lengths
        .iter()
        .flat_map(|&n| (0..len).map(move |j| if j < n as usize { 1.0 } else { 0.0 }))
        .collect();
    let mask = tensor(&mask, &[rows, len, 1]);
    for pooling in [Pooling::Mean, Pooling::Cls, Pooling::Max] {
        for normalize in [false, true] {
            let shape = Pool {
                rows,
                len,
                width,
                pooling,
                normalize,
            };
            let got: Vec<f32> = reference::pool(&shape, &x, &lengths).concat();
            let expected = match pooling {
                Pooling::Mean => t
                    .broadcast_mul(&mask)
                    .unwrap()
                    .sum(1)
                    .unwrap()
                    .broadcast_div(&mask.sum(1).unwrap())
                    .unwrap(),
                Pooling::Cls => t.narrow(1, 0, 1).unwrap().squeeze(1).unwrap(),
                Pooling::Max => t
                    .broadcast_add(&((1.0 - &mask).unwrap() * -1e9).unwrap())
                    .unwrap()
                    .max(1)
                    .unwrap(),
            };
            let expected = if normalize {
                let n = expected
                    .sqr()
                    .unwrap()
                    .sum_keepdim(1)
                    .unwrap()
                    .sqrt()
                    .unwrap();
                expected.broadcast_div(&n).unwrap()
            } else {
                expected
            };
            let expected = expected.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert!(max_diff(&got, &expected) < 1e-5, "{pooling:?} {normalize}");
        }
    }
}

/// Token ids of uneven lengths, one a single token, within the vocabulary.
fn batch(vocab: u32, lens: &[usize]) -> Vec<Vec<u32>> {
    lens.iter()
        .enumerate()
        .map(|(s, &n)| {
            sample_values(n, s as u64 + 50, 1.0)
                .iter()
                .map(|v| ((v + 1.0) / 2.0 * (vocab - 1) as f32) as u32)
                .collect()
        })
        .collect()
}

/// The whole fused pass, run on the CPU reference kernels, against the encoder's own path: with
/// the exact GELU it must agree to f32 rounding, with cuBLASLt's tanh GELU to a cosine of 0.9999.
fn fused_pass_matches_the_encoder(model: &str) {
    let model = ModelDir::open(model, None).unwrap();
    let encoder = Encoder::load_with(&model, DType::F32, &Device::Cpu, false).unwrap();
    let vocab = model.config.vocab_size as u32;
    let ids = batch(vocab, &[9, 1, 33, 17, 2]);
    let refs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
    let expected = encoder.embed(&refs).unwrap();
    for (gelu, exact) in [(Act::GeluErf, true), (Act::GeluTanh, false)] {
        let weights = encoder.fused_weights(&Reference, gelu).unwrap();
        let got = forward(&Reference, &weights, &refs).unwrap();
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            if exact {
                assert!(max_diff(g, e) < 1e-4, "{}: {}", model.name, max_diff(g, e));
            } else {
                assert!(
                    cosine(g, e) > 0.9999,
                    "{}: cos {}",
                    model.name,
                    cosine(g, e)
                );
            }
        }
        // A padded batch equals one sequence at a time.
        for (seq, e) in refs.iter().zip(&got) {
            let alone = forward(&Reference, &weights, &[seq]).unwrap();
            assert!(max_diff(&alone[0], e) < 1e-5);
        }
    }
}

#[test]
fn fused_pass_on_the_cpu_matches_the_encoder_for_mpnet() {
    fused_pass_matches_the_encoder(&crate::embed::tests::tiny_model());
}

/// BERT (all-MiniLM-L6-v2, which ./.ci/run always fetches): absolute positions, a token type, no
/// relative table.
#[test]
fn fused_pass_on_the_cpu_matches_the_encoder_for_bert() {
    let models = std::env::var_os("LAKEOPS_TEST_MODELS").expect(
        "LAKEOPS_TEST_MODELS is unset: run scripts/fetch-models.sh DIR and set it (./.ci/run does)",
    );
    let dir = std::path::PathBuf::from(models).join("all-MiniLM-L6-v2");
    assert!(
        dir.join("model.safetensors").is_file(),
        "{} is missing (scripts/fetch-models.sh)",
        dir.display()
    );
    fused_pass_matches_the_encoder(&dir.to_string_lossy());
}

#[test]
fn sequences_longer_than_the_kernels_hold_are_refused() {
    let model = ModelDir::open(&crate::embed::tests::tiny_model(), None).unwrap();
    let encoder = Encoder::load_with(&model, DType::F32, &Device::Cpu, false).unwrap();
    let weights = encoder.fused_weights(&Reference, Act::GeluErf).unwrap();
    let long = vec![5u32; super::MAX_LEN + 1];
    let err = forward(&Reference, &weights, &[&long]).unwrap_err();
    assert!(err.to_string().contains("exceed"), "{err}");
    let outside = vec![model.config.vocab_size as u32];
    let err = forward(&Reference, &weights, &[&outside]).unwrap_err();
    assert!(err.to_string().contains("vocabulary"), "{err}");
}
