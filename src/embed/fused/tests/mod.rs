//! The fused path without a GPU: the cuBLAS parameters through a column-major GEMM emulator
//! against candle's matmul of explicitly split heads, each reference kernel against the generic
//! candle ops (f32, and bf16 round trips), and the whole pass on the CPU against the encoder.
//! This file holds the helpers and the whole pass; `gemm` the cuBLAS parameters, GELU and the
//! relative-position table; `kernels` softmax, the norms and pooling.

mod gemm;
mod kernels;

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
        let got = forward(&Reference, &weights, &refs)
            .unwrap()
            .wait()
            .unwrap();
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
            let alone = forward(&Reference, &weights, &[seq])
                .unwrap()
                .wait()
                .unwrap();
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
