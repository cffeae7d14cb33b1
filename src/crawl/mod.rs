//! `crawl`: what a Glue crawler does for one S3 (or local) table root, deterministically.
//!
//! Stages, one file each: `discover` (list, ignore, partitions) → `sample` (ranged reads per
//! object; `csv` for CSV) → `infer` (merge in key order) → `table` (the Glue shape), run together
//! by `scan` → `plan` (diff against the catalog) → `apply` (writes, table first, chunked batches)
//! → `report`. Nothing is written before the whole plan is known, and any error before `apply`
//! leaves the catalog as it was. This file holds the options and [`crawl`], which retries
//! plan-and-apply when the catalog changes underneath; `error` holds the codes, warnings and
//! [`CrawlError`].

mod apply;
pub mod csv;
mod discover;
mod error;
mod explain;
mod infer;
mod open;
mod plan;
mod report;
mod sample;
mod scan;
mod state;
mod table;
mod tables;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use futures::StreamExt as _;
use serde::Serialize;

use crate::catalog::{Catalog, CatalogError};
use crate::progress::{NoProgress, Progress};
use crate::schema::DataType;
use crate::storage::{Budget, Store};

pub use apply::Applied;
pub use discover::{DiscoverError, OpenTable, OpenTableFormat};
pub use error::{CrawlError, ErrorCode, Warning, WarningCode};
pub use explain::Explain;
pub use infer::InferError;
pub use open::OpenTableError;
pub use plan::{DeleteBehavior, PlanError, TableAction, UpdateBehavior};
use report::{changes, column_list};
pub use report::{Change, ColumnOut, CrawlReport, Rejected};
pub use sample::{FormatChoice, SampleError, SampleLimits};
use scan::scan;
pub use table::{table_name_for_root, MAX_TABLE_NAME};
pub use tables::{discover as discover_tables, TableLevel, TablesError, Target};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Apply,
    Plan,
    Check,
}

/// What a crawl does with an Iceberg, Delta Lake or Hudi table it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenTables {
    /// Report it and write nothing.
    Leave,
    /// Register Iceberg and Delta Lake tables from their metadata (Hudi is left alone).
    Register,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionSchema {
    Inherit,
    Own,
}

#[derive(Clone, Debug)]
pub struct CrawlOptions {
    pub database: String,
    pub table: String,
    pub mode: Mode,
    pub update: UpdateBehavior,
    pub delete: DeleteBehavior,
    pub partition_schema: PartitionSchema,
    pub limits: SampleLimits,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub overrides: BTreeMap<String, DataType>,
    pub sanitize_names: bool,
    pub adopt: bool,
    pub recreate: bool,
    /// `--partition-type key=TYPE` (P3): partition keys are `string` otherwise.
    pub partition_types: BTreeMap<String, DataType>,
    pub concurrency: usize,
    pub skip_mismatched: bool,
    /// I7: where samples are remembered between runs.
    pub state_file: Option<std::path::PathBuf>,
    pub open_tables: OpenTables,
    /// Report where each column and partition key came from (`CrawlReport::explain`); text
    /// objects note their records' values while sampled.
    pub explain: bool,
}

/// Tries of plan-and-apply when UpdateTable meets a concurrent change (I5).
const MAX_TRIES: u32 = 3;

/// Tables listed and sampled at once. Their requests share one budget anyway, and one table's
/// windows alone can fill it; more tables at once would only hold more samples in memory.
const TABLES_AT_ONCE: usize = 8;

/// How a run of several tables goes on when one fails.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Stop at the first table that fails; tables not yet applied are left as they are.
    pub fail_fast: bool,
}

/// A table that failed, and why; the others went on.
#[derive(Debug)]
pub struct Failed {
    pub table: String,
    pub location: String,
    pub error: CrawlError,
}

/// What a run did to each of its tables, in table-name order.
#[derive(Debug)]
pub struct RunReport {
    pub tables: Vec<CrawlReport>,
    pub failed: Vec<Failed>,
    /// Tables never crawled because `--fail-fast` stopped the run.
    pub not_crawled: Vec<String>,
    /// Where a lake's tables were found (`--discover-tables`).
    pub level: Option<TableLevel>,
    pub elapsed_ms: u64,
}

/// One table root: a run of one target whose failure is the error (the tests' entry point; the
/// command runs [`crawl_tables`] for one root too).
#[cfg(test)]
pub async fn crawl<C: Catalog>(
    store: &Store,
    catalog: &mut C,
    options: &CrawlOptions,
    progress: &dyn Progress,
) -> Result<CrawlReport, CrawlError> {
    let target = Target::new(options.table.clone(), store.clone());
    let mut run = crawl_tables(
        vec![target],
        None,
        catalog,
        options,
        RunOptions { fail_fast: true },
        progress,
    )
    .await?;
    match run.failed.pop() {
        Some(failed) => Err(failed.error),
        None => Ok(run.tables.pop().expect("one table, crawled or failed")),
    }
}

/// Crawls `targets` (`options.table` aside: each names its own), listing and sampling them
/// concurrently within one budget of `options.concurrency` requests while the catalog is
/// planned and written one table at a time as their scans finish. A table that fails is
/// reported and the others go on, unless `run.fail_fast`. With `level` (a lake's tables), tables
/// lakeops made under its root that are no longer among them follow `--delete-behavior`.
/// Errors only when the run cannot start (two targets with one name) or the state file cannot
/// be written.
pub async fn crawl_tables<C: Catalog>(
    targets: Vec<Target>,
    level: Option<TableLevel>,
    catalog: &mut C,
    options: &CrawlOptions,
    run: RunOptions,
    progress: &dyn Progress,
) -> Result<RunReport, CrawlError> {
    let started = Instant::now();
    tables::check_names(&targets)?;
    let previous = match &options.state_file {
        Some(path) => state::Previous::load(path),
        None => state::Previous::default(),
    };
    let settings = state::settings(&options.limits);
    let budget = Budget::new(options.concurrency);
    let names: Vec<String> = targets.iter().map(|t| t.table.clone()).collect();
    // One table shows its sampling; many show tables done.
    let single = targets.len() == 1;
    let scan_progress: &dyn Progress = if single { progress } else { &NoProgress };
    if !single {
        progress.start("tables", Some(targets.len() as u64));
    }
    let (sender, mut receiver) = tokio::sync::mpsc::channel(1);
    let scans = async {
        let mut scans = futures::stream::iter(targets)
            .map(|target| {
                let cached = previous.cached(&target.store.root_url(), &settings);
                let budget = &budget;
                async move {
                    let options = CrawlOptions {
                        table: target.table.clone(),
                        ..options.clone()
                    };
                    let started = Instant::now();
                    let store = target.store.clone();
                    let scanned =
                        scan_target(target, &options, cached, budget, scan_progress).await;
                    (store, options, started, scanned)
                }
            })
            .buffer_unordered(TABLES_AT_ONCE);
        while let Some(scanned) = scans.next().await {
            if sender.send(scanned).await.is_err() {
                break;
            }
        }
        drop(sender);
    };
    let applies = async {
        let mut report = RunReport {
            tables: Vec::new(),
            failed: Vec::new(),
            not_crawled: Vec::new(),
            level: None,
            elapsed_ms: 0,
        };
        let mut recorded = Vec::new();
        let mut database_planned = false;
        while let Some((store, options, started, scanned)) = receiver.recv().await {
            let outcome = match scanned {
                Ok(Scanned::Register(open, desired)) => {
                    let table = (&store, &options, started);
                    register(table, catalog, &mut database_planned, open, *desired).await
                }
                Ok(Scanned::OpenTable(open)) => Ok(CrawlReport::left_alone(
                    &options,
                    store.root_url(),
                    open,
                    &store,
                    started,
                )),
                Ok(Scanned::Data(mut scan)) => {
                    recorded.extend(scan.recorded.take());
                    let table = (&store, &options, started);
                    write_catalog(table, catalog, &mut database_planned, *scan).await
                }
                Err(error) => Err(error),
            };
            if !single {
                progress.advance(1);
            }
            match outcome {
                Ok(table) => report.tables.push(table),
                Err(error) => {
                    report.failed.push(Failed {
                        table: options.table.clone(),
                        location: store.root_url(),
                        error,
                    });
                    if run.fail_fast {
                        break;
                    }
                }
            }
        }
        // Closing the channel stops the scans still going.
        drop(receiver);
        (report, recorded)
    };
    let ((), (mut report, recorded)) = futures::join!(scans, applies);
    if !single {
        progress.finish();
    }
    if let Some(level) = &level {
        if report.failed.is_empty() || !run.fail_fast {
            report
                .tables
                .extend(stale_tables(catalog, level, &names, options).await?);
        }
    }
    if let Some(path) = &options.state_file {
        previous.save(path, recorded)?;
    }
    let done: BTreeSet<&str> = report
        .tables
        .iter()
        .map(|t| t.table.as_str())
        .chain(report.failed.iter().map(|f| f.table.as_str()))
        .collect();
    report.not_crawled = names
        .iter()
        .filter(|name| !done.contains(name.as_str()))
        .cloned()
        .collect();
    report.tables.sort_by(|a, b| a.table.cmp(&b.table));
    report.failed.sort_by(|a, b| a.table.cmp(&b.table));
    report.level = level;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// What a table root's listing and sampling found.
enum Scanned {
    OpenTable(OpenTable),
    /// An open table to register, with the table its metadata describes.
    Register(OpenTable, Box<plan::Desired>),
    Data(Box<scan::Scan>),
}

async fn scan_target(
    target: Target,
    options: &CrawlOptions,
    cached: state::Cached,
    budget: &Budget,
    progress: &dyn Progress,
) -> Result<Scanned, CrawlError> {
    let open = {
        let _permit = budget.permit().await;
        discover::open_table(&target.store)
            .await
            .map_err(DiscoverError::from)?
    };
    if let Some(mut open) = open {
        if options.open_tables == OpenTables::Register && open.format != OpenTableFormat::Hudi {
            let (desired, source) = {
                let _permit = budget.permit().await;
                open::desired(&target.store, &open, &options.table).await?
            };
            open.registered = Some(source);
            return Ok(Scanned::Register(open, Box::new(desired)));
        }
        return Ok(Scanned::OpenTable(open));
    }
    let start = scan::Start {
        listing: target.listing,
        cached: &cached,
        budget,
    };
    let scan = scan(&target.store, options, start, progress).await?;
    Ok(Scanned::Data(Box::new(scan)))
}

fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn plan_options(options: &CrawlOptions) -> plan::PlanOptions {
    plan::PlanOptions {
        update: options.update,
        delete: options.delete,
        adopt: options.adopt,
        recreate: options.recreate,
        now_ms: now_ms(),
    }
}

/// A table being written: its store, its options and when its crawl started.
type TableRun<'a> = (&'a Store, &'a CrawlOptions, Instant);

/// Plans one table against the catalog and, in apply mode, writes the plan; again from the
/// catalog's new state when it changed underneath (I5). `database_planned`: an earlier table of
/// a `--plan` run already plans to create the database, so this one does not again.
async fn write_catalog<C: Catalog>(
    (store, options, started): TableRun<'_>,
    catalog: &mut C,
    database_planned: &mut bool,
    scan: scan::Scan,
) -> Result<CrawlReport, CrawlError> {
    let location = store.root_url();
    let plan_options = plan_options(options);
    let mut tries = 0;
    let (plan, applied) = loop {
        tries += 1;
        let database_exists = catalog.database_exists(&options.database).await?;
        let current = if database_exists {
            catalog.get_table(&options.database, &options.table).await?
        } else {
            None
        };
        let current_partitions = match &current {
            Some(_) => {
                catalog
                    .get_partitions(&options.database, &options.table)
                    .await?
            }
            None => Vec::new(),
        };
        let catalogued = plan::Catalogued {
            database_exists: database_exists || *database_planned,
            table: current.as_ref(),
            partitions: &current_partitions,
        };
        let plan = plan::plan(
            &options.database,
            &options.table,
            &location,
            scan.desired.as_ref(),
            &catalogued,
            &plan_options,
        )?;
        tracing::info!(
            "plan for {}: {} catalog write calls ({} partitions to add, {} to update, {} to delete)",
            options.table,
            plan.write_calls(),
            plan.add.len(),
            plan.update.len(),
            plan.delete.len()
        );
        if options.mode != Mode::Apply {
            *database_planned |= plan.create_database;
        }
        if options.mode != Mode::Apply || plan.is_empty() {
            break (plan, Applied::default());
        }
        match apply::apply(catalog, &plan, &options.table).await {
            Ok(applied) => break (plan, applied),
            Err(CatalogError::ConcurrentModification(_)) if tries < MAX_TRIES => continue,
            Err(CatalogError::ConcurrentModification(_)) => {
                return Err(CrawlError::TooManyConflicts(tries))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mut warnings = scan.warnings;
    warnings.extend(plan.warnings.iter().cloned());
    let mut rejected = scan.rejected;
    rejected.extend(applied.failures.iter().map(|f| Rejected {
        url: format!(
            "{}.{} ({})",
            options.database,
            options.table,
            f.values.join(", ")
        ),
        line: None,
        error: format!("{}: {}", f.code, f.message),
    }));
    let final_table = match &plan.table {
        TableAction::Create(t) | TableAction::Recreate(t) => Some((**t).clone()),
        TableAction::Update { after, .. } => Some((**after).clone()),
        _ => scan.desired.as_ref().map(|d| d.table.clone()),
    };
    Ok(CrawlReport {
        open_table: None,
        mode: options.mode,
        database: options.database.clone(),
        table: options.table.clone(),
        location,
        format: scan.format,
        compression: scan.compression,
        changed: !plan.is_empty(),
        writes: applied.writes,
        planned_writes: plan.write_calls(),
        columns: final_table
            .as_ref()
            .map(|t| column_list(&t.storage_descriptor.columns))
            .unwrap_or_default(),
        partition_keys: final_table
            .as_ref()
            .map(|t| t.partition_keys.iter().map(|k| k.name.clone()).collect())
            .unwrap_or_default(),
        partitions: scan.partitions,
        partitions_added: plan.add.len(),
        partitions_updated: plan.update.len(),
        partitions_deleted: plan.delete.len(),
        objects_listed: scan.listed,
        objects_ignored: scan.ignored,
        objects_sampled: scan.sampled,
        objects_cached: scan.reused,
        bytes_stored: scan.bytes_stored,
        bytes_read: store.bytes_read(),
        requests: store.requests(),
        records_estimated: scan.records,
        elapsed_ms: started.elapsed().as_millis() as u64,
        warnings,
        rejected,
        changes: changes(&plan, &options.table),
        explain: scan.explain,
    })
}

/// An open table written from its own metadata: its metadata is the truth, so the table
/// follows it (`replace`) whatever `--update-behavior` says for data-crawled tables.
async fn register<C: Catalog>(
    (store, options, started): TableRun<'_>,
    catalog: &mut C,
    database_planned: &mut bool,
    open: OpenTable,
    desired: plan::Desired,
) -> Result<CrawlReport, CrawlError> {
    let options = CrawlOptions {
        update: UpdateBehavior::Replace,
        ..options.clone()
    };
    let scan = scan::Scan {
        desired: Some(desired),
        format: None,
        compression: None,
        partitions: 0,
        listed: 0,
        ignored: 0,
        sampled: 0,
        reused: 0,
        bytes_stored: 0,
        records: 0,
        warnings: Vec::new(),
        rejected: Vec::new(),
        recorded: None,
        explain: Vec::new(),
    };
    let mut report =
        write_catalog((store, &options, started), catalog, database_planned, scan).await?;
    report.open_table = Some(open);
    Ok(report)
}

/// Tables lakeops made under the lake root that are not among this run's `names` (the table
/// level changed, or a table's folder is gone): kept with a warning, deprecated or deleted, as
/// `--delete-behavior` says. Tables it did not make are never touched.
async fn stale_tables<C: Catalog>(
    catalog: &mut C,
    level: &TableLevel,
    names: &[String],
    options: &CrawlOptions,
) -> Result<Vec<CrawlReport>, CrawlError> {
    if !catalog.database_exists(&options.database).await? {
        return Ok(Vec::new());
    }
    let mut stale = Vec::new();
    let mut tables = catalog.list_tables(&options.database).await?;
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    for current in tables {
        let location = &current.storage_descriptor.location;
        let ours =
            current.parameters.get(table::OWNER_KEY).map(String::as_str) == Some(table::OWNER);
        if !ours || !location.starts_with(&level.root) || names.contains(&current.name) {
            continue;
        }
        let started = Instant::now();
        let why = format!(
            "is no longer a table of {} at table level {}",
            level.root, level.level
        );
        let plan = plan::plan_stale(&options.database, &current, &why, &plan_options(options));
        let applied = if options.mode == Mode::Apply && !plan.is_empty() {
            apply::apply(catalog, &plan, &current.name).await?
        } else {
            Applied::default()
        };
        stale.push(CrawlReport {
            changed: !plan.is_empty(),
            writes: applied.writes,
            planned_writes: plan.write_calls(),
            columns: column_list(&current.storage_descriptor.columns),
            partition_keys: current
                .partition_keys
                .iter()
                .map(|k| k.name.clone())
                .collect(),
            warnings: plan.warnings.clone(),
            changes: changes(&plan, &current.name),
            ..CrawlReport::nothing_read(options, &current.name, location.clone(), started)
        });
    }
    Ok(stale)
}

#[cfg(test)]
mod tests;
