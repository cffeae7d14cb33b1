//! EMR Serverless (E1): vCPU-hours, GB-hours and ephemeral storage beyond 20 GB per worker.

use rust_decimal::dec;
use rust_decimal::Decimal;

use super::glue::check_positive;
use super::{CostError, Estimate, Prices};

/// Ephemeral storage each worker gets without charge.
const FREE_STORAGE_GB: Decimal = dec!(20);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Arm64,
}

impl Arch {
    fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EmrRun {
    pub workers: Decimal,
    pub vcpu: Decimal,
    pub memory_gb: Decimal,
    pub storage_gb: Decimal,
    pub minutes: Decimal,
    pub runs_per_month: Decimal,
    pub arch: Arch,
}

/// Aggregate usage, as a job run's `billedResourceUtilization` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct EmrUsage {
    pub vcpu_hours: Decimal,
    pub memory_gb_hours: Decimal,
    /// Storage GB-hours beyond the free 20 GB per worker.
    pub storage_gb_hours: Decimal,
    pub arch: Arch,
}

pub fn emr_serverless(
    input: &EmrRun,
    region: &str,
    prices: &Prices,
) -> Result<Estimate, CostError> {
    for (value, what) in [
        (input.workers, "workers"),
        (input.vcpu, "vCPUs per worker"),
        (input.memory_gb, "memory GB per worker"),
        (input.minutes, "minutes"),
        (input.runs_per_month, "runs per month"),
    ] {
        check_positive(value, what)?;
    }
    if input.storage_gb < Decimal::ZERO {
        return Err(CostError::Invalid("storage GB must not be negative".into()));
    }
    let hours = input.minutes.max(Decimal::ONE) / dec!(60) * input.runs_per_month;
    let worker_hours = input.workers * hours;
    let usage = EmrUsage {
        vcpu_hours: worker_hours * input.vcpu,
        memory_gb_hours: worker_hours * input.memory_gb,
        storage_gb_hours: worker_hours * (input.storage_gb - FREE_STORAGE_GB).max(Decimal::ZERO),
        arch: input.arch,
    };
    let mut e = emr_usage(&usage, region, prices)?;
    e.assumptions.push(format!(
        "{} workers × {} vCPU, {} GB for max({}, 1) minutes × {} runs; 20 GB of storage per worker free",
        input.workers, input.vcpu, input.memory_gb, input.minutes, input.runs_per_month
    ));
    Ok(e)
}

pub fn emr_usage(usage: &EmrUsage, region: &str, prices: &Prices) -> Result<Estimate, CostError> {
    let arch = usage.arch.name();
    let mut e = Estimate::new("emr-serverless", region);
    e.charge(
        prices,
        &format!("emr.{arch}-vcpu-hour"),
        format!("{arch} vCPU"),
        usage.vcpu_hours,
        "vCPU-hour",
        format!("{} vCPU-h", usage.vcpu_hours),
    )?;
    e.charge(
        prices,
        &format!("emr.{arch}-gb-hour"),
        format!("{arch} memory"),
        usage.memory_gb_hours,
        "GB-hour",
        format!("{} GB-h", usage.memory_gb_hours),
    )?;
    if usage.storage_gb_hours > Decimal::ZERO {
        e.charge(
            prices,
            "emr.storage-gb-hour",
            "ephemeral storage beyond 20 GB per worker".into(),
            usage.storage_gb_hours,
            "GB-hour",
            format!("{} GB-h", usage.storage_gb_hours),
        )?;
    }
    Ok(e)
}
