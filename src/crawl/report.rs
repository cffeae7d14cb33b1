//! What a crawl reports: the changes as `--plan` and `--json` show them, from the plan's diff of
//! the catalog before and after.

use std::time::Instant;

use serde::Serialize;

use super::{
    plan, table, CrawlOptions, Mode, OpenTable, OpenTableFormat, TableAction, Warning, WarningCode,
};
use crate::catalog::{Column, PartitionDef, TableDef};
use crate::storage::kind::Format;
use crate::storage::Store;

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
        table: String,
        values: Vec<String>,
        location: String,
    },
    UpdatePartition {
        table: String,
        values: Vec<String>,
        location: String,
    },
    DeletePartition {
        table: String,
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
    /// `--explain`: each column's, then each partition key's, provenance (`explain` records).
    #[serde(skip)]
    pub explain: Vec<super::Explain>,
    /// The root holds an open table format's table, which the crawl left alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_table: Option<OpenTable>,
}

impl CrawlReport {
    /// A root that holds an open table format's table: nothing sampled, nothing planned, a
    /// warning that says why.
    pub(super) fn left_alone(
        options: &CrawlOptions,
        location: String,
        open: OpenTable,
        store: &Store,
        started: Instant,
    ) -> CrawlReport {
        let mut message = format!(
            "{location} holds {} table ({}): left alone, as its data files without its {} \
             would give a wrong table, with deleted and replaced rows back",
            open.format.a_name(),
            open.marker,
            match open.format {
                OpenTableFormat::Iceberg => "metadata",
                OpenTableFormat::Delta | OpenTableFormat::Hudi => "log",
            },
        );
        if options.open_tables == super::OpenTables::Register {
            message.push_str("; --open-tables register registers Iceberg and Delta Lake only");
        }
        let warning = Warning::new(WarningCode::OpenTable, message);
        CrawlReport {
            warnings: vec![warning],
            open_table: Some(open),
            bytes_read: store.bytes_read(),
            requests: store.requests(),
            ..CrawlReport::nothing_read(options, &options.table, location, started)
        }
    }

    /// A table whose objects were not read: left alone, or a lake's stale table.
    pub(super) fn nothing_read(
        options: &CrawlOptions,
        table: &str,
        location: String,
        started: Instant,
    ) -> CrawlReport {
        CrawlReport {
            mode: options.mode,
            database: options.database.clone(),
            table: table.to_owned(),
            location,
            format: None,
            compression: None,
            changed: false,
            writes: 0,
            planned_writes: 0,
            columns: Vec::new(),
            partition_keys: Vec::new(),
            partitions: 0,
            partitions_added: 0,
            partitions_updated: 0,
            partitions_deleted: 0,
            objects_listed: 0,
            objects_ignored: 0,
            objects_sampled: 0,
            objects_cached: 0,
            bytes_stored: 0,
            bytes_read: 0,
            requests: 0,
            records_estimated: 0,
            elapsed_ms: started.elapsed().as_millis() as u64,
            warnings: Vec::new(),
            rejected: Vec::new(),
            changes: Vec::new(),
            explain: Vec::new(),
            open_table: None,
        }
    }
}

pub(super) fn column_list(columns: &[Column]) -> Vec<ColumnOut> {
    columns
        .iter()
        .map(|c| ColumnOut {
            name: c.name.clone(),
            type_name: c.type_name.clone(),
        })
        .collect()
}

pub(super) fn changes(plan: &plan::Plan, table: &str) -> Vec<Change> {
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
            .map(|(values, location)| Change::AddPartition {
                table: qualified.clone(),
                values,
                location,
            }),
    );
    changes.extend(plan.update.iter().map(partition).map(|(values, location)| {
        Change::UpdatePartition {
            table: qualified.clone(),
            values,
            location,
        }
    }));
    changes.extend(plan.delete.iter().map(|values| Change::DeletePartition {
        table: qualified.clone(),
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
