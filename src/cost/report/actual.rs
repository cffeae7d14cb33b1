//! `lakeops cost actual`: a plan's estimate against a month's bill, per service, and the
//! `--fail-if-variance-pct` budget.

use std::path::Path;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::json::{record, Exact, Record};
use super::plan::estimate_plan;
use super::{Breach, PlanOptions, ReportError};
use crate::cost::actual::{self, Bill, Comparison, Period};
use crate::fleet::FleetError;

pub struct ActualReport {
    pub period: Period,
    /// The plan's regions, the only ones whose bill is read.
    pub regions: Vec<String>,
    /// Cost Explorer calls some of the bill an estimate: it may still change.
    pub estimated: bool,
    pub comparison: Comparison,
    pub breaches: Vec<Breach>,
}

/// Prices the plan first, so that a plan that cannot be priced fails before Cost Explorer is
/// asked (`bill` is called only then).
pub fn actual(
    plan: &Path,
    period: Period,
    fail_if_variance_pct: Option<Decimal>,
    options: &PlanOptions,
    bill: impl FnOnce(&Period, &[String]) -> Result<Bill, FleetError>,
) -> Result<ActualReport, ActualError> {
    let prices = options.prices.load()?;
    let planned = estimate_plan(plan, options.region.as_deref(), &prices)?;
    // Cost Explorer's bill is the whole account's: other regions' use of the same services is not
    // the plan's to explain.
    let regions: Vec<String> = planned
        .workloads
        .iter()
        .map(|(_, e)| e.region.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let bill = bill(&period, &regions).map_err(ActualError::Bill)?;
    let comparison = actual::compare(&planned, &bill.lines, &period);
    let breaches = fail_if_variance_pct
        .into_iter()
        .flat_map(|limit| {
            comparison
                .services
                .iter()
                .filter(move |s| s.over(limit))
                .map(move |s| Breach::Variance {
                    service: s.service.clone(),
                    variance_pct: s.variance_pct(),
                    limit_pct: limit,
                })
        })
        .collect();
    Ok(ActualReport {
        period,
        regions,
        estimated: bill.estimated,
        comparison,
        breaches,
    })
}

/// Pricing the plan failed, or reading the bill did.
#[derive(Debug, thiserror::Error)]
pub enum ActualError {
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("cannot read the bill from Cost Explorer")]
    Bill(#[source] FleetError),
}

impl ActualReport {
    /// A `service` record per service, an `other` record per unplanned Cost Explorer service,
    /// then the `summary`.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let c = &self.comparison;
        let mut out = Vec::new();
        for s in &c.services {
            out.push(record("service", ShownService(s))?);
        }
        for (service, usd) in &c.other {
            out.push(record(
                "other",
                serde_json::json!({"ce_service": service, "actual_usd": Exact(*usd)}),
            )?);
        }
        out.push(record("summary", Summary(self))?);
        Ok(out)
    }
}

struct ShownService<'a>(&'a actual::ServiceVariance);

impl Serialize for ShownService<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("service", &s.service)?;
        map.serialize_entry("planned_usd", &Exact(s.planned_usd))?;
        map.serialize_entry("actual_usd", &Exact(s.actual_usd))?;
        map.serialize_entry("variance_usd", &Exact(s.variance_usd()))?;
        map.serialize_entry(
            "variance_pct",
            &s.variance_pct().map(|p| Exact(p.round_dp(2))),
        )?;
        map.end()
    }
}

struct Summary<'a>(&'a ActualReport);

impl Serialize for Summary<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let c = &r.comparison;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("month", &r.period.month.to_string())?;
        map.serialize_entry("month_to_date", &r.period.partial())?;
        map.serialize_entry("days", &r.period.days)?;
        map.serialize_entry("days_in_month", &r.period.days_in_month)?;
        map.serialize_entry("regions", &r.regions)?;
        map.serialize_entry("estimated", &r.estimated)?;
        map.serialize_entry("planned_usd", &Exact(c.planned_total_usd))?;
        map.serialize_entry("actual_usd", &Exact(c.actual_total_usd))?;
        map.serialize_entry(
            "variance_usd",
            &Exact(c.actual_total_usd - c.planned_total_usd),
        )?;
        map.serialize_entry(
            "other_usd",
            &Exact(c.other.iter().map(|(_, usd)| *usd).sum()),
        )?;
        map.serialize_entry("budgets_broken", &r.breaches)?;
        map.end()
    }
}
