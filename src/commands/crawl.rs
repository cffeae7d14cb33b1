//! `lakeops crawl`.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};

use super::Context;
use crate::catalog::{FileCatalog, GlueCatalog};
use crate::cli::{
    CrawlArgs, DeleteBehaviorArg, FormatArg, HeaderArg, PartitionSchemaArg, UpdateBehaviorArg,
};
use crate::crawl::{
    self, csv::Header, Change, ColumnOut, CrawlOptions, CrawlReport, DeleteBehavior, FormatChoice,
    Mode, PartitionSchema, SampleLimits, UpdateBehavior,
};
use crate::output::{megabytes, thousands, Printer};
use crate::storage::kind::Format;
use crate::storage::{Location, Store};
use crate::ExitStatus;

/// Glue's limit on table names.
const MAX_TABLE_NAME: usize = 128;
/// Partition lines a human plan shows before summarising the rest.
const PARTITION_LINES_SHOWN: usize = 20;

pub fn run(args: CrawlArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer();
    let location = Location::parse(&args.root)?;
    let table = match &args.table {
        Some(name) => name.to_lowercase(),
        None => {
            let last = location
                .last_component()
                .context("cannot name the table after ROOT; give --table")?;
            crawl::sanitize_name(&last)
        }
    };
    if table.is_empty() || table.len() > MAX_TABLE_NAME {
        bail!("invalid table name {table:?}: 1 to {MAX_TABLE_NAME} characters");
    }
    let database = args.database.to_lowercase();
    if database.is_empty() {
        bail!("--database must not be empty");
    }
    let options = CrawlOptions {
        database,
        table,
        mode: if args.check {
            Mode::Check
        } else if args.plan {
            Mode::Plan
        } else {
            Mode::Apply
        },
        update: match args.update_behavior {
            UpdateBehaviorArg::Merge => UpdateBehavior::Merge,
            UpdateBehaviorArg::Replace => UpdateBehavior::Replace,
            UpdateBehaviorArg::Log => UpdateBehavior::Log,
        },
        delete: match args.delete_behavior {
            DeleteBehaviorArg::Log => DeleteBehavior::Log,
            DeleteBehaviorArg::Deprecate => DeleteBehavior::Deprecate,
            DeleteBehaviorArg::Delete => DeleteBehavior::Delete,
        },
        partition_schema: match args.partition_schema {
            PartitionSchemaArg::Inherit => PartitionSchema::Inherit,
            PartitionSchemaArg::Own => PartitionSchema::Own,
        },
        limits: SampleLimits {
            bytes: args.sample_bytes,
            records: args.sample_records.max(1),
            format: match args.format {
                FormatArg::Auto => FormatChoice::Auto,
                FormatArg::Json => FormatChoice::Only(Format::Json),
                FormatArg::Parquet => FormatChoice::Only(Format::Parquet),
                FormatArg::Csv => FormatChoice::Only(Format::Csv),
            },
            csv_header: match args.header {
                HeaderArg::Auto => Header::Auto,
                HeaderArg::Yes => Header::Yes,
                HeaderArg::No => Header::No,
            },
        },
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        overrides: args.types.iter().cloned().collect::<BTreeMap<_, _>>(),
        sanitize_names: args.sanitize_names,
        adopt: args.adopt,
        recreate: args.recreate,
        partition_types: args.partition_type.iter().cloned().collect(),
        concurrency: usize::from(args.concurrency),
        skip_mismatched: args.skip_mismatched,
        state_file: args.state_file.clone(),
    };
    let report = ctx.block_on(crawl_with(&args, &location, &options, ctx))??;
    print_report(printer, &report)?;
    let drift = options.mode == Mode::Check && report.changed;
    Ok(if drift || !report.rejected.is_empty() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

async fn crawl_with(
    args: &CrawlArgs,
    location: &Location,
    options: &CrawlOptions,
    ctx: &Context,
) -> anyhow::Result<CrawlReport> {
    if let (Location::Local(path), None) = (location, &args.catalog_file) {
        bail!(
            "{} is a local directory: crawling it needs --catalog-file (Glue tables point at S3)",
            path.display()
        );
    }
    // AWS is loaded only when S3 or Glue is involved: a local root with a catalog file needs
    // neither credentials nor a region.
    let store = match location {
        Location::S3 { bucket, prefix } => {
            Store::s3(ctx.aws().await?.s3(), bucket.clone(), prefix.clone())
        }
        Location::Local(path) => {
            let root = std::fs::canonicalize(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if !root.is_dir() {
                bail!("{} is not a directory", path.display());
            }
            Store::local(root)
        }
    };
    let progress = ctx.printer().progress();
    let what = format!("cannot crawl {}", store.root_url());
    match &args.catalog_file {
        Some(path) => {
            let mut catalog = FileCatalog::open_for_update(path)?;
            Ok(crawl::crawl(&store, &mut catalog, options, &progress)
                .await
                .context(what)?)
        }
        None => {
            let mut catalog = GlueCatalog::new(ctx.aws().await?.glue());
            Ok(crawl::crawl(&store, &mut catalog, options, &progress)
                .await
                .context(what)?)
        }
    }
}

/// A name or value from the data (a folder, a key, a partition value) in text for people: it
/// cannot break its line or drive the terminal (a folder `dt=%1b[31mX` or `%0A`).
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    crate::output::escape_cell(text)
}

fn cells(values: &[String]) -> String {
    values
        .iter()
        .map(|v| cell(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A new table's columns and partition keys, under its plan line.
fn push_shape(text: &mut String, columns: &[ColumnOut], partition_keys: &[String]) {
    for column in columns {
        text.push_str(&format!(
            "      {} {}\n",
            cell(&column.name),
            column.type_name
        ));
    }
    if !partition_keys.is_empty() {
        text.push_str(&format!("      partitioned by {}\n", cells(partition_keys)));
    }
}

fn print_report(printer: &Printer, report: &CrawlReport) -> std::io::Result<()> {
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
    if report.changes.is_empty() {
        text.push_str(&format!(
            "{}.{}: no changes ({})\n",
            cell(&report.database),
            cell(&report.table),
            cell(&report.location)
        ));
    } else {
        text.push_str(&format!(
            "{}.{} ({}): {verb}\n",
            cell(&report.database),
            cell(&report.table),
            cell(&report.location)
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
                        cell(&column.name),
                        column.type_name
                    ));
                }
                for column in changed_columns {
                    text.push_str(&format!(
                        "      ~ {} {} -> {}\n",
                        cell(&column.name),
                        column.from,
                        column.to
                    ));
                }
                for column in removed_columns {
                    text.push_str(&format!(
                        "      - {} {}\n",
                        cell(&column.name),
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
                        format!("  + partition ({}) {}\n", cells(values), cell(location))
                    }
                    Change::UpdatePartition { values, location } => {
                        format!("  ~ partition ({}) {}\n", cells(values), cell(location))
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
            cell(&warning.message)
        ));
    }
    for rejected in &report.rejected {
        match rejected.line {
            Some(line) => summary.push_str(&format!(
                "rejected: {}:{line}: {}\n",
                cell(&rejected.url),
                cell(&rejected.error)
            )),
            None => summary.push_str(&format!(
                "rejected: {}: {}\n",
                cell(&rejected.url),
                cell(&rejected.error)
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
