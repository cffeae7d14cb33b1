//! Stage 5: the plan written to the catalog. Table first, then partitions (I4), batches chunked at
//! Glue's limits (I5), per-entry errors surfaced. A create that meets an existing partition (a
//! re-run after a partial failure) becomes an update, so re-runs converge.

use crate::catalog::{
    Catalog, CatalogError, EntryError, PartitionDef, CREATE_PARTITIONS_MAX, DELETE_PARTITIONS_MAX,
    UPDATE_PARTITIONS_MAX,
};

use super::plan::{Plan, TableAction};

#[derive(Debug, Default)]
pub struct Applied {
    /// Catalog write calls made.
    pub writes: u64,
    /// Entries Glue refused, with its reason.
    pub failures: Vec<EntryError>,
}

pub async fn apply<C: Catalog>(
    catalog: &mut C,
    plan: &Plan,
    table: &str,
) -> Result<Applied, CatalogError> {
    let database = plan.database.as_str();
    let mut applied = Applied::default();
    if plan.create_database {
        catalog.create_database(database).await?;
        applied.writes += 1;
    }
    match &plan.table {
        TableAction::Keep => {}
        TableAction::Create(definition) => {
            catalog.create_table(database, definition).await?;
            applied.writes += 1;
        }
        TableAction::Recreate(definition) => {
            catalog.delete_table(database, &definition.name).await?;
            applied.writes += 1;
            catalog.create_table(database, definition).await?;
            applied.writes += 1;
        }
        // `after` carries the VersionId read at plan time (I5).
        TableAction::Update { after, .. } => {
            catalog.update_table(database, after).await?;
            applied.writes += 1;
        }
        TableAction::Delete(name) => {
            catalog.delete_table(database, name).await?;
            applied.writes += 1;
            catalog.finish().await?;
            return Ok(applied);
        }
    }

    let mut updates: Vec<PartitionDef> = plan.update.clone();
    for chunk in plan.add.chunks(CREATE_PARTITIONS_MAX) {
        let errors = catalog.create_partitions(database, table, chunk).await?;
        applied.writes += 1;
        for error in errors {
            match chunk.iter().find(|p| p.values == error.values) {
                Some(partition) if error.already_exists() => updates.push(partition.clone()),
                _ => applied.failures.push(error),
            }
        }
    }
    for chunk in updates.chunks(UPDATE_PARTITIONS_MAX) {
        let errors = catalog.update_partitions(database, table, chunk).await?;
        applied.writes += 1;
        applied.failures.extend(errors);
    }
    for chunk in plan.delete.chunks(DELETE_PARTITIONS_MAX) {
        let errors = catalog.delete_partitions(database, table, chunk).await?;
        applied.writes += 1;
        // Already gone is what a delete wants (re-runs after a partial failure).
        applied
            .failures
            .extend(errors.into_iter().filter(|e| !e.not_found()));
    }
    catalog.finish().await?;
    Ok(applied)
}
