//! Stage 4b: the difference between what the data calls for and what the catalog holds, as a
//! list of changes (S1–S5, I2). Only lakeops-owned fields are compared; everything else on an
//! existing table or partition is carried into the new definition unchanged.
//!
//! This file holds the plan's types, [`plan`] and the partitions' diff; the table's own fields
//! (S2 compatibility, S1/S5 updates) are compared in `update`.

mod update;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalog::{Column, Parameters, PartitionDef, StorageDescriptor, TableDef};

use super::table::{self, Stats, DEPRECATED_KEY, OWNED_PARAMETERS, OWNER_KEY};
use super::{Warning, WarningCode};
use update::{check_compatible, updated_table};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateBehavior {
    Merge,
    Replace,
    Log,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeleteBehavior {
    Log,
    Deprecate,
    Delete,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("table {table} was not created by lakeops (no {OWNER_KEY} parameter)")]
    NotOwned { table: String },
    #[error("table {table} has {what} {current:?} but the data is {found:?}")]
    Incompatible {
        table: String,
        what: &'static str,
        current: String,
        found: String,
    },
    #[error("column {column} is {current} in table {table} but {found} in the data; Parquet types only widen along Athena's compatible list (pin one with --type {column}=TYPE)")]
    TypeConflict {
        table: String,
        column: String,
        current: String,
        found: String,
    },
    #[error("no data files under {location}")]
    NoData { location: String },
}

impl PlanError {
    pub fn code(&self) -> super::ErrorCode {
        match self {
            PlanError::NotOwned { .. } => super::ErrorCode::NotOwned,
            PlanError::Incompatible { .. } => super::ErrorCode::Incompatible,
            PlanError::TypeConflict { .. } => super::ErrorCode::TypeConflict,
            PlanError::NoData { .. } => super::ErrorCode::NoData,
        }
    }
}

/// One partition the data calls for.
#[derive(Clone, Debug)]
pub struct WantedPartition {
    pub values: Vec<String>,
    pub location: String,
    pub stats: Stats,
    /// `--partition-schema own`: the partition's own columns.
    pub own_columns: Option<Vec<Column>>,
}

/// What the data calls for.
#[derive(Clone, Debug)]
pub struct Desired {
    pub table: TableDef,
    /// Data parameters every partition carries.
    pub partition_parameters: Parameters,
    pub partitions: Vec<WantedPartition>,
    /// Parquet tables merge with R5 against the catalog too.
    pub strict_types: bool,
    /// Columns pinned with `--type`: they take the given type, whatever the catalog says.
    pub pinned: BTreeSet<String>,
}

#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub update: UpdateBehavior,
    pub delete: DeleteBehavior,
    pub adopt: bool,
    /// Drop and recreate a table whose format or partition keys changed (S2).
    pub recreate: bool,
    /// For `DEPRECATED_BY_CRAWLER` (epoch milliseconds, Glue's convention).
    pub now_ms: u128,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TableAction {
    Keep,
    Create(Box<TableDef>),
    /// `--recreate` after an S2 incompatibility: DeleteTable, then CreateTable.
    Recreate(Box<TableDef>),
    Update {
        before: Box<TableDef>,
        after: Box<TableDef>,
    },
    Delete(String),
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub database: String,
    pub create_database: bool,
    pub table: TableAction,
    pub add: Vec<PartitionDef>,
    pub update: Vec<PartitionDef>,
    pub delete: Vec<Vec<String>>,
    pub warnings: Vec<Warning>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        !self.create_database
            && self.table == TableAction::Keep
            && self.add.is_empty()
            && self.update.is_empty()
            && self.delete.is_empty()
    }

    /// Catalog write calls the plan needs, batches chunked at Glue's limits.
    pub fn write_calls(&self) -> u64 {
        let chunks = |n: usize, size: usize| n.div_ceil(size) as u64;
        let table_calls = match self.table {
            TableAction::Keep => 0,
            TableAction::Recreate(_) => 2,
            _ => 1,
        };
        u64::from(self.create_database)
            + table_calls
            + chunks(self.add.len(), crate::catalog::CREATE_PARTITIONS_MAX)
            + chunks(self.update.len(), crate::catalog::UPDATE_PARTITIONS_MAX)
            + chunks(self.delete.len(), crate::catalog::DELETE_PARTITIONS_MAX)
    }
}

fn owned(table: &TableDef) -> bool {
    table.parameters.contains_key(OWNER_KEY)
}

fn replace_owned(
    current: &Parameters,
    wanted: &Parameters,
    owns: impl Fn(&str) -> bool,
) -> Parameters {
    let mut merged: Parameters = current
        .iter()
        .filter(|(k, _)| !owns(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    merged.extend(wanted.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged
}

fn owns_table_parameter(key: &str) -> bool {
    OWNED_PARAMETERS.contains(&key)
}

/// What the catalog holds now.
pub struct Catalogued<'a> {
    pub database_exists: bool,
    pub table: Option<&'a TableDef>,
    pub partitions: &'a [PartitionDef],
}

/// Plans one table. `desired` is `None` when the root holds no data files.
pub fn plan(
    database: &str,
    name: &str,
    location: &str,
    desired: Option<&Desired>,
    catalogued: &Catalogued<'_>,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    let database_exists = catalogued.database_exists;
    let current = catalogued.table;
    let current_partitions = catalogued.partitions;
    let qualified = format!("{database}.{name}");
    let mut plan = Plan {
        database: database.to_owned(),
        create_database: !database_exists,
        table: TableAction::Keep,
        add: Vec::new(),
        update: Vec::new(),
        delete: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(current) = current {
        if !owned(current) && !options.adopt {
            return Err(PlanError::NotOwned { table: qualified });
        }
    }
    let Some(desired) = desired else {
        let Some(current) = current else {
            return Err(PlanError::NoData {
                location: location.to_owned(),
            });
        };
        plan_gone(&mut plan, &qualified, current, "has no data files", options);
        return Ok(plan);
    };

    let incompatible = match current {
        Some(current) => check_compatible(&qualified, current, &desired.table).err(),
        None => None,
    };
    let recreating = match incompatible {
        Some(reason) if options.recreate => {
            plan.warnings.push(Warning::new(
                WarningCode::Recreate,
                format!("{reason}; dropping and recreating the table (--recreate)"),
            ));
            true
        }
        Some(reason) => return Err(reason),
        None => false,
    };
    let table_after = match current {
        None => {
            plan.table = TableAction::Create(Box::new(desired.table.clone()));
            desired.table.clone()
        }
        // S2: the old table and its partitions go; the data's table takes their place.
        Some(_) if recreating => {
            plan.table = TableAction::Recreate(Box::new(desired.table.clone()));
            desired.table.clone()
        }
        Some(current) => {
            let after = match options.update {
                UpdateBehavior::Log => {
                    let wanted = updated_table(
                        current,
                        desired,
                        UpdateBehavior::Merge,
                        &mut plan.warnings,
                        &qualified,
                    )?;
                    if !same_table(&wanted, current) {
                        plan.warnings.push(Warning::new(
                            WarningCode::UpdateLogged,
                            format!("table {qualified} differs from the data; not updated (--update-behavior log)"),
                        ));
                    }
                    current.clone()
                }
                behavior => {
                    updated_table(current, desired, behavior, &mut plan.warnings, &qualified)?
                }
            };
            if !same_table(&after, current) {
                plan.table = TableAction::Update {
                    before: Box::new(current.clone()),
                    after: Box::new(after.clone()),
                };
            }
            after
        }
    };

    let current_partitions = if recreating {
        &[][..]
    } else {
        current_partitions
    };
    let existing: BTreeMap<&[String], &PartitionDef> = current_partitions
        .iter()
        .map(|p| (p.values.as_slice(), p))
        .collect();
    let mut wanted_values = BTreeSet::new();
    for wanted in &desired.partitions {
        wanted_values.insert(wanted.values.as_slice());
        let mut partition = table::partition(
            &table_after,
            &wanted.values,
            &wanted.location,
            &desired.partition_parameters,
            wanted.stats,
            wanted.own_columns.clone(),
        );
        match existing.get(wanted.values.as_slice()) {
            None => plan.add.push(partition),
            Some(current) => {
                partition.parameters = replace_owned(
                    &current.parameters,
                    &partition.parameters,
                    owns_table_parameter,
                );
                partition.storage_descriptor.parameters = replace_owned(
                    &current.storage_descriptor.parameters,
                    &partition.storage_descriptor.parameters,
                    owns_table_parameter,
                );
                if partition != **current {
                    plan.update.push(partition);
                }
            }
        }
    }
    let inherit = desired.partitions.iter().all(|p| p.own_columns.is_none());
    for (values, current) in existing.iter().filter(|(v, _)| !wanted_values.contains(*v)) {
        if options.delete == DeleteBehavior::Delete {
            plan.delete.push(values.to_vec());
            continue;
        }
        plan.warnings.push(Warning::new(
            WarningCode::PartitionWithoutData,
            format!(
                "partition ({}) of {qualified} has no data files; kept (--delete-behavior delete removes it)",
                values.join(", ")
            ),
        ));
        // A kept partition still follows the table's schema (S3), or Athena reads it with the
        // old column positions.
        if inherit {
            let mut kept = (*current).clone();
            kept.storage_descriptor = StorageDescriptor {
                location: current.storage_descriptor.location.clone(),
                parameters: current.storage_descriptor.parameters.clone(),
                ..table_after.storage_descriptor.clone()
            };
            if kept != **current {
                plan.update.push(kept);
            }
        }
    }
    Ok(plan)
}

/// A table whose data is gone, or which is no longer a table of the lake: `why` says which.
fn plan_gone(
    plan: &mut Plan,
    qualified: &str,
    current: &TableDef,
    why: &str,
    options: &PlanOptions,
) {
    match options.delete {
        DeleteBehavior::Log => plan.warnings.push(Warning::new(
            WarningCode::TableWithoutData,
            format!("table {qualified} {why}; kept (--delete-behavior deprecate|delete)"),
        )),
        // Marked once, never rewritten while the root stays empty (S4).
        DeleteBehavior::Deprecate if !current.parameters.contains_key(DEPRECATED_KEY) => {
            let mut after = current.clone();
            after
                .parameters
                .insert(DEPRECATED_KEY.into(), options.now_ms.to_string());
            plan.table = TableAction::Update {
                before: Box::new(current.clone()),
                after: Box::new(after),
            };
        }
        DeleteBehavior::Deprecate => {}
        DeleteBehavior::Delete => plan.table = TableAction::Delete(current.name.clone()),
    }
}

/// Plans a table lakeops made under a lake root that is no longer one of its tables (the table
/// level changed, or its folder is gone): what `--delete-behavior` says.
pub fn plan_stale(database: &str, current: &TableDef, why: &str, options: &PlanOptions) -> Plan {
    let mut plan = Plan {
        database: database.to_owned(),
        create_database: false,
        table: TableAction::Keep,
        add: Vec::new(),
        update: Vec::new(),
        delete: Vec::new(),
        warnings: Vec::new(),
    };
    let qualified = format!("{database}.{}", current.name);
    plan_gone(&mut plan, &qualified, current, why, options);
    plan
}

fn same_table(a: &TableDef, b: &TableDef) -> bool {
    let strip = |t: &TableDef| TableDef {
        version_id: None,
        ..t.clone()
    };
    strip(a) == strip(b)
}
