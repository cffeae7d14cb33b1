//! `crawl`: what a Glue crawler does for one S3 (or local) table root, deterministically.
//!
//! Stages, one file each: `discover` (list, ignore, partitions) → `sample` (ranged reads per
//! object; `csv` for CSV) → `infer` (merge in key order) → `table` (the Glue shape) → `plan`
//! (diff against the catalog) → `apply` (writes, table first, chunked batches). Nothing is
//! written before the whole plan is known, and any error before `apply` leaves the catalog as
//! it was.

mod apply;
pub mod csv;
mod discover;
mod infer;
mod plan;
mod sample;
mod state;
mod table;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::catalog::{Catalog, CatalogError, Column, PartitionDef, TableDef};
use crate::progress::Progress;
use crate::schema::DataType;
use crate::storage::{ObjectMeta, Store};

use crate::storage::discover::KeyFilter;
use crate::storage::kind::Format;
pub use apply::Applied;
pub use discover::DiscoverError;
pub use infer::{sanitize_name, InferError};
pub use plan::{DeleteBehavior, PlanError, TableAction, UpdateBehavior};
pub use sample::{FormatChoice, SampleError, SampleLimits};

/// A finding worth telling the user that does not stop the crawl (`W_*` codes of the spec).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

impl Warning {
    pub fn new(code: &'static str, message: String) -> Warning {
        Warning { code, message }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Apply,
    Plan,
    Check,
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
}

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Sample(#[from] SampleError),
    #[error(transparent)]
    Infer(#[from] InferError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Limit(#[from] table::LimitError),
    #[error("E_PARTITION_TYPE: --partition-type {key}: {message}")]
    PartitionType { key: String, message: String },
    #[error(transparent)]
    State(#[from] state::StateError),
    #[error("E_NO_SCHEMA: none of the {objects} data objects under {location} could be read")]
    NothingReadable { objects: usize, location: String },
    #[error(
        "E_NO_SCHEMA: no record under {location} has a field; there are no columns to declare"
    )]
    NoColumns { location: String },
    #[error("--partition-schema own needs Parquet data; {location} holds {format}")]
    OwnNeedsParquet {
        location: String,
        format: &'static str,
    },
    #[error("the catalog kept changing under the crawl ({0} tries); run it again")]
    TooManyConflicts(u32),
}

/// One change, as `--plan` and `--json` show it.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    CreateDatabase {
        database: String,
    },
    CreateTable {
        table: String,
        location: String,
        columns: Vec<ColumnOut>,
        partition_keys: Vec<String>,
    },
    UpdateTable {
        table: String,
        added_columns: Vec<ColumnOut>,
        changed_columns: Vec<ColumnChange>,
        removed_columns: Vec<ColumnOut>,
        changed_parameters: Vec<String>,
    },
    RecreateTable {
        table: String,
        location: String,
        columns: Vec<ColumnOut>,
        partition_keys: Vec<String>,
    },
    DeprecateTable {
        table: String,
    },
    DeleteTable {
        table: String,
    },
    AddPartition {
        values: Vec<String>,
        location: String,
    },
    UpdatePartition {
        values: Vec<String>,
        location: String,
    },
    DeletePartition {
        values: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnOut {
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnChange {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// An object that could not be sampled, or a line in a sample that was not a record.
#[derive(Clone, Debug, Serialize)]
pub struct Rejected {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub error: String,
}

#[derive(Debug, Serialize)]
pub struct CrawlReport {
    pub mode: Mode,
    pub database: String,
    pub table: String,
    pub location: String,
    pub format: Option<Format>,
    pub compression: Option<String>,
    pub changed: bool,
    /// Catalog write calls made (0 with --plan and --check).
    pub writes: u64,
    /// Catalog write calls the plan needs.
    pub planned_writes: u64,
    pub columns: Vec<ColumnOut>,
    pub partition_keys: Vec<String>,
    pub partitions: usize,
    pub partitions_added: usize,
    pub partitions_updated: usize,
    pub partitions_deleted: usize,
    pub objects_listed: u64,
    pub objects_ignored: u64,
    pub objects_sampled: u64,
    /// Objects whose sample came from `--state-file` (unchanged since the last run).
    pub objects_cached: u64,
    pub bytes_stored: u64,
    pub bytes_read: u64,
    pub requests: u64,
    pub records_estimated: u64,
    pub elapsed_ms: u64,
    pub warnings: Vec<Warning>,
    pub rejected: Vec<Rejected>,
    #[serde(skip)]
    pub changes: Vec<Change>,
}

/// What sampling found, before the catalog is consulted.
struct Scan {
    desired: Option<plan::Desired>,
    format: Option<Format>,
    compression: Option<String>,
    partitions: usize,
    listed: u64,
    ignored: u64,
    sampled: u64,
    reused: u64,
    bytes_stored: u64,
    records: u64,
    warnings: Vec<Warning>,
    rejected: Vec<Rejected>,
}

/// Objects sampled per window: the window's results are merged in key order before the next
/// starts, which bounds memory on 100,000-object roots while keeping `concurrency` reads busy.
const WINDOW_PER_TASK: usize = 8;
/// Tries of plan-and-apply when UpdateTable meets a concurrent change (I5).
const MAX_TRIES: u32 = 3;

pub async fn crawl<C: Catalog>(
    store: &Store,
    catalog: &mut C,
    options: &CrawlOptions,
    progress: &dyn Progress,
) -> Result<CrawlReport, CrawlError> {
    let started = Instant::now();
    let scan = scan(store, options, progress).await?;
    let location = store.root_url();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let plan_options = plan::PlanOptions {
        update: options.update,
        delete: options.delete,
        adopt: options.adopt,
        recreate: options.recreate,
        now_ms,
    };
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
            database_exists,
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
            "plan: {} catalog write calls ({} partitions to add, {} to update, {} to delete)",
            plan.write_calls(),
            plan.add.len(),
            plan.update.len(),
            plan.delete.len()
        );
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
    })
}

fn column_list(columns: &[Column]) -> Vec<ColumnOut> {
    columns
        .iter()
        .map(|c| ColumnOut {
            name: c.name.clone(),
            type_name: c.type_name.clone(),
        })
        .collect()
}

/// Per-partition accumulation while samples arrive in key order.
#[derive(Default)]
struct PartitionAcc {
    objects: u64,
    bytes: u64,
    merger: infer::Merger,
}

async fn scan(
    store: &Store,
    options: &CrawlOptions,
    progress: &dyn Progress,
) -> Result<Scan, CrawlError> {
    let filter = KeyFilter::new(&options.include, &options.exclude).map_err(DiscoverError::from)?;
    let listing = discover::list(store, &filter, options.concurrency).await?;
    tracing::info!(
        "listed {} objects under {} ({} ignored)",
        listing.listed,
        store.root_url(),
        listing.ignored
    );
    let layout = discover::partitions(store, &listing.objects, options.skip_mismatched)?;
    let mut warnings: Vec<Warning> = layout
        .skipped
        .iter()
        .map(|(url, why)| Warning::new("W_SKIPPED_MISMATCHED", format!("{url}: {why}")))
        .collect();
    let mut rejected = Vec::new();

    // Objects in key order with the partition each belongs to.
    let mut members: Vec<(usize, Vec<String>)> = layout
        .partitions
        .iter()
        .flat_map(|(values, (_, indexes))| indexes.iter().map(move |i| (*i, values.clone())))
        .collect();
    members.sort_by_key(|(i, _)| *i);
    let bytes_stored: u64 = members.iter().map(|(i, _)| listing.objects[*i].size).sum();
    progress.start("sampling", Some(bytes_stored));

    let mut table_merger = infer::Merger::default();
    let mut partitions: BTreeMap<Vec<String>, PartitionAcc> = BTreeMap::new();
    let own = options.partition_schema == PartitionSchema::Own;
    let limits = Arc::new(options.limits.clone());
    let mut sampled = 0u64;
    let mut reused = 0u64;
    let settings = format!("{:?}", options.limits);
    let cached = match &options.state_file {
        Some(path) => state::Cached::load(path, &store.root_url(), &settings),
        None => state::Cached::default(),
    };
    let mut recorder = options
        .state_file
        .as_ref()
        .map(|_| state::Recorder::new(&store.root_url(), &settings));
    let window = options.concurrency.max(1) * WINDOW_PER_TASK;
    for batch in members.chunks(window) {
        let results = sample_window(
            store,
            &listing.objects,
            batch,
            &limits,
            options.concurrency,
            &cached,
        )
        .await;
        for ((index, values), (result, from_cache)) in batch.iter().zip(results) {
            let object = &listing.objects[*index];
            let url = store.url(&object.key);
            progress.advance(object.size);
            let acc = partitions.entry(values.clone()).or_default();
            acc.objects += 1;
            acc.bytes += object.size;
            let sample = match result {
                Ok(sample) => sample,
                Err(
                    e @ (SampleError::NotJsonLines { .. }
                    | SampleError::UnsupportedParquetType { .. }),
                ) => return Err(e.into()),
                Err(e) => {
                    rejected.push(Rejected {
                        url,
                        line: None,
                        error: e.to_string(),
                    });
                    continue;
                }
            };
            if from_cache {
                reused += 1;
            } else {
                sampled += 1;
            }
            if let Some(recorder) = &mut recorder {
                recorder.record(object, &sample);
            }
            for (line, error) in &sample.bad_lines {
                rejected.push(Rejected {
                    url: url.clone(),
                    line: Some(*line),
                    error: error.clone(),
                });
            }
            if own {
                acc.merger.add(&url, sample.clone(), &options.overrides)?;
            } else {
                // Only the statistics are needed per partition.
                acc.merger.add_stats(&sample);
            }
            table_merger.add(&url, sample, &options.overrides)?;
        }
    }
    progress.finish();
    tracing::info!(
        "sampled {sampled} objects ({reused} unchanged since the state file), {} bytes read",
        store.bytes_read()
    );
    drop(cached);
    if let (Some(recorder), Some(path)) = (&recorder, &options.state_file) {
        recorder.save(path)?;
    }

    let location = store.root_url();
    if table_merger.is_empty() {
        if !members.is_empty() {
            return Err(CrawlError::NothingReadable {
                objects: members.len(),
                location,
            });
        }
        return Ok(Scan {
            desired: None,
            format: None,
            compression: None,
            partitions: 0,
            listed: listing.listed,
            ignored: listing.ignored,
            sampled,
            reused,
            bytes_stored,
            records: 0,
            warnings,
            rejected,
        });
    }
    let inferred = table_merger
        .finish(options.sanitize_names, &options.overrides, &mut warnings)
        .expect("a merger with samples yields a schema");
    if inferred.columns.is_empty() {
        return Err(CrawlError::NoColumns { location });
    }
    if own && inferred.format != Format::Parquet {
        return Err(CrawlError::OwnNeedsParquet {
            location,
            format: inferred.format.name(),
        });
    }
    let total = table::Stats {
        objects: members.len() as u64,
        bytes: bytes_stored,
        records: inferred.records,
        average_record_size: inferred.average_record_size,
    };
    let keys = partition_key_columns(&layout, &options.partition_types)?;
    let table = table::table(&options.table, &location, &inferred, &keys, total);
    let mut wanted = Vec::new();
    if !layout.keys.is_empty() {
        for (values, (path, _)) in &layout.partitions {
            let Some(acc) = partitions.remove(values) else {
                continue;
            };
            let (records, average) = acc.merger.record_stats();
            let own_columns = if own {
                acc.merger
                    .finish(options.sanitize_names, &options.overrides, &mut Vec::new())
                    .map(|i| table::columns(&i))
            } else {
                None
            };
            wanted.push(plan::WantedPartition {
                values: values.clone(),
                location: store.url(&path.prefix),
                stats: table::Stats {
                    objects: acc.objects,
                    bytes: acc.bytes,
                    records,
                    average_record_size: average,
                },
                own_columns,
            });
        }
    }
    let locations: Vec<String> = wanted.iter().map(|p| p.location.clone()).collect();
    table::check_limits(&table, &locations)?;
    Ok(Scan {
        format: Some(inferred.format),
        compression: Some(inferred.compression.clone()),
        partitions: wanted.len(),
        listed: listing.listed,
        ignored: listing.ignored,
        sampled,
        reused,
        bytes_stored,
        records: inferred.records,
        desired: Some(plan::Desired {
            partition_parameters: table::data_parameters(&inferred),
            table,
            partitions: wanted,
            strict_types: inferred.format == Format::Parquet,
            pinned: options.overrides.keys().cloned().collect(),
        }),
        warnings,
        rejected,
    })
}

/// P3: partition keys are `string` unless `--partition-type` says otherwise; then every value
/// must be one Athena can cast to that type.
fn partition_key_columns(
    layout: &discover::Layout,
    types: &BTreeMap<String, DataType>,
) -> Result<Vec<Column>, CrawlError> {
    if let Some(unknown) = types.keys().find(|k| !layout.keys.contains(k)) {
        return Err(CrawlError::PartitionType {
            key: unknown.clone(),
            message: format!("no such partition key (keys: {})", layout.keys.join(", ")),
        });
    }
    let mut columns = Vec::with_capacity(layout.keys.len());
    for (level, key) in layout.keys.iter().enumerate() {
        let ty = types.get(key).cloned().unwrap_or(DataType::String);
        for (path, _) in layout.partitions.values() {
            let value = &path.values[level];
            let fits = match ty {
                DataType::Tinyint | DataType::Smallint | DataType::Int | DataType::Bigint => {
                    value.trim().parse::<i64>().is_ok()
                }
                DataType::Double | DataType::Float | DataType::Decimal { .. } => {
                    value.trim().parse::<f64>().is_ok()
                }
                _ => true,
            };
            if !fits && value != crate::catalog::hive_path::DEFAULT_PARTITION {
                return Err(CrawlError::PartitionType {
                    key: key.clone(),
                    message: format!("value {value:?} of {} is not {ty}", path.prefix),
                });
            }
        }
        columns.push(Column::new(key, ty.to_string()));
    }
    Ok(columns)
}

/// Samples a window of objects, at most `concurrency` at a time; results in the window's order,
/// each marked whether it came from the state cache instead of a read.
async fn sample_window(
    store: &Store,
    objects: &[ObjectMeta],
    batch: &[(usize, Vec<String>)],
    limits: &Arc<SampleLimits>,
    concurrency: usize,
    cached: &state::Cached,
) -> Vec<(Result<sample::ObjectSample, SampleError>, bool)> {
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    enum Pending {
        Cached(Box<sample::ObjectSample>),
        Reading(tokio::task::JoinHandle<Result<sample::ObjectSample, SampleError>>),
    }
    let pending: Vec<Pending> = batch
        .iter()
        .map(|(index, _)| {
            let object = objects[*index].clone();
            if let Some(sample) = cached.lookup(&object) {
                return Pending::Cached(Box::new(sample));
            }
            let store = store.clone();
            let limits = limits.clone();
            let permits = permits.clone();
            Pending::Reading(tokio::spawn(async move {
                let _permit = permits
                    .acquire_owned()
                    .await
                    .expect("semaphore is never closed");
                sample::sample_object(&store, &object, &limits).await
            }))
        })
        .collect();
    let mut results = Vec::with_capacity(pending.len());
    for item in pending {
        results.push(match item {
            Pending::Reading(handle) => (handle.await.expect("sampling tasks do not panic"), false),
            Pending::Cached(sample) => (Ok(*sample), true),
        });
    }
    results
}

fn changes(plan: &plan::Plan, table: &str) -> Vec<Change> {
    let qualified = format!("{}.{table}", plan.database);
    let mut changes = Vec::new();
    if plan.create_database {
        changes.push(Change::CreateDatabase {
            database: plan.database.clone(),
        });
    }
    match &plan.table {
        TableAction::Keep => {}
        TableAction::Create(t) => changes.push(Change::CreateTable {
            table: qualified.clone(),
            location: t.storage_descriptor.location.clone(),
            columns: column_list(&t.storage_descriptor.columns),
            partition_keys: t.partition_keys.iter().map(|k| k.name.clone()).collect(),
        }),
        TableAction::Update { before, after } => {
            if after.parameters.contains_key(table::DEPRECATED_KEY)
                && !before.parameters.contains_key(table::DEPRECATED_KEY)
            {
                changes.push(Change::DeprecateTable {
                    table: qualified.clone(),
                });
            } else {
                changes.push(table_diff(&qualified, before, after));
            }
        }
        TableAction::Recreate(t) => changes.push(Change::RecreateTable {
            table: qualified.clone(),
            location: t.storage_descriptor.location.clone(),
            columns: column_list(&t.storage_descriptor.columns),
            partition_keys: t.partition_keys.iter().map(|k| k.name.clone()).collect(),
        }),
        TableAction::Delete(_) => changes.push(Change::DeleteTable {
            table: qualified.clone(),
        }),
    }
    let partition = |p: &PartitionDef| (p.values.clone(), p.storage_descriptor.location.clone());
    changes.extend(
        plan.add
            .iter()
            .map(partition)
            .map(|(values, location)| Change::AddPartition { values, location }),
    );
    changes.extend(
        plan.update
            .iter()
            .map(partition)
            .map(|(values, location)| Change::UpdatePartition { values, location }),
    );
    changes.extend(plan.delete.iter().map(|values| Change::DeletePartition {
        values: values.clone(),
    }));
    changes
}

fn table_diff(qualified: &str, before: &TableDef, after: &TableDef) -> Change {
    let old = &before.storage_descriptor.columns;
    let new = &after.storage_descriptor.columns;
    let added = new
        .iter()
        .filter(|c| !old.iter().any(|o| o.name == c.name))
        .cloned()
        .collect::<Vec<_>>();
    let removed = old
        .iter()
        .filter(|c| !new.iter().any(|n| n.name == c.name))
        .cloned()
        .collect::<Vec<_>>();
    let changed = new
        .iter()
        .filter_map(|c| {
            let o = old.iter().find(|o| o.name == c.name)?;
            (o.type_name != c.type_name).then(|| ColumnChange {
                name: c.name.clone(),
                from: o.type_name.clone(),
                to: c.type_name.clone(),
            })
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> = before
        .parameters
        .keys()
        .chain(after.parameters.keys())
        .collect();
    let changed_parameters = keys
        .into_iter()
        .filter(|k| before.parameters.get(*k) != after.parameters.get(*k))
        .cloned()
        .collect();
    Change::UpdateTable {
        table: qualified.to_owned(),
        added_columns: column_list(&added),
        changed_columns: changed,
        removed_columns: column_list(&removed),
        changed_parameters,
    }
}

#[cfg(test)]
mod tests;
