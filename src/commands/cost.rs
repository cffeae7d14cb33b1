//! `lakeops cost`: clap arguments -> report options -> `cost::report` (or `cost::refresh`) ->
//! `output::cost`. The exit status is 1 when a report broke a budget or a refresh lost rows.

use anyhow::Context as _;
use clap::ValueEnum;

use super::Context;
use crate::cli::{
    ArchArg, CostArgs, CostCommand, CostOutput, CostShared, LiveServiceArg, PlanCommon,
};
use crate::cost::actual::Month;
use crate::cost::live::{Found, Window};
use crate::cost::report::{
    self, EstimateOptions, LiveOptions, PlanOptions, PriceOptions, RegionFindings, Requests,
};
use crate::cost::workload::{
    ArchSpec, AthenaSparkSpec, EmrSpec, FlinkSpec, GlueSpec, IngestionSpec, ServerlessSpec,
    Workload,
};
use crate::fleet::{discover, metrics};
use crate::output::cost::Format;
use crate::output::{self, Printer};
use crate::ExitStatus;

pub fn run(args: CostArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let (common, workload) = match args.workload {
        CostCommand::Prices {
            region,
            price_file,
            refresh: true,
            cache_file,
            ..
        } => {
            // The Price List API's profile, endpoint and region are in the context's AWS
            // options (`Context::new`).
            let cache_file = match cache_file {
                Some(path) => path,
                None => default_cache_file()?,
            };
            return refresh_prices(ctx, region.as_deref(), price_file, &cache_file);
        }
        CostCommand::Prices {
            region,
            price_file,
            format: new,
            output: old,
            ..
        } => {
            let format = format(printer, new, old);
            let prices = PriceOptions {
                file: price_file,
                overrides: Vec::new(),
            };
            let report = report::prices(region.as_deref(), &prices)?;
            output::cost::prices(printer, &report, format)?;
            return Ok(ExitStatus::Success);
        }
        CostCommand::Plan {
            from_live: true,
            common,
            ..
        } => {
            // Configured capacity only: no metrics are read.
            let region: Vec<String> = common.region.into_iter().collect();
            let (findings, requests) = read_live(ctx, &region, &[], None)?;
            let options = LiveOptions {
                window: Window::new(1)?,
                fail_if_waste_above: None,
                prices: price_options(common.shared),
            };
            let report = report::live(&findings, requests, &options)?;
            output::cost::plan_file(printer, &report)?;
            return Ok(ExitStatus::Success);
        }
        CostCommand::Plan { file, common, .. } => {
            let format = format(printer, common.shared.format, common.shared.output);
            let file = file.context("a plan file or --from-live is required")?;
            let report = report::plan(&file, &plan_options(common))?;
            output::cost::plan(printer, &report, format)?;
            return Ok(within_budget(&report.breaches));
        }
        CostCommand::Live {
            live,
            fail_if_waste_above,
            prices,
            price_file,
        } => {
            let format = if printer.json() {
                Format::Records
            } else {
                Format::Table
            };
            let window = Window::new(live.days)?;
            let (findings, requests) = read_live(ctx, &live.regions, &live.service, Some(window))?;
            let options = LiveOptions {
                window,
                fail_if_waste_above,
                prices: PriceOptions {
                    file: price_file,
                    overrides: prices,
                },
            };
            let report = report::live(&findings, requests, &options)?;
            output::cost::live(printer, &report, format)?;
            return Ok(within_budget(&report.breaches));
        }
        CostCommand::Actual {
            plan,
            month,
            fail_if_variance_pct,
            common,
            ..
        } => {
            let format = if printer.json() {
                Format::Records
            } else {
                Format::Table
            };
            let period = Month::parse(&month)?.period(today_utc())?;
            let options = plan_options(common);
            let runtime = ctx.runtime()?;
            let client = ctx.aws_blocking()?.cost_explorer();
            let report = report::actual(
                &plan,
                period,
                fail_if_variance_pct,
                &options,
                |period, regions| {
                    runtime.block_on(crate::fleet::billing::bill(&client, period, regions))
                },
            )?;
            output::cost::actual(printer, &report, format)?;
            return Ok(within_budget(&report.breaches));
        }
        CostCommand::Diff {
            old,
            new,
            fail_if_increase_pct,
            common,
        } => {
            let format = format(printer, common.shared.format, common.shared.output);
            let options = plan_options(common);
            let report = report::diff(&old, &new, fail_if_increase_pct, &options)?;
            output::cost::diff(printer, &report, format)?;
            return Ok(within_budget(&report.breaches));
        }
        CostCommand::Flink {
            workload: w,
            common,
        } => (
            common,
            Workload::Flink(FlinkSpec {
                parallelism: w.parallelism,
                parallelism_per_kpu: w.parallelism_per_kpu,
                studio: w.studio,
                snapshot_gb: w.snapshot_gb,
                throughput_mbps: w.throughput_mbps,
                cpu_utilization: w.cpu_utilization,
                memory_utilization: w.memory_utilization,
                runs_per_month: w.runs_per_month,
                minutes_per_run: w.minutes_per_run,
            }),
        ),
        CostCommand::Ingestion {
            workload: w,
            common,
        } => (
            common,
            Workload::Ingestion(IngestionSpec {
                ocus: w.ocus,
                throughput: w.throughput,
                min_ocus: w.min_ocus,
                max_ocus: w.max_ocus,
                mib_per_ocu: Some(w.mib_per_ocu),
                persistent_buffer: w.persistent_buffer,
                stateful: w.stateful,
                allow_over_limit: w.allow_over_limit,
                scan_hours: w.scan_hours,
            }),
        ),
        CostCommand::Serverless {
            workload: w,
            common,
        } => (
            common,
            Workload::Serverless(ServerlessSpec {
                indexing_ocus: w.indexing_ocus,
                search_ocus: w.search_ocus,
                no_redundancy: w.no_redundancy,
                kms_keys: w.kms_keys,
                storage_gb: w.storage_gb,
                busy_hours_per_day: w.busy_hours_per_day.filter(|_| w.nextgen),
            }),
        ),
        CostCommand::Glue {
            workload: w,
            common,
        } => (
            common,
            Workload::Glue(GlueSpec {
                worker_type: w.worker_type,
                workers: w.workers,
                dpus: w.dpus,
                minutes: w.minutes,
                runs_per_month: w.runs_per_month,
                flex: w.flex,
                crawler: w.crawler,
            }),
        ),
        CostCommand::AthenaSpark {
            workload: w,
            common,
        } => (
            common,
            Workload::AthenaSpark(AthenaSparkSpec {
                dpus: w.dpus,
                minutes: w.minutes,
                runs_per_month: w.runs_per_month,
            }),
        ),
        CostCommand::EmrServerless {
            workload: w,
            common,
        } => (
            common,
            Workload::EmrServerless(EmrSpec {
                workers: w.workers,
                vcpu: w.vcpu,
                memory_gb: w.memory_gb,
                storage_gb: w.storage_gb,
                minutes: w.minutes,
                runs_per_month: w.runs_per_month,
                arch: match w.arch {
                    ArchArg::X86_64 => ArchSpec::X86_64,
                    ArchArg::Arm64 => ArchSpec::Arm64,
                },
            }),
        ),
    };
    let format = format(printer, common.shared.format, common.shared.output);
    let options = EstimateOptions {
        workload,
        regions: common.region,
        schedule: [
            common.hours_per_day,
            common.days_per_month,
            common.hours_per_month,
        ],
        explain: common.shared.explain,
        fail_above: common.shared.fail_above,
        prices: price_options(common.shared),
    };
    let report = report::estimate(&options)?;
    output::cost::estimate(printer, &report, format)?;
    Ok(within_budget(&report.breaches))
}

/// How a report is printed: `--json` (typed records) whatever `--format` says, else `--format`,
/// else the old spelling `--output FORMAT` (with a warning, for one release), else a table.
fn format(printer: &Printer, format: Option<CostOutput>, old: Option<CostOutput>) -> Format {
    if let Some(old) = old {
        let name = old
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        tracing::warn!("--output {name} is deprecated; use --format {name}");
    }
    if printer.json() {
        return Format::Records;
    }
    match format.or(old).unwrap_or(CostOutput::Table) {
        CostOutput::Table => Format::Table,
        CostOutput::Json => Format::Json,
        CostOutput::Csv => Format::Csv,
    }
}

fn price_options(shared: CostShared) -> PriceOptions {
    PriceOptions {
        file: shared.price_file,
        overrides: shared.prices,
    }
}

fn plan_options(common: PlanCommon) -> PlanOptions {
    PlanOptions {
        region: common.region,
        explain: common.shared.explain,
        fail_above: common.shared.fail_above,
        prices: price_options(common.shared),
    }
}

fn within_budget(breaches: &[report::Breach]) -> ExitStatus {
    if breaches.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    }
}

/// What runs in each region (every service unless `services` names some), with each resource's
/// CloudWatch series when `window` is given.
fn read_live(
    ctx: &Context,
    regions: &[String],
    services: &[LiveServiceArg],
    window: Option<Window>,
) -> anyhow::Result<(Vec<RegionFindings>, Requests)> {
    let aws = ctx.aws_blocking()?;
    let mut regions: Vec<String> = if regions.is_empty() {
        aws.region().map(str::to_owned).into_iter().collect()
    } else {
        regions.to_vec()
    };
    if regions.iter().any(|r| r.trim().is_empty()) {
        anyhow::bail!("--region: an empty region name (regions are comma-separated, e.g. us-east-1,eu-west-1)");
    }
    // A region named twice is read once: its resources would otherwise count twice.
    let mut seen = std::collections::HashSet::new();
    regions.retain(|r| seen.insert(r.clone()));
    let wanted = |s: LiveServiceArg| services.is_empty() || services.contains(&s);
    let now = std::time::SystemTime::now();
    ctx.block_on(async {
        let mut findings = Vec::with_capacity(regions.len());
        let mut requests = Requests::default();
        for region in regions {
            let aws = aws.in_region(&region);
            let mut found = Vec::new();
            if wanted(LiveServiceArg::Flink) {
                let apps = discover::flink_apps(&aws.flink(), &region).await?;
                found.extend(apps.into_iter().map(Found::Flink));
            }
            if wanted(LiveServiceArg::Ingestion) {
                let pipelines = discover::pipelines(&aws.ingestion(), &region).await?;
                found.extend(pipelines.into_iter().map(Found::Ingestion));
            }
            if wanted(LiveServiceArg::Serverless) {
                let capacity = discover::serverless(&aws.serverless(), &region).await?;
                found.extend(capacity.map(Found::Serverless));
            }
            let mut series: Vec<Vec<Vec<f64>>> = vec![Vec::new(); found.len()];
            if let Some(window) = window {
                let refs: Vec<_> = found.iter().flat_map(Found::metrics).collect();
                let (mut values, calls) =
                    metrics::fetch(&aws.cloudwatch(), &region, &refs, now, window.days).await?;
                requests.get_metric_data += calls;
                // Back into each resource's share, in order.
                for (resource, f) in series.iter_mut().zip(&found).rev() {
                    let at = values.len() - f.metrics().len();
                    *resource = values.split_off(at);
                }
            }
            findings.push(RegionFindings {
                region,
                found: found.into_iter().zip(series).collect(),
            });
        }
        Ok::<_, crate::fleet::FleetError>((findings, requests))
    })?
    .map_err(Into::into)
}

/// The environment is read here, not in the library: `cost::cache` decides from what it is given.
fn default_cache_file() -> anyhow::Result<std::path::PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME").map(std::path::PathBuf::from);
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    crate::cost::cache::default_file(xdg.as_deref(), home.as_deref())
        .context("no cache directory (set XDG_CACHE_HOME or HOME, or give --cache-file)")
}

fn refresh_prices(
    ctx: &Context,
    region: Option<&str>,
    price_file: Option<std::path::PathBuf>,
    cache_file: &std::path::Path,
) -> anyhow::Result<ExitStatus> {
    let prices = PriceOptions {
        file: price_file,
        overrides: Vec::new(),
    }
    .load()?;
    let runtime = ctx.runtime()?;
    let client = ctx.aws_blocking()?.pricing();
    let report = crate::cost::refresh::refresh(prices, region, cache_file, |query, region| {
        runtime.block_on(crate::pricing::get_products(&client, query, region))
    })?;
    output::cost::refresh(ctx.printer(), &report)?;
    Ok(if report.failures.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

/// Today's date in UTC, the calendar Cost Explorer bills by.
fn today_utc() -> chrono::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .date_naive()
}
