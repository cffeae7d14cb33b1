//! Plan files: several named workloads in YAML or TOML, estimated together, and the difference
//! between two plans (for CI budgets).
//!
//! ```toml
//! region = "us-east-1"            # default for every workload
//! [[workloads]]
//! name = "clickstream"
//! service = "flink"
//! parallelism = 8
//! parallelism_per_kpu = 2
//! [[workloads]]
//! name = "logs"
//! service = "ingestion"
//! ocus = 4
//! hours_per_day = 12
//! days_per_month = 20
//! ```

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::workload::Workload;
use super::{CostError, Estimate, Prices, Schedule};

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub workloads: Vec<PlannedWorkload>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedWorkload {
    pub name: String,
    pub region: Option<String>,
    pub schedule: [Option<Decimal>; 3],
    pub workload: Workload,
}

/// Keys a workload (or the whole plan, as defaults) may carry besides the service's own.
const SCHEDULE_KEYS: [&str; 3] = ["hours_per_day", "days_per_month", "hours_per_month"];

fn plan_error(file: &str, message: impl Into<String>) -> CostError {
    CostError::Plan {
        file: file.to_owned(),
        message: message.into(),
        source: None,
    }
}

/// A parser's error, as the cause of a plan error (it carries the line and column).
fn unparsable(
    file: &str,
    message: impl Into<String>,
    source: impl std::error::Error + Send + Sync + 'static,
) -> CostError {
    CostError::Plan {
        file: file.to_owned(),
        message: message.into(),
        source: Some(Box::new(source)),
    }
}

/// The largest plan taken, the same in either format (K05/K06: TOML took 50 s for 100,000
/// workloads while YAML refused about 22,000, at its parser's node budget). Far above any real
/// plan; the bounds keep a generated or hostile file from costing minutes.
pub const MAX_PLAN_BYTES: usize = 16 << 20;
pub const MAX_WORKLOADS: usize = 20_000;

/// YAML's node budget, raised so that [`MAX_WORKLOADS`] workloads of many keys fit; its alias
/// limits (billion laughs) stay as they are.
fn yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 4_000_000,
        },
    };
    serde_saphyr::from_str_with_options(text, options)
}

/// Parses a plan; YAML or TOML by the file name's extension, else TOML then YAML. Syntax errors
/// carry the parser's line and column.
pub fn parse(file: &str, text: &str) -> Result<Plan, CostError> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(plan_error(
            file,
            format!(
                "larger than {MAX_PLAN_BYTES} bytes; plans are limited to {MAX_PLAN_BYTES} bytes and {MAX_WORKLOADS} workloads"
            ),
        ));
    }
    let lower = file.to_ascii_lowercase();
    let value: Value = if lower.ends_with(".toml") {
        toml::from_str(text).map_err(|e| unparsable(file, "not valid TOML", e))?
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        yaml(text).map_err(|e| unparsable(file, "not valid YAML", e))?
    } else {
        toml::from_str(text)
            .or_else(|_| yaml(text))
            .map_err(|e: serde_saphyr::Error| {
                unparsable(
                    file,
                    "neither TOML nor YAML (what the YAML parser says follows)",
                    e,
                )
            })?
    };
    let Value::Object(mut top) = value else {
        return Err(plan_error(
            file,
            "expected a table of settings with a `workloads` list",
        ));
    };
    let workloads = match top.remove("workloads") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => return Err(plan_error(file, "expected a non-empty `workloads` list")),
    };
    if workloads.len() > MAX_WORKLOADS {
        return Err(plan_error(
            file,
            format!(
                "{} workloads; plans are limited to {MAX_WORKLOADS} (split it, or estimate the parts)",
                workloads.len()
            ),
        ));
    }
    let default_region = take_string(&mut top, "region", file)?;
    let default_schedule = take_schedule(&mut top, file, "the plan")?;
    if let Some(key) = top.keys().next() {
        return Err(plan_error(file, format!("unknown setting {key:?} (region, hours_per_day, days_per_month, hours_per_month, workloads)")));
    }
    let mut planned = Vec::with_capacity(workloads.len());
    let mut names = std::collections::HashSet::with_capacity(workloads.len());
    for (index, entry) in workloads.into_iter().enumerate() {
        let Value::Object(mut fields) = entry else {
            return Err(plan_error(
                file,
                format!("workload {}: expected a table", index + 1),
            ));
        };
        let name = take_string(&mut fields, "name", file)?.ok_or_else(|| {
            plan_error(file, format!("workload {}: `name` is required", index + 1))
        })?;
        if !names.insert(name.clone()) {
            return Err(plan_error(file, format!("workload {name:?} appears twice")));
        }
        let region = take_string(&mut fields, "region", file)?.or_else(|| default_region.clone());
        let own = take_schedule(&mut fields, file, &name)?;
        let schedule = if own.iter().any(Option::is_some) {
            own
        } else {
            default_schedule
        };
        let workload: Workload = serde_json::from_value(Value::Object(fields))
            .map_err(|e| unparsable(file, format!("workload {name:?}"), e))?;
        planned.push(PlannedWorkload {
            name,
            region,
            schedule,
            workload,
        });
    }
    Ok(Plan { workloads: planned })
}

fn take_string(
    map: &mut Map<String, Value>,
    key: &str,
    file: &str,
) -> Result<Option<String>, CostError> {
    match map.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(plan_error(
            file,
            format!("`{key}` must be a string, got {other}"),
        )),
    }
}

fn take_schedule(
    map: &mut Map<String, Value>,
    file: &str,
    owner: &str,
) -> Result<[Option<Decimal>; 3], CostError> {
    let mut schedule = [None; 3];
    for (slot, key) in schedule.iter_mut().zip(SCHEDULE_KEYS) {
        if let Some(value) = map.remove(key) {
            let number: Decimal = serde_json::from_value(value.clone()).map_err(|_| {
                plan_error(
                    file,
                    format!("{owner}: `{key}` must be a number, got {value}"),
                )
            })?;
            *slot = Some(number);
        }
    }
    Ok(schedule)
}

/// Each workload's estimate, and the total.
#[derive(Clone, Debug)]
pub struct PlanEstimate {
    pub workloads: Vec<(String, Estimate)>,
    pub total_usd: Decimal,
}

pub fn estimate(
    plan: &Plan,
    default_region: Option<&str>,
    prices: &Prices,
) -> Result<PlanEstimate, CostError> {
    let mut workloads = Vec::with_capacity(plan.workloads.len());
    let mut total = Decimal::ZERO;
    for planned in &plan.workloads {
        let region = planned
            .region
            .as_deref()
            .or(default_region)
            .ok_or_else(|| {
                CostError::Invalid(format!(
                    "workload {:?} has no region (set `region` in the plan or --region)",
                    planned.name
                ))
            })?;
        let [per_day, days, per_month] = planned.schedule;
        let schedule = Schedule::new(per_day, days, per_month)?;
        let e = planned
            .workload
            .estimate(region, schedule, prices)
            .map_err(|e| CostError::Workload {
                name: planned.name.clone(),
                source: Box::new(e),
            })?;
        total += e.total_usd;
        workloads.push((planned.name.clone(), e));
    }
    Ok(PlanEstimate {
        workloads,
        total_usd: total,
    })
}

/// One workload's change between two plans (`None`: absent on that side).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WorkloadChange {
    pub name: String,
    #[serde(serialize_with = "super::report::exact_or_null")]
    pub old_usd: Option<Decimal>,
    #[serde(serialize_with = "super::report::exact_or_null")]
    pub new_usd: Option<Decimal>,
}

impl WorkloadChange {
    /// An absent side counts as zero.
    pub fn change_usd(&self) -> Decimal {
        self.new_usd.unwrap_or_default() - self.old_usd.unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlanDiff {
    pub changes: Vec<WorkloadChange>,
    pub old_total_usd: Decimal,
    pub new_total_usd: Decimal,
}

impl PlanDiff {
    /// The total's change in percent; `None` when the old total was zero.
    pub fn increase_pct(&self) -> Option<Decimal> {
        (self.old_total_usd > Decimal::ZERO).then(|| {
            (self.new_total_usd - self.old_total_usd) / self.old_total_usd * Decimal::ONE_HUNDRED
        })
    }
}

pub fn diff(old: &PlanEstimate, new: &PlanEstimate) -> PlanDiff {
    let mut changes: Vec<WorkloadChange> = old
        .workloads
        .iter()
        .map(|(name, e)| WorkloadChange {
            name: name.clone(),
            old_usd: Some(e.total_usd),
            new_usd: new
                .workloads
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, e)| e.total_usd),
        })
        .collect();
    for (name, e) in &new.workloads {
        if !old.workloads.iter().any(|(n, _)| n == name) {
            changes.push(WorkloadChange {
                name: name.clone(),
                old_usd: None,
                new_usd: Some(e.total_usd),
            });
        }
    }
    PlanDiff {
        changes,
        old_total_usd: old.total_usd,
        new_total_usd: new.total_usd,
    }
}
