//! `lakeops cost` reports as an aligned table (the default), one JSON document (`--format
//! json`), CSV, or typed JSON lines (`--json`: records, then a summary). A table shows money in
//! cents with thousands separators; JSON and CSV carry the exact amounts (JSON numbers with the
//! decimal's own digits, CSV every digit), since programs add them up. A broken budget is an
//! `error:` line on stderr after the data, even with `--quiet`: it is why the exit status is 1.

use std::io;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{group_digits, Printer, Table};
use crate::cost::refresh::RefreshReport;
use crate::cost::report::{Breach, DiffReport, EstimateReport, PlanReport, PricesReport, Record};
use crate::cost::{cents, Estimate};

/// How a report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned, for people (the default).
    Table,
    /// One JSON document (`--format json`).
    Json,
    Csv,
    /// `--json`: typed JSON lines ending with a summary.
    Records,
}

pub fn estimate(printer: &Printer, report: &EstimateReport, format: Format) -> io::Result<()> {
    match format {
        Format::Records => records(printer, report.records())?,
        Format::Json => json(printer, report)?,
        Format::Csv => printer.data_for_terminal(&estimate_csv(&report.estimates)?)?,
        Format::Table => printer.data(&estimate_table(&report.estimates, report.explain))?,
    }
    breaches(printer, &report.breaches);
    Ok(())
}

pub fn plan(printer: &Printer, report: &PlanReport, format: Format) -> io::Result<()> {
    let plan = &report.plan;
    match format {
        Format::Records => records(printer, report.records())?,
        Format::Json => json(printer, report)?,
        Format::Csv => {
            let rows = plan.workloads.iter().map(|(name, e)| {
                vec![
                    name.clone(),
                    e.service.to_owned(),
                    e.region.clone(),
                    exact(e.total_usd),
                ]
            });
            let total = vec![
                "total".into(),
                String::new(),
                String::new(),
                exact(plan.total_usd),
            ];
            let header = ["workload", "service", "region", "amount_usd"];
            printer.data_for_terminal(&csv(&header, rows.chain([total]))?)?;
        }
        Format::Table => {
            let mut table = Table::new(&[
                ("workload", false),
                ("service", false),
                ("region", false),
                ("per month", true),
            ]);
            for (name, e) in &plan.workloads {
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
                usd(plan.total_usd),
            ]);
            let mut text = table.render();
            for (name, e) in &plan.workloads {
                for warning in &e.warnings {
                    text.push_str(&format!("warning: {name}: {warning}\n"));
                }
            }
            printer.data(&text)?;
        }
    }
    breaches(printer, &report.breaches);
    Ok(())
}

pub fn diff(printer: &Printer, report: &DiffReport, format: Format) -> io::Result<()> {
    let diff = &report.diff;
    match format {
        Format::Records => records(printer, report.records())?,
        Format::Json => json(printer, report)?,
        Format::Csv => {
            let or_empty = |v: Option<Decimal>| v.map(exact).unwrap_or_default();
            let rows = diff.changes.iter().map(|c| {
                vec![
                    c.name.clone(),
                    or_empty(c.old_usd),
                    or_empty(c.new_usd),
                    exact(c.change_usd()),
                ]
            });
            let total = vec![
                "total".into(),
                exact(diff.old_total_usd),
                exact(diff.new_total_usd),
                exact(report.change_usd),
            ];
            let header = ["workload", "old_usd", "new_usd", "change_usd"];
            printer.data_for_terminal(&csv(&header, rows.chain([total]))?)?;
        }
        Format::Table => {
            let amount = |v: Option<Decimal>| v.map(usd).unwrap_or_else(|| "-".into());
            let mut table = Table::new(&[
                ("workload", false),
                ("old", true),
                ("new", true),
                ("change", true),
            ]);
            for c in &diff.changes {
                table.row(vec![
                    c.name.clone(),
                    amount(c.old_usd),
                    amount(c.new_usd),
                    usd(c.change_usd()),
                ]);
            }
            let pct = report
                .change_pct
                .map(|p| format!(" ({}%)", p.round_dp(1)))
                .unwrap_or_default();
            table.row(vec![
                "total".into(),
                usd(diff.old_total_usd),
                usd(diff.new_total_usd),
                format!("{}{pct}", usd(report.change_usd)),
            ]);
            printer.data(&table.render())?;
        }
    }
    breaches(printer, &report.breaches);
    Ok(())
}

pub fn prices(printer: &Printer, report: &PricesReport, format: Format) -> io::Result<()> {
    match format {
        Format::Records => records(printer, report.records()),
        Format::Json => json(printer, report),
        Format::Csv => {
            let rows = report.rows.iter().map(|r| {
                vec![
                    r.unit.clone(),
                    r.region.clone(),
                    exact(r.usd),
                    r.source.clone(),
                    r.as_of.clone(),
                ]
            });
            let header = ["unit", "region", "usd", "source", "as_of"];
            printer.data_for_terminal(&csv(&header, rows)?)
        }
        Format::Table => {
            let mut table = Table::new(&[
                ("unit", false),
                ("region", false),
                ("USD", true),
                ("as of", false),
                ("source", false),
            ]);
            for r in &report.rows {
                table.row(vec![
                    r.unit.clone(),
                    r.region.clone(),
                    exact(r.usd),
                    r.as_of.clone(),
                    r.source.clone(),
                ]);
            }
            printer.data(&table.render())
        }
    }
}

/// What changed, where the table went, and each row that failed (an `error:` line each); with
/// `--json`, as records.
pub fn refresh(printer: &Printer, report: &RefreshReport) -> io::Result<()> {
    if printer.json() {
        records(printer, report.records())?;
        failures(printer, &report.failures);
        return Ok(());
    }
    let mut table = Table::new(&[
        ("unit", false),
        ("region", false),
        ("old USD", true),
        ("new USD", true),
        ("status", false),
    ]);
    for r in &report.rows {
        table.row(vec![
            r.unit.to_owned(),
            r.region.clone(),
            r.old_usd.map(exact).unwrap_or_else(|| "-".into()),
            r.new_usd.to_string(),
            r.status.as_str().into(),
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "wrote {}; use it with --price-file\n",
        report.cache_file.display()
    ));
    if !report.skipped.is_empty() {
        text.push_str(&format!(
            "kept from the embedded table (no exact Price List filter yet): {}\n",
            report.skipped.join(", ")
        ));
    }
    printer.data(&text)?;
    failures(printer, &report.failures);
    Ok(())
}

fn failures(printer: &Printer, failures: &[String]) {
    for failure in failures {
        printer.error(&anyhow::anyhow!("{failure}"), None);
    }
}

fn breaches(printer: &Printer, breaches: &[Breach]) {
    for breach in breaches {
        let message = match breach {
            Breach::Above {
                total_usd,
                limit_usd,
            } => format!(
                "the monthly total {} is above --fail-above {}",
                usd(*total_usd),
                usd(*limit_usd)
            ),
            Breach::Increase { limit_pct } => {
                format!("the monthly total rose by more than --fail-if-increase-pct {limit_pct}%")
            }
        };
        printer.error(&anyhow::anyhow!(message), None);
    }
}

/// `--json`: each record a line, the summary last.
fn records(printer: &Printer, records: serde_json::Result<Vec<Record>>) -> io::Result<()> {
    for (kind, fields) in records.map_err(io::Error::other)? {
        printer.json_record(kind, &fields)?;
    }
    Ok(())
}

/// One JSON document. It goes through `serde_json::Value`, whose objects keep their keys sorted:
/// the field order `--json` has always had.
fn json(printer: &Printer, report: &impl Serialize) -> io::Result<()> {
    let value = serde_json::to_value(report).map_err(io::Error::other)?;
    printer.data(&format!("{value}\n"))
}

fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> io::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

fn estimate_csv(estimates: &[Estimate]) -> io::Result<String> {
    let mut rows = Vec::new();
    for e in estimates {
        for l in &e.line_items {
            rows.push(vec![
                e.region.clone(),
                e.service.to_owned(),
                l.description.clone(),
                exact(l.quantity),
                l.unit.to_owned(),
                exact(l.unit_price_usd),
                exact(l.amount_usd),
                l.price_source.clone(),
                l.price_as_of.clone(),
            ]);
        }
        let mut total = vec![String::new(); 9];
        total[0] = e.region.clone();
        total[1] = e.service.to_owned();
        total[2] = "total".into();
        total[6] = exact(e.total_usd);
        rows.push(total);
    }
    let header = [
        "region",
        "service",
        "description",
        "quantity",
        "unit",
        "unit_price_usd",
        "amount_usd",
        "price_source",
        "price_as_of",
    ];
    csv(&header, rows)
}

fn estimate_table(estimates: &[Estimate], explain: bool) -> String {
    let Some(first) = estimates.first() else {
        return String::new();
    };
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
                format!("${}", exact(l.unit_price_usd)),
                usd(l.amount_usd),
            ]);
            if explain {
                let mut formula = vec![String::new(); 5];
                formula[0] = format!("  = {}", l.formula);
                table.row(formula);
            }
        }
        let mut total = vec![String::new(); 5];
        total[0] = "total".into();
        total[4] = usd(e.total_usd);
        table.row(total);
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

/// Every digit, no trailing zeros: what CSV carries, and unit prices everywhere.
fn exact(d: Decimal) -> String {
    d.normalize().to_string()
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

/// Up to four decimal places, with thousands separators: quantities for a person to read.
fn quantity(q: Decimal) -> String {
    let text = q.round_dp(4).normalize().to_string();
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group_digits(whole)),
        None => group_digits(&text),
    }
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
