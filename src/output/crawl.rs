//! `lakeops crawl`'s report: the catalog changes as a plan (the data of `--plan` and `--check`,
//! on stdout) and a summary on stderr; or `--json` records. Names, keys and partition values
//! come from the data and are escaped wherever they are printed.

use std::io;

use super::{escape_cell, megabytes, thousands, Printer};
use crate::crawl::{Change, ColumnOut, CrawlReport, Mode};

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
        for change in &report.changes {
            printer.json_record("change", change)?;
        }
        return printer.json_record("summary", report);
    }
    let mut text = String::new();
    let verb = match report.mode {
        Mode::Apply => "applied",
        Mode::Plan | Mode::Check => "planned",
    };
    if let Some(open) = &report.open_table {
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
                    Change::AddPartition { values, location } => {
                        format!(
                            "  + partition ({}) {}\n",
                            cells(values),
                            escape_cell(location)
                        )
                    }
                    Change::UpdatePartition { values, location } => {
                        format!(
                            "  ~ partition ({}) {}\n",
                            cells(values),
                            escape_cell(location)
                        )
                    }
                    Change::DeletePartition { values } => {
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
    printer.data(&text)?;

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
    printer.human(&summary);
    Ok(())
}
