//! `lakeops crawl`'s report: the catalog changes as a plan (the data of `--plan` and `--check`,
//! on stdout) and a summary on stderr; or `--json` records. Names, keys and partition values
//! come from the data and are escaped wherever they are printed.

use std::io;

use serde::Serialize;

use super::{escape_cell, megabytes, plural, thousands, Printer};
use crate::crawl::{Change, ColumnOut, CrawlReport, Explain, Mode, RunReport};

/// Partition lines a human plan shows before summarising the rest.
const PARTITION_LINES_SHOWN: usize = 20;

/// Partition values or keys on one line: escaped each, so a folder `dt=%1b[31mX` or `%0A`
/// cannot break the line or drive the terminal.
fn cells(values: &[String]) -> String {
    values
        .iter()
        .map(|v| escape_cell(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A new table's columns and partition keys, under its plan line.
fn push_shape(text: &mut String, columns: &[ColumnOut], partition_keys: &[String]) {
    for column in columns {
        text.push_str(&format!(
            "      {} {}\n",
            escape_cell(&column.name),
            column.type_name
        ));
    }
    if !partition_keys.is_empty() {
        text.push_str(&format!("      partitioned by {}\n", cells(partition_keys)));
    }
}

/// A `change` record per change and a summary; or the plan (or what was applied) on stdout and
/// the summary, warnings and rejected objects on stderr.
pub fn emit(printer: &Printer, report: &CrawlReport) -> io::Result<()> {
    if printer.json() {
        return records(printer, report);
    }
    printer.data(&plan_text(report))?;
    printer.human(&summary_text(report, false));
    Ok(())
}

/// An `explain` record: a column's or key's provenance, naming its table.
#[derive(Serialize)]
struct ExplainOut<'a> {
    table: String,
    #[serde(flatten)]
    explain: &'a Explain,
}

fn records(printer: &Printer, report: &CrawlReport) -> io::Result<()> {
    for change in &report.changes {
        printer.json_record("change", change)?;
    }
    let table = format!("{}.{}", report.database, report.table);
    for explain in &report.explain {
        printer.json_record(
            "explain",
            &ExplainOut {
                table: table.clone(),
                explain,
            },
        )?;
    }
    printer.json_record("summary", report)
}

/// Where a column or key was seen, for a person: `URL record N`, `URL (footer)` for a Parquet
/// file's schema, or the folder alone for a partition key.
fn place(object: &str, record: Option<u64>, partition_key: bool) -> String {
    match (record, partition_key) {
        (Some(record), _) => format!("{} record {record}", escape_cell(object)),
        (None, true) => escape_cell(object).into_owned(),
        (None, false) => format!("{} (footer)", escape_cell(object)),
    }
}

/// `--explain`'s lines under a table's plan: one per column, then one per partition key.
fn push_explain(text: &mut String, explain: &[Explain]) {
    if explain.is_empty() {
        return;
    }
    text.push_str("  explain:\n");
    for column in explain {
        let mut line = format!(
            "    {}{} {}{}: first in {}",
            escape_cell(&column.column),
            if column.partition_key {
                " (partition)"
            } else {
                ""
            },
            escape_cell(&column.data_type),
            if column.pinned { " (pinned)" } else { "" },
            place(
                &column.first_seen.object,
                column.first_seen.record,
                column.partition_key
            ),
        );
        let first_type = column.first_type.as_deref().map(escape_cell);
        match (&column.first_value, first_type) {
            (Some(value), Some(first_type)) => {
                let same_place = value.object == column.first_seen.object
                    && value.record == column.first_seen.record;
                if !same_place {
                    line.push_str(&format!(
                        " (null); first value in {}",
                        place(&value.object, value.record, column.partition_key)
                    ));
                }
                line.push_str(&format!(
                    " as {first_type} (value {})",
                    escape_cell(&value.value)
                ));
            }
            (Some(value), None) => {
                line.push_str(&format!(" (value {})", escape_cell(&value.value)))
            }
            (None, Some(first_type)) => line.push_str(&format!(" as {first_type}")),
            (None, None) => line.push_str(" (only nulls)"),
        }
        for widening in &column.widenings {
            line.push_str(&format!(
                "; widened to {} by {}",
                escape_cell(&widening.to),
                place(&widening.object, widening.record, column.partition_key)
            ));
            if let Some(value) = &widening.value {
                line.push_str(&format!(" (value {})", escape_cell(value)));
            }
        }
        line.push('\n');
        text.push_str(&line);
    }
}

#[derive(Serialize)]
struct FailedOut<'a> {
    database: &'a str,
    table: &'a str,
    location: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    error: String,
}

#[derive(Serialize)]
struct RunOut<'a> {
    tables: usize,
    crawled: usize,
    failed: usize,
    not_crawled: &'a [String],
    writes: u64,
    planned_writes: u64,
    requests: u64,
    elapsed_ms: u64,
}

/// A run of several tables: where the tables were found, then each table as [`emit`] shows it,
/// each failed table's error, and a line for the run. `--json`: a `table_level` record, each
/// table's records, an `error` record per failed table and a `run` record.
pub fn emit_run(printer: &Printer, run: &RunReport) -> io::Result<()> {
    let database = run
        .tables
        .first()
        .map(|t| t.database.as_str())
        .unwrap_or_default();
    let totals = RunOut {
        tables: run.tables.len() + run.failed.len() + run.not_crawled.len(),
        crawled: run.tables.len(),
        failed: run.failed.len(),
        not_crawled: &run.not_crawled,
        writes: run.tables.iter().map(|t| t.writes).sum(),
        planned_writes: run.tables.iter().map(|t| t.planned_writes).sum(),
        requests: run.tables.iter().map(|t| t.requests).sum::<u64>()
            + run.level.as_ref().map_or(0, |l| l.requests),
        elapsed_ms: run.elapsed_ms,
    };
    if printer.json() {
        if let Some(level) = &run.level {
            printer.json_record("table_level", level)?;
        }
        for table in &run.tables {
            records(printer, table)?;
        }
        for failed in &run.failed {
            printer.json_record(
                "error",
                &FailedOut {
                    database,
                    table: &failed.table,
                    location: &failed.location,
                    code: failed.error.code().map(|c| c.as_str()),
                    error: crate::error::chain_text(&failed.error),
                },
            )?;
        }
        return printer.json_record("run", &totals);
    }
    let mut plan = String::new();
    let mut summary = String::new();
    if let Some(level) = &run.level {
        plan.push_str(&format!(
            "tables at level {} under {}: {}\n",
            level.level,
            escape_cell(&level.root),
            if level.chosen {
                "the shallowest level with one partition layout in every folder"
            } else {
                "--table-level"
            }
        ));
        for reason in &level.passed_over {
            plan.push_str(&format!("  not {}\n", escape_cell(reason)));
        }
        if !level.outside.is_empty() {
            summary.push_str(&format!(
                "warning: W_OUTSIDE_TABLES: {} above table level {} belong to no table: {}{}\n",
                plural(level.outside.len() as u64, "data object", "data objects"),
                level.level,
                level
                    .outside
                    .iter()
                    .take(3)
                    .map(|url| escape_cell(url).into_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
                if level.outside.len() > 3 { ", ..." } else { "" }
            ));
        }
    }
    for table in &run.tables {
        plan.push_str(&plan_text(table));
        summary.push_str(&summary_text(table, true));
    }
    printer.data(&plan)?;
    printer.human(&summary);
    for failed in &run.failed {
        printer.failure(
            &format!(
                "{}.{} ({})",
                escape_cell(database),
                escape_cell(&failed.table),
                escape_cell(&failed.location)
            ),
            &failed.error,
        );
    }
    let mut last = format!(
        "{}: {} crawled, {} failed",
        plural(totals.tables as u64, "table", "tables"),
        totals.crawled,
        totals.failed
    );
    if !run.not_crawled.is_empty() {
        last.push_str(&format!(
            ", {} not crawled (--fail-fast)",
            run.not_crawled.len()
        ));
    }
    last.push_str(&format!(
        "; {} requests; {} catalog writes{}; {:.2} s\n",
        thousands(totals.requests),
        totals.writes,
        match run.tables.first().map(|t| t.mode) {
            Some(Mode::Plan | Mode::Check) => format!(" ({} planned)", totals.planned_writes),
            _ => String::new(),
        },
        run.elapsed_ms as f64 / 1000.0
    ));
    printer.human(&last);
    Ok(())
}

/// A table's plan (or what was applied), for stdout.
fn plan_text(report: &CrawlReport) -> String {
    let mut text = String::new();
    let verb = match report.mode {
        Mode::Apply => "applied",
        Mode::Plan | Mode::Check => "planned",
    };
    if let Some(open) = report
        .open_table
        .as_ref()
        .filter(|o| o.registered.is_none())
    {
        text.push_str(&format!(
            "{}.{}: left alone, {} table ({})\n",
            escape_cell(&report.database),
            escape_cell(&report.table),
            open.format.a_name(),
            escape_cell(&report.location)
        ));
    } else if report.changes.is_empty() {
        text.push_str(&format!(
            "{}.{}: no changes ({})\n",
            escape_cell(&report.database),
            escape_cell(&report.table),
            escape_cell(&report.location)
        ));
    } else {
        text.push_str(&format!(
            "{}.{} ({}): {verb}\n",
            escape_cell(&report.database),
            escape_cell(&report.table),
            escape_cell(&report.location)
        ));
    }
    if let Some(open) = &report.open_table {
        if let Some(source) = &open.registered {
            text.push_str(&format!(
                "  {} table, from {}\n",
                open.format.a_name(),
                escape_cell(source)
            ));
        }
    }
    let mut partition_lines = 0;
    let partition_changes = report
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c,
                Change::AddPartition { .. }
                    | Change::UpdatePartition { .. }
                    | Change::DeletePartition { .. }
            )
        })
        .count();
    for change in &report.changes {
        match change {
            Change::CreateDatabase { database } => {
                text.push_str(&format!("  + create database {database}\n"))
            }
            Change::CreateTable {
                table,
                columns,
                partition_keys,
                ..
            } => {
                text.push_str(&format!("  + create table {table}\n"));
                push_shape(&mut text, columns, partition_keys);
            }
            Change::UpdateTable {
                table,
                added_columns,
                changed_columns,
                removed_columns,
                changed_parameters,
            } => {
                text.push_str(&format!("  ~ update table {table}\n"));
                for column in added_columns {
                    text.push_str(&format!(
                        "      + {} {}\n",
                        escape_cell(&column.name),
                        column.type_name
                    ));
                }
                for column in changed_columns {
                    text.push_str(&format!(
                        "      ~ {} {} -> {}\n",
                        escape_cell(&column.name),
                        column.from,
                        column.to
                    ));
                }
                for column in removed_columns {
                    text.push_str(&format!(
                        "      - {} {}\n",
                        escape_cell(&column.name),
                        column.type_name
                    ));
                }
                if !changed_parameters.is_empty() {
                    text.push_str(&format!(
                        "      parameters: {}\n",
                        changed_parameters.join(", ")
                    ));
                }
            }
            Change::RecreateTable {
                table,
                columns,
                partition_keys,
                ..
            } => {
                text.push_str(&format!("  ! drop and recreate table {table}\n"));
                push_shape(&mut text, columns, partition_keys);
            }
            Change::DeprecateTable { table } => text.push_str(&format!(
                "  ~ mark table {table} DEPRECATED_BY_CRAWLER (no data)\n"
            )),
            Change::DeleteTable { table } => {
                text.push_str(&format!("  - delete table {table} (no data)\n"))
            }
            partition => {
                partition_lines += 1;
                if partition_lines > PARTITION_LINES_SHOWN {
                    continue;
                }
                let line = match partition {
                    Change::AddPartition {
                        values, location, ..
                    } => {
                        format!(
                            "  + partition ({}) {}\n",
                            cells(values),
                            escape_cell(location)
                        )
                    }
                    Change::UpdatePartition {
                        values, location, ..
                    } => {
                        format!(
                            "  ~ partition ({}) {}\n",
                            cells(values),
                            escape_cell(location)
                        )
                    }
                    Change::DeletePartition { values, .. } => {
                        format!("  - partition ({})\n", cells(values))
                    }
                    _ => unreachable!("table changes are matched above"),
                };
                text.push_str(&line);
            }
        }
    }
    if partition_changes > PARTITION_LINES_SHOWN {
        text.push_str(&format!(
            "  ... and {} more partition changes (--json lists them all)\n",
            partition_changes - PARTITION_LINES_SHOWN
        ));
    }
    push_explain(&mut text, &report.explain);
    text
}

/// A table's warnings, rejected objects and counts, for stderr; `named` puts the table's name
/// before the counts, for a run of several.
fn summary_text(report: &CrawlReport, named: bool) -> String {
    let mut summary = String::new();
    for warning in &report.warnings {
        summary.push_str(&format!(
            "warning: {}: {}\n",
            warning.code().as_str(),
            escape_cell(&warning.message)
        ));
    }
    for rejected in &report.rejected {
        match rejected.line {
            Some(line) => summary.push_str(&format!(
                "rejected: {}:{line}: {}\n",
                escape_cell(&rejected.url),
                escape_cell(&rejected.error)
            )),
            None => summary.push_str(&format!(
                "rejected: {}: {}\n",
                escape_cell(&rejected.url),
                escape_cell(&rejected.error)
            )),
        }
    }
    if named {
        summary.push_str(&format!(
            "{}.{}: ",
            escape_cell(&report.database),
            escape_cell(&report.table)
        ));
    }
    summary.push_str(&format!(
        "{} objects listed ({} ignored), {} sampled{}; read {} MB of {} MB stored in {} requests; {} partitions; {} catalog writes{}; {:.2} s\n",
        thousands(report.objects_listed),
        thousands(report.objects_ignored),
        thousands(report.objects_sampled),
        if report.objects_cached > 0 {
            format!(", {} unchanged (state file)", thousands(report.objects_cached))
        } else {
            String::new()
        },
        megabytes(report.bytes_read),
        megabytes(report.bytes_stored),
        thousands(report.requests),
        thousands(report.partitions as u64),
        report.writes,
        match report.mode {
            Mode::Apply => String::new(),
            _ => format!(" ({} planned)", report.planned_writes),
        },
        report.elapsed_ms as f64 / 1000.0,
    ));
    summary
}
