//! Table and partition definitions as the Glue Data Catalog holds them, and the two catalogs
//! lakeops writes them to: AWS Glue, and a JSON file on disk (same structure, PascalCase field
//! names as in Glue's API) so that a crawl runs with no AWS at all.
//!
//! The model keeps every field lakeops must carry through an UpdateTable without owning it
//! (Description, Owner, column comments, foreign parameters): Glue's UpdateTable replaces the
//! whole table, so whatever is not read back here would be wiped.

mod file;
mod glue;
pub mod hive_path;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use file::FileCatalog;
pub use glue::GlueCatalog;

pub type Parameters = BTreeMap<String, String>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_type: Option<String>,
    #[serde(default)]
    pub parameters: Parameters,
    #[serde(default)]
    pub partition_keys: Vec<Column>,
    #[serde(default)]
    pub storage_descriptor: StorageDescriptor,
    /// What UpdateTable must carry so that a concurrent writer is detected (I5); not compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Column {
    pub name: String,
    #[serde(rename = "Type")]
    pub type_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Parameters::is_empty")]
    pub parameters: Parameters,
}

impl Column {
    pub fn new(name: impl Into<String>, type_name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            type_name: type_name.into(),
            ..Column::default()
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StorageDescriptor {
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub input_format: String,
    #[serde(default)]
    pub output_format: String,
    #[serde(default)]
    pub compressed: bool,
    #[serde(default)]
    pub number_of_buckets: i32,
    #[serde(default)]
    pub serde_info: SerDeInfo,
    #[serde(default)]
    pub bucket_columns: Vec<String>,
    #[serde(default)]
    pub sort_columns: Vec<SortColumn>,
    #[serde(default)]
    pub parameters: Parameters,
    #[serde(default)]
    pub stored_as_sub_directories: bool,
}

/// A column the data is sorted by (Glue's `Order`): `sort_order` 1 ascending, 0 descending.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SortColumn {
    pub column: String,
    pub sort_order: i32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SerDeInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub serialization_library: String,
    #[serde(default)]
    pub parameters: Parameters,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartitionDef {
    pub values: Vec<String>,
    #[serde(default)]
    pub storage_descriptor: StorageDescriptor,
    #[serde(default)]
    pub parameters: Parameters,
}

/// A failure Glue reported for one entry of a batch call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError {
    pub values: Vec<String>,
    pub code: String,
    pub message: String,
}

impl EntryError {
    pub fn already_exists(&self) -> bool {
        self.code == "AlreadyExistsException"
    }

    pub fn not_found(&self) -> bool {
        self.code == "EntityNotFoundException"
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A Glue call that failed (or, for a catalog file, would have failed on Glue).
    #[error("{operation} {target}")]
    Glue {
        operation: &'static str,
        target: String,
        #[source]
        source: crate::aws::CallError,
    },
    /// UpdateTable found a newer table version than the one read (I5).
    #[error("table {0} was changed by someone else during the crawl")]
    ConcurrentModification(String),
    #[error("catalog file {path}")]
    FileIo {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// `problem` is ours.
    #[error("catalog file {path}: {problem}")]
    File { path: String, problem: String },
    /// A file lakeops did not write: `source` says why it is not one of ours.
    #[error(
        "catalog file {path}: not a lakeops catalog file; lakeops reads and writes only files it \
         made (\"Format\": \"{}\"), and never writes over another file",
        file::FORMAT
    )]
    NotACatalog {
        path: String,
        #[source]
        source: crate::error::BoxError,
    },
}

/// Glue's per-call limits (specs/crawl.md): real Glue rejects larger batches, moto does not.
pub const CREATE_PARTITIONS_MAX: usize = 100;
pub const UPDATE_PARTITIONS_MAX: usize = 100;
pub const DELETE_PARTITIONS_MAX: usize = 25;

/// The calls a crawl makes. Batch methods take at most the `*_MAX` entries above; callers chunk.
/// Every method except the getters counts as one catalog write call.
// Futures of these methods are awaited on the caller's task, never spawned, so they need no
// `Send` bound; the lint warns about exactly that.
#[allow(async_fn_in_trait)]
pub trait Catalog {
    async fn database_exists(&mut self, database: &str) -> Result<bool, CatalogError>;
    async fn create_database(&mut self, database: &str) -> Result<(), CatalogError>;
    async fn get_table(
        &mut self,
        database: &str,
        name: &str,
    ) -> Result<Option<TableDef>, CatalogError>;
    async fn get_partitions(
        &mut self,
        database: &str,
        table: &str,
    ) -> Result<Vec<PartitionDef>, CatalogError>;
    /// Every table of a database, in the catalog's order.
    async fn list_tables(&mut self, database: &str) -> Result<Vec<TableDef>, CatalogError>;
    async fn create_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError>;
    async fn update_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError>;
    async fn delete_table(&mut self, database: &str, name: &str) -> Result<(), CatalogError>;
    async fn create_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError>;
    async fn update_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError>;
    async fn delete_partitions(
        &mut self,
        database: &str,
        table: &str,
        values: &[Vec<String>],
    ) -> Result<Vec<EntryError>, CatalogError>;
    /// Makes the writes durable (the file catalog saves; Glue has nothing to do).
    async fn finish(&mut self) -> Result<(), CatalogError>;
}
