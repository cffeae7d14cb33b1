//! `embed::model::ModelDir::open` over a model folder whose JSON files come from the fuzzer:
//! `config.json`, `modules.json`, `1_Pooling/config.json`, `sentence_bert_config.json`,
//! `tokenizer_config.json` and `tokenizer.json`, in that order, separated by 0xFF bytes (never
//! in UTF-8 text); an empty part, or one past the last, leaves its file out. `model.safetensors`
//! is an empty file: `open` reads everything but the weights. One fresh folder per input. No
//! panic is the only check, plus the cheap facts `open` promises about a folder it accepts.
//! `LAKEOPS_FUZZ_DEBUG=1` prints what `open` said (to check that seeds reach a loaded model).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use lakeops::internals::ModelDir;

const FILES: [&str; 6] = [
    "config.json",
    "modules.json",
    "1_Pooling/config.json",
    "sentence_bert_config.json",
    "tokenizer_config.json",
    "tokenizer.json",
];

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        // A folder is all `open` must ever read: never the Hugging Face cache or the network.
        std::env::set_var("HF_HUB_OFFLINE", "1");
        let shm = PathBuf::from("/dev/shm");
        let base = if shm.is_dir() {
            shm
        } else {
            std::env::temp_dir()
        };
        base.join(format!("lakeops-fuzz-model-{}", std::process::id()))
    })
}

fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("LAKEOPS_FUZZ_DEBUG").is_some())
}

fuzz_target!(|data: &[u8]| {
    let dir = root();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("1_Pooling")).expect("create the model folder");
    std::fs::write(dir.join("model.safetensors"), b"").expect("write model.safetensors");
    for (file, part) in FILES.iter().zip(data.split(|&b| b == 0xFF)) {
        if part.is_empty() {
            continue;
        }
        std::fs::write(dir.join(file), part).expect("write a model file");
    }
    let spec = dir.to_str().expect("a UTF-8 temp path");
    let opened = ModelDir::open(spec, None);
    if debug() {
        eprintln!(
            "open: {:?}",
            opened
                .as_ref()
                .map(|m| (m.architecture, m.pooling, m.max_seq_length))
                .map_err(ToString::to_string)
        );
    }
    if let Ok(model) = opened {
        assert!(
            model.max_seq_length >= 2,
            "max_seq_length {}",
            model.max_seq_length
        );
        assert!(model.config.num_attention_heads > 0);
        assert_eq!(
            model.config.hidden_size % model.config.num_attention_heads,
            0
        );
        assert_eq!(model.dim(), model.config.hidden_size);
        let _ = model.tokenizer.encode("fuzz", true);
    }
    let _ = std::fs::remove_dir_all(dir);
});
