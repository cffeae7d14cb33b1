//! `lakeops cost diff`: two plans priced alike, and the change between them.

use std::path::Path;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::json::{record, Exact, Record};
use super::plan::estimate_plan;
use super::{above, increase, Breach, PlanOptions, ReportError};
use crate::cost::plan::{self, PlanDiff};

pub struct DiffReport {
    pub diff: PlanDiff,
    pub change_usd: Decimal,
    /// `None` when the old total was zero.
    pub change_pct: Option<Decimal>,
    /// `--fail-if-increase-pct` first, then `--fail-above` (on the new total).
    pub breaches: Vec<Breach>,
}

pub fn diff(
    old: &Path,
    new: &Path,
    fail_if_increase_pct: Option<Decimal>,
    options: &PlanOptions,
) -> Result<DiffReport, ReportError> {
    let prices = options.prices.load()?;
    let before = estimate_plan(old, options.region.as_deref(), &prices)?;
    let after = estimate_plan(new, options.region.as_deref(), &prices)?;
    let diff = plan::diff(&before, &after);
    let breaches = increase(fail_if_increase_pct, &diff)
        .into_iter()
        .chain(above(options.fail_above, diff.new_total_usd))
        .collect();
    Ok(DiffReport {
        change_usd: diff.new_total_usd - diff.old_total_usd,
        change_pct: diff.increase_pct(),
        diff,
        breaches,
    })
}

impl Serialize for DiffReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", "diff")?;
        map.serialize_entry("old_total_usd", &Exact(self.diff.old_total_usd))?;
        map.serialize_entry("new_total_usd", &Exact(self.diff.new_total_usd))?;
        map.serialize_entry("change_usd", &Exact(self.change_usd))?;
        map.serialize_entry("change_pct", &self.change_pct.map(Exact))?;
        map.serialize_entry("workloads", &self.diff.changes)?;
        map.end()
    }
}

impl DiffReport {
    /// A `workload` record per workload of either plan (`name`, `old_usd` and `new_usd`, null
    /// where it is absent, and `change_usd`), then the `summary`: the totals, the change in USD
    /// and percent (null from a zero total) and the budgets broken.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut records = Vec::with_capacity(self.diff.changes.len() + 1);
        for change in &self.diff.changes {
            let mut fields = serde_json::to_value(change)?;
            if let serde_json::Value::Object(map) = &mut fields {
                map.insert(
                    "change_usd".into(),
                    serde_json::to_value(Exact(change.change_usd()))?,
                );
            }
            records.push(("workload", fields));
        }
        records.push(record(
            "summary",
            serde_json::json!({
                "workloads": self.diff.changes.len(),
                "old_total_usd": Exact(self.diff.old_total_usd),
                "new_total_usd": Exact(self.diff.new_total_usd),
                "change_usd": Exact(self.change_usd),
                "change_pct": self.change_pct.map(Exact),
                "breaches": self.breaches,
            }),
        )?);
        Ok(records)
    }
}
