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
pub use discover::{DiscoverError, OpenTable, OpenTableFormat};
pub use error::{CrawlError, ErrorCode, Warning, WarningCode};
pub use infer::InferError;
pub use plan::{DeleteBehavior, PlanError, TableAction, UpdateBehavior};
use report::{changes, column_list};
pub use report::{Change, ColumnOut, CrawlReport, Rejected};
pub use sample::{FormatChoice, SampleError, SampleLimits};
use scan::scan;
pub use table::{table_name_for_root, MAX_TABLE_NAME};

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

/// Tries of plan-and-apply when UpdateTable meets a concurrent change (I5).
const MAX_TRIES: u32 = 3;

pub async fn crawl<C: Catalog>(
    store: &Store,
    catalog: &mut C,
    options: &CrawlOptions,
    progress: &dyn Progress,
) -> Result<CrawlReport, CrawlError> {
    let started = Instant::now();
    let location = store.root_url();
    if let Some(open) = discover::open_table(store)
        .await
        .map_err(DiscoverError::from)?
    {
        return Ok(CrawlReport::left_alone(
            options, location, open, store, started,
        ));
    }
    let scan = scan(store, options, progress).await?;
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
    })
}

#[cfg(test)]
mod tests;
