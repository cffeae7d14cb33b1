//! `crawl`: what a Glue crawler does for one S3 (or local) table root, deterministically.
//!
//! Stages, one file each: `discover` (list, ignore, partitions) → `sample` (ranged reads per
//! object; `csv` for CSV) → `infer` (merge in key order) → `table` (the Glue shape), run together
//! by `scan` → `plan` (diff against the catalog) → `apply` (writes, table first, chunked batches)
//! → `report`. Nothing is written before the whole plan is known, and any error before `apply`
//! leaves the catalog as it was. This file holds the options, errors and [`crawl`], which retries
//! plan-and-apply when the catalog changes underneath.

mod apply;
pub mod csv;
mod discover;
mod infer;
mod plan;
mod report;
mod sample;
mod scan;
mod state;
mod table;

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use crate::catalog::{Catalog, CatalogError};
use crate::progress::Progress;
use crate::schema::DataType;
use crate::storage::Store;

pub use apply::Applied;
pub use discover::DiscoverError;
pub use infer::{sanitize_name, InferError};
pub use plan::{DeleteBehavior, PlanError, TableAction, UpdateBehavior};
use report::{changes, column_list};
pub use report::{Change, ColumnChange, ColumnOut, CrawlReport, Rejected};
pub use sample::{FormatChoice, SampleError, SampleLimits};
use scan::scan;

/// The spec's codes for what stops a crawl. They are data: shown before the message by
/// [`CrawlError`]'s `Display`, and what hints and scripts go by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    PartitionLayout,
    PartitionType,
    NotJsonLines,
    MixedFormat,
    TypeConflict,
    Incompatible,
    NotOwned,
    NoData,
    NoSchema,
    GlueLimit,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::PartitionLayout => "E_PARTITION_LAYOUT",
            ErrorCode::PartitionType => "E_PARTITION_TYPE",
            ErrorCode::NotJsonLines => "E_NOT_JSON_LINES",
            ErrorCode::MixedFormat => "E_MIXED_FORMAT",
            ErrorCode::TypeConflict => "E_TYPE_CONFLICT",
            ErrorCode::Incompatible => "E_INCOMPATIBLE",
            ErrorCode::NotOwned => "E_NOT_OWNED",
            ErrorCode::NoData => "E_NO_DATA",
            ErrorCode::NoSchema => "E_NO_SCHEMA",
            ErrorCode::GlueLimit => "E_GLUE_LIMIT",
        }
    }
}

/// The spec's codes for findings that do not stop a crawl; `--json` prints them as `code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningCode {
    KindConflict,
    CaseCollision,
    UnknownColumn,
    Recreate,
    UpdateLogged,
    PartitionWithoutData,
    TableWithoutData,
    ForeignType,
    SkippedMismatched,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::KindConflict => "W_KIND_CONFLICT",
            WarningCode::CaseCollision => "W_CASE_COLLISION",
            WarningCode::UnknownColumn => "W_UNKNOWN_COLUMN",
            WarningCode::Recreate => "W_RECREATE",
            WarningCode::UpdateLogged => "W_UPDATE_LOGGED",
            WarningCode::PartitionWithoutData => "W_PARTITION_WITHOUT_DATA",
            WarningCode::TableWithoutData => "W_TABLE_WITHOUT_DATA",
            WarningCode::ForeignType => "W_FOREIGN_TYPE",
            WarningCode::SkippedMismatched => "W_SKIPPED_MISMATCHED",
        }
    }
}

impl Serialize for WarningCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A finding worth telling the user that does not stop the crawl.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    code: WarningCode,
    pub message: String,
}

impl Warning {
    pub fn new(code: WarningCode, message: String) -> Warning {
        Warning { code, message }
    }

    pub fn code(&self) -> WarningCode {
        self.code
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

/// Why a crawl stopped. `Display` puts the error's [`ErrorCode`] (if it has one) before the
/// message of the stage's error, which does not repeat it.
#[derive(Debug)]
pub enum CrawlError {
    Discover(DiscoverError),
    Sample(SampleError),
    Infer(InferError),
    Plan(PlanError),
    Catalog(CatalogError),
    Limit(table::LimitError),
    /// `message` is ours: which key, or which value does not fit.
    PartitionType {
        key: String,
        message: String,
    },
    State(state::StateError),
    NothingReadable {
        objects: usize,
        location: String,
    },
    NoColumns {
        location: String,
    },
    OwnNeedsParquet {
        location: String,
        format: &'static str,
    },
    TooManyConflicts(u32),
}

impl CrawlError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CrawlError::Discover(e) => e.code(),
            CrawlError::Sample(e) => e.code(),
            CrawlError::Infer(e) => Some(e.code()),
            CrawlError::Plan(e) => Some(e.code()),
            CrawlError::Limit(_) => Some(ErrorCode::GlueLimit),
            CrawlError::PartitionType { .. } => Some(ErrorCode::PartitionType),
            CrawlError::NothingReadable { .. } | CrawlError::NoColumns { .. } => {
                Some(ErrorCode::NoSchema)
            }
            CrawlError::Catalog(_)
            | CrawlError::State(_)
            | CrawlError::OwnNeedsParquet { .. }
            | CrawlError::TooManyConflicts(_) => None,
        }
    }

    /// The stage's error this one wraps, whose `Display` and `source` it takes over.
    fn inner(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(match self {
            CrawlError::Discover(e) => e,
            CrawlError::Sample(e) => e,
            CrawlError::Infer(e) => e,
            CrawlError::Plan(e) => e,
            CrawlError::Catalog(e) => e,
            CrawlError::Limit(e) => e,
            CrawlError::State(e) => e,
            _ => return None,
        })
    }
}

impl std::fmt::Display for CrawlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(code) = self.code() {
            write!(f, "{}: ", code.as_str())?;
        }
        if let Some(inner) = self.inner() {
            return std::fmt::Display::fmt(inner, f);
        }
        match self {
            CrawlError::PartitionType { key, message } => {
                write!(f, "--partition-type {key}: {message}")
            }
            CrawlError::NothingReadable { objects, location } => write!(
                f,
                "none of the {objects} data objects under {location} could be read"
            ),
            CrawlError::NoColumns { location } => write!(
                f,
                "no record under {location} has a field; there are no columns to declare"
            ),
            CrawlError::OwnNeedsParquet { location, format } => write!(
                f,
                "--partition-schema own needs Parquet data; {location} holds {format}"
            ),
            CrawlError::TooManyConflicts(tries) => write!(
                f,
                "the catalog kept changing under the crawl ({tries} tries); run it again"
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for CrawlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().and_then(|inner| inner.source())
    }
}

macro_rules! crawl_error_from {
    ($($variant:ident($type:ty)),*) => {$(
        impl From<$type> for CrawlError {
            fn from(e: $type) -> CrawlError {
                CrawlError::$variant(e)
            }
        }
    )*};
}

crawl_error_from!(
    Discover(DiscoverError),
    Sample(SampleError),
    Infer(InferError),
    Plan(PlanError),
    Catalog(CatalogError),
    Limit(table::LimitError),
    State(state::StateError)
);

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

#[cfg(test)]
mod tests;
