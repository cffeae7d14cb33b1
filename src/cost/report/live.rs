//! `lakeops cost live`: each running resource's assessment, the totals, and the
//! `--fail-if-waste-above` budget.

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::json::{record, Exact, Record};
use super::{Breach, PriceOptions, ReportError};
use crate::cost::live::{self, Assessment, Found, Verdict, Window};

/// What `cost live` found in one region, with each resource's series in
/// [`Found::metrics`]' order.
pub struct RegionFindings {
    pub region: String,
    pub found: Vec<(Found, Vec<Vec<f64>>)>,
}

pub struct LiveOptions {
    pub window: Window,
    pub fail_if_waste_above: Option<Decimal>,
    pub prices: PriceOptions,
}

/// How the report was read: requests made, for the record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requests {
    pub get_metric_data: usize,
}

pub struct LiveReport {
    pub days: u32,
    pub regions: Vec<String>,
    pub assessments: Vec<Assessment>,
    pub configured_usd: Decimal,
    pub used_usd: Decimal,
    /// The savings of the over-provisioned resources: what `--fail-if-waste-above` checks.
    pub waste_usd: Decimal,
    pub requests: Requests,
    pub breaches: Vec<Breach>,
}

pub fn live(
    findings: &[RegionFindings],
    requests: Requests,
    options: &LiveOptions,
) -> Result<LiveReport, ReportError> {
    let prices = options.prices.load()?;
    let mut assessments = Vec::new();
    for region in findings {
        for (found, series) in &region.found {
            assessments.push(live::assess(
                found,
                &region.region,
                series,
                options.window,
                &prices,
            )?);
        }
    }
    let configured_usd = assessments.iter().map(|a| a.configured_usd).sum();
    let used_usd = assessments
        .iter()
        .filter(|a| a.running)
        .filter_map(|a| a.used_usd)
        .sum();
    let waste_usd: Decimal = assessments
        .iter()
        .filter(|a| {
            a.verdict == Verdict::OverProvisioned || a.verdict == Verdict::ConsiderParallelismPerKpu
        })
        .map(|a| a.saving_usd.max(Decimal::ZERO))
        .sum();
    let breaches = options
        .fail_if_waste_above
        .filter(|limit| waste_usd > *limit)
        .map(|limit| Breach::Waste {
            waste_usd,
            limit_usd: limit,
        })
        .into_iter()
        .collect();
    Ok(LiveReport {
        days: options.window.days,
        regions: findings.iter().map(|f| f.region.clone()).collect(),
        assessments,
        configured_usd,
        used_usd,
        waste_usd,
        requests,
        breaches,
    })
}

impl LiveReport {
    /// The running resources as a plan file (`cost plan --from-live`).
    pub fn plan_toml(&self) -> String {
        live::plan_toml(&self.assessments)
    }

    /// A `resource` record per resource, then the `summary`.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut out = Vec::with_capacity(self.assessments.len() + 1);
        for a in &self.assessments {
            out.push(record("resource", Shown(a))?);
        }
        out.push(record("summary", Summary(self))?);
        Ok(out)
    }
}

struct Shown<'a>(&'a Assessment);

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("service", a.service)?;
        map.serialize_entry("name", &a.name)?;
        map.serialize_entry("region", &a.region)?;
        map.serialize_entry("status", &a.status)?;
        map.serialize_entry("running", &a.running)?;
        map.serialize_entry("configured", &a.configured)?;
        map.serialize_entry("configured_usd", &Exact(a.configured_usd))?;
        map.serialize_entry("used_usd", &a.used_usd.map(Exact))?;
        map.serialize_entry("verdict", &a.verdict)?;
        map.serialize_entry("reason", &a.reason)?;
        map.serialize_entry("evidence", &a.evidence)?;
        map.serialize_entry("recommended", &a.recommended)?;
        map.serialize_entry("recommended_usd", &a.recommended_usd.map(Exact))?;
        map.serialize_entry("saving_usd", &Exact(a.saving_usd))?;
        map.end()
    }
}

struct Summary<'a>(&'a LiveReport);

impl Serialize for Summary<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("days", &r.days)?;
        map.serialize_entry("regions", &r.regions)?;
        map.serialize_entry("resources", &r.assessments.len())?;
        map.serialize_entry(
            "running",
            &r.assessments.iter().filter(|a| a.running).count(),
        )?;
        map.serialize_entry("configured_usd", &Exact(r.configured_usd))?;
        map.serialize_entry("used_usd", &Exact(r.used_usd))?;
        map.serialize_entry("waste_usd", &Exact(r.waste_usd))?;
        map.serialize_entry("get_metric_data_requests", &r.requests.get_metric_data)?;
        map.serialize_entry("budgets_broken", &r.breaches)?;
        map.end()
    }
}
