//! What a bug report needs, which `--version` (one line, for scripts) leaves out: the git
//! revision built from, the cargo features, and the versions of the engines inside (candle runs
//! `embed`, DataFusion `query`, Arrow every Parquet read and write). The facts are fixed at build
//! time (build.rs), so this module reads nothing at run time.

use serde::Serialize;

/// `lakeops version`'s report; `--json` prints it as one `{"type": "version", ...}` record.
#[derive(Debug, Clone, Serialize)]
pub struct VersionReport {
    pub version: &'static str,
    /// `git rev-parse --short HEAD` at build time, or "unknown" (a build outside a git checkout).
    pub revision: &'static str,
    /// The cargo features this binary was built with (`cuda`), none by default.
    pub features: Vec<&'static str>,
    pub candle: &'static str,
    pub datafusion: &'static str,
    pub arrow: &'static str,
}

impl VersionReport {
    pub fn of_this_build() -> Self {
        VersionReport {
            version: env!("CARGO_PKG_VERSION"),
            revision: env!("BUILD_GIT_REVISION"),
            features: if cfg!(feature = "cuda") {
                vec!["cuda"]
            } else {
                Vec::new()
            },
            candle: env!("BUILD_CANDLE_VERSION"),
            datafusion: env!("BUILD_DATAFUSION_VERSION"),
            arrow: env!("BUILD_ARROW_VERSION"),
        }
    }
}
