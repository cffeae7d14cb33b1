//! `lakeops version`: what a bug report needs, which `--version` (one line, for scripts) leaves
//! out: the git revision built from, the cargo features, and the versions of the engines inside
//! (candle runs `embed`, DataFusion `query`, Arrow every Parquet read and write). The facts are
//! fixed at build time (build.rs).

use serde::Serialize;

use crate::output::Printer;
use crate::ExitStatus;

/// `--json`'s `{"type": "version", ...}` record.
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

    fn text(&self) -> String {
        let features = if self.features.is_empty() {
            "none (embed runs on the CPU; build with --features cuda for the GPU)".to_owned()
        } else {
            self.features.join(", ")
        };
        format!(
            "lakeops {}\n\
             revision    {}\n\
             features    {features}\n\
             candle      {}\n\
             datafusion  {}\n\
             arrow       {}\n",
            self.version, self.revision, self.candle, self.datafusion, self.arrow
        )
    }
}

pub fn run(printer: &Printer) -> anyhow::Result<ExitStatus> {
    let report = VersionReport::of_this_build();
    if printer.json() {
        printer.json_record("version", &report)?;
    } else {
        printer.data(&report.text())?;
    }
    Ok(ExitStatus::Success)
}
