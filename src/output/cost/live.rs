//! `cost live` (resources, their costs and verdicts), `cost plan --from-live` (a plan file) and
//! `cost actual` (plan against bill).

use std::io;

use rust_decimal::Decimal;

use super::{breaches, records, usd, Format};
use crate::cost::report::{ActualReport, LiveReport};
use crate::output::{escape_cell, Printer, Table};

pub fn live(printer: &Printer, report: &LiveReport, format: Format) -> io::Result<()> {
    if format == Format::Records {
        records(printer, report.records())?;
        breaches(printer, &report.breaches);
        return Ok(());
    }
    let mut table = Table::new(&[
        ("resource", false),
        ("service", false),
        ("region", false),
        ("configured", true),
        ("used", true),
        ("verdict", false),
        ("saving", true),
    ]);
    for a in &report.assessments {
        table.row(vec![
            a.name.clone(),
            a.service.to_owned(),
            a.region.clone(),
            usd(a.configured_usd),
            a.used_usd.map(usd).unwrap_or_else(|| "-".into()),
            a.verdict.label().to_owned(),
            if a.saving_usd.is_zero() {
                "-".into()
            } else {
                usd(a.saving_usd)
            },
        ]);
    }
    table.row(vec![
        "total (per month)".into(),
        String::new(),
        String::new(),
        usd(report.configured_usd),
        usd(report.used_usd),
        "waste".into(),
        usd(report.waste_usd),
    ]);
    let mut text = if report.assessments.is_empty() {
        format!(
            "nothing running in {} (Flink applications, Ingestion pipelines, Serverless collections)\n",
            report.regions.join(", ")
        )
    } else {
        table.render()
    };
    for a in &report.assessments {
        text.push_str(&format!(
            "\n{} ({}, {}): {}\n  configured: {}\n  why: {}\n",
            escape_cell(&a.name),
            a.service,
            a.region,
            a.verdict.label(),
            escape_cell(&a.configured),
            escape_cell(&a.reason)
        ));
        let evidence: Vec<String> = a
            .evidence
            .iter()
            .map(|e| match (e.p50, e.p95) {
                (Some(p50), Some(p95)) => {
                    format!("{} p50 {p50} p95 {p95} ({} points)", e.metric, e.datapoints)
                }
                _ => format!("{} (no datapoints)", e.metric),
            })
            .collect();
        if !evidence.is_empty() {
            text.push_str(&format!("  evidence: {}\n", evidence.join("; ")));
        }
        if let (Some(what), Some(cost)) = (&a.recommended, a.recommended_usd) {
            text.push_str(&format!(
                "  change: {} at {} a month ({} {})\n",
                escape_cell(what),
                usd(cost),
                if a.saving_usd >= Decimal::ZERO {
                    "saves"
                } else {
                    "adds"
                },
                usd(a.saving_usd.abs())
            ));
        }
    }
    text.push_str(&format!(
        "\nCloudWatch: hourly averages over {} days, {} GetMetricData request(s)\n",
        report.days, report.requests.get_metric_data
    ));
    printer.data(&text)?;
    breaches(printer, &report.breaches);
    Ok(())
}

/// The running resources as a plan file, on stdout.
pub fn plan_file(printer: &Printer, report: &LiveReport) -> io::Result<()> {
    printer.data(&report.plan_toml())
}

pub fn actual(printer: &Printer, report: &ActualReport, format: Format) -> io::Result<()> {
    if format == Format::Records {
        records(printer, report.records())?;
        breaches(printer, &report.breaches);
        return Ok(());
    }
    let c = &report.comparison;
    let mut table = Table::new(&[
        ("service", false),
        ("planned", true),
        ("actual", true),
        ("variance", true),
        ("%", true),
    ]);
    let pct = |p: Option<Decimal>| {
        p.map(|p| format!("{}%", p.round_dp(1)))
            .unwrap_or_else(|| "-".into())
    };
    for s in &c.services {
        table.row(vec![
            s.service.clone(),
            usd(s.planned_usd),
            usd(s.actual_usd),
            usd(s.variance_usd()),
            pct(s.variance_pct()),
        ]);
    }
    let variance = c.actual_total_usd - c.planned_total_usd;
    let period = &report.period;
    table.row(vec![
        if period.partial() {
            format!(
                "total ({}, days 1-{} of {})",
                period.month, period.days, period.days_in_month
            )
        } else {
            format!("total ({})", period.month)
        },
        usd(c.planned_total_usd),
        usd(c.actual_total_usd),
        usd(variance),
        pct((!c.planned_total_usd.is_zero())
            .then(|| variance / c.planned_total_usd * Decimal::ONE_HUNDRED)),
    ]);
    let mut text = table.render();
    text.push_str(&format!(
        "\nbill read for the plan's regions only: {}\n",
        escape_cell(&report.regions.join(", "))
    ));
    if report.estimated {
        text.push_str(
            "Cost Explorer marks this bill as estimated: it can change until AWS finalises the \
             month.\n",
        );
    }
    if period.partial() {
        text.push_str(&format!(
            "\n{} is not over: the bill covers days 1-{} of {} (to the end of yesterday, UTC), \
             and the plan is prorated to those days.\n",
            period.month, period.days, period.days_in_month
        ));
    }
    if !c.other.is_empty() {
        text.push_str("\nbilled for services the plan does not cover (not compared):\n");
        for (service, amount) in &c.other {
            text.push_str(&format!("  {}: {}\n", escape_cell(service), usd(*amount)));
        }
    }
    printer.data(&text)?;
    breaches(printer, &report.breaches);
    Ok(())
}
