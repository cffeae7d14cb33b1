//! `lakeops cost`: one workload priced in one or more regions, or the price table.

use anyhow::{bail, Context};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::cli::{ArchArg, CostArgs, CostCommand, CostCommon, CostOutput};
use crate::cost::emr::{self, Arch, EmrRun};
use crate::cost::flink::{self, Flink};
use crate::cost::glue::{self, AthenaSpark, GlueRun};
use crate::cost::opensearch::{self, Ingestion, Serverless};
use crate::cost::{cents, CostError, Estimate, Prices, Schedule};
use crate::output::{Printer, Table};
use crate::ExitStatus;

type Estimator<'a> = Box<dyn Fn(&str, Schedule, &Prices) -> Result<Estimate, CostError> + 'a>;

pub fn run(args: CostArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let (common, estimator): (CostCommon, Estimator) = match args.workload {
        CostCommand::Prices {
            region,
            price_file,
            output,
        } => return print_prices(printer, region.as_deref(), price_file.as_deref(), output),
        CostCommand::Flink {
            workload: w,
            common,
        } => {
            let parallelism = match (w.parallelism, w.throughput_mbps) {
                (Some(p), _) => p,
                (None, Some(mbps)) => flink::parallelism_for_throughput(mbps)?,
                (None, None) => 1,
            };
            let input = Flink {
                parallelism,
                parallelism_per_kpu: w.parallelism_per_kpu,
                studio: w.studio,
                snapshot_gb: w.snapshot_gb,
                runs: w.runs_per_month.zip(w.minutes_per_run),
                cpu_utilization: w.cpu_utilization,
                memory_utilization: w.memory_utilization,
                max_kpus: flink::DEFAULT_MAX_KPUS,
            };
            let sized_by_throughput = w.throughput_mbps;
            (
                common,
                Box::new(move |region, schedule, prices| {
                    let mut e = flink::estimate(&input, region, schedule, prices)?;
                    if let Some(mbps) = sized_by_throughput {
                        e.assumptions.insert(0, format!("parallelism {parallelism} from {mbps} MB/s at the documented 1 KPU per MB/s: a starting point, to be checked against CPU and memory use"));
                    }
                    Ok(e)
                }),
            )
        }
        CostCommand::Ingestion {
            workload: w,
            common,
        } => {
            let input = Ingestion {
                ocus: w.ocus,
                throughput_mib_s: w
                    .throughput
                    .as_deref()
                    .map(opensearch::parse_rate)
                    .transpose()?,
                mib_per_ocu: w.mib_per_ocu,
                min_ocus: w.min_ocus,
                max_ocus: w.max_ocus,
                persistent_buffer: w.persistent_buffer,
                stateful: w.stateful,
                allow_over_limit: w.allow_over_limit,
                scan_hours: w.scan_hours,
            };
            (
                common,
                Box::new(move |r, s, p| opensearch::ingestion(&input, r, s, p)),
            )
        }
        CostCommand::Serverless {
            workload: w,
            common,
        } => {
            let input = Serverless {
                indexing_ocus: w.indexing_ocus,
                search_ocus: w.search_ocus,
                redundancy: !w.no_redundancy,
                kms_keys: w.kms_keys,
                storage_gb: w.storage_gb,
                nextgen_busy_hours_per_day: w.busy_hours_per_day.filter(|_| w.nextgen),
            };
            (
                common,
                Box::new(move |r, s, p| opensearch::serverless(&input, r, s, p)),
            )
        }
        CostCommand::Glue {
            workload: w,
            common,
        } => {
            let dpus = match (&w.worker_type, w.workers, w.dpus) {
                (Some(kind), Some(workers), None) => glue::dpus_per_worker(kind)? * workers,
                (None, None, Some(dpus)) => dpus,
                _ => bail!("give --worker-type with --workers, or --dpus"),
            };
            let input = GlueRun {
                dpus,
                worker_type: w.worker_type,
                minutes: w.minutes,
                runs_per_month: w.runs_per_month,
                flex: w.flex,
                crawler: w.crawler,
            };
            (common, Box::new(move |r, _, p| glue::glue(&input, r, p)))
        }
        CostCommand::AthenaSpark {
            workload: w,
            common,
        } => {
            let input = AthenaSpark {
                dpus: w.dpus,
                minutes: w.minutes,
                runs_per_month: w.runs_per_month,
            };
            (
                common,
                Box::new(move |r, _, p| glue::athena_spark(&input, r, p)),
            )
        }
        CostCommand::EmrServerless {
            workload: w,
            common,
        } => {
            let input = EmrRun {
                workers: w.workers,
                vcpu: w.vcpu,
                memory_gb: w.memory_gb,
                storage_gb: w.storage_gb,
                minutes: w.minutes,
                runs_per_month: w.runs_per_month,
                arch: match w.arch {
                    ArchArg::X86_64 => Arch::X86_64,
                    ArchArg::Arm64 => Arch::Arm64,
                },
            };
            (
                common,
                Box::new(move |r, _, p| emr::emr_serverless(&input, r, p)),
            )
        }
    };
    let prices = load_prices(common.price_file.as_deref(), &common.prices)?;
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
        estimates.push(estimator(region, schedule, &prices)?);
    }
    let format = if printer.json() {
        CostOutput::Json
    } else {
        common.output
    };
    print_estimates(printer, &estimates, format, common.explain)?;
    let breached = common
        .fail_above
        .filter(|limit| estimates.iter().any(|e| e.total_usd > *limit));
    if let Some(limit) = breached {
        // Shown even with --quiet: it is why the exit status is 1.
        printer.error(
            &anyhow::anyhow!("the monthly total is above --fail-above {}", usd(limit)),
            None,
        );
        return Ok(ExitStatus::Rejects);
    }
    Ok(ExitStatus::Success)
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
    format!("{sign}${}.{fraction}", group(whole))
}

fn group(whole: &str) -> String {
    let mut out = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn quantity(q: Decimal) -> String {
    let text = q.round_dp(4).normalize().to_string();
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group(whole)),
        None => group(&text),
    }
}

fn number(d: Decimal) -> Value {
    json!(d.to_f64().unwrap_or(f64::NAN))
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
