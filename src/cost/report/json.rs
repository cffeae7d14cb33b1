//! What the reports share in JSON: amounts as exact numbers, an estimate as `--json` shows it,
//! a broken budget, and the `--json` record.

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::Breach;
use crate::cost::{Estimate, LineItem};

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

pub(super) struct Exact(pub(super) Decimal);

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        exact(&self.0, serializer)
    }
}

/// An estimate as `--json` shows it: `"type": "estimate"`, its sizing results (`kpus`, `dpus`,
/// ...) as top-level numbers, each line's formula only with `--explain`, and in a plan the
/// workload's name.
pub(super) struct Shown<'a> {
    pub(super) estimate: &'a Estimate,
    pub(super) explain: bool,
    pub(super) name: Option<&'a str>,
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

/// One `--json` record: its `type` and its fields.
pub type Record = (&'static str, serde_json::Value);

/// A budget as `--json` summaries list it: `{"budget": "fail_above", "total_usd", "limit_usd"}`
/// or `{"budget": "fail_if_increase_pct", "limit_pct"}`, `{"budget": "fail_if_waste_above",
/// "waste_usd", "limit_usd"}`, `{"budget": "fail_if_variance_pct", "service", "variance_pct",
/// "limit_pct"}`.
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
            Breach::Waste {
                waste_usd,
                limit_usd,
            } => {
                map.serialize_entry("budget", "fail_if_waste_above")?;
                map.serialize_entry("waste_usd", &Exact(*waste_usd))?;
                map.serialize_entry("limit_usd", &Exact(*limit_usd))?;
            }
            Breach::Variance {
                service,
                variance_pct,
                limit_pct,
            } => {
                map.serialize_entry("budget", "fail_if_variance_pct")?;
                map.serialize_entry("service", service)?;
                map.serialize_entry("variance_pct", &variance_pct.map(|p| Exact(p.round_dp(2))))?;
                map.serialize_entry("limit_pct", &Exact(*limit_pct))?;
            }
        }
        map.end()
    }
}

pub(super) fn record(kind: &'static str, value: impl Serialize) -> serde_json::Result<Record> {
    Ok((kind, serde_json::to_value(value)?))
}
