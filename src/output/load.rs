//! `lakeops load`'s report: a row per input, the totals with the load's rate, the index build
//! timed apart, and `--verify`'s findings (on stderr, being a report), or `--json` records.

use std::io;

use super::{thousands, Printer, Table};
use crate::load::LoadReport;

pub fn emit(printer: &Printer, report: &LoadReport) -> io::Result<()> {
    if printer.json() {
        return printer.json_report(&report.inputs, report);
    }
    let mut table = Table::new(&[
        ("input", false),
        ("rows", true),
        ("loaded", true),
        ("parts", true),
        ("", false),
    ]);
    for input in &report.inputs {
        table.row(vec![
            input.input.clone(),
            thousands(input.rows),
            thousands(input.loaded_rows),
            thousands(input.parts),
            if input.skipped_parts == input.parts && input.parts > 0 {
                "already loaded, skipped".into()
            } else if input.skipped_parts > 0 {
                format!("{} parts already loaded", input.skipped_parts)
            } else {
                String::new()
            },
        ]);
    }
    let mut text = table.render();
    text.push_str(&format!(
        "{} rows loaded into {} at {} in {:.2} s ({} rows/s; {} of {} rows were already there); \
         {} dims, {}\n",
        thousands(report.loaded_rows),
        report.name,
        report.target,
        report.seconds,
        thousands(report.rows_per_second.round() as u64),
        thousands(report.rows - report.loaded_rows.min(report.rows)),
        thousands(report.rows),
        report.dimension,
        report.metric,
    ));
    if let Some(index) = &report.index {
        text.push_str(&format!(
            "index {} ({}): {} in {:.2} s\n",
            index.name, index.method, index.action, index.seconds
        ));
    }
    if let Some(seconds) = report.vacuum_seconds {
        text.push_str(&format!("VACUUM (ANALYZE) in {seconds:.2} s\n"));
    }
    if let Some(verify) = &report.verify {
        let count = if verify.stored_rows == verify.expected_rows {
            format!("{} rows stored, as read", thousands(verify.stored_rows))
        } else {
            format!(
                "{} rows stored, but the inputs hold {}",
                thousands(verify.stored_rows),
                thousands(verify.expected_rows)
            )
        };
        text.push_str(&format!("verify: {count}"));
        match (verify.recall, &verify.search_setting) {
            (Some(recall), Some(setting)) => text.push_str(&format!(
                "; recall@{} {:.4} over {} queries ({setting}), latency p50 {:.2} ms, p99 {:.2} ms",
                verify.k,
                recall,
                verify.queries,
                verify.p50_ms.unwrap_or_default(),
                verify.p99_ms.unwrap_or_default(),
            )),
            (None, Some(_)) => text.push_str("; no rows to query the index with"),
            (_, None) => text.push_str("; no index, so no recall to measure"),
        }
        if let (Some(min), Some(recall)) = (verify.min_recall, verify.recall) {
            if recall < min {
                text.push_str(&format!("; below --min-recall {min}"));
            }
        }
        text.push_str(if verify.passed { "\n" } else { " — FAILED\n" });
    }
    const SHOWN: usize = 20;
    for rejected in report.rejected.iter().take(SHOWN) {
        text.push_str(&format!(
            "not indexed: {}: {}\n",
            super::escape_cell(&rejected.id),
            super::sanitize(&rejected.reason)
        ));
    }
    if report.rejected.len() > SHOWN {
        text.push_str(&format!(
            "not indexed: {} more (--json lists every one)\n",
            thousands((report.rejected.len() - SHOWN) as u64)
        ));
    }
    printer.human(&text);
    Ok(())
}
