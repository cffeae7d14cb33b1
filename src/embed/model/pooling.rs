//! `1_Pooling/config.json` in both layouts sentence-transformers has written, and the one pooling
//! mode lakeops runs (mean, cls or max), or a refusal naming what the folder asks for.

use std::path::Path;

use serde::Deserialize;

use super::{read_json, Pooling};
use crate::embed::EmbedError;

/// Both layouts: sentence-transformers 6 writes `"pooling_mode": "mean"` (or a list); earlier
/// versions one `pooling_mode_*` boolean per mode.
#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode: Option<serde_json::Value>,
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
    #[serde(default)]
    pooling_mode_weightedmean_tokens: bool,
    #[serde(default)]
    pooling_mode_lasttoken: bool,
}

pub(super) fn read_pooling(path: &Path, spec: &str) -> Result<Pooling, EmbedError> {
    let config: PoolingConfig = read_json(path, spec)?;
    if let Some(mode) = &config.pooling_mode {
        let names: Vec<&str> = match mode {
            serde_json::Value::String(name) => vec![name.as_str()],
            serde_json::Value::Array(names) => names.iter().filter_map(|n| n.as_str()).collect(),
            _ => Vec::new(),
        };
        return match names.as_slice() {
            ["mean"] => Ok(Pooling::Mean),
            ["cls"] => Ok(Pooling::Cls),
            ["max"] => Ok(Pooling::Max),
            _ => Err(EmbedError::Model {
                model: spec.to_owned(),
                problem: format!(
                    "{}: pooling {mode} is not supported (supported: exactly one of mean, cls, max)",
                    path.display()
                ),
            }),
        };
    }
    let modes = [
        (config.pooling_mode_mean_tokens, Some(Pooling::Mean), "mean"),
        (config.pooling_mode_cls_token, Some(Pooling::Cls), "cls"),
        (config.pooling_mode_max_tokens, Some(Pooling::Max), "max"),
        (
            config.pooling_mode_mean_sqrt_len_tokens,
            None,
            "mean_sqrt_len",
        ),
        (
            config.pooling_mode_weightedmean_tokens,
            None,
            "weightedmean",
        ),
        (config.pooling_mode_lasttoken, None, "lasttoken"),
    ];
    let on: Vec<_> = modes.iter().filter(|m| m.0).collect();
    match on.as_slice() {
        [(_, Some(pooling), _)] => Ok(*pooling),
        _ => Err(EmbedError::Model {
            model: spec.to_owned(),
            problem: format!(
                "{}: pooling {} is not supported (supported: exactly one of mean, cls, max)",
                path.display(),
                if on.is_empty() {
                    "none".to_owned()
                } else {
                    on.iter().map(|m| m.2).collect::<Vec<_>>().join("+")
                }
            ),
        }),
    }
}
