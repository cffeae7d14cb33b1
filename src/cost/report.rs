//! What `lakeops cost` reports: one workload in one or more regions, a plan's workloads and
//! total, the change between two plans, and the price table; and the CI budgets (`--fail-above`,
//! `--fail-if-increase-pct`) that decide whether a run that priced everything still fails.
//!
//! Each report serialises as the one JSON document `--format json` prints, and gives the typed
//! records `--json` prints, one per estimate, workload or price row, then a `summary` with the
//! totals and the budgets broken (`output::cost` renders the other formats). Amounts are JSON
//! numbers with the decimal's own digits ([`exact`]) in both. This module reads the price and
//! plan files it is given; it writes and prints nothing.

use std::io::Read;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::plan::{self, PlanDiff, PlanEstimate};
use super::workload::Workload;
use super::{CostError, Estimate, LineItem, PriceRow, Prices, Schedule};

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

/// `lakeops cost <service>`: one workload, priced in each region asked for.
pub struct EstimateOptions {
    pub workload: Workload,
    pub regions: Vec<String>,
    /// `--hours-per-day`, `--days-per-month`, `--hours-per-month`.
    pub schedule: [Option<Decimal>; 3],
    pub prices: PriceOptions,
    pub explain: bool,
    pub fail_above: Option<Decimal>,
}

/// One estimate per region, in the order asked for (never empty).
pub struct EstimateReport {
    pub estimates: Vec<Estimate>,
    pub explain: bool,
    pub breaches: Vec<Breach>,
}

pub fn estimate(options: &EstimateOptions) -> Result<EstimateReport, ReportError> {
    let prices = options.prices.load()?;
    let [per_day, days, per_month] = options.schedule;
    let schedule = Schedule::new(per_day, days, per_month)?;
    if options.regions.is_empty() {
        return Err(CostError::Invalid("no region given".into()).into());
    }
    let known = prices.regions();
    let mut estimates = Vec::with_capacity(options.regions.len());
    for region in &options.regions {
        if !known.contains(&region.as_str()) {
            return Err(ReportError::UnknownRegion {
                region: region.clone(),
                known: known.join(", "),
            });
        }
        estimates.push(options.workload.estimate(region, schedule, &prices)?);
    }
    let highest = estimates.iter().map(|e| e.total_usd).max();
    Ok(EstimateReport {
        breaches: above(options.fail_above, highest.unwrap_or_default())
            .into_iter()
            .collect(),
        estimates,
        explain: options.explain,
    })
}

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

fn estimate_plan(
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

/// `lakeops cost prices`: rows of the table, with their sources and dates.
#[derive(Serialize)]
#[serde(transparent)]
pub struct PricesReport {
    pub rows: Vec<PriceRow>,
}

pub fn prices(region: Option<&str>, options: &PriceOptions) -> Result<PricesReport, ReportError> {
    let prices = options.load()?;
    let rows: Vec<PriceRow> = prices.rows(region).into_iter().cloned().collect();
    if rows.is_empty() {
        return Err(ReportError::NoPrices {
            region: region.unwrap_or_default().to_owned(),
            known: prices.regions().join(", "),
        });
    }
    Ok(PricesReport { rows })
}

/// A decimal as a JSON number with the same digits: integers as integers (`4`, not `4.0`), other
/// values from their decimal text, rounded to 10 decimal places (a ten-billionth of a dollar or
/// unit) and 15 significant digits (the most a double holds exactly), so that the number written
/// is exactly that decimal (`0.0184184`, not the `0.018418399999999998` of arithmetic through
/// binary floats).
pub fn exact<S: Serializer>(d: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    let d = d.round_dp(10);
    let d = d.round_sf(15).unwrap_or(d).normalize();
    if d.scale() == 0 {
        if let Ok(n) = i64::try_from(d.mantissa()) {
            return serializer.serialize_i64(n);
        }
    }
    serializer.serialize_f64(d.to_string().parse::<f64>().unwrap_or(f64::NAN))
}

/// [`exact`], or null.
pub fn exact_or_null<S: Serializer>(d: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => exact(d, serializer),
        None => serializer.serialize_none(),
    }
}

struct Exact(Decimal);

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        exact(&self.0, serializer)
    }
}

/// An estimate as `--json` shows it: `"type": "estimate"`, its sizing results (`kpus`, `dpus`,
/// ...) as top-level numbers, each line's formula only with `--explain`, and in a plan the
/// workload's name.
struct Shown<'a> {
    estimate: &'a Estimate,
    explain: bool,
    name: Option<&'a str>,
}

struct ShownLine<'a> {
    line: &'a LineItem,
    explain: bool,
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let e = self.estimate;
        let lines: Vec<ShownLine> = e
            .line_items
            .iter()
            .map(|line| ShownLine {
                line,
                explain: self.explain,
            })
            .collect();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", "estimate")?;
        map.serialize_entry("service", e.service)?;
        map.serialize_entry("region", &e.region)?;
        map.serialize_entry("total_usd", &Exact(e.total_usd))?;
        map.serialize_entry("line_items", &lines)?;
        map.serialize_entry("assumptions", &e.assumptions)?;
        map.serialize_entry("warnings", &e.warnings)?;
        for (name, value) in &e.sizing {
            map.serialize_entry(name, &Exact(*value))?;
        }
        if let Some(name) = self.name {
            map.serialize_entry("name", name)?;
        }
        map.end()
    }
}

impl Serialize for ShownLine<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let l = self.line;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("description", &l.description)?;
        map.serialize_entry("quantity", &Exact(l.quantity))?;
        map.serialize_entry("unit", l.unit)?;
        map.serialize_entry("unit_price_usd", &Exact(l.unit_price_usd))?;
        map.serialize_entry("amount_usd", &Exact(l.amount_usd))?;
        map.serialize_entry("price_source", &l.price_source)?;
        map.serialize_entry("price_as_of", &l.price_as_of)?;
        if self.explain {
            map.serialize_entry("formula", &l.formula)?;
        }
        map.end()
    }
}

/// One region: the estimate itself; several: an array of them.
impl Serialize for EstimateReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = |estimate| Shown {
            estimate,
            explain: self.explain,
            name: None,
        };
        match self.estimates.as_slice() {
            [one] => shown(one).serialize(serializer),
            many => serializer.collect_seq(many.iter().map(shown)),
        }
    }
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

/// One `--json` record: its `type` and its fields.
pub type Record = (&'static str, serde_json::Value);

/// A budget as `--json` summaries list it: `{"budget": "fail_above", "total_usd", "limit_usd"}`
/// or `{"budget": "fail_if_increase_pct", "limit_pct"}`.
impl Serialize for Breach {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Breach::Above {
                total_usd,
                limit_usd,
            } => {
                map.serialize_entry("budget", "fail_above")?;
                map.serialize_entry("total_usd", &Exact(*total_usd))?;
                map.serialize_entry("limit_usd", &Exact(*limit_usd))?;
            }
            Breach::Increase { limit_pct } => {
                map.serialize_entry("budget", "fail_if_increase_pct")?;
                map.serialize_entry("limit_pct", &Exact(*limit_pct))?;
            }
        }
        map.end()
    }
}

fn record(kind: &'static str, value: impl Serialize) -> serde_json::Result<Record> {
    Ok((kind, serde_json::to_value(value)?))
}

impl EstimateReport {
    /// An `estimate` record per region (what the document holds), then the `summary`: how many,
    /// the highest monthly total (what `--fail-above` compares) and the budgets broken.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut records = self
            .estimates
            .iter()
            .map(|estimate| {
                record(
                    "estimate",
                    Shown {
                        estimate,
                        explain: self.explain,
                        name: None,
                    },
                )
            })
            .collect::<serde_json::Result<Vec<_>>>()?;
        let highest = self.estimates.iter().map(|e| e.total_usd).max();
        records.push(record(
            "summary",
            serde_json::json!({
                "estimates": self.estimates.len(),
                "max_total_usd": Exact(highest.unwrap_or_default()),
                "breaches": self.breaches,
            }),
        )?);
        Ok(records)
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

impl PricesReport {
    /// A `price` record per row (unit, region, usd, source, as_of), then the `summary`.
    pub fn records(&self) -> serde_json::Result<Vec<Record>> {
        let mut records = self
            .rows
            .iter()
            .map(|row| record("price", row))
            .collect::<serde_json::Result<Vec<_>>>()?;
        records.push(record(
            "summary",
            serde_json::json!({ "rows": self.rows.len() }),
        )?);
        Ok(records)
    }
}

#[cfg(test)]
mod tests;
