//! `--dry-run` of the commands that read many inputs (convert, embed): a row per input with its
//! output and what a run would do with it, and the totals. For people, a table and a line on
//! stderr; with `--json`, a `plan` record per input and a summary on stdout.

use std::io;

use super::{megabytes, thousands, Printer, Table};
use crate::storage::discover::DryRun;

/// A `plan` record per input and a summary, or a table and one line of totals.
pub fn emit(printer: &Printer, report: &DryRun) -> io::Result<()> {
    if printer.json() {
        for row in &report.rows {
            printer.json_record("plan", row)?;
        }
        return printer.json_record("summary", report);
    }
    let mut table = Table::new(&[
        ("input", false),
        ("MB", true),
        ("output", false),
        ("action", false),
    ]);
    for row in &report.rows {
        table.row(vec![
            row.input.clone(),
            row.size.map(megabytes).unwrap_or_default(),
            row.output.clone(),
            row.action.to_owned(),
        ]);
    }
    let to_do = report.to_do().count() as u64;
    let mut text = table.render();
    text.push_str(&format!(
        "dry run: {} of {} inputs to {} ({} MB), {} already {}; nothing written\n",
        thousands(to_do),
        thousands(report.rows.len() as u64),
        report.verb,
        megabytes(report.to_do().filter_map(|r| r.size).sum()),
        thousands(report.rows.iter().filter(|r| r.action == "skip").count() as u64),
        report.done,
    ));
    printer.human(&text);
    Ok(())
}
