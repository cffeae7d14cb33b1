//! Capacity-unit cost estimates (specs/cost.md): pure functions over an embedded, dated price
//! table. No network I/O here (a price refresh is handed the documents); money is exact
//! decimals, rounded only when displayed, and a missing price is an error, never a fallback to
//! another region or to zero.
//!
//! One file per family: `flink` (KPU), `opensearch` (Ingestion and Serverless OCU), `glue` (Glue
//! and Athena for Apache Spark DPU), `emr` (EMR Serverless vCPU/GB). `prices` holds the table.
//! `report` is what the command reports and its budgets; the only file I/O is there (price and
//! plan files read) and in `cache` (the refreshed table written).

pub mod actual;
pub mod cache;
pub mod emr;
pub mod flink;
pub mod glue;
pub mod live;
pub mod opensearch;
pub mod plan;
pub mod prices;
pub mod refresh;
pub mod report;
pub mod workload;

use rust_decimal::dec;
use rust_decimal::Decimal;

pub use prices::{PriceRow, Prices};

/// A parser's or reader's own error, kept as the cause of ours.
pub use crate::error::BoxError as Cause;

#[derive(Debug, thiserror::Error)]
pub enum CostError {
    #[error("no price for {unit} in {region} in the embedded table (as of its dates); give one with --price {unit}=USD or --price-file")]
    MissingPrice { unit: String, region: String },
    #[error("unknown price unit {0:?} (see `lakeops cost prices`)")]
    UnknownUnit(String),
    #[error("invalid input: {0}")]
    Invalid(String),
    /// `source`: the CSV reader's or the decimal parser's error, when one is the reason.
    #[error("price table line {line}: {message}")]
    BadTable {
        line: usize,
        message: String,
        #[source]
        source: Option<Cause>,
    },
    /// `source`: the TOML, YAML or JSON parser's error (with its line and column), when one is
    /// the reason.
    #[error("plan {file}: {message}")]
    Plan {
        file: String,
        message: String,
        #[source]
        source: Option<Cause>,
    },
    /// A workload of a plan that cannot be estimated; `source` says why.
    #[error("workload {name:?}")]
    Workload {
        name: String,
        #[source]
        source: Box<CostError>,
    },
    /// A price the AWS Price List answered with that cannot be used; `source`: the JSON
    /// parser's error, when one is the reason.
    #[error("refreshing {unit} in {region}: {message}")]
    Refresh {
        unit: String,
        region: String,
        message: String,
        #[source]
        source: Option<Cause>,
    },
}

/// How long the workload runs in a month. `month_hours` prorates per-GB-month storage; it is
/// 730 (365 × 24 / 12, as the AWS Pricing Calculator uses) unless days per month are given, in
/// which case a month is that many 24-hour days (AWS's own billing examples use 30 × 24 = 720).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub running_hours: Decimal,
    pub month_hours: Decimal,
}

pub const HOURS_PER_MONTH: Decimal = dec!(730);

impl Schedule {
    pub const ALWAYS_ON: Schedule = Schedule {
        running_hours: HOURS_PER_MONTH,
        month_hours: HOURS_PER_MONTH,
    };

    /// From `--hours-per-day`, `--days-per-month` and `--hours-per-month` (which excludes the
    /// other two).
    pub fn new(
        hours_per_day: Option<Decimal>,
        days_per_month: Option<Decimal>,
        hours_per_month: Option<Decimal>,
    ) -> Result<Schedule, CostError> {
        let positive = |name: &str, v: Decimal, max: Decimal| {
            if v <= Decimal::ZERO || v > max {
                Err(CostError::Invalid(format!(
                    "{name} must be in (0, {max}], got {v}"
                )))
            } else {
                Ok(v)
            }
        };
        if let Some(hours) = hours_per_month {
            if hours_per_day.is_some() || days_per_month.is_some() {
                return Err(CostError::Invalid(
                    "--hours-per-month excludes --hours-per-day and --days-per-month".into(),
                ));
            }
            let hours = positive("hours per month", hours, dec!(744))?;
            return Ok(Schedule {
                running_hours: hours,
                month_hours: HOURS_PER_MONTH,
            });
        }
        let day = hours_per_day
            .map(|h| positive("hours per day", h, dec!(24)))
            .transpose()?;
        let days = days_per_month
            .map(|d| positive("days per month", d, dec!(31)))
            .transpose()?;
        Ok(match (day, days) {
            (None, None) => Schedule::ALWAYS_ON,
            (Some(h), None) => Schedule {
                running_hours: h * HOURS_PER_MONTH / dec!(24),
                month_hours: HOURS_PER_MONTH,
            },
            (h, Some(d)) => Schedule {
                running_hours: h.unwrap_or(dec!(24)) * d,
                month_hours: dec!(24) * d,
            },
        })
    }

    /// The fraction of a month the workload runs, for per-month storage.
    pub fn month_fraction(&self) -> Decimal {
        self.running_hours / self.month_hours
    }
}

/// One billed line: quantity × unit price, with where the price came from.
#[derive(Clone, Debug, PartialEq)]
pub struct LineItem {
    pub description: String,
    pub quantity: Decimal,
    pub unit: &'static str,
    pub unit_price_usd: Decimal,
    pub amount_usd: Decimal,
    pub price_source: String,
    pub price_as_of: String,
    /// The arithmetic behind the quantity, for `--explain`.
    pub formula: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub service: &'static str,
    pub region: String,
    pub line_items: Vec<LineItem>,
    pub total_usd: Decimal,
    pub assumptions: Vec<String>,
    pub warnings: Vec<String>,
    /// Sizing results (`kpus`, `billed_kpus`, `ocus`, `pipelines_needed`, `dpus`, ...).
    pub sizing: Vec<(&'static str, Decimal)>,
}

impl Estimate {
    fn new(service: &'static str, region: &str) -> Estimate {
        Estimate {
            service,
            region: region.to_owned(),
            line_items: Vec::new(),
            total_usd: Decimal::ZERO,
            assumptions: Vec::new(),
            warnings: Vec::new(),
            sizing: Vec::new(),
        }
    }

    /// Adds `quantity` of `unit` priced from the table; totals stay exact.
    fn charge(
        &mut self,
        prices: &Prices,
        price_unit: &str,
        description: String,
        quantity: Decimal,
        unit: &'static str,
        formula: String,
    ) -> Result<(), CostError> {
        let row = prices.get(price_unit, &self.region)?;
        let amount = quantity * row.usd;
        self.total_usd += amount;
        self.line_items.push(LineItem {
            description,
            quantity,
            unit,
            unit_price_usd: row.usd,
            amount_usd: amount,
            price_source: row.source.clone(),
            price_as_of: row.as_of.clone(),
            formula,
        });
        Ok(())
    }

    fn size(&mut self, name: &'static str, value: Decimal) {
        self.sizing.push((name, value));
    }

    pub fn sizing(&self, name: &str) -> Option<Decimal> {
        self.sizing
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// Cents, half away from zero: for display only, never for sums.
pub fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests;
