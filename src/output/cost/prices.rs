//! The price table, and what `cost prices --refresh` changed in it.

use std::io;

use super::{csv, exact, failures, json, records, Format};
use crate::cost::refresh::RefreshReport;
use crate::cost::report::PricesReport;
use crate::output::{Printer, Table};

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
