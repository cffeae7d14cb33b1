//! A catalog in one JSON file: `{"Databases":[{"Name":..,"Tables":[{..TableInput..,
//! "Partitions":[..]}]}]}`. Loaded whole, saved whole (temp file, then rename) and only when
//! something was written, so an unchanged crawl leaves the file byte-identical.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Catalog, CatalogError, EntryError, PartitionDef, TableDef};

/// The marker that makes a JSON file recognisably a lakeops catalog, written first in every file.
pub const FORMAT: &str = "lakeops-catalog/1";

/// Unknown top-level keys are refused: a `--catalog-file` pointing at some other JSON file (a
/// `package.json`) must fail, never be rewritten as a catalog.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Document {
    /// [`FORMAT`]; absent only in files written before the marker existed, which must then hold
    /// `Databases`.
    #[serde(default)]
    format: Option<String>,
    databases: Vec<Database>,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            format: Some(FORMAT.to_owned()),
            databases: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Database {
    name: String,
    #[serde(default)]
    tables: Vec<StoredTable>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredTable {
    #[serde(flatten)]
    table: TableDef,
    #[serde(default)]
    partitions: Vec<PartitionDef>,
}

pub struct FileCatalog {
    path: PathBuf,
    document: Document,
    dirty: bool,
    /// Held from open to drop by a catalog opened for update (see [`FileCatalog::open_for_update`]).
    _lock: Option<std::fs::File>,
}

impl FileCatalog {
    /// Opens `path` to read; a missing file is an empty catalog.
    pub fn open(path: &Path) -> Result<FileCatalog, CatalogError> {
        Self::read(path, None)
    }

    /// Opens `path` to change it: an exclusive advisory lock on `PATH.lock` (beside it, never
    /// removed) is held until the catalog is dropped, so concurrent crawls into one file run one
    /// after the other and none loses another's tables. Readers need no lock: saves are atomic
    /// renames.
    pub fn open_for_update(path: &Path) -> Result<FileCatalog, CatalogError> {
        let error = |what: &Path, source: std::io::Error| CatalogError::FileIo {
            path: what.display().to_string(),
            source,
        };
        let mut lock_name = path.as_os_str().to_owned();
        lock_name.push(".lock");
        let lock_path = PathBuf::from(lock_name);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| error(&lock_path, e))?;
        use std::os::fd::AsRawFd;
        loop {
            // SAFETY: flock on a descriptor this function owns.
            if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) } == 0 {
                break;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(error(&lock_path, e));
            }
        }
        Self::read(path, Some(lock))
    }

    fn read(path: &Path, lock: Option<std::fs::File>) -> Result<FileCatalog, CatalogError> {
        let not_a_catalog = |source: crate::error::BoxError| CatalogError::NotACatalog {
            path: path.display().to_string(),
            source,
        };
        let document = match std::fs::read(path) {
            Ok(bytes) => {
                let document: Document =
                    serde_json::from_slice(&bytes).map_err(|e| not_a_catalog(e.into()))?;
                match document.format.as_deref() {
                    None | Some(FORMAT) => document,
                    Some(other) => {
                        return Err(not_a_catalog(format!("its format is {other:?}").into()));
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Document::default(),
            Err(source) => {
                return Err(CatalogError::FileIo {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        Ok(FileCatalog {
            path: path.to_owned(),
            document,
            dirty: false,
            _lock: lock,
        })
    }

    fn database(&mut self, name: &str) -> Option<&mut Database> {
        self.document.databases.iter_mut().find(|d| d.name == name)
    }

    fn table(&mut self, database: &str, name: &str) -> Result<&mut StoredTable, CatalogError> {
        self.database(database)
            .and_then(|d| d.tables.iter_mut().find(|t| t.table.name == name))
            .ok_or_else(|| CatalogError::Glue {
                operation: "GetTable",
                target: format!("{database}.{name}"),
                source: crate::aws::CallError::answered(
                    Some("EntityNotFoundException"),
                    Some("table not found"),
                    400,
                ),
            })
    }

    fn save(&mut self) -> Result<(), CatalogError> {
        let error = |source: std::io::Error| CatalogError::FileIo {
            path: self.path.display().to_string(),
            source,
        };
        let document = Document {
            format: Some(FORMAT.to_owned()),
            databases: std::mem::take(&mut self.document.databases),
        };
        let mut text = serde_json::to_string_pretty(&document).expect("catalog serialises");
        self.document = document;
        text.push('\n');
        crate::storage::write::write_atomically(&self.path, text.as_bytes()).map_err(error)
    }
}

fn missing(values: &[String], code: &str, message: &str) -> EntryError {
    EntryError {
        values: values.to_vec(),
        code: code.into(),
        message: message.into(),
    }
}

impl Catalog for FileCatalog {
    async fn database_exists(&mut self, database: &str) -> Result<bool, CatalogError> {
        Ok(self.database(database).is_some())
    }

    async fn create_database(&mut self, database: &str) -> Result<(), CatalogError> {
        if self.database(database).is_none() {
            self.document.databases.push(Database {
                name: database.to_owned(),
                tables: Vec::new(),
            });
            self.dirty = true;
        }
        Ok(())
    }

    async fn get_table(
        &mut self,
        database: &str,
        name: &str,
    ) -> Result<Option<TableDef>, CatalogError> {
        Ok(self.table(database, name).ok().map(|t| t.table.clone()))
    }

    async fn get_partitions(
        &mut self,
        database: &str,
        table: &str,
    ) -> Result<Vec<PartitionDef>, CatalogError> {
        Ok(self
            .table(database, table)
            .map(|t| t.partitions.clone())
            .unwrap_or_default())
    }

    async fn list_tables(&mut self, database: &str) -> Result<Vec<TableDef>, CatalogError> {
        let path = self.path.display().to_string();
        let db = self.database(database).ok_or_else(|| CatalogError::File {
            path,
            problem: format!("no database {database}"),
        })?;
        Ok(db.tables.iter().map(|t| t.table.clone()).collect())
    }

    async fn create_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError> {
        let db = self.database(database).ok_or_else(|| CatalogError::Glue {
            operation: "CreateTable",
            target: database.to_owned(),
            source: crate::aws::CallError::answered(
                Some("EntityNotFoundException"),
                Some("database not found"),
                400,
            ),
        })?;
        if db.tables.iter().any(|t| t.table.name == table.name) {
            // As Glue's AlreadyExists: the crawl re-reads the table and plans an update.
            return Err(CatalogError::ConcurrentModification(format!(
                "{database}.{}",
                table.name
            )));
        }
        let mut table = table.clone();
        table.version_id = Some("1".into());
        db.tables.push(StoredTable {
            table,
            partitions: Vec::new(),
        });
        self.dirty = true;
        Ok(())
    }

    async fn update_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError> {
        let stored = self.table(database, &table.name)?;
        if stored.table.version_id != table.version_id {
            return Err(CatalogError::ConcurrentModification(format!(
                "{database}.{}",
                table.name
            )));
        }
        let version: u64 = stored
            .table
            .version_id
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        stored.table = table.clone();
        stored.table.version_id = Some((version + 1).to_string());
        self.dirty = true;
        Ok(())
    }

    async fn delete_table(&mut self, database: &str, name: &str) -> Result<(), CatalogError> {
        if let Some(db) = self.database(database) {
            db.tables.retain(|t| t.table.name != name);
        }
        self.dirty = true;
        Ok(())
    }

    async fn create_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError> {
        let stored = self.table(database, table)?;
        let mut errors = Vec::new();
        for partition in partitions {
            if stored
                .partitions
                .iter()
                .any(|p| p.values == partition.values)
            {
                errors.push(missing(
                    &partition.values,
                    "AlreadyExistsException",
                    "partition exists",
                ));
            } else {
                stored.partitions.push(partition.clone());
            }
        }
        self.dirty = true;
        Ok(errors)
    }

    async fn update_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError> {
        let stored = self.table(database, table)?;
        let mut errors = Vec::new();
        for partition in partitions {
            match stored
                .partitions
                .iter_mut()
                .find(|p| p.values == partition.values)
            {
                Some(existing) => *existing = partition.clone(),
                None => errors.push(missing(
                    &partition.values,
                    "EntityNotFoundException",
                    "no such partition",
                )),
            }
        }
        self.dirty = true;
        Ok(errors)
    }

    async fn delete_partitions(
        &mut self,
        database: &str,
        table: &str,
        values: &[Vec<String>],
    ) -> Result<Vec<EntryError>, CatalogError> {
        let stored = self.table(database, table)?;
        stored.partitions.retain(|p| !values.contains(&p.values));
        self.dirty = true;
        Ok(Vec::new())
    }

    async fn finish(&mut self) -> Result<(), CatalogError> {
        if self.dirty {
            // Partitions in value order, so the file diffs cleanly between runs.
            for db in &mut self.document.databases {
                for table in &mut db.tables {
                    table.partitions.sort_by(|a, b| a.values.cmp(&b.values));
                }
            }
            self.save()?;
            self.dirty = false;
        }
        Ok(())
    }
}
