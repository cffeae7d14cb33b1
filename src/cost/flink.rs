//! Amazon Managed Service for Apache Flink: KPUs (specs/cost.md F1–F7).

use rust_decimal::dec;
use rust_decimal::Decimal;

use super::{CostError, Estimate, Prices, Schedule};

/// Running application storage each parallel KPU carries (F3).
const STORAGE_GB_PER_KPU: Decimal = dec!(50);
/// Each application start is billed at least this long (F5).
const MINIMUM_MINUTES: Decimal = dec!(10);
pub const MAX_PARALLELISM_PER_KPU: u32 = 8;
/// The default KPU ceiling of an application (F6).
pub const DEFAULT_MAX_KPUS: u32 = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct Flink {
    pub parallelism: u32,
    pub parallelism_per_kpu: u32,
    pub studio: bool,
    pub snapshot_gb: Decimal,
    /// Batch-style: runs a month and minutes each (each billed at least 10 minutes).
    pub runs: Option<(Decimal, Decimal)>,
    pub cpu_utilization: Option<Decimal>,
    pub memory_utilization: Option<Decimal>,
    pub max_kpus: u32,
}

impl Default for Flink {
    fn default() -> Flink {
        Flink {
            parallelism: 1,
            parallelism_per_kpu: 1,
            studio: false,
            snapshot_gb: Decimal::ZERO,
            runs: None,
            cpu_utilization: None,
            memory_utilization: None,
            max_kpus: DEFAULT_MAX_KPUS,
        }
    }
}

/// F7: the documented starting point, 1 KPU per MB/s of throughput.
pub fn parallelism_for_throughput(mb_per_s: Decimal) -> Result<u32, CostError> {
    if mb_per_s <= Decimal::ZERO {
        return Err(CostError::Invalid(format!(
            "throughput must be positive, got {mb_per_s} MB/s"
        )));
    }
    u32::try_from(mb_per_s.ceil().mantissa())
        .map_err(|_| CostError::Invalid("throughput too large".into()))
}

/// F1: parallel KPUs.
pub fn kpus(parallelism: u32, parallelism_per_kpu: u32) -> u32 {
    parallelism.div_ceil(parallelism_per_kpu)
}

pub fn estimate(
    input: &Flink,
    region: &str,
    schedule: Schedule,
    prices: &Prices,
) -> Result<Estimate, CostError> {
    if input.parallelism == 0 {
        return Err(CostError::Invalid("parallelism must be at least 1".into()));
    }
    if !(1..=MAX_PARALLELISM_PER_KPU).contains(&input.parallelism_per_kpu) {
        return Err(CostError::Invalid(format!(
            "parallelism per KPU must be 1..={MAX_PARALLELISM_PER_KPU}, got {}",
            input.parallelism_per_kpu
        )));
    }
    if input.snapshot_gb < Decimal::ZERO {
        return Err(CostError::Invalid(
            "snapshot GB must not be negative".into(),
        ));
    }
    let parallel = kpus(input.parallelism, input.parallelism_per_kpu);
    let extra = if input.studio { 2 } else { 1 };
    // u64: a parallelism near u32::MAX plus orchestration does not fit u32.
    let billed = u64::from(parallel) + u64::from(extra);
    let mut e = Estimate::new("flink", region);
    e.size("kpus", parallel.into());
    e.size("billed_kpus", billed.into());

    let (hours, hours_formula) = match input.runs {
        Some((runs, minutes)) => {
            if runs < Decimal::ZERO || minutes <= Decimal::ZERO {
                return Err(CostError::Invalid(
                    "runs per month and minutes per run must be positive".into(),
                ));
            }
            let billed_minutes = minutes.max(MINIMUM_MINUTES);
            (
                runs * billed_minutes / dec!(60),
                format!("{runs} runs × max({minutes}, 10) min / 60"),
            )
        }
        None => (
            schedule.running_hours,
            format!("{} h", schedule.running_hours),
        ),
    };
    let fraction = hours / schedule.month_hours;
    let unit = if input.studio {
        "flink.studio-kpu-hour"
    } else {
        "flink.kpu-hour"
    };
    e.charge(
        prices,
        unit,
        format!(
            "{billed} KPUs ({parallel} for parallelism {} at {} per KPU + {extra} {})",
            input.parallelism,
            input.parallelism_per_kpu,
            if input.studio {
                "for the Studio notebook"
            } else {
                "orchestration"
            }
        ),
        Decimal::from(billed) * hours,
        "KPU-hour",
        format!("{billed} KPUs × {hours_formula}"),
    )?;
    e.charge(
        prices,
        "flink.running-storage-gb-month",
        format!("running application storage, 50 GB per KPU × {parallel} KPUs"),
        Decimal::from(parallel) * STORAGE_GB_PER_KPU * fraction,
        "GB-month",
        format!(
            "{parallel} × 50 GB × {hours} h / {} h",
            schedule.month_hours
        ),
    )?;
    if input.snapshot_gb > Decimal::ZERO {
        e.charge(
            prices,
            "flink.backup-gb-month",
            "durable application backups (snapshots)".into(),
            input.snapshot_gb,
            "GB-month",
            format!("{} GB-month", input.snapshot_gb),
        )?;
    }
    e.assumptions.push(format!(
        "{hours} running hours in a {}-hour month; per-second billing, each start billed at least 10 minutes",
        schedule.month_hours
    ));
    // F6: what autoscaling would do.
    let ceiling = input.parallelism_per_kpu * input.max_kpus;
    let up = input.parallelism.saturating_mul(2).min(ceiling);
    e.assumptions.push(format!(
        "autoscaling: CPU ≥ 75% for 15 minutes doubles parallelism to {up} ({} billed KPUs); CPU < 10% for 6 hours halves it, never below the configured {}",
        kpus(up, input.parallelism_per_kpu) + extra,
        input.parallelism
    ));
    if let Some(cpu) = input.cpu_utilization {
        let memory_low = input.memory_utilization.is_none_or(|m| m < dec!(20));
        if cpu < dec!(20) && memory_low {
            e.warnings.push(format!(
                "CPU at {cpu}%{}: over-provisioned (below 20%); fewer KPUs or a higher parallelism per KPU would do",
                input.memory_utilization.map(|m| format!(" and memory at {m}%")).unwrap_or_default()
            ));
        } else if (dec!(50)..=dec!(75)).contains(&cpu) {
            e.assumptions
                .push(format!("CPU at {cpu}%: right-sized (50–75%)"));
        } else if cpu >= dec!(75) {
            e.warnings.push(format!(
                "CPU at {cpu}%: autoscaling would double parallelism to {up}"
            ));
        }
    }
    Ok(e)
}
