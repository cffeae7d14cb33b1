//! The chunker against LangChain's own output, the encoder against sentence-transformers'
//! reference embeddings for a tiny random-weight MPNet, and the model-folder checks. This file
//! holds the fixtures and the encoder against the references; `chunking` holds the splitter's
//! tests, `folders` the model-folder checks, `runs` whole runs and their errors.

mod chunking;
mod folders;
mod runs;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::chunk::{Chars, Length, Splitter, TokenLength};
use super::encoder::{relative_bucket, relative_buckets, Encoder};
use super::model::ModelDir;
use super::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The random-weight MPNet behind reference-tiny-mpnet.jsonl. No weights are tracked in git:
/// scripts/fetch-models.sh copies it into $LAKEOPS_TEST_MODELS (./.ci/run does); without that
/// variable, the team's shared fixtures next to the repository are used.
pub(super) fn tiny_model() -> String {
    let dir = match std::env::var_os("LAKEOPS_TEST_MODELS") {
        Some(models) => PathBuf::from(models).join("tiny-mpnet"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/embed/tiny-mpnet"),
    };
    assert!(
        dir.join("model.safetensors").is_file(),
        "{} is missing: run scripts/fetch-models.sh DIR and set LAKEOPS_TEST_MODELS=DIR",
        dir.display()
    );
    dir.to_string_lossy().into_owned()
}

fn options(model: &str, precision: Option<Precision>) -> EmbedOptions {
    EmbedOptions {
        kernels: super::fused::Choice::Fused(super::fused::Act::GeluTanh),
        model: model.to_owned(),
        text_column: "text".into(),
        id_column: None,
        keep_columns: Vec::new(),
        chunk_size: 1000,
        chunk_overlap: 100,
        chunk_unit: ChunkUnit::Chars,
        device: vec![DeviceChoice::Cpu],
        precision,
        batch_size: Some(8),
        batch_tokens: None,
        max_seq_length: None,
        output: std::sync::Arc::new(crate::storage::Store::local("")),
        overwrite: false,
        fail_fast: false,
    }
}

fn cosine(a: &[f32], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * y).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|y| y.powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// Embeds every reference text in one padded, length-sorted run and checks ids and vectors.
pub fn check_against_reference(model: &str, reference: &Path, precision: Precision, min_cos: f64) {
    let (embedder, _) = Embedder::load(&options(model, Some(precision))).unwrap();
    let cases = jsonl(reference);
    let texts: Vec<&str> = cases.iter().map(|c| c["text"].as_str().unwrap()).collect();
    let ids = embedder.tokenize(&texts).unwrap();
    for (case, ids) in cases.iter().zip(&ids) {
        let want: Vec<u32> = case["input_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(ids, &want, "token ids of {}", case["id"]);
    }
    let vectors = embedder
        .embed_texts(&texts, &AtomicBool::new(false))
        .unwrap();
    for (case, got) in cases.iter().zip(&vectors) {
        let want: Vec<f64> = case["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(got.len(), want.len());
        let cos = cosine(got, &want);
        assert!(
            cos >= min_cos,
            "{} in {}: cosine {cos} < {min_cos}",
            case["id"],
            precision.name()
        );
    }
}

#[test]
fn tiny_mpnet_matches_sentence_transformers_in_f32() {
    check_against_reference(
        &tiny_model(),
        &fixtures().join("embed/reference-tiny-mpnet.jsonl"),
        Precision::F32,
        0.9999,
    );
}

#[test]
fn tiny_mpnet_matches_sentence_transformers_in_f16() {
    check_against_reference(
        &tiny_model(),
        &fixtures().join("embed/reference-tiny-mpnet.jsonl"),
        Precision::F16,
        0.999,
    );
}

#[test]
fn bf16_on_the_cpu_is_refused_up_front() {
    let err = Embedder::load(&options(&tiny_model(), Some(Precision::Bf16)))
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("--dtype bf16 needs a GPU"), "{err}");
}

#[test]
fn token_unit_chunks_fit_the_token_budget() {
    let model = ModelDir::open(&tiny_model(), None).unwrap();
    let mut tokenizer = model.tokenizer.clone();
    tokenizer.with_truncation(None).unwrap();
    let length = TokenLength(tokenizer);
    let text =
        std::fs::read_to_string(fixtures().join("chunking/reference-recursive.jsonl")).unwrap();
    let splitter = Splitter {
        size: 64,
        overlap: 8,
        length: &length,
    };
    let chunks = splitter.split(&text[..20_000]);
    assert!(chunks.len() > 20);
    for chunk in chunks {
        assert!(length.len(&text[chunk.bytes]) <= 64);
    }
}

#[test]
fn a_padded_batch_equals_one_at_a_time() {
    let (embedder, _) = Embedder::load(&options(&tiny_model(), None)).unwrap();
    let texts = [
        "short",
        "a considerably longer text with many more tokens in it than the first one has",
        "",
        "mid length text here",
    ];
    let cancel = AtomicBool::new(false);
    let batched = embedder.embed_texts(&texts, &cancel).unwrap();
    for (text, batched) in texts.iter().zip(&batched) {
        let single = embedder.embed_texts(&[text], &cancel).unwrap();
        let diff = single[0]
            .iter()
            .zip(batched)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(diff < 1e-5, "{text:?}: max abs diff {diff}");
    }
}

/// Biases folded into the GEMMs (the GPU path) give what the fused CPU kernels give.
#[test]
fn folded_biases_equal_separate_ones() {
    let model = ModelDir::open(&tiny_model(), None).unwrap();
    let device = candle_core::Device::Cpu;
    let dtype = candle_core::DType::F32;
    let separate = Encoder::load_with(&model, dtype, &device, false).unwrap();
    let folded = Encoder::load_with(&model, dtype, &device, true).unwrap();
    let batch: [&[u32]; 3] = [&[0, 2023, 2003, 2], &[0, 7, 8, 9, 10, 11, 12, 2], &[0, 2]];
    let a = separate.embed(&batch).unwrap();
    let b = folded.embed(&batch).unwrap();
    for (a, b) in a.iter().zip(&b) {
        let diff = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(diff < 1e-5, "max abs diff {diff}");
    }
}

/// A cancelled run hung (CI, 2026-12-06): the writer's side stopped, the encoder stopped with
/// it at the first undeliverable reply, and the dispatcher blocked forever on the full job
/// queue. The encoder must keep draining the queue until it closes.
#[test]
fn an_encoder_keeps_draining_jobs_after_a_reply_is_undeliverable() {
    let (embedder, _) = Embedder::load(&options(&tiny_model(), None)).unwrap();
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(2);
    let (gone_tx, gone_rx) = mpsc::sync_channel(1);
    drop(gone_rx);
    let (live_tx, live_rx) = mpsc::sync_channel(1);
    job_tx
        .send(Job {
            chunks: Vec::new(),
            reply: gone_tx,
        })
        .unwrap();
    job_tx
        .send(Job {
            chunks: Vec::new(),
            reply: live_tx,
        })
        .unwrap();
    drop(job_tx);
    let jobs = std::sync::Mutex::new(job_rx);
    let cancel = AtomicBool::new(false);
    encode_jobs(&embedder, 0, &jobs, &cancel);
    drop(jobs);
    assert!(
        live_rx.recv().is_ok(),
        "the job after the undeliverable reply was dropped unencoded"
    );
}
