//! AWS Glue jobs and crawlers (G1, G2) and Athena for Apache Spark (A1): DPU-hours.

use rust_decimal::dec;
use rust_decimal::Decimal;

use super::{CostError, Estimate, Prices};

/// DPUs per worker of each Glue worker type.
pub fn dpus_per_worker(worker_type: &str) -> Result<Decimal, CostError> {
    Ok(match worker_type.to_ascii_uppercase().as_str() {
        "G.025X" => dec!(0.25),
        "G.1X" | "STANDARD" => dec!(1),
        "G.2X" => dec!(2),
        "G.4X" => dec!(4),
        "G.8X" => dec!(8),
        other => {
            return Err(CostError::Invalid(format!(
                "unknown worker type {other:?} (G.025X, G.1X, G.2X, G.4X, G.8X)"
            )))
        }
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlueRun {
    pub dpus: Decimal,
    /// Worker type, when DPUs come from workers (Flex needs G.1X or G.2X).
    pub worker_type: Option<String>,
    pub minutes: Decimal,
    pub runs_per_month: Decimal,
    pub flex: bool,
    pub crawler: bool,
}

pub fn glue(input: &GlueRun, region: &str, prices: &Prices) -> Result<Estimate, CostError> {
    check_positive(input.dpus, "DPUs")?;
    check_positive(input.minutes, "minutes")?;
    check_positive(input.runs_per_month, "runs per month")?;
    if input.flex {
        if input.crawler {
            return Err(CostError::Invalid(
                "Flex applies to jobs, not crawlers".into(),
            ));
        }
        if let Some(kind) = &input.worker_type {
            if !matches!(kind.to_ascii_uppercase().as_str(), "G.1X" | "G.2X") {
                return Err(CostError::Invalid(format!(
                    "Flex runs on G.1X and G.2X workers only, not {kind}"
                )));
            }
        }
    }
    let (unit, minimum, what) = match (input.crawler, input.flex) {
        (true, _) => ("glue.crawler-dpu-hour", dec!(10), "crawler"),
        (false, true) => ("glue.flex-dpu-hour", dec!(1), "Flex job"),
        (false, false) => ("glue.dpu-hour", dec!(1), "job"),
    };
    let billed = input.minutes.max(minimum);
    let mut e = Estimate::new("glue", region);
    e.size("dpus", input.dpus);
    e.charge(
        prices,
        unit,
        format!(
            "{} {what} DPUs, {} runs of {billed} billed minutes",
            input.dpus, input.runs_per_month
        ),
        input.dpus * billed / dec!(60) * input.runs_per_month,
        "DPU-hour",
        format!(
            "{} DPUs × max({}, {minimum}) min / 60 × {} runs",
            input.dpus, input.minutes, input.runs_per_month
        ),
    )?;
    e.assumptions.push(format!(
        "per-second billing with a {minimum}-minute minimum per {what} run"
    ));
    Ok(e)
}

#[derive(Clone, Debug, PartialEq)]
pub struct AthenaSpark {
    pub dpus: Decimal,
    pub minutes: Decimal,
    pub runs_per_month: Decimal,
}

pub fn athena_spark(
    input: &AthenaSpark,
    region: &str,
    prices: &Prices,
) -> Result<Estimate, CostError> {
    check_positive(input.dpus, "DPUs")?;
    check_positive(input.minutes, "minutes")?;
    check_positive(input.runs_per_month, "runs per month")?;
    let mut e = Estimate::new("athena-spark", region);
    e.size("dpus", input.dpus);
    e.charge(
        prices,
        "athena.spark-dpu-hour",
        format!(
            "{} Spark DPUs, {} runs of {} minutes",
            input.dpus, input.runs_per_month, input.minutes
        ),
        input.dpus * input.minutes / dec!(60) * input.runs_per_month,
        "DPU-hour",
        format!(
            "{} DPUs × {} min / 60 × {} runs",
            input.dpus, input.minutes, input.runs_per_month
        ),
    )?;
    e.assumptions.push(
        "Athena Spark's billing granularity and minimums are not published; billed as used".into(),
    );
    Ok(e)
}

pub(super) fn check_positive(value: Decimal, what: &str) -> Result<(), CostError> {
    if value <= Decimal::ZERO {
        return Err(CostError::Invalid(format!(
            "{what} must be positive, got {value}"
        )));
    }
    Ok(())
}
