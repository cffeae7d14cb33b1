//! `lakeops cost`: one workload priced in one or more regions, or the price table.

use anyhow::{bail, Context};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::io::Read;

use crate::cli::{ArchArg, CostArgs, CostCommand, CostOutput, PlanCommon};
use crate::cost::plan::{self, PlanEstimate};
use crate::cost::workload::{
    ArchSpec, AthenaSparkSpec, EmrSpec, FlinkSpec, GlueSpec, IngestionSpec, ServerlessSpec,
    Workload,
};
use crate::cost::{cents, Estimate, Prices, Schedule};
use crate::output::{group_digits, Printer, Table};
use crate::ExitStatus;

pub fn run(args: CostArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let (common, workload) = match args.workload {
        CostCommand::Prices {
            region,
            price_file,
            output: _,
            refresh: true,
            cache_file,
            profile,
            endpoint_url,
        } => {
            // The Price List API answers in us-east-1 for prices of every region.
            let aws = crate::aws::AwsOptions {
                profile,
                region: Some("us-east-1".into()),
                endpoint_url,
                s3_path_style: false,
                max_attempts: None,
            };
            return refresh_prices(
                printer,
                region.as_deref(),
                price_file.as_deref(),
                cache_file,
                &aws,
            );
        }
        CostCommand::Prices {
            region,
            price_file,
            output,
            ..
        } => return print_prices(printer, region.as_deref(), price_file.as_deref(), output),
        CostCommand::Plan { file, common } => return run_plan(printer, &file, &common),
        CostCommand::Diff {
            old,
            new,
            fail_if_increase_pct,
            common,
        } => return run_diff(printer, &old, &new, fail_if_increase_pct, &common),
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
    let prices = load_prices(common.shared.price_file.as_deref(), &common.shared.prices)?;
    let schedule = Schedule::new(
        common.hours_per_day,
        common.days_per_month,
        common.hours_per_month,
    )?;
    let known = prices.regions();
    let mut estimates = Vec::with_capacity(common.region.len());
    for region in &common.region {
        if !known.contains(&region.as_str()) {
            bail!(
                "unknown region {region:?} (the price table has: {})",
                known.join(", ")
            );
        }
        estimates.push(workload.estimate(region, schedule, &prices)?);
    }
    let format = if printer.json() {
        CostOutput::Json
    } else {
        common.shared.output
    };
    print_estimates(printer, &estimates, format, common.shared.explain)?;
    let highest = estimates
        .iter()
        .map(|e| e.total_usd)
        .max()
        .unwrap_or_default();
    Ok(if fail_above(printer, common.shared.fail_above, highest) {
        ExitStatus::Rejects
    } else {
        ExitStatus::Success
    })
}

fn load_prices(
    file: Option<&std::path::Path>,
    overrides: &[(String, Decimal)],
) -> anyhow::Result<Prices> {
    let mut prices = Prices::embedded();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read price file {}", path.display()))?;
        let extra = Prices::parse(&text)
            .with_context(|| format!("invalid price file {}", path.display()))?;
        prices.merge(extra);
    }
    for (unit, usd) in overrides {
        prices.set_override(unit, *usd)?;
    }
    Ok(prices)
}

/// `$1,234.57`: cents, half away from zero, with thousands separators.
fn usd(amount: Decimal) -> String {
    let text = format!("{:.2}", cents(amount));
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    format!("{sign}${}.{fraction}", group_digits(whole))
}

fn quantity(q: Decimal) -> String {
    let text = q.round_dp(4).normalize().to_string();
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group_digits(whole)),
        None => group_digits(&text),
    }
}

/// A decimal as a JSON number with the same digits: integers as integers (`4`, not `4.0`), other
/// values from their decimal text, rounded to 10 decimal places (a ten-billionth of a dollar or
/// unit) and 15 significant digits (the most a double holds exactly), so that the number printed
/// is exactly that decimal (`0.0184184`, not the `0.018418399999999998` of arithmetic through
/// binary floats). CSV output carries every digit.
fn number(d: Decimal) -> Value {
    let d = d.round_dp(10);
    let d = d.round_sf(15).unwrap_or(d).normalize();
    if d.scale() == 0 {
        if let Ok(n) = i64::try_from(d.mantissa()) {
            return json!(n);
        }
    }
    json!(d.to_string().parse::<f64>().unwrap_or(f64::NAN))
}

fn estimate_json(e: &Estimate, explain: bool) -> Value {
    let mut object = json!({
        "type": "estimate",
        "service": e.service,
        "region": e.region,
        "total_usd": number(e.total_usd),
        "line_items": e.line_items.iter().map(|l| {
            let mut item = json!({
                "description": l.description,
                "quantity": number(l.quantity),
                "unit": l.unit,
                "unit_price_usd": number(l.unit_price_usd),
                "amount_usd": number(l.amount_usd),
                "price_source": l.price_source,
                "price_as_of": l.price_as_of,
            });
            if explain {
                item["formula"] = json!(l.formula);
            }
            item
        }).collect::<Vec<_>>(),
        "assumptions": e.assumptions,
        "warnings": e.warnings,
    });
    for (name, value) in &e.sizing {
        object[*name] = number(*value);
    }
    object
}

fn print_estimates(
    printer: &Printer,
    estimates: &[Estimate],
    format: CostOutput,
    explain: bool,
) -> anyhow::Result<()> {
    match format {
        CostOutput::Json => {
            let value = match estimates {
                [one] => estimate_json(one, explain),
                many => Value::Array(many.iter().map(|e| estimate_json(e, explain)).collect()),
            };
            printer.data(&format!("{value}\n"))?;
        }
        CostOutput::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([
                "region",
                "service",
                "description",
                "quantity",
                "unit",
                "unit_price_usd",
                "amount_usd",
                "price_source",
                "price_as_of",
            ])?;
            for e in estimates {
                for l in &e.line_items {
                    writer.write_record([
                        e.region.as_str(),
                        e.service,
                        &l.description,
                        &l.quantity.normalize().to_string(),
                        l.unit,
                        &l.unit_price_usd.normalize().to_string(),
                        &l.amount_usd.normalize().to_string(),
                        &l.price_source,
                        &l.price_as_of,
                    ])?;
                }
                writer.write_record([
                    e.region.as_str(),
                    e.service,
                    "total",
                    "",
                    "",
                    "",
                    &e.total_usd.normalize().to_string(),
                    "",
                    "",
                ])?;
            }
            printer.data(&String::from_utf8(writer.into_inner()?)?)?;
        }
        CostOutput::Table => printer.data(&render_table(estimates, explain))?,
    }
    Ok(())
}

fn render_table(estimates: &[Estimate], explain: bool) -> String {
    let first = &estimates[0];
    let mut text = String::new();
    if let [e] = estimates {
        text.push_str(&format!("{} in {}, per month\n", e.service, e.region));
        let mut table = Table::new(&[
            ("line item", false),
            ("quantity", true),
            ("unit", false),
            ("unit price", true),
            ("amount", true),
        ]);
        for l in &e.line_items {
            table.row(vec![
                l.description.clone(),
                quantity(l.quantity),
                l.unit.to_owned(),
                format!("${}", l.unit_price_usd.normalize()),
                usd(l.amount_usd),
            ]);
            if explain {
                table.row(vec![
                    format!("  = {}", l.formula),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        table.row(vec![
            "total".into(),
            String::new(),
            String::new(),
            String::new(),
            usd(e.total_usd),
        ]);
        text.push_str(&table.render());
    } else {
        // Side by side: the same line items, one amount column per region.
        text.push_str(&format!("{} per month\n", first.service));
        let mut columns: Vec<(&str, bool)> = vec![("line item", false)];
        columns.extend(estimates.iter().map(|e| (e.region.as_str(), true)));
        let mut table = Table::new(&columns);
        for (i, l) in first.line_items.iter().enumerate() {
            let mut row = vec![l.description.clone()];
            row.extend(estimates.iter().map(|e| {
                e.line_items
                    .get(i)
                    .map(|x| usd(x.amount_usd))
                    .unwrap_or_default()
            }));
            table.row(row);
        }
        let mut total = vec!["total".to_owned()];
        total.extend(estimates.iter().map(|e| usd(e.total_usd)));
        table.row(total);
        text.push_str(&table.render());
    }
    let mut seen = Vec::new();
    for e in estimates {
        for (name, value) in &e.sizing {
            if !seen.contains(name) {
                seen.push(*name);
                text.push_str(&format!("{name}: {}\n", quantity(*value)));
            }
        }
    }
    for (title, lines) in [
        ("assumptions", &first.assumptions),
        ("warnings", &first.warnings),
    ] {
        if !lines.is_empty() {
            text.push_str(&format!("{title}:\n"));
            for line in lines.iter() {
                text.push_str(&format!("  - {line}\n"));
            }
        }
    }
    text
}

fn estimate_plan(
    file: &std::path::Path,
    common: &PlanCommon,
    prices: &Prices,
) -> anyhow::Result<PlanEstimate> {
    // One byte over the limit is enough for the parser to refuse it by size.
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| {
            f.take(plan::MAX_PLAN_BYTES as u64 + 1)
                .read_to_string(&mut text)
        })
        .with_context(|| format!("cannot read plan {}", file.display()))?;
    let parsed = plan::parse(&file.display().to_string(), &text)?;
    Ok(plan::estimate(&parsed, common.region.as_deref(), prices)?)
}

/// Reports a breached `--fail-above` (even with `--quiet`: it is why the exit status is 1).
fn fail_above(printer: &Printer, limit: Option<Decimal>, total: Decimal) -> bool {
    match limit {
        Some(limit) if total > limit => {
            printer.error(
                &anyhow::anyhow!(
                    "the monthly total {} is above --fail-above {}",
                    usd(total),
                    usd(limit)
                ),
                None,
            );
            true
        }
        _ => false,
    }
}

fn run_plan(
    printer: &Printer,
    file: &std::path::Path,
    common: &PlanCommon,
) -> anyhow::Result<ExitStatus> {
    let prices = load_prices(common.shared.price_file.as_deref(), &common.shared.prices)?;
    let estimate = estimate_plan(file, common, &prices)?;
    let format = if printer.json() {
        CostOutput::Json
    } else {
        common.shared.output
    };
    match format {
        CostOutput::Json => {
            let value = json!({
                "type": "plan",
                "total_usd": number(estimate.total_usd),
                "workloads": estimate.workloads.iter().map(|(name, e)| {
                    let mut object = estimate_json(e, common.shared.explain);
                    object["name"] = json!(name);
                    object
                }).collect::<Vec<_>>(),
            });
            printer.data(&format!("{value}\n"))?;
        }
        CostOutput::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(["workload", "service", "region", "amount_usd"])?;
            for (name, e) in &estimate.workloads {
                writer.write_record([
                    name.as_str(),
                    e.service,
                    &e.region,
                    &e.total_usd.normalize().to_string(),
                ])?;
            }
            writer.write_record(["total", "", "", &estimate.total_usd.normalize().to_string()])?;
            printer.data(&String::from_utf8(writer.into_inner()?)?)?;
        }
        CostOutput::Table => {
            let mut table = Table::new(&[
                ("workload", false),
                ("service", false),
                ("region", false),
                ("per month", true),
            ]);
            for (name, e) in &estimate.workloads {
                table.row(vec![
                    name.clone(),
                    e.service.to_owned(),
                    e.region.clone(),
                    usd(e.total_usd),
                ]);
            }
            table.row(vec![
                "total".into(),
                String::new(),
                String::new(),
                usd(estimate.total_usd),
            ]);
            let mut text = table.render();
            for (name, e) in &estimate.workloads {
                for warning in &e.warnings {
                    text.push_str(&format!("warning: {name}: {warning}\n"));
                }
            }
            printer.data(&text)?;
        }
    }
    Ok(
        if fail_above(printer, common.shared.fail_above, estimate.total_usd) {
            ExitStatus::Rejects
        } else {
            ExitStatus::Success
        },
    )
}

fn run_diff(
    printer: &Printer,
    old: &std::path::Path,
    new: &std::path::Path,
    fail_if_increase_pct: Option<Decimal>,
    common: &PlanCommon,
) -> anyhow::Result<ExitStatus> {
    let prices = load_prices(common.shared.price_file.as_deref(), &common.shared.prices)?;
    let before = estimate_plan(old, common, &prices)?;
    let after = estimate_plan(new, common, &prices)?;
    let diff = plan::diff(&before, &after);
    let pct = diff.increase_pct();
    let format = if printer.json() {
        CostOutput::Json
    } else {
        common.shared.output
    };
    let amount = |v: Option<Decimal>| v.map(usd).unwrap_or_else(|| "-".into());
    match format {
        CostOutput::Json => {
            let value = json!({
                "type": "diff",
                "old_total_usd": number(diff.old_total_usd),
                "new_total_usd": number(diff.new_total_usd),
                "change_usd": number(diff.new_total_usd - diff.old_total_usd),
                "change_pct": pct.map(number),
                "workloads": diff.changes.iter().map(|c| json!({
                    "name": c.name,
                    "old_usd": c.old_usd.map(number),
                    "new_usd": c.new_usd.map(number),
                })).collect::<Vec<_>>(),
            });
            printer.data(&format!("{value}\n"))?;
        }
        CostOutput::Csv => {
            // Exact decimals, no currency formatting: a machine format, like `plan --output csv`.
            let exact =
                |v: Option<Decimal>| v.map(|d| d.normalize().to_string()).unwrap_or_default();
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(["workload", "old_usd", "new_usd", "change_usd"])?;
            for c in &diff.changes {
                let change = c.new_usd.unwrap_or_default() - c.old_usd.unwrap_or_default();
                writer.write_record([
                    c.name.as_str(),
                    &exact(c.old_usd),
                    &exact(c.new_usd),
                    &exact(Some(change)),
                ])?;
            }
            writer.write_record([
                "total",
                &exact(Some(diff.old_total_usd)),
                &exact(Some(diff.new_total_usd)),
                &exact(Some(diff.new_total_usd - diff.old_total_usd)),
            ])?;
            printer.data_for_terminal(&String::from_utf8(writer.into_inner()?)?)?;
        }
        CostOutput::Table => {
            let mut table = Table::new(&[
                ("workload", false),
                ("old", true),
                ("new", true),
                ("change", true),
            ]);
            for c in &diff.changes {
                let change = c.new_usd.unwrap_or_default() - c.old_usd.unwrap_or_default();
                table.row(vec![
                    c.name.clone(),
                    amount(c.old_usd),
                    amount(c.new_usd),
                    usd(change),
                ]);
            }
            table.row(vec![
                "total".into(),
                usd(diff.old_total_usd),
                usd(diff.new_total_usd),
                format!(
                    "{}{}",
                    usd(diff.new_total_usd - diff.old_total_usd),
                    pct.map(|p| format!(" ({}%)", p.round_dp(1)))
                        .unwrap_or_default()
                ),
            ]);
            printer.data(&table.render())?;
        }
    }
    let increased_too_much = match (fail_if_increase_pct, pct) {
        (Some(limit), Some(pct)) => pct > limit,
        (Some(_), None) => diff.new_total_usd > diff.old_total_usd,
        (None, _) => false,
    };
    if increased_too_much {
        printer.error(
            &anyhow::anyhow!(
                "the monthly total rose by more than --fail-if-increase-pct {}%",
                fail_if_increase_pct.unwrap_or_default()
            ),
            None,
        );
    }
    let over = fail_above(printer, common.shared.fail_above, diff.new_total_usd);
    Ok(if increased_too_much || over {
        ExitStatus::Rejects
    } else {
        ExitStatus::Success
    })
}

/// `$XDG_CACHE_HOME/lakeops/prices.csv`, else `~/.cache/lakeops/prices.csv`.
fn default_cache_file() -> anyhow::Result<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".cache"))
        })
        .context("no cache directory (set XDG_CACHE_HOME or HOME, or give --cache-file)")?;
    Ok(base.join("lakeops").join("prices.csv"))
}

fn refresh_prices(
    printer: &Printer,
    region: Option<&str>,
    price_file: Option<&std::path::Path>,
    cache_file: Option<std::path::PathBuf>,
    options: &crate::aws::AwsOptions,
) -> anyhow::Result<ExitStatus> {
    let mut prices = load_prices(price_file, &[])?;
    let regions: Vec<String> = match region {
        Some(r) => vec![r.to_owned()],
        None => prices.regions().into_iter().map(str::to_owned).collect(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut table = Table::new(&[
        ("unit", false),
        ("region", false),
        ("old USD", true),
        ("new USD", true),
        ("status", false),
    ]);
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    runtime.block_on(async {
        let client = crate::aws::Aws::load(options).await?.pricing();
        for region in &regions {
            for unit in crate::cost::prices::UNITS {
                let Some(query) = crate::cost::refresh::query(unit) else {
                    if !skipped.contains(unit) {
                        skipped.push(*unit);
                    }
                    continue;
                };
                let fetched = crate::pricing::get_products(&client, &query, region)
                    .await
                    .map_err(anyhow::Error::from)
                    .and_then(|docs| {
                        Ok(crate::cost::refresh::select(unit, region, &query, &docs)?)
                    });
                match fetched {
                    Ok(row) => {
                        let old = prices.get(unit, region).ok().map(|r| r.usd);
                        let status = match old {
                            None => "new",
                            Some(old) if old == row.usd => "same",
                            Some(_) => "changed",
                        };
                        table.row(vec![
                            unit.to_string(),
                            region.clone(),
                            old.map(|o| o.normalize().to_string())
                                .unwrap_or_else(|| "-".into()),
                            row.usd.to_string(),
                            status.into(),
                        ]);
                        prices.insert(row);
                    }
                    Err(e) => failures.push(format!("{e:#}")),
                }
            }
        }
        anyhow::Ok(())
    })?;
    let path = match cache_file {
        Some(path) => path,
        None => default_cache_file()?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    crate::storage::write::write_atomically(&path, prices.to_csv().as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut text = table.render();
    text.push_str(&format!(
        "wrote {}; use it with --price-file\n",
        path.display()
    ));
    if !skipped.is_empty() {
        text.push_str(&format!(
            "kept from the embedded table (no exact Price List filter yet): {}\n",
            skipped.join(", ")
        ));
    }
    printer.data(&text)?;
    for failure in &failures {
        printer.error(&anyhow::anyhow!("{failure}"), None);
    }
    Ok(if failures.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Rejects
    })
}

fn print_prices(
    printer: &Printer,
    region: Option<&str>,
    file: Option<&std::path::Path>,
    output: CostOutput,
) -> anyhow::Result<ExitStatus> {
    let prices = load_prices(file, &[])?;
    let rows = prices.rows(region);
    if rows.is_empty() {
        bail!(
            "no prices for region {:?} (the table has: {})",
            region.unwrap_or_default(),
            prices.regions().join(", ")
        );
    }
    let format = if printer.json() {
        CostOutput::Json
    } else {
        output
    };
    match format {
        CostOutput::Json => {
            let value: Vec<Value> = rows
                .iter()
                .map(|r| json!({"unit": r.unit, "region": r.region, "usd": number(r.usd), "source": r.source, "as_of": r.as_of}))
                .collect();
            printer.data(&format!("{}\n", Value::Array(value)))?;
        }
        CostOutput::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(["unit", "region", "usd", "source", "as_of"])?;
            for r in rows {
                writer.write_record([
                    r.unit.as_str(),
                    &r.region,
                    &r.usd.normalize().to_string(),
                    &r.source,
                    &r.as_of,
                ])?;
            }
            printer.data(&String::from_utf8(writer.into_inner()?)?)?;
        }
        CostOutput::Table => {
            let mut table = Table::new(&[
                ("unit", false),
                ("region", false),
                ("USD", true),
                ("as of", false),
                ("source", false),
            ]);
            for r in rows {
                table.row(vec![
                    r.unit.clone(),
                    r.region.clone(),
                    r.usd.normalize().to_string(),
                    r.as_of.clone(),
                    r.source.clone(),
                ]);
            }
            printer.data(&table.render())?;
        }
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn money_is_shown_in_cents_with_separators() {
        assert_eq!(usd(dec!(57600)), "$57,600.00");
        assert_eq!(usd(dec!(0.0733333)), "$0.07");
        assert_eq!(usd(dec!(2.475)), "$2.48", "half away from zero");
        assert_eq!(usd(dec!(1663.2)), "$1,663.20");
        assert_eq!(quantity(dec!(3650.000)), "3,650");
        assert_eq!(quantity(dec!(22.5)), "22.5");
    }
}
