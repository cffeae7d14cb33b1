//! `cost live`: what runs, priced at its configured capacity and at the capacity CloudWatch shows
//! it used, with a right-sizing verdict by the source's rules (specs/cost.md F6/F7). Pure: the
//! resources and their metric series are handed in (`crate::fleet` fetches them), and every
//! amount comes from [`Workload::estimate`], the code path `cost flink|ingestion|serverless` and
//! plan files use.
//!
//! Verdicts, from hourly averages over the window (p50/p95 by nearest rank):
//! - Flink: over-provisioned when CPU and memory p95 stay below 20%; right-sized when CPU p95 is
//!   50-75%; under-provisioned when CPU p50 is 75% or more (sustained); "consider parallelism
//!   per KPU > 1" when one task per KPU leaves CPU p95 below 20% but memory is in use (20-50%),
//!   the I/O-bound shape. Between those bands no rule applies ("no change").
//! - Ingestion and Serverless: the same bands on units used over the configured ceiling
//!   (a pipeline's MaxUnits; the account's capacity limits).
//!
//! A window with fewer datapoints than half its hours (at least 24) gives "not enough data".

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{dec, Decimal};

use super::workload::{FlinkSpec, IngestionSpec, ServerlessSpec, Workload};
use super::{CostError, Prices, Schedule};

/// CloudWatch's period for every series: an hour keeps 14 days at 336 points per metric (and
/// CloudWatch keeps hourly data 455 days).
pub const PERIOD_SECONDS: i32 = 3600;

/// Where a right-sizing recommendation puts the p95: the bottom of the right-sized band, the
/// least aggressive cut the source's rules support.
const TARGET_PCT: f64 = 50.0;

#[derive(Clone, Debug, PartialEq)]
pub struct FlinkApp {
    pub name: String,
    pub status: String,
    pub studio: bool,
    /// The configured parallelism; autoscaling never goes below it.
    pub parallelism: u32,
    /// What it runs at now (autoscaling may have raised it): what is billed.
    pub current_parallelism: u32,
    pub parallelism_per_kpu: u32,
    pub autoscaling: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub name: String,
    pub status: String,
    pub min_units: u32,
    pub max_units: u32,
    pub persistent_buffer: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    pub name: String,
    pub status: String,
    pub standby_replicas: bool,
    pub kms_key: Option<String>,
}

/// The account's OpenSearch Serverless capacity in a region: OCUs are billed per account (per
/// KMS key), not per collection, so this is one resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerlessCapacity {
    pub account_id: String,
    pub collections: Vec<Collection>,
    pub max_indexing_ocus: Decimal,
    pub max_search_ocus: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    Flink(FlinkApp),
    Ingestion(Pipeline),
    Serverless(ServerlessCapacity),
}

/// One CloudWatch series to fetch: namespace, metric name and dimensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricRef {
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, String)>,
}

impl Found {
    pub fn service(&self) -> &'static str {
        match self {
            Found::Flink(_) => "flink",
            Found::Ingestion(_) => "ingestion",
            Found::Serverless(_) => "serverless",
        }
    }

    pub fn name(&self) -> String {
        match self {
            Found::Flink(app) => app.name.clone(),
            Found::Ingestion(p) => p.name.clone(),
            Found::Serverless(s) => format!("account {}", s.account_id),
        }
    }

    pub fn status(&self) -> &str {
        match self {
            Found::Flink(app) => &app.status,
            Found::Ingestion(p) => &p.status,
            Found::Serverless(s) => {
                if s.collections.iter().any(|c| c.status == "ACTIVE") {
                    "ACTIVE"
                } else {
                    "NO_ACTIVE_COLLECTION"
                }
            }
        }
    }

    /// Whether it is billed for capacity now. A Flink application bills from the moment it
    /// starts until it is stopped (READY); a pipeline in every state but the four AWS lists as
    /// unbilled (Creating, Create failed, Deleting, Stopped: "Viewing Amazon OpenSearch
    /// Ingestion pipelines" in the developer guide), so Stopping still bills; Serverless while
    /// any collection is active.
    pub fn running(&self) -> bool {
        match self {
            Found::Flink(app) => !matches!(app.status.as_str(), "READY" | "DELETING"),
            Found::Ingestion(p) => !matches!(
                p.status.as_str(),
                "CREATING" | "CREATE_FAILED" | "DELETING" | "STOPPED"
            ),
            Found::Serverless(s) => s.collections.iter().any(|c| c.status == "ACTIVE"),
        }
    }

    /// The series the verdict and the used cost read, in a fixed order.
    pub fn metrics(&self) -> Vec<MetricRef> {
        let series = |namespace, metrics: &[&'static str], dimension, value: &str| {
            metrics
                .iter()
                .map(|metric| MetricRef {
                    namespace,
                    metric,
                    dimensions: vec![(dimension, value.to_owned())],
                })
                .collect()
        };
        match self {
            Found::Flink(app) => series(
                "AWS/KinesisAnalytics",
                &[
                    "containerCPUUtilization",
                    "containerMemoryUtilization",
                    "KPUs",
                ],
                "Application",
                &app.name,
            ),
            Found::Ingestion(p) => series("AWS/OSIS", &["computeUnits"], "PipelineName", &p.name),
            Found::Serverless(s) => series(
                "AWS/AOSS",
                &["IndexingOCU", "SearchOCU"],
                "ClientId",
                &s.account_id,
            ),
        }
    }

    /// The workload at its configured capacity, as a plan file would state it.
    pub fn workload(&self) -> Workload {
        match self {
            Found::Flink(app) => {
                flink_workload(app, app.current_parallelism, app.parallelism_per_kpu)
            }
            Found::Ingestion(p) => ingestion_workload(p, p.max_units),
            Found::Serverless(s) => serverless_workload(s, s.max_indexing_ocus, s.max_search_ocus),
        }
    }
}

fn flink_workload(app: &FlinkApp, parallelism: u32, per_kpu: u32) -> Workload {
    Workload::Flink(FlinkSpec {
        parallelism: Some(parallelism),
        parallelism_per_kpu: per_kpu,
        studio: app.studio,
        ..FlinkSpec::default()
    })
}

fn ingestion_workload(p: &Pipeline, ocus: u32) -> Workload {
    Workload::Ingestion(IngestionSpec {
        ocus: Some(ocus.into()),
        min_ocus: Some(p.min_units.into()),
        max_ocus: Some(p.max_units.max(ocus).into()),
        persistent_buffer: p.persistent_buffer,
        ..IngestionSpec::default()
    })
}

fn serverless_workload(s: &ServerlessCapacity, indexing: Decimal, search: Decimal) -> Workload {
    Workload::Serverless(ServerlessSpec {
        indexing_ocus: Some(indexing),
        search_ocus: Some(search),
        no_redundancy: !s.redundant(),
        kms_keys: s.kms_keys(),
        ..ServerlessSpec::default()
    })
}

impl ServerlessCapacity {
    fn active(&self) -> impl Iterator<Item = &Collection> {
        self.collections.iter().filter(|c| c.status == "ACTIVE")
    }

    fn redundant(&self) -> bool {
        self.active().any(|c| c.standby_replicas)
    }

    /// One minimum set of OCUs per distinct KMS key (AWS-owned keys count as one).
    fn kms_keys(&self) -> u32 {
        let keys: std::collections::BTreeSet<Option<&str>> =
            self.active().map(|c| c.kms_key.as_deref()).collect();
        u32::try_from(keys.len().max(1)).unwrap_or(u32::MAX)
    }

    /// The smallest OCUs each of indexing and search may run at.
    fn floor(&self) -> Decimal {
        let per_key = if self.redundant() {
            Decimal::ONE
        } else {
            dec!(0.5)
        };
        per_key * Decimal::from(self.kms_keys())
    }
}

/// The window CloudWatch is read over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub days: u32,
}

impl Window {
    pub fn new(days: u32) -> Result<Window, CostError> {
        if !(1..=455).contains(&days) {
            return Err(CostError::Invalid(format!(
                "--days must be 1..=455 (CloudWatch keeps hourly data 455 days), got {days}"
            )));
        }
        Ok(Window { days })
    }

    pub fn hours(&self) -> u32 {
        self.days * 24
    }

    /// Fewer hourly datapoints than this give "not enough data": half the window, at least a
    /// day.
    pub fn min_datapoints(&self) -> usize {
        (self.hours() as usize / 2).max(24)
    }
}

/// p50 and p95 of a series and how many points it had.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    pub datapoints: usize,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
}

impl Stats {
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let rank =
            |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        Some(Stats {
            datapoints: sorted.len(),
            p50: rank(0.50),
            p95: rank(0.95),
            mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
        })
    }
}

/// A metric's summary as the verdict states it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub metric: &'static str,
    pub datapoints: usize,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    OverProvisioned,
    RightSized,
    UnderProvisioned,
    ConsiderParallelismPerKpu,
    NoChange,
    NotEnoughData,
    NotRunning,
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::OverProvisioned => "over-provisioned",
            Verdict::RightSized => "right-sized",
            Verdict::UnderProvisioned => "under-provisioned",
            Verdict::ConsiderParallelismPerKpu => "consider parallelism per KPU > 1",
            Verdict::NoChange => "no change",
            Verdict::NotEnoughData => "not enough data",
            Verdict::NotRunning => "not running",
        }
    }
}

/// One resource, assessed.
#[derive(Clone, Debug)]
pub struct Assessment {
    pub service: &'static str,
    pub name: String,
    pub region: String,
    pub status: String,
    pub running: bool,
    /// The capacity it is configured at, in words.
    pub configured: String,
    /// Monthly cost at that capacity (zero when it is not running).
    pub configured_usd: Decimal,
    /// Monthly cost at the capacity it used, time-weighted over the window; `None` without
    /// datapoints.
    pub used_usd: Option<Decimal>,
    pub verdict: Verdict,
    pub evidence: Vec<Evidence>,
    /// Why, in words, with the change to make; always a starting point.
    pub reason: String,
    pub recommended: Option<String>,
    pub recommended_usd: Option<Decimal>,
    /// Configured minus recommended: what the change saves a month (negative: what it adds).
    pub saving_usd: Decimal,
    /// The configured workload, for `cost plan --from-live`.
    pub workload: Workload,
}

const STARTING_POINT: &str =
    "a starting point, to be performance-tested before changing production";

fn monthly(workload: &Workload, region: &str, prices: &Prices) -> Result<Decimal, CostError> {
    Ok(workload
        .estimate(region, Schedule::ALWAYS_ON, prices)?
        .total_usd)
}

/// The monthly cost of running at each hour's capacity, weighted by the hours at it: the
/// estimator priced once per distinct level.
fn time_weighted(
    levels: impl IntoIterator<Item = Workload>,
    region: &str,
    prices: &Prices,
) -> Result<Option<Decimal>, CostError> {
    let mut counts: Vec<(Workload, u64)> = Vec::new();
    for level in levels {
        match counts.iter_mut().find(|(w, _)| *w == level) {
            Some((_, n)) => *n += 1,
            None => counts.push((level, 1)),
        }
    }
    let hours: u64 = counts.iter().map(|(_, n)| n).sum();
    if hours == 0 {
        return Ok(None);
    }
    let mut total = Decimal::ZERO;
    for (level, n) in &counts {
        total += monthly(level, region, prices)? * Decimal::from(*n);
    }
    Ok(Some(total / Decimal::from(hours)))
}

fn evidence(metric: &'static str, stats: Option<Stats>) -> Evidence {
    Evidence {
        metric,
        datapoints: stats.map_or(0, |s| s.datapoints),
        p50: stats.map(|s| round2(s.p50)),
        p95: stats.map(|s| round2(s.p95)),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn ceil_u32(v: f64) -> u32 {
    v.ceil().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// Assesses one resource from its series (in [`Found::metrics`]' order).
pub fn assess(
    found: &Found,
    region: &str,
    series: &[Vec<f64>],
    window: Window,
    prices: &Prices,
) -> Result<Assessment, CostError> {
    let workload = found.workload();
    let running = found.running();
    let configured_usd = if running {
        monthly(&workload, region, prices)?
    } else {
        Decimal::ZERO
    };
    let stats: Vec<Option<Stats>> = series.iter().map(|s| Stats::of(s)).collect();
    let stat = |i: usize| stats.get(i).copied().flatten();
    let mut a = Assessment {
        service: found.service(),
        name: found.name(),
        region: region.to_owned(),
        status: found.status().to_owned(),
        running,
        configured: String::new(),
        configured_usd,
        used_usd: None,
        verdict: Verdict::NoChange,
        evidence: Vec::new(),
        reason: String::new(),
        recommended: None,
        recommended_usd: None,
        saving_usd: Decimal::ZERO,
        workload: workload.clone(),
    };
    let enough = |s: &Stats| s.datapoints >= window.min_datapoints();
    match found {
        Found::Flink(app) => {
            let kpus = super::flink::kpus(app.current_parallelism, app.parallelism_per_kpu);
            let extra = if app.studio { 2 } else { 1 };
            a.configured = format!(
                "parallelism {} at {} per KPU: {} KPUs + {extra} {}{}",
                app.current_parallelism,
                app.parallelism_per_kpu,
                kpus,
                if app.studio {
                    "for Studio"
                } else {
                    "orchestration"
                },
                if app.autoscaling {
                    ", autoscaling on"
                } else {
                    ""
                }
            );
            let (cpu, memory, used) = (stat(0), stat(1), series.get(2));
            a.evidence = vec![
                evidence("containerCPUUtilization", cpu),
                evidence("containerMemoryUtilization", memory),
                evidence("KPUs", stat(2)),
            ];
            // The KPUs metric counts billed KPUs, orchestration included.
            a.used_usd = time_weighted(
                used.into_iter()
                    .flatten()
                    .filter(|v| v.is_finite())
                    .map(|v| {
                        let parallel = ceil_u32(*v).saturating_sub(extra).max(1);
                        flink_workload(
                            app,
                            parallel.saturating_mul(app.parallelism_per_kpu),
                            app.parallelism_per_kpu,
                        )
                    }),
                region,
                prices,
            )?;
            if !running {
                return Ok(not_running(a));
            }
            let (Some(cpu), Some(memory)) = (cpu.filter(enough), memory.filter(enough)) else {
                return Ok(not_enough(a, window, &[cpu, memory]));
            };
            let busiest = cpu.p95.max(memory.p95);
            if cpu.p95 < 20.0 && memory.p95 < 20.0 {
                let target = ceil_u32(f64::from(kpus) * busiest / TARGET_PCT).clamp(1, kpus);
                a.verdict = Verdict::OverProvisioned;
                if target < kpus {
                    let parallelism = target.saturating_mul(app.parallelism_per_kpu);
                    recommend(
                        &mut a,
                        flink_workload(app, parallelism, app.parallelism_per_kpu),
                        format!("parallelism {parallelism} ({target} KPUs)"),
                        region,
                        prices,
                    )?;
                }
                a.reason = format!(
                    "CPU p95 {:.1}% and memory p95 {:.1}% stayed below 20%{}",
                    cpu.p95,
                    memory.p95,
                    if target < kpus {
                        format!(": {target} KPUs would put the busier at about {TARGET_PCT:.0}%")
                    } else {
                        ": already at one KPU".into()
                    }
                );
            } else if app.parallelism_per_kpu == 1
                && app.current_parallelism >= 2
                && cpu.p95 < 20.0
                && memory.p95 < 50.0
            {
                a.verdict = Verdict::ConsiderParallelismPerKpu;
                let parallelism = app.current_parallelism;
                recommend(
                    &mut a,
                    flink_workload(app, parallelism, 2),
                    format!("parallelism {parallelism} at 2 per KPU"),
                    region,
                    prices,
                )?;
                a.reason = format!(
                    "CPU p95 {:.1}% is low with {parallelism} tasks at one per KPU and memory p95 {:.1}% in use: an I/O-bound shape; two tasks per KPU halves the KPUs",
                    cpu.p95, memory.p95
                );
            } else if cpu.p50 >= 75.0 {
                a.verdict = Verdict::UnderProvisioned;
                let parallelism = app.current_parallelism.saturating_mul(2);
                recommend(
                    &mut a,
                    flink_workload(app, parallelism, app.parallelism_per_kpu),
                    format!("parallelism {parallelism}"),
                    region,
                    prices,
                )?;
                a.reason = format!(
                    "CPU p50 {:.1}% is at or above 75% most of the time: autoscaling doubles parallelism at this load",
                    cpu.p50
                );
            } else if (50.0..=75.0).contains(&cpu.p95) {
                a.verdict = Verdict::RightSized;
                a.reason = format!("CPU p95 {:.1}% is within 50-75%", cpu.p95);
            } else {
                a.reason = format!(
                    "CPU p50 {:.1}% / p95 {:.1}%, memory p95 {:.1}%: outside the rules' bands",
                    cpu.p50, cpu.p95, memory.p95
                );
            }
        }
        Found::Ingestion(p) => {
            a.configured = format!("{}-{} OCUs", p.min_units, p.max_units);
            let units = stat(0);
            a.evidence = vec![evidence("computeUnits", units)];
            a.used_usd = time_weighted(
                series
                    .first()
                    .into_iter()
                    .flatten()
                    .filter(|v| v.is_finite())
                    .map(|v| {
                        ingestion_workload(
                            p,
                            ceil_u32(*v).clamp(p.min_units.max(1), p.max_units.max(1)),
                        )
                    }),
                region,
                prices,
            )?;
            if !running {
                return Ok(not_running(a));
            }
            let Some(units) = units.filter(enough) else {
                return Ok(not_enough(a, window, &[units]));
            };
            let ceiling = f64::from(p.max_units.max(1));
            let (p50, p95) = (units.p50 / ceiling * 100.0, units.p95 / ceiling * 100.0);
            utilization_verdict(&mut a, p50, p95, "OCUs used of the pipeline's maximum");
            let target = ceil_u32(units.p95 * 100.0 / TARGET_PCT)
                .clamp(p.min_units.max(1), p.max_units.max(1));
            if a.verdict == Verdict::OverProvisioned && target < p.max_units {
                recommend(
                    &mut a,
                    ingestion_workload(p, target),
                    format!("maximum {target} OCUs"),
                    region,
                    prices,
                )?;
            }
        }
        Found::Serverless(s) => {
            a.configured = format!(
                "capacity limits: {} indexing + {} search OCUs, {} active collection(s)",
                s.max_indexing_ocus,
                s.max_search_ocus,
                s.active().count()
            );
            let (indexing, search) = (stat(0), stat(1));
            a.evidence = vec![
                evidence("IndexingOCU", indexing),
                evidence("SearchOCU", search),
            ];
            let floor = s.floor();
            let step = |v: f64| -> Decimal {
                let up = Decimal::from_f64(v).unwrap_or_default();
                let up = if up <= dec!(0.5) {
                    dec!(0.5)
                } else {
                    up.ceil()
                };
                up.max(floor)
            };
            let (idx_series, search_series) = (series.first(), series.get(1));
            if let (Some(i), Some(q)) = (idx_series, search_series) {
                a.used_usd = time_weighted(
                    i.iter()
                        .zip(q)
                        .filter(|(i, q)| i.is_finite() && q.is_finite())
                        .map(|(i, q)| serverless_workload(s, step(*i), step(*q))),
                    region,
                    prices,
                )?;
            }
            if !running {
                return Ok(not_running(a));
            }
            let (Some(indexing), Some(search)) = (indexing.filter(enough), search.filter(enough))
            else {
                return Ok(not_enough(a, window, &[indexing, search]));
            };
            let pct =
                |used: f64, limit: Decimal| used / limit.to_f64().unwrap_or(1.0).max(0.5) * 100.0;
            let p50 =
                pct(indexing.p50, s.max_indexing_ocus).max(pct(search.p50, s.max_search_ocus));
            let p95 =
                pct(indexing.p95, s.max_indexing_ocus).max(pct(search.p95, s.max_search_ocus));
            utilization_verdict(
                &mut a,
                p50,
                p95,
                "OCUs used of the account's capacity limits",
            );
            if a.verdict == Verdict::OverProvisioned {
                let target = |used: f64, limit: Decimal| step(used * 100.0 / TARGET_PCT).min(limit);
                let (idx, q) = (
                    target(indexing.p95, s.max_indexing_ocus),
                    target(search.p95, s.max_search_ocus),
                );
                if idx < s.max_indexing_ocus || q < s.max_search_ocus {
                    recommend(
                        &mut a,
                        serverless_workload(s, idx, q),
                        format!("capacity limits {idx} indexing + {q} search OCUs"),
                        region,
                        prices,
                    )?;
                }
            }
        }
    }
    a.reason = format!("{}; {STARTING_POINT}", a.reason);
    Ok(a)
}

/// The Ingestion and Serverless bands, on the share of the configured ceiling used.
fn utilization_verdict(a: &mut Assessment, p50: f64, p95: f64, what: &str) {
    a.verdict = if p95 < 20.0 {
        Verdict::OverProvisioned
    } else if p50 >= 75.0 {
        Verdict::UnderProvisioned
    } else if (50.0..=75.0).contains(&p95) {
        Verdict::RightSized
    } else {
        Verdict::NoChange
    };
    a.reason = format!(
        "{what}: p50 {p50:.1}%, p95 {p95:.1}%{}",
        match a.verdict {
            Verdict::OverProvisioned => " (below 20%): the bill follows the units used; a lower ceiling caps what a burst can cost",
            Verdict::UnderProvisioned => " (75% or more most of the time): raise the ceiling",
            Verdict::RightSized => " (within 50-75%)",
            _ => ": outside the rules' bands",
        }
    );
}

fn recommend(
    a: &mut Assessment,
    workload: Workload,
    what: String,
    region: &str,
    prices: &Prices,
) -> Result<(), CostError> {
    let usd = monthly(&workload, region, prices)?;
    a.saving_usd = a.configured_usd - usd;
    a.recommended = Some(what);
    a.recommended_usd = Some(usd);
    Ok(())
}

fn not_running(mut a: Assessment) -> Assessment {
    a.verdict = Verdict::NotRunning;
    a.reason = format!("status {}: not billed for capacity", a.status);
    a
}

/// `needed`: the series the verdict reads.
fn not_enough(mut a: Assessment, window: Window, needed: &[Option<Stats>]) -> Assessment {
    a.verdict = Verdict::NotEnoughData;
    let fewest = needed
        .iter()
        .map(|s| s.map_or(0, |s| s.datapoints))
        .min()
        .unwrap_or(0);
    a.reason = format!(
        "{fewest} hourly datapoints in {} days; a verdict needs at least {}",
        window.days,
        window.min_datapoints()
    );
    a
}

/// The running resources as a plan file (TOML), for `cost plan --from-live`: the same totals
/// as `cost live`'s configured column when priced with `cost plan`.
pub fn plan_toml(assessments: &[Assessment]) -> String {
    let mut out = String::from(
        "# Written by `lakeops cost plan --from-live`: the running resources at their configured capacity.\n",
    );
    let mut names = std::collections::HashSet::new();
    for a in assessments.iter().filter(|a| a.running) {
        // Names repeat across services and regions; the plan needs them unique.
        let mut name = format!("{}/{}/{}", a.region, a.service, a.name);
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("{}/{}/{} ({n})", a.region, a.service, a.name);
            n += 1;
        }
        out.push_str("\n[[workloads]]\n");
        let mut table = toml::Table::new();
        table.insert("name".into(), name.into());
        table.insert("region".into(), a.region.clone().into());
        table.insert("service".into(), a.workload.service().into());
        for (key, value) in workload_fields(&a.workload) {
            table.insert(key.into(), value);
        }
        out.push_str(&toml::to_string(&table).unwrap_or_default());
    }
    out
}

fn decimal_value(d: Decimal) -> toml::Value {
    match d.to_i64().filter(|_| d.fract().is_zero()) {
        Some(i) => toml::Value::Integer(i),
        None => toml::Value::Float(d.to_f64().unwrap_or_default()),
    }
}

fn workload_fields(workload: &Workload) -> Vec<(&'static str, toml::Value)> {
    let mut fields = Vec::new();
    match workload {
        Workload::Flink(w) => {
            if let Some(p) = w.parallelism {
                fields.push(("parallelism", toml::Value::Integer(p.into())));
            }
            fields.push((
                "parallelism_per_kpu",
                toml::Value::Integer(w.parallelism_per_kpu.into()),
            ));
            fields.push(("studio", toml::Value::Boolean(w.studio)));
        }
        Workload::Ingestion(w) => {
            for (key, value) in [
                ("ocus", w.ocus),
                ("min_ocus", w.min_ocus),
                ("max_ocus", w.max_ocus),
            ] {
                if let Some(v) = value {
                    fields.push((key, decimal_value(v)));
                }
            }
            fields.push((
                "persistent_buffer",
                toml::Value::Boolean(w.persistent_buffer),
            ));
        }
        Workload::Serverless(w) => {
            for (key, value) in [
                ("indexing_ocus", w.indexing_ocus),
                ("search_ocus", w.search_ocus),
            ] {
                if let Some(v) = value {
                    fields.push((key, decimal_value(v)));
                }
            }
            fields.push(("no_redundancy", toml::Value::Boolean(w.no_redundancy)));
            fields.push(("kms_keys", toml::Value::Integer(w.kms_keys.into())));
        }
        // `cost live` finds only the three services above.
        Workload::Glue(_) | Workload::AthenaSpark(_) | Workload::EmrServerless(_) => {}
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(parallelism: u32, per_kpu: u32) -> Found {
        Found::Flink(FlinkApp {
            name: "clicks".into(),
            status: "RUNNING".into(),
            studio: false,
            parallelism,
            current_parallelism: parallelism,
            parallelism_per_kpu: per_kpu,
            autoscaling: false,
        })
    }

    fn flat(value: f64, n: usize) -> Vec<f64> {
        vec![value; n]
    }

    /// A pipeline that is still creating was counted as billed and one that is stopping as
    /// free: AWS bills neither way round.
    #[test]
    fn ingestion_pipelines_are_billed_in_every_state_but_the_four_aws_lists() {
        let pipeline = |status: &str| {
            Found::Ingestion(Pipeline {
                name: "logs".into(),
                status: status.into(),
                min_units: 1,
                max_units: 4,
                persistent_buffer: false,
            })
        };
        for status in ["CREATING", "CREATE_FAILED", "DELETING", "STOPPED"] {
            assert!(!pipeline(status).running(), "{status}");
        }
        for status in [
            "ACTIVE",
            "UPDATING",
            "UPDATE_FAILED",
            "STARTING",
            "START_FAILED",
            "STOPPING",
            "STOP_FAILED",
        ] {
            assert!(pipeline(status).running(), "{status}");
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = Stats::of(&(1..=100).map(f64::from).collect::<Vec<_>>()).unwrap();
        assert_eq!((s.p50, s.p95, s.datapoints), (50.0, 95.0, 100));
        assert!(Stats::of(&[]).is_none());
    }

    #[test]
    fn idle_flink_app_is_over_provisioned_and_priced_down() {
        let prices = Prices::embedded();
        let window = Window::new(14).unwrap();
        // 8 tasks at 1 per KPU: 8 + 1 KPUs; CPU p95 10% -> ceil(8 × 10 / 50) = 2 KPUs.
        let a = assess(
            &app(8, 1),
            "us-east-1",
            &[flat(10.0, 336), flat(15.0, 336), flat(9.0, 336)],
            window,
            &prices,
        )
        .unwrap();
        assert_eq!(a.verdict, Verdict::OverProvisioned);
        // us-east-1: $0.11 per KPU-hour, $0.10 per GB-month: 9 × 0.11 × 730 + 8 × 50 × 0.10.
        assert_eq!(a.configured_usd, dec!(762.70));
        // Recommended by the busier p95 (memory 15%): ceil(8 × 15 / 50) = 3 KPUs + 1.
        assert_eq!(a.recommended_usd, Some(dec!(336.20)));
        assert_eq!(a.saving_usd, dec!(426.50));
        assert_eq!(a.used_usd, Some(dec!(762.70)));
    }

    #[test]
    fn too_few_points_give_no_verdict() {
        let prices = Prices::embedded();
        let a = assess(
            &app(4, 1),
            "us-east-1",
            &[flat(5.0, 10), flat(5.0, 10), vec![]],
            Window::new(14).unwrap(),
            &prices,
        )
        .unwrap();
        assert_eq!(a.verdict, Verdict::NotEnoughData);
        assert_eq!(a.saving_usd, Decimal::ZERO);
        assert_eq!(a.used_usd, None);
    }

    #[test]
    fn a_bogus_kpus_datapoint_saturates_instead_of_overflowing() {
        let prices = Prices::embedded();
        // 8 tasks per KPU and a KPUs value no application has: the level saturates at
        // u32::MAX tasks instead of wrapping; NaN and infinities are dropped.
        let found = app(16, 8);
        let a = assess(
            &found,
            "us-east-1",
            &[
                flat(60.0, 336),
                flat(40.0, 336),
                vec![1e15, f64::NAN, f64::INFINITY, -3.0],
            ],
            Window::new(14).unwrap(),
            &prices,
        )
        .unwrap();
        assert_eq!(a.verdict, Verdict::RightSized);
        let used = a.used_usd.unwrap();
        assert!(used > a.configured_usd, "{used}");
    }
}
