//! `lakeops convert`'s reports: a run's per-input table and totals (`--dry-run` is `plan`'s). For
//! people they go to stderr, being reports rather than data; `--json` records go to stdout.

use std::io;

use super::{megabytes, plural, thousands, Printer, Table};
use crate::convert::ConvertReport;
use crate::schema::SchemaFile;

/// `--print-schema`: the schema file itself, with or without `--json`, so that `--schema` reads
/// back exactly what was printed.
pub fn schema(printer: &Printer, schema: &SchemaFile) -> io::Result<()> {
    let text = serde_json::to_string_pretty(schema).map_err(io::Error::other)?;
    printer.data(&format!("{text}\n"))
}

/// A `file` record per input and a summary, or a table of the inputs converted, the totals, and
/// a line for each input skipped, rejected in part or not converted.
pub fn emit(printer: &Printer, report: &ConvertReport) -> io::Result<()> {
    if printer.json() {
        for file in &report.files {
            printer.json_record("file", file)?;
        }
        return printer.json_record("summary", report);
    }
    let mut table = Table::new(&[
        ("input", false),
        ("lines", true),
        ("rows", true),
        ("rejects", true),
        ("MB in", true),
        ("MB out", true),
    ]);
    let converted: Vec<_> = report.files.iter().filter(|f| !f.skipped).collect();
    for file in &converted {
        table.row(vec![
            file.input.clone(),
            thousands(file.counts.lines),
            thousands(file.counts.rows),
            thousands(file.counts.rejects),
            megabytes(file.counts.bytes_uncompressed),
            megabytes(file.counts.bytes_out),
        ]);
    }
    let mut text = String::new();
    if !converted.is_empty() || report.skipped_inputs == 0 {
        text.push_str(&table.render());
        text.push_str(&format!(
        "{} lines: {} rows written, {} rejected, {} blank; {} MB in ({} MB uncompressed), {} MB out, {:.2} s, {:.1} MB/s\n",
        thousands(report.totals.lines),
        thousands(report.totals.rows),
        thousands(report.totals.rejects),
        thousands(report.totals.blank_lines),
        megabytes(report.totals.bytes_in),
        megabytes(report.totals.bytes_uncompressed),
        megabytes(report.totals.bytes_out),
        report.wall_seconds,
        report.throughput_bytes_per_second / 1e6,
    ));
    }
    if report.skipped_inputs > 0 {
        text.push_str(&format!(
            "{} skipped (up to date: converted by an earlier run with the same settings)\n",
            plural(report.skipped_inputs, "input", "inputs"),
        ));
    }
    for file in report.files.iter().filter(|f| f.rejected_file.is_some()) {
        text.push_str(&format!(
            "rejected lines of {}: {}\n",
            file.input,
            file.rejected_file.as_deref().unwrap_or_default()
        ));
    }
    for file in report.files.iter().filter(|f| f.error.is_some()) {
        text.push_str(&format!(
            "not converted: {}\n",
            file.error.as_deref().unwrap_or_default()
        ));
    }
    if report
        .files
        .iter()
        .any(|f| f.outputs.is_empty() && f.error.is_none() && !f.skipped)
    {
        text.push_str("inputs without records and without a --schema get no Parquet file (there are no columns to write)\n");
    }
    printer.human(&text);
    Ok(())
}
