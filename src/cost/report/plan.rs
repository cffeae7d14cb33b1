//! `lakeops cost plan`: a plan file's workloads, each priced, and their total.

use std::io::Read;
use std::path::Path;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::json::{record, Exact, Record, Shown};
use super::{above, Breach, PriceOptions, ReportError};
use crate::cost::plan::{self, PlanEstimate};
use crate::cost::Prices;

/// What `plan` and `diff` share; each workload names its own schedule, and may name its region.
pub struct PlanOptions {
    /// For workloads that name none.
    pub region: Option<String>,
    pub prices: PriceOptions,
    pub explain: bool,
    pub fail_above: Option<Decimal>,
}

pub struct PlanReport {
    pub plan: PlanEstimate,
    pub explain: bool,
    pub breaches: Vec<Breach>,
}

pub fn plan(file: &Path, options: &PlanOptions) -> Result<PlanReport, ReportError> {
    let prices = options.prices.load()?;
    let plan = estimate_plan(file, options.region.as_deref(), &prices)?;
    Ok(PlanReport {
        breaches: above(options.fail_above, plan.total_usd)
            .into_iter()
            .collect(),
        plan,
        explain: options.explain,
    })
}

pub(super) fn estimate_plan(
    file: &Path,
    region: Option<&str>,
    prices: &Prices,
) -> Result<PlanEstimate, ReportError> {
    // One byte over the limit is enough for the parser to refuse it by size.
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| {
            f.take(plan::MAX_PLAN_BYTES as u64 + 1)
                .read_to_string(&mut text)
        })
        .map_err(|source| ReportError::ReadPlan {
            path: file.to_owned(),
            source,
        })?;
    let parsed = plan::parse(&file.display().to_string(), &text)?;
    Ok(plan::estimate(&parsed, region, prices)?)
}

impl Serialize for PlanReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let workloads: Vec<Shown> = self
            .plan
            .workloads
            .iter()
            .map(|(name, estimate)| Shown {
                estimate,
                explain: self.explain,
                name: Some(name),
            })
            .collect();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", "plan")?;
        map.serialize_entry("total_usd", &Exact(self.plan.total_usd))?;
        map.serialize_entry("workloads", &workloads)?;
        map.end()
    }
}

impl PlanReport {
    /// An `estimate` record per workload, with its `name`, then the `summary`: how many, the
    /// plan's monthly total and the budgets broken.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut records = self
            .plan
            .workloads
            .iter()
            .map(|(name, estimate)| {
                record(
                    "estimate",
                    Shown {
                        estimate,
                        explain: self.explain,
                        name: Some(name),
                    },
                )
            })
            .collect::<serde_json::Result<Vec<_>>>()?;
        records.push(record(
            "summary",
            serde_json::json!({
                "workloads": self.plan.workloads.len(),
                "total_usd": Exact(self.plan.total_usd),
                "breaches": self.breaches,
            }),
        )?);
        Ok(records)
    }
}
