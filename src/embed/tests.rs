//! The chunker against LangChain's own output, the encoder against sentence-transformers'
//! reference embeddings for a tiny random-weight MPNet, and the model-folder checks.

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

#[test]
fn chunks_match_langchain_recursive_character_splitter() {
    let cases = jsonl(&fixtures().join("chunking/reference-recursive.jsonl"));
    assert_eq!(cases.len(), 14);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let splitter = Splitter {
            size: case["chunk_size"].as_u64().unwrap() as usize,
            overlap: case["chunk_overlap"].as_u64().unwrap() as usize,
            length: &Chars,
        };
        let chunks = splitter.split(text);
        let got: Vec<&str> = chunks.iter().map(|c| &text[c.bytes.clone()]).collect();
        let want: Vec<&str> = case["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(got, want, "case {}", case["id"]);
        for chunk in &chunks {
            // chunk_start counts characters, not bytes.
            let by_chars: String = text.chars().skip(chunk.char_start).collect();
            assert!(
                by_chars.starts_with(&text[chunk.bytes.clone()]),
                "case {}",
                case["id"]
            );
        }
    }
}

#[test]
fn chunk_start_is_in_characters_for_multibyte_text() {
    let text = "日本語 ".repeat(400);
    let splitter = Splitter {
        size: 100,
        overlap: 10,
        length: &Chars,
    };
    let chunks = splitter.split(&text);
    assert!(chunks.len() > 10);
    for chunk in chunks {
        assert!(text[chunk.bytes.clone()].chars().count() <= 100);
        assert_eq!(text[..chunk.bytes.start].chars().count(), chunk.char_start);
    }
}

#[test]
fn a_huge_chunk_size_gives_one_stripped_chunk_per_document() {
    let splitter = Splitter {
        size: usize::MAX / 2,
        overlap: 0,
        length: &Chars,
    };
    let chunks = splitter.split("  one\n\ntwo  ");
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].bytes, 2..10);
    assert!(splitter.split(" \n\t ").is_empty());
}

#[test]
fn relative_position_buckets_follow_the_mpnet_thresholds() {
    let expect = |n: i64| -> u32 {
        let m = n.unsigned_abs();
        let magnitude = match m {
            0..=7 => m,
            8..=11 => 8,
            12..=15 => 9,
            16..=22 => 10,
            23..=31 => 11,
            32..=45 => 12,
            46..=63 => 13,
            64..=90 => 14,
            _ => 15,
        } as u32;
        magnitude + if n < 0 { 16 } else { 0 }
    };
    for n in -1000..1000 {
        assert_eq!(relative_bucket(n), expect(n), "n = {n}");
    }
    // Row = query, column = key; n = query - key, so a key after the query is in the upper half.
    let table = relative_buckets(3);
    assert_eq!(table, vec![0, 17, 18, 1, 0, 17, 2, 1, 0]);
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
        chunk_size: 1000,
        chunk_overlap: 100,
        chunk_unit: ChunkUnit::Chars,
        device: DeviceChoice::Cpu,
        precision,
        batch_size: Some(8),
        batch_tokens: None,
        max_seq_length: None,
        output: PathBuf::new(),
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

fn model_copy(dir: &Path) -> PathBuf {
    let src = PathBuf::from(tiny_model());
    let dst = dir.join("model");
    std::fs::create_dir_all(dst.join("1_Pooling")).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dst.join(entry.file_name())).unwrap();
        }
    }
    std::fs::copy(
        src.join("1_Pooling/config.json"),
        dst.join("1_Pooling/config.json"),
    )
    .unwrap();
    dst
}

fn open_error(dir: &Path) -> String {
    match ModelDir::open(&dir.to_string_lossy(), None) {
        Ok(_) => panic!("{} opened", dir.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn model_folder_errors_name_what_is_missing_or_unsupported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = model_copy(tmp.path());
    std::fs::remove_file(dir.join("tokenizer.json")).unwrap();
    assert!(open_error(&dir).contains("has no tokenizer.json"));

    let dir = model_copy(&tmp.path().join("b"));
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
    std::fs::write(
        dir.join("config.json"),
        config.replace("\"mpnet\"", "\"t5\""),
    )
    .unwrap();
    assert!(open_error(&dir).contains("model_type \"t5\""));

    let dir = model_copy(&tmp.path().join("c"));
    let pooling = std::fs::read_to_string(dir.join("1_Pooling/config.json")).unwrap();
    std::fs::write(
        dir.join("1_Pooling/config.json"),
        pooling
            .replace(
                "\"pooling_mode_mean_tokens\": true",
                "\"pooling_mode_mean_tokens\": false",
            )
            .replace(
                "\"pooling_mode_mean_sqrt_len_tokens\": false",
                "\"pooling_mode_mean_sqrt_len_tokens\": true",
            ),
    )
    .unwrap();
    assert!(open_error(&dir).contains("pooling mean_sqrt_len is not supported"));

    assert!(open_error(&tmp.path().join("nope")).contains("no such folder"));
}

/// Fuzzing (model_config): a JSON syntax error inside tokenizer.json's `decoder` made the
/// tokenizers crate panic (`expect("Helper")`); it is now an error naming the file.
#[test]
fn fuzz_model_config_a_broken_tokenizer_json_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("a", r#"{"decoder":{"type":"WordPiece",}}"#),
        ("b", r#"{"decoder":{"type":"WordPiece","prefix":"x"#),
    ] {
        let dir = model_copy(&tmp.path().join(name));
        std::fs::write(dir.join("tokenizer.json"), text).unwrap();
        let error = open_error(&dir);
        assert!(error.contains("tokenizer.json: not valid JSON"), "{error}");
    }
}

#[test]
fn sentence_transformers_6_folders_load() {
    // Version 6 writes `"pooling_mode": "mean"` and keeps max_seq_length in the tokenizer config.
    let tmp = tempfile::tempdir().unwrap();
    let dir = model_copy(tmp.path());
    std::fs::write(
        dir.join("1_Pooling/config.json"),
        r#"{"embedding_dimension": 32, "pooling_mode": "mean", "include_prompt": true}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("sentence_bert_config.json"),
        r#"{"transformer_task": "feature-extraction"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("tokenizer_config.json"),
        r#"{"model_max_length": 200, "tokenizer_class": "MPNetTokenizer"}"#,
    )
    .unwrap();
    let model = ModelDir::open(&dir.to_string_lossy(), None).unwrap();
    assert_eq!(model.pooling, super::model::Pooling::Mean);
    assert_eq!(model.max_seq_length, 200);
    std::fs::write(
        dir.join("1_Pooling/config.json"),
        r#"{"pooling_mode": ["mean", "max"]}"#,
    )
    .unwrap();
    assert!(open_error(&dir).contains("not supported"));
    // The sentinel transformers writes for "no limit" falls back to the position table.
    std::fs::write(
        dir.join("tokenizer_config.json"),
        r#"{"model_max_length": 1000000000000000019884624838656}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("1_Pooling/config.json"),
        r#"{"pooling_mode": "cls"}"#,
    )
    .unwrap();
    let model = ModelDir::open(&dir.to_string_lossy(), None).unwrap();
    assert_eq!(model.max_seq_length, 512);
    assert_eq!(model.pooling, super::model::Pooling::Cls);
}

#[test]
fn the_stored_tokenizer_truncation_and_padding_are_overridden() {
    let model = ModelDir::open(&tiny_model(), None).unwrap();
    assert_eq!(model.max_seq_length, 384);
    let short = model
        .tokenizer
        .encode("Hello World! Data lakes.", true)
        .unwrap();
    assert_eq!(short.get_ids().len(), 8, "no fixed 128 padding");
    let long = model.tokenizer.encode("word ".repeat(1000), true).unwrap();
    assert_eq!(
        long.get_ids().len(),
        384,
        "truncated at max_seq_length, not 128"
    );
    let capped = ModelDir::open(&tiny_model(), Some(64)).unwrap();
    assert_eq!(
        capped
            .tokenizer
            .encode("word ".repeat(1000), true)
            .unwrap()
            .get_ids()
            .len(),
        64
    );
    assert!(ModelDir::open(&tiny_model(), Some(600)).is_err());
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_without_the_feature_is_a_clear_error() {
    let err = select_device(DeviceChoice::Cuda(0))
        .unwrap_err()
        .to_string();
    assert!(err.contains("built without CUDA support"), "{err}");
    assert!(matches!(
        select_device(DeviceChoice::Auto),
        Ok((candle_core::Device::Cpu, _, None))
    ));
}

/// Issue 14: a run embeds inputs as they are listed. The second folder is listed only once the
/// first input's chunks were embedded, so a run that waited for the whole listing never starts,
/// and the test fails at the bounded wait below rather than hanging.
#[test]
fn embedding_starts_before_the_listing_ends() {
    use crate::storage::discover::Listed;
    use crate::storage::Store;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    let text = "{\"text\": \"Data lakes hold documents.\"}\n";
    for key in ["a/x.jsonl", "b/y.jsonl"] {
        std::fs::create_dir_all(root.join(key).parent().unwrap()).unwrap();
        std::fs::write(root.join(key), text).unwrap();
    }
    let store = std::sync::Arc::new(Store::local(&root));
    let listed = |key: &str| Listed::at(&store, key, text.len() as u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut options = options(&tiny_model(), None);
    options.output = dir.path().join("out");
    let (embedder, _) = Embedder::load(&options).unwrap();
    let (listing, batches) = tokio::sync::mpsc::channel(4);
    let inputs = input::Inputs::streamed(batches, runtime.handle().clone(), &options.output);
    let (started_tx, started) = std::sync::mpsc::channel();
    let progress = crate::progress::FirstAdvance::new(started_tx);
    let cancel = AtomicBool::new(false);
    let (started, report) = std::thread::scope(|scope| {
        let embedding = scope.spawn(|| {
            run(
                inputs,
                &options,
                &embedder,
                runtime.handle(),
                &progress,
                &cancel,
            )
        });
        listing
            .blocking_send(Ok(vec![listed("b/y.jsonl")]))
            .unwrap();
        let started = started.recv_timeout(std::time::Duration::from_secs(120));
        // Listed out of report order, as folders are.
        let _ = listing.blocking_send(Ok(vec![listed("a/x.jsonl")]));
        drop(listing);
        (started, embedding.join().unwrap())
    });
    assert!(
        started.is_ok(),
        "no input was embedded before the listing ended"
    );
    let report = report.expect("embedding succeeds");
    let inputs: Vec<&str> = report.inputs.iter().map(|r| r.input.as_str()).collect();
    let url = |key: &str| store.url(key);
    assert_eq!(
        inputs,
        [url("a/x.jsonl"), url("b/y.jsonl")],
        "reports in key order"
    );
    assert_eq!(report.chunks, 2);
    for output in ["a/x.parquet", "b/y.parquet"] {
        assert!(options.output.join(output).is_file(), "{output}");
    }
}

#[test]
fn an_encoder_error_keeps_candles_error_as_its_cause_without_the_backtrace() {
    use candle_core::Error;
    let traced = |inner: Error| Error::WithBacktrace {
        inner: Box::new(inner),
        backtrace: Box::new(std::backtrace::Backtrace::force_capture()),
    };
    let outer = traced(Error::Msg("out of memory".into()).with_path("w.safetensors"));
    let inner = traced(Error::Msg("out of memory".into())).with_path("w.safetensors");
    for error in [outer, inner] {
        let error = super::embedder::compute(error);
        assert_eq!(
            crate::error::chain_text(&error),
            "the encoder failed: path: \"w.safetensors\" out of memory"
        );
        crate::error::assert_causes_shown_once(&error);
    }
}
