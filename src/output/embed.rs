//! `lakeops embed`'s report: a row per input and a line of totals and throughput for people (on
//! stderr, being a report rather than data), or `--json` records on stdout.

use std::io;

use super::{megabytes, thousands, Printer, Table};
use crate::embed::EmbedReport;

/// An `input` record per input and a summary, or the table, the totals, and a line for each
/// input not embedded.
pub fn emit(printer: &Printer, report: &EmbedReport) -> io::Result<()> {
    if printer.json() {
        return printer.json_report(&report.inputs, report);
    }
    let mut table = Table::new(&[
        ("input", false),
        ("documents", true),
        ("chunks", true),
        ("tokens", true),
        ("MB out", true),
        ("", false),
    ]);
    for input in &report.inputs {
        table.row(vec![
            input.input.clone(),
            thousands(input.documents),
            thousands(input.chunks),
            thousands(input.tokens),
            megabytes(input.bytes),
            if input.skipped {
                "up to date, skipped".into()
            } else if input.error.is_some() {
                "failed".into()
            } else {
                String::new()
            },
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "{} documents ({} without text): {} chunks, {} tokens in {:.2} s — {:.1} chunks/s, {} tokens/s \
         on {} ({}, {}, {} dims; encoder {:.2} s)\n",
        thousands(report.documents),
        thousands(report.empty_documents),
        thousands(report.chunks),
        thousands(report.tokens),
        report.seconds,
        report.chunks_per_second,
        thousands(report.tokens_per_second.round() as u64),
        report.device,
        report.dtype,
        report.model,
        report.dimension,
        report.encoder_seconds,
    ));
    for input in report.inputs.iter().filter(|i| i.error.is_some()) {
        text.push_str(&format!(
            "not embedded: {}\n",
            input.error.as_deref().unwrap_or_default()
        ));
    }
    printer.human(&text);
    Ok(())
}
