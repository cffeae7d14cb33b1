//! What `lakeops cost` reports: one workload in one or more regions, a plan's workloads and
//! total, the change between two plans, and the price table; and the CI budgets (`--fail-above`,
//! `--fail-if-increase-pct`) that decide whether a run that priced everything still fails.
//!
//! Each report serialises as the one JSON document `--format json` prints, and gives the typed
//! records `--json` prints, one per estimate, workload or price row, then a `summary` with the
//! totals and the budgets broken (`output::cost` renders the other formats). Amounts are JSON
//! numbers with the decimal's own digits ([`exact`]) in both. This module reads the price and
//! plan files it is given; it writes and prints nothing.
//!
//! This file holds the errors, where prices come from and the budgets; each report has its file
//! (`estimate`, `plan`, `diff`, `prices`), and `json` the shapes they share.

mod actual;
mod diff;
mod estimate;
mod json;
mod live;
mod plan;
mod prices;

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::plan::PlanDiff;
use super::{CostError, Prices};

pub use actual::{actual, ActualReport};
pub use diff::{diff, DiffReport};
pub use estimate::{estimate, EstimateOptions, EstimateReport};
pub use json::{exact, exact_or_null, Record};
pub use live::{live, LiveOptions, LiveReport, RegionFindings, Requests};
pub use plan::{plan, PlanOptions, PlanReport};
pub use prices::{prices, PricesReport};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read price file {}", path.display())]
    ReadPriceFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid price file {}", path.display())]
    PriceFile { path: PathBuf, source: CostError },
    #[error("cannot read plan {}", path.display())]
    ReadPlan {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unknown region {region:?} (the price table has: {known})")]
    UnknownRegion { region: String, known: String },
    #[error("no prices for region {region:?} (the table has: {known})")]
    NoPrices { region: String, known: String },
    #[error("cannot create {}", dir.display())]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    WriteCache {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Cost(#[from] CostError),
}

/// Where prices come from: the embedded table, the rows of a price file replacing its rows, and
/// `--price UNIT=USD` overrides over both.
#[derive(Clone, Debug, Default)]
pub struct PriceOptions {
    pub file: Option<PathBuf>,
    pub overrides: Vec<(String, Decimal)>,
}

impl PriceOptions {
    pub fn load(&self) -> Result<Prices, ReportError> {
        let mut prices = Prices::embedded();
        if let Some(path) = &self.file {
            let text =
                std::fs::read_to_string(path).map_err(|source| ReportError::ReadPriceFile {
                    path: path.clone(),
                    source,
                })?;
            let extra = Prices::parse(&text).map_err(|source| ReportError::PriceFile {
                path: path.clone(),
                source,
            })?;
            prices.merge(extra);
        }
        for (unit, usd) in &self.overrides {
            prices.set_override(unit, *usd)?;
        }
        Ok(prices)
    }
}

/// A CI budget a report broke: everything was priced, and the run exits 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Breach {
    /// `--fail-above`: the monthly total (the highest, over several regions) is above the limit.
    Above {
        total_usd: Decimal,
        limit_usd: Decimal,
    },
    /// `--fail-if-increase-pct`: the total rose by more than this many percent, or rose at all
    /// from zero (where no percentage exists).
    Increase { limit_pct: Decimal },
    /// `cost live --fail-if-waste-above`: the over-provisioned resources' savings sum above the
    /// limit.
    Waste {
        waste_usd: Decimal,
        limit_usd: Decimal,
    },
    /// `cost actual --fail-if-variance-pct`: a service billed more than this many percent over
    /// its plan, or billed with nothing planned (`variance_pct` is then `None`).
    Variance {
        service: String,
        variance_pct: Option<Decimal>,
        limit_pct: Decimal,
    },
}

fn above(limit: Option<Decimal>, total: Decimal) -> Option<Breach> {
    limit
        .filter(|limit| total > *limit)
        .map(|limit| Breach::Above {
            total_usd: total,
            limit_usd: limit,
        })
}

fn increase(limit: Option<Decimal>, diff: &PlanDiff) -> Option<Breach> {
    let limit = limit?;
    let broken = match diff.increase_pct() {
        Some(pct) => pct > limit,
        None => diff.new_total_usd > diff.old_total_usd,
    };
    broken.then_some(Breach::Increase { limit_pct: limit })
}

#[cfg(test)]
mod tests;
