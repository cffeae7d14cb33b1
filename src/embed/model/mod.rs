//! Stage 1: find a model folder in sentence-transformers layout and read what the encoder needs
//! from it — architecture from `config.json`, pooling from `1_Pooling/config.json`, normalisation
//! from `modules.json`, the sequence cap from `sentence_bert_config.json` — and a tokenizer
//! configured the way sentence-transformers runs it.
//!
//! Where a model spec points (a folder or the Hugging Face cache) is `resolve`; the pooling
//! config's two layouts are `pooling`.

mod pooling;
mod resolve;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tokenizers::{Tokenizer, TruncationParams};

use super::EmbedError;
use pooling::read_pooling;
use resolve::resolve;

/// The model when `--model` is not given.
pub const DEFAULT_MODEL: &str = "sentence-transformers/all-mpnet-base-v2";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Architecture {
    Bert,
    Mpnet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    Mean,
    Cls,
    Max,
}

impl Pooling {
    pub fn name(self) -> &'static str {
        match self {
            Pooling::Mean => "mean",
            Pooling::Cls => "cls",
            Pooling::Max => "max",
        }
    }
}

/// The encoder's shape, from `config.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct EncoderConfig {
    pub model_type: String,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default)]
    pub pad_token_id: u32,
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: usize,
}

fn default_eps() -> f64 {
    1e-12
}

fn default_act() -> String {
    "gelu".to_owned()
}

fn default_buckets() -> usize {
    32
}

/// A loaded model folder, everything but the weights.
pub struct ModelDir {
    pub dir: PathBuf,
    /// What the user asked for (`sentence-transformers/all-mpnet-base-v2`, or a folder name).
    pub name: String,
    /// The Hugging Face snapshot hash when the folder came from the cache.
    pub revision: Option<String>,
    pub architecture: Architecture,
    pub config: EncoderConfig,
    pub pooling: Pooling,
    pub normalize: bool,
    pub max_seq_length: usize,
    pub lowercase: bool,
    /// sentence-transformers' `similarity_fn_name` (config_sentence_transformers.json), the
    /// metric `load` builds the index for; `cosine` when the model does not say.
    pub similarity: String,
    pub tokenizer: Tokenizer,
    pub weights: PathBuf,
    /// See [`content_fingerprint`].
    pub fingerprint: String,
}

#[derive(Deserialize)]
struct Module {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    path: String,
}

#[derive(Deserialize)]
struct SentenceTransformersConfig {
    #[serde(default)]
    similarity_fn_name: Option<String>,
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
    #[serde(default)]
    do_lower_case: bool,
}

impl ModelDir {
    /// `spec` is a folder, or a Hugging Face id looked up in the local Hugging Face cache and
    /// downloaded into it when missing (unless `HF_HUB_OFFLINE` is set).
    pub fn open(spec: &str, max_seq_length: Option<usize>) -> Result<ModelDir, EmbedError> {
        let (dir, revision) = resolve(spec)?;
        let missing = |file: &str| EmbedError::Model {
            model: spec.to_owned(),
            problem: format!(
                "{} has no {file}; a sentence-transformers folder needs config.json, \
                 tokenizer.json, model.safetensors and modules.json",
                dir.display()
            ),
        };
        for file in [
            "config.json",
            "tokenizer.json",
            "model.safetensors",
            "modules.json",
        ] {
            if !dir.join(file).is_file() {
                return Err(missing(file));
            }
        }
        let bad = |problem: String| EmbedError::Model {
            model: spec.to_owned(),
            problem,
        };
        let config: EncoderConfig = read_json(&dir.join("config.json"), spec)?;
        let architecture = match config.model_type.as_str() {
            "bert" => Architecture::Bert,
            "mpnet" => Architecture::Mpnet,
            other => {
                return Err(bad(format!(
                "model_type \"{other}\" in config.json is not supported (supported: bert, mpnet)"
            )))
            }
        };
        if config.hidden_act != "gelu" {
            return Err(bad(format!(
                "hidden_act \"{}\" in config.json is not supported (supported: gelu)",
                config.hidden_act
            )));
        }
        if config.num_attention_heads == 0 || config.hidden_size % config.num_attention_heads != 0 {
            return Err(bad(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                config.hidden_size, config.num_attention_heads
            )));
        }
        let modules: Vec<Module> = read_json(&dir.join("modules.json"), spec)?;
        let mut pooling = None;
        let mut normalize = false;
        for (i, module) in modules.iter().enumerate() {
            let kind = module.kind.rsplit('.').next().unwrap_or_default();
            match kind {
                "Transformer" if i == 0 => {}
                "Pooling" => {
                    let file = dir.join(&module.path).join("config.json");
                    pooling = Some(read_pooling(&file, spec)?);
                }
                "Normalize" => normalize = true,
                _ => {
                    return Err(bad(format!(
                        "modules.json module {i} is {}: lakeops supports a Transformer followed by \
                         Pooling and Normalize",
                        module.kind
                    )))
                }
            }
        }
        let pooling = pooling.ok_or_else(|| bad("modules.json has no Pooling module".into()))?;
        let sbert = dir.join("sentence_bert_config.json");
        let sbert: SentenceBertConfig = if sbert.is_file() {
            read_json(&sbert, spec)?
        } else {
            SentenceBertConfig {
                max_seq_length: None,
                do_lower_case: false,
            }
        };
        let position_limit = match architecture {
            // RoBERTa-style positions start after the padding index.
            Architecture::Mpnet => config
                .max_position_embeddings
                .saturating_sub(config.pad_token_id as usize + 1),
            Architecture::Bert => config.max_position_embeddings,
        };
        // sentence-transformers 6 no longer writes max_seq_length there: it keeps the
        // tokenizer's model_max_length (transformers writes a huge sentinel when unset).
        let model_limit = sbert
            .max_seq_length
            .or_else(|| tokenizer_max_length(&dir.join("tokenizer_config.json")))
            .filter(|&n| n <= position_limit)
            .unwrap_or(position_limit);
        let max_seq_length = max_seq_length.unwrap_or(model_limit);
        if max_seq_length > position_limit || max_seq_length < 2 {
            return Err(bad(format!(
                "--max-seq-length {max_seq_length} is outside 2..={position_limit}, the positions \
                 this model has"
            )));
        }
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json"), max_seq_length, spec)?;
        let st_config = dir.join("config_sentence_transformers.json");
        let similarity = if st_config.is_file() {
            read_json::<SentenceTransformersConfig>(&st_config, spec)?.similarity_fn_name
        } else {
            None
        }
        .unwrap_or_else(|| "cosine".to_owned());
        let weights = dir.join("model.safetensors");
        let fingerprint = content_fingerprint(&[&weights, &dir.join("tokenizer.json")], spec)?;
        Ok(ModelDir {
            fingerprint,
            weights,
            dir,
            name: spec.trim_end_matches('/').to_owned(),
            revision,
            architecture,
            config,
            pooling,
            normalize,
            max_seq_length,
            lowercase: sbert.do_lower_case,
            similarity,
            tokenizer,
        })
    }

    pub fn dim(&self) -> usize {
        self.config.hidden_size
    }
}

/// A hash of the files that decide the vectors beside the settings, the weights and the
/// tokenizer, by content: the same model under another path or on another machine is the same
/// model (shards on other machines resume each other's outputs), and a model changed in place is
/// a different one whatever its size and time.
fn content_fingerprint(files: &[&Path], spec: &str) -> Result<String, EmbedError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    for path in files {
        let mut file = std::fs::File::open(path)
            .map_err(|e| model_file(spec, format!("cannot read {}", path.display()), e))?;
        loop {
            let n = file
                .read(&mut buffer)
                .map_err(|e| model_file(spec, format!("cannot read {}", path.display()), e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
    }
    Ok(hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn tokenizer_max_length(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let config: serde_json::Value = serde_json::from_str(&text).ok()?;
    config["model_max_length"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, spec: &str) -> Result<T, EmbedError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| model_file(spec, format!("cannot read {}", path.display()), e))?;
    serde_json::from_str(&text).map_err(|e| model_file(spec, path.display().to_string(), e))
}

fn model_file(
    spec: &str,
    what: String,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> EmbedError {
    EmbedError::ModelFile {
        model: spec.to_owned(),
        what,
        source: source.into().into(),
    }
}

/// The shipped `tokenizer.json` files store a 128-token truncation and fixed 128-token padding;
/// sentence-transformers overrides both, and so do we.
fn load_tokenizer(path: &Path, max_len: usize, spec: &str) -> Result<Tokenizer, EmbedError> {
    let name = || path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| model_file(spec, format!("cannot read {}", name()), e))?;
    // tokenizers panics on a JSON syntax error inside some sections (a truncated `decoder`,
    // found by fuzzing): a file that is not JSON at all is refused here, with serde's position.
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| model_file(spec, format!("{}: not valid JSON", name()), e))?;
    let mut tokenizer = text
        .parse::<Tokenizer>()
        .map_err(|e| model_file(spec, name(), e))?;
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: max_len,
            ..TruncationParams::default()
        }))
        .map_err(|e| model_file(spec, name(), e))?;
    Ok(tokenizer)
}
