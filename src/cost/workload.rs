//! A workload as the command line and plan files describe it, and the one place that turns it
//! into an estimate (sizing from throughput, worker types to DPUs, ...).

use rust_decimal::Decimal;
use serde::Deserialize;

use super::emr::{self, Arch, EmrRun};
use super::flink::{self, Flink};
use super::glue::{self, AthenaSpark, GlueRun};
use super::opensearch::{self, Ingestion, Serverless};
use super::{CostError, Estimate, Prices, Schedule};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "service", rename_all = "kebab-case")]
pub enum Workload {
    Flink(FlinkSpec),
    Ingestion(IngestionSpec),
    Serverless(ServerlessSpec),
    Glue(GlueSpec),
    AthenaSpark(AthenaSparkSpec),
    EmrServerless(EmrSpec),
}

fn one() -> u32 {
    1
}

fn one_decimal() -> Decimal {
    Decimal::ONE
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlinkSpec {
    pub parallelism: Option<u32>,
    #[serde(default = "one")]
    pub parallelism_per_kpu: u32,
    #[serde(default)]
    pub studio: bool,
    #[serde(default)]
    pub snapshot_gb: Decimal,
    pub throughput_mbps: Option<Decimal>,
    pub cpu_utilization: Option<Decimal>,
    pub memory_utilization: Option<Decimal>,
    pub runs_per_month: Option<Decimal>,
    pub minutes_per_run: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestionSpec {
    pub ocus: Option<Decimal>,
    /// `1Gbps`, `500MiB/s`.
    pub throughput: Option<String>,
    pub min_ocus: Option<Decimal>,
    pub max_ocus: Option<Decimal>,
    pub mib_per_ocu: Option<Decimal>,
    #[serde(default)]
    pub persistent_buffer: bool,
    #[serde(default)]
    pub stateful: bool,
    #[serde(default)]
    pub allow_over_limit: bool,
    pub scan_hours: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerlessSpec {
    pub indexing_ocus: Option<Decimal>,
    pub search_ocus: Option<Decimal>,
    #[serde(default)]
    pub no_redundancy: bool,
    #[serde(default = "one")]
    pub kms_keys: u32,
    #[serde(default)]
    pub storage_gb: Decimal,
    /// NextGen collection group busy this many hours a day.
    pub busy_hours_per_day: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlueSpec {
    pub worker_type: Option<String>,
    pub workers: Option<Decimal>,
    pub dpus: Option<Decimal>,
    pub minutes: Decimal,
    #[serde(default = "one_decimal")]
    pub runs_per_month: Decimal,
    #[serde(default)]
    pub flex: bool,
    #[serde(default)]
    pub crawler: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AthenaSparkSpec {
    pub dpus: Decimal,
    pub minutes: Decimal,
    #[serde(default = "one_decimal")]
    pub runs_per_month: Decimal,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmrSpec {
    pub workers: Decimal,
    pub vcpu: Decimal,
    pub memory_gb: Decimal,
    #[serde(default = "twenty")]
    pub storage_gb: Decimal,
    pub minutes: Decimal,
    #[serde(default = "one_decimal")]
    pub runs_per_month: Decimal,
    #[serde(default)]
    pub arch: ArchSpec,
}

fn twenty() -> Decimal {
    Decimal::from(20)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum ArchSpec {
    #[default]
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Workload {
    pub fn service(&self) -> &'static str {
        match self {
            Workload::Flink(_) => "flink",
            Workload::Ingestion(_) => "ingestion",
            Workload::Serverless(_) => "serverless",
            Workload::Glue(_) => "glue",
            Workload::AthenaSpark(_) => "athena-spark",
            Workload::EmrServerless(_) => "emr-serverless",
        }
    }

    pub fn estimate(
        &self,
        region: &str,
        schedule: Schedule,
        prices: &Prices,
    ) -> Result<Estimate, CostError> {
        match self {
            Workload::Flink(w) => {
                let parallelism = match (w.parallelism, w.throughput_mbps) {
                    (Some(_), Some(_)) => {
                        return Err(CostError::Invalid(
                            "give parallelism or throughput, not both".into(),
                        ))
                    }
                    (Some(p), None) => p,
                    (None, Some(mbps)) => flink::parallelism_for_throughput(mbps)?,
                    (None, None) => 1,
                };
                let runs = match (w.runs_per_month, w.minutes_per_run) {
                    (Some(runs), Some(minutes)) => Some((runs, minutes)),
                    (None, None) => None,
                    _ => {
                        return Err(CostError::Invalid(
                            "runs per month and minutes per run go together".into(),
                        ))
                    }
                };
                let input = Flink {
                    parallelism,
                    parallelism_per_kpu: w.parallelism_per_kpu,
                    studio: w.studio,
                    snapshot_gb: w.snapshot_gb,
                    runs,
                    cpu_utilization: w.cpu_utilization,
                    memory_utilization: w.memory_utilization,
                    max_kpus: flink::DEFAULT_MAX_KPUS,
                };
                let mut e = flink::estimate(&input, region, schedule, prices)?;
                if let Some(mbps) = w.throughput_mbps {
                    e.assumptions.insert(0, format!("parallelism {parallelism} from {mbps} MB/s at the documented 1 KPU per MB/s: a starting point, to be checked against CPU and memory use"));
                }
                Ok(e)
            }
            Workload::Ingestion(w) => {
                let input = Ingestion {
                    ocus: w.ocus,
                    throughput_mib_s: w
                        .throughput
                        .as_deref()
                        .map(opensearch::parse_rate)
                        .transpose()?,
                    mib_per_ocu: w.mib_per_ocu.unwrap_or(opensearch::MIB_PER_S_PER_OCU),
                    min_ocus: w.min_ocus,
                    max_ocus: w.max_ocus,
                    persistent_buffer: w.persistent_buffer,
                    stateful: w.stateful,
                    allow_over_limit: w.allow_over_limit,
                    scan_hours: w.scan_hours,
                };
                opensearch::ingestion(&input, region, schedule, prices)
            }
            Workload::Serverless(w) => {
                let input = Serverless {
                    indexing_ocus: w.indexing_ocus,
                    search_ocus: w.search_ocus,
                    redundancy: !w.no_redundancy,
                    kms_keys: w.kms_keys,
                    storage_gb: w.storage_gb,
                    nextgen_busy_hours_per_day: w.busy_hours_per_day,
                };
                opensearch::serverless(&input, region, schedule, prices)
            }
            Workload::Glue(w) => {
                let dpus = match (&w.worker_type, w.workers, w.dpus) {
                    (Some(kind), Some(workers), None) => glue::dpus_per_worker(kind)? * workers,
                    (None, None, Some(dpus)) => dpus,
                    _ => {
                        return Err(CostError::Invalid(
                            "give a worker type with a worker count, or DPUs".into(),
                        ))
                    }
                };
                let input = GlueRun {
                    dpus,
                    worker_type: w.worker_type.clone(),
                    minutes: w.minutes,
                    runs_per_month: w.runs_per_month,
                    flex: w.flex,
                    crawler: w.crawler,
                };
                glue::glue(&input, region, prices)
            }
            Workload::AthenaSpark(w) => glue::athena_spark(
                &AthenaSpark {
                    dpus: w.dpus,
                    minutes: w.minutes,
                    runs_per_month: w.runs_per_month,
                },
                region,
                prices,
            ),
            Workload::EmrServerless(w) => emr::emr_serverless(
                &EmrRun {
                    workers: w.workers,
                    vcpu: w.vcpu,
                    memory_gb: w.memory_gb,
                    storage_gb: w.storage_gb,
                    minutes: w.minutes,
                    runs_per_month: w.runs_per_month,
                    arch: match w.arch {
                        ArchSpec::X86_64 => Arch::X86_64,
                        ArchSpec::Arm64 => Arch::Arm64,
                    },
                },
                region,
                prices,
            ),
        }
    }
}
