//! Model folders: what is missing or unsupported is named, sentence-transformers 6 layouts
//! load, stored tokenizer settings are overridden, and `--device cuda` without the feature.

use super::*;

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
