//! Amazon OpenSearch Ingestion (I1–I4) and OpenSearch Serverless (S1–S3): OCUs.

use rust_decimal::dec;
use rust_decimal::Decimal;

use super::{CostError, Estimate, Prices, Schedule};

/// AWS's documented throughput of one Ingestion OCU on a simple log pipeline (I3).
pub const MIB_PER_S_PER_OCU: Decimal = dec!(2);

#[derive(Clone, Debug, PartialEq)]
pub struct Ingestion {
    /// OCUs the pipeline runs at; sized from `throughput_mib_s` when absent.
    pub ocus: Option<Decimal>,
    pub throughput_mib_s: Option<Decimal>,
    pub mib_per_ocu: Decimal,
    pub min_ocus: Option<Decimal>,
    pub max_ocus: Option<Decimal>,
    pub persistent_buffer: bool,
    pub stateful: bool,
    pub allow_over_limit: bool,
    /// A pull pipeline that scans for this many hours, then idles at `min_ocus` (I2).
    pub scan_hours: Option<Decimal>,
}

impl Default for Ingestion {
    fn default() -> Ingestion {
        Ingestion {
            ocus: None,
            throughput_mib_s: None,
            mib_per_ocu: MIB_PER_S_PER_OCU,
            min_ocus: None,
            max_ocus: None,
            persistent_buffer: false,
            stateful: false,
            allow_over_limit: false,
            scan_hours: None,
        }
    }
}

/// `1Gbps`, `500MiB/s`, `20MB/s`, `100Mbps` → MiB/s.
pub fn parse_rate(text: &str) -> Result<Decimal, CostError> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: Decimal = number.parse().map_err(|_| {
        CostError::Invalid(format!("invalid rate {text:?} (examples: 1Gbps, 500MiB/s)"))
    })?;
    let bytes_per_s = match unit.trim() {
        "bps" => dec!(0.125),
        "Kbps" | "kbps" => dec!(125),
        "Mbps" => dec!(125000),
        "Gbps" => dec!(125000000),
        "B/s" => dec!(1),
        "KB/s" | "kB/s" => dec!(1000),
        "KiB/s" => dec!(1024),
        "MB/s" => dec!(1000000),
        "MiB/s" => dec!(1048576),
        "GB/s" => dec!(1000000000),
        "GiB/s" => dec!(1073741824),
        _ => {
            return Err(CostError::Invalid(format!(
                "invalid rate unit in {text:?} (bps, Kbps, Mbps, Gbps, B/s, KB/s, KiB/s, MB/s, MiB/s, GB/s, GiB/s)"
            )))
        }
    };
    let mib = number * bytes_per_s / dec!(1048576);
    if mib <= Decimal::ZERO {
        return Err(CostError::Invalid(format!(
            "rate {text:?} must be positive"
        )));
    }
    Ok(mib)
}

/// Per-pipeline OCU ceiling (I2).
pub fn max_ocus_per_pipeline(persistent_buffer: bool, stateful: bool) -> Decimal {
    if persistent_buffer {
        dec!(384)
    } else if stateful {
        dec!(48)
    } else {
        dec!(96)
    }
}

pub fn ingestion(
    input: &Ingestion,
    region: &str,
    schedule: Schedule,
    prices: &Prices,
) -> Result<Estimate, CostError> {
    let limit = max_ocus_per_pipeline(input.persistent_buffer, input.stateful);
    let floor = if input.persistent_buffer {
        dec!(2)
    } else {
        dec!(1)
    };
    let min = input.min_ocus.unwrap_or(floor);
    if min < floor {
        return Err(CostError::Invalid(format!(
            "minimum OCUs must be at least {floor}{}",
            if input.persistent_buffer {
                " with persistent buffering"
            } else {
                ""
            }
        )));
    }
    if input.mib_per_ocu <= Decimal::ZERO {
        return Err(CostError::Invalid("MiB/s per OCU must be positive".into()));
    }
    let by_throughput = input
        .throughput_mib_s
        .map(|rate| (rate, (rate / input.mib_per_ocu).ceil()));
    let ocus = match (input.ocus, by_throughput) {
        (Some(ocus), _) => ocus,
        (None, Some((_, needed))) => needed.max(min),
        (None, None) => min,
    };
    if ocus <= Decimal::ZERO || ocus.fract() != Decimal::ZERO {
        return Err(CostError::Invalid(format!(
            "OCUs must be a positive whole number, got {ocus}"
        )));
    }
    if ocus < min {
        return Err(CostError::Invalid(format!(
            "{ocus} OCUs is below the minimum of {min}"
        )));
    }
    let max = input.max_ocus.unwrap_or(limit);
    if max > limit && !input.allow_over_limit {
        return Err(CostError::Invalid(format!("maximum OCUs {max} is above one pipeline's limit of {limit} (--allow-over-limit to plan several pipelines)")));
    }
    let pipelines = (ocus / limit).ceil().max(Decimal::ONE);
    if ocus > limit {
        if !input.allow_over_limit {
            return Err(CostError::Invalid(format!(
                "{ocus} OCUs exceed one pipeline's maximum of {limit}; {pipelines} pipelines are needed (--allow-over-limit to estimate them)"
            )));
        }
    } else if ocus > max {
        return Err(CostError::Invalid(format!(
            "{ocus} OCUs is above the pipeline's maximum of {max}"
        )));
    }
    let mut e = Estimate::new("ingestion", region);
    e.size("ocus", ocus);
    e.size("pipelines_needed", pipelines);
    if ocus > limit {
        e.warnings.push(format!(
            "{ocus} OCUs exceed one pipeline's maximum of {limit} OCUs: {pipelines} pipelines are needed (AWS quotas also apply)"
        ));
    }
    if let (Some(given), Some((rate, needed))) = (input.ocus, by_throughput) {
        if needed > given {
            e.warnings.push(format!(
                "AWS's documented ~{} MiB/s per OCU puts {} MiB/s near {needed} OCUs rather than {given}",
                input.mib_per_ocu,
                rate.round_dp(2)
            ));
        }
    }
    if input.persistent_buffer && min < dec!(2) {
        e.warnings
            .push("persistent buffering needs at least 2 OCUs".into());
    }
    let hours = schedule.running_hours;
    match input.scan_hours {
        Some(scan) if scan < hours => {
            e.charge(
                prices,
                "ingestion.ocu-hour",
                format!("{ocus} OCUs while scanning"),
                ocus * scan,
                "OCU-hour",
                format!("{ocus} OCUs × {scan} h"),
            )?;
            e.charge(
                prices,
                "ingestion.ocu-hour",
                format!("{min} OCUs idle after the scan (a finished pull pipeline keeps billing at its minimum)"),
                min * (hours - scan),
                "OCU-hour",
                format!("{min} OCUs × ({hours} − {scan}) h"),
            )?;
        }
        _ => e.charge(
            prices,
            "ingestion.ocu-hour",
            format!("{ocus} Ingestion OCUs"),
            ocus * hours,
            "OCU-hour",
            format!("{ocus} OCUs × {hours} h"),
        )?,
    }
    e.assumptions.push(format!(
        "{hours} pipeline hours a month; stopped pipelines are not billed"
    ));
    Ok(e)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Serverless {
    pub indexing_ocus: Option<Decimal>,
    pub search_ocus: Option<Decimal>,
    pub redundancy: bool,
    pub kms_keys: u32,
    pub storage_gb: Decimal,
    /// NextGen collection group: busy hours a day (compute scales to zero 10 minutes after).
    pub nextgen_busy_hours_per_day: Option<Decimal>,
}

impl Default for Serverless {
    fn default() -> Serverless {
        Serverless {
            indexing_ocus: None,
            search_ocus: None,
            redundancy: true,
            kms_keys: 1,
            storage_gb: Decimal::ZERO,
            nextgen_busy_hours_per_day: None,
        }
    }
}

/// NextGen's idle tail before scale-to-zero (S3), in minutes.
const NEXTGEN_IDLE_TAIL_MINUTES: Decimal = dec!(10);

/// Capacity comes in 0.5 OCU, then whole OCUs.
fn valid_step(ocus: Decimal) -> bool {
    ocus == dec!(0.5) || (ocus >= Decimal::ONE && ocus.fract() == Decimal::ZERO)
}

pub fn serverless(
    input: &Serverless,
    region: &str,
    schedule: Schedule,
    prices: &Prices,
) -> Result<Estimate, CostError> {
    if input.kms_keys == 0 {
        return Err(CostError::Invalid("--kms-keys must be at least 1".into()));
    }
    if input.storage_gb < Decimal::ZERO {
        return Err(CostError::Invalid("storage GB must not be negative".into()));
    }
    let mut e = Estimate::new("serverless", region);
    let hours = schedule.running_hours;
    let (idx, search) = match input.nextgen_busy_hours_per_day {
        Some(busy) => {
            if busy <= Decimal::ZERO || busy > dec!(24) {
                return Err(CostError::Invalid(
                    "busy hours per day must be in (0, 24]".into(),
                ));
            }
            let idx = input.indexing_ocus.unwrap_or(Decimal::ONE);
            let search = input.search_ocus.unwrap_or(dec!(2));
            let days = schedule.month_hours / dec!(24);
            let billed = (busy + NEXTGEN_IDLE_TAIL_MINUTES / dec!(60)).min(dec!(24)) * days;
            e.assumptions.push(format!(
                "NextGen: compute billed {busy} busy hours + a 10-minute idle tail a day over {days} days, zero otherwise; storage still billed"
            ));
            for (unit, ocus, what) in [
                ("serverless.nextgen-indexing-ocu-hour", idx, "indexing"),
                ("serverless.nextgen-search-ocu-hour", search, "search"),
            ] {
                e.charge(
                    prices,
                    unit,
                    format!("{ocus} NextGen {what} OCUs"),
                    ocus * billed,
                    "OCU-hour",
                    format!("{ocus} × ({busy} h + 10 min) × {days} days"),
                )?;
            }
            (idx, search)
        }
        None => {
            let floor = if input.redundancy {
                Decimal::ONE
            } else {
                dec!(0.5)
            } * Decimal::from(input.kms_keys);
            let idx = input.indexing_ocus.unwrap_or(floor);
            let search = input.search_ocus.unwrap_or(floor);
            for (name, ocus) in [("indexing", idx), ("search", search)] {
                if !valid_step(ocus) {
                    return Err(CostError::Invalid(format!(
                        "{name} OCUs must be 0.5 or a whole number, got {ocus}"
                    )));
                }
                if ocus < floor {
                    return Err(CostError::Invalid(format!(
                        "{name} OCUs {ocus} is below the minimum of {floor} ({} with {} KMS key(s))",
                        if input.redundancy { "redundant replicas" } else { "no redundancy" },
                        input.kms_keys
                    )));
                }
            }
            e.assumptions.push(format!("{hours} OCU hours a month"));
            e.assumptions.push(format!(
                "Classic: minimum {floor} indexing + {floor} search OCUs ({}, one minimum set per KMS key: {})",
                if input.redundancy { "redundant replicas" } else { "dev/test, no redundancy" },
                input.kms_keys
            ));
            e.charge(
                prices,
                "serverless.indexing-ocu-hour",
                format!("{idx} indexing OCUs"),
                idx * hours,
                "OCU-hour",
                format!("{idx} × {hours} h"),
            )?;
            e.charge(
                prices,
                "serverless.search-ocu-hour",
                format!("{search} search OCUs"),
                search * hours,
                "OCU-hour",
                format!("{search} × {hours} h"),
            )?;
            (idx, search)
        }
    };
    e.size("indexing_ocus", idx);
    e.size("search_ocus", search);
    if input.storage_gb > Decimal::ZERO {
        e.charge(
            prices,
            "serverless.storage-gb-month",
            "managed storage".into(),
            input.storage_gb,
            "GB-month",
            format!("{} GB-month", input.storage_gb),
        )?;
    }
    Ok(e)
}
