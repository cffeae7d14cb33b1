//! The spec's worked examples (E1–E17), the hybrid scenario (H1–H4), schema-change and
//! idempotency rules (S1–S5, I1–I5), run through the whole crawl over a local directory and a
//! catalog file. A recording wrapper counts catalog write calls and their batch sizes; fault
//! wrappers stand in for what moto cannot do (Glue's batch limits, ConcurrentModification,
//! partitions created by an interrupted run). This file holds that harness; the tests are in
//! `examples` (E1–E17), `runs` (the hybrid scenario, idempotency, ownership, schema change) and
//! `formats` (CSV, statistics, state file, limits, typed keys, error texts) and `temporal`
//! (`--infer-temporal`).

mod examples;
mod explain;
mod formats;
mod lake;
mod runs;
mod temporal;

use std::collections::BTreeMap;

use crate::catalog::{Column, PartitionDef, TableDef};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray};

use super::*;
use crate::catalog::{EntryError, FileCatalog, Parameters};
use crate::progress::NoProgress;

fn options() -> CrawlOptions {
    CrawlOptions {
        database: "db".into(),
        table: "t".into(),
        mode: Mode::Apply,
        update: UpdateBehavior::Merge,
        delete: DeleteBehavior::Log,
        partition_schema: PartitionSchema::Inherit,
        limits: SampleLimits {
            bytes: 1 << 20,
            records: 1000,
            format: FormatChoice::Auto,
            csv_header: csv::Header::Auto,
            infer_temporal: false,
        },
        include: Vec::new(),
        exclude: Vec::new(),
        overrides: BTreeMap::new(),
        sanitize_names: false,
        adopt: false,
        recreate: false,
        partition_types: BTreeMap::new(),
        concurrency: 4,
        skip_mismatched: false,
        state_file: None,
        open_tables: OpenTables::Leave,
        explain: false,
    }
}

/// Catalog write calls as (operation, entries).
type Calls = Vec<(&'static str, usize)>;

#[derive(Default)]
struct Faults {
    /// Pretend the catalog has no partitions (an interrupted run left them unseen).
    hide_partitions: bool,
    /// Fail this many UpdateTable calls with ConcurrentModification.
    concurrent_updates: u32,
}

struct Recording {
    inner: FileCatalog,
    calls: Calls,
    faults: Faults,
}

impl Catalog for Recording {
    async fn database_exists(&mut self, database: &str) -> Result<bool, CatalogError> {
        self.inner.database_exists(database).await
    }
    async fn create_database(&mut self, database: &str) -> Result<(), CatalogError> {
        self.calls.push(("CreateDatabase", 1));
        self.inner.create_database(database).await
    }
    async fn get_table(
        &mut self,
        database: &str,
        name: &str,
    ) -> Result<Option<TableDef>, CatalogError> {
        self.inner.get_table(database, name).await
    }
    async fn get_partitions(
        &mut self,
        database: &str,
        table: &str,
    ) -> Result<Vec<PartitionDef>, CatalogError> {
        if self.faults.hide_partitions {
            return Ok(Vec::new());
        }
        self.inner.get_partitions(database, table).await
    }
    async fn list_tables(&mut self, database: &str) -> Result<Vec<TableDef>, CatalogError> {
        self.inner.list_tables(database).await
    }
    async fn create_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError> {
        self.calls.push(("CreateTable", 1));
        self.inner.create_table(database, table).await
    }
    async fn update_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError> {
        self.calls.push(("UpdateTable", 1));
        if self.faults.concurrent_updates > 0 {
            self.faults.concurrent_updates -= 1;
            return Err(CatalogError::ConcurrentModification(table.name.clone()));
        }
        self.inner.update_table(database, table).await
    }
    async fn delete_table(&mut self, database: &str, name: &str) -> Result<(), CatalogError> {
        self.calls.push(("DeleteTable", 1));
        self.inner.delete_table(database, name).await
    }
    async fn create_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError> {
        assert!(
            partitions.len() <= crate::catalog::CREATE_PARTITIONS_MAX,
            "Glue allows 100 per BatchCreatePartition"
        );
        self.calls.push(("BatchCreatePartition", partitions.len()));
        self.inner
            .create_partitions(database, table, partitions)
            .await
    }
    async fn update_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError> {
        assert!(
            partitions.len() <= crate::catalog::UPDATE_PARTITIONS_MAX,
            "Glue allows 100 per BatchUpdatePartition"
        );
        self.calls.push(("BatchUpdatePartition", partitions.len()));
        self.inner
            .update_partitions(database, table, partitions)
            .await
    }
    async fn delete_partitions(
        &mut self,
        database: &str,
        table: &str,
        values: &[Vec<String>],
    ) -> Result<Vec<EntryError>, CatalogError> {
        assert!(
            values.len() <= crate::catalog::DELETE_PARTITIONS_MAX,
            "Glue allows 25 per BatchDeletePartition"
        );
        self.calls.push(("BatchDeletePartition", values.len()));
        self.inner.delete_partitions(database, table, values).await
    }
    async fn finish(&mut self) -> Result<(), CatalogError> {
        self.inner.finish().await
    }
}

struct Lake {
    dir: tempfile::TempDir,
}

impl Lake {
    fn new() -> Lake {
        let lake = Lake {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(lake.root()).unwrap();
        lake
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("t")
    }

    fn catalog_path(&self) -> PathBuf {
        self.dir.path().join("catalog.json")
    }

    fn put(&self, key: &str, bytes: impl AsRef<[u8]>) {
        let path = self.root().join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn lines(&self, key: &str, lines: &[&str]) {
        self.put(
            key,
            lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
        );
    }

    fn crawl_with(
        &self,
        options: &CrawlOptions,
        faults: Faults,
    ) -> Result<(CrawlReport, Calls), CrawlError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = Store::local(self.root());
        let mut catalog = Recording {
            inner: FileCatalog::open(&self.catalog_path()).unwrap(),
            calls: Vec::new(),
            faults,
        };
        let report = runtime.block_on(crawl(&store, &mut catalog, options, &NoProgress))?;
        Ok((report, catalog.calls))
    }

    fn crawl(&self) -> Result<(CrawlReport, Calls), CrawlError> {
        self.crawl_with(&options(), Faults::default())
    }

    fn table(&self) -> TableDef {
        self.table_named("t")
    }

    fn table_named(&self, name: &str) -> TableDef {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut catalog = FileCatalog::open(&self.catalog_path()).unwrap();
        runtime
            .block_on(catalog.get_table("db", name))
            .unwrap()
            .expect("table exists")
    }

    fn partitions(&self) -> Vec<PartitionDef> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut catalog = FileCatalog::open(&self.catalog_path()).unwrap();
        runtime.block_on(catalog.get_partitions("db", "t")).unwrap()
    }

    fn columns(&self) -> String {
        columns_of(&self.table().storage_descriptor.columns)
    }
}

fn columns_of(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.type_name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs one example: files A and B (JSON lines) → the table's columns.
fn example(a: &[&str], b: &[&str]) -> (String, CrawlReport, Lake) {
    let lake = Lake::new();
    lake.lines("a.json", a);
    if !b.is_empty() {
        lake.lines("b.json", b);
    }
    let (report, _) = lake.crawl().expect("crawl succeeds");
    (lake.columns(), report, lake)
}

fn codes(report: &CrawlReport) -> Vec<&'static str> {
    report.warnings.iter().map(|w| w.code().as_str()).collect()
}

fn parquet_bytes(column: ArrayRef) -> Vec<u8> {
    let batch = RecordBatch::try_from_iter([("a", column)]).unwrap();
    let mut bytes = Vec::new();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    bytes
}

fn gzip(lines: &[&str]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for line in lines {
        writeln!(encoder, "{line}").unwrap();
    }
    encoder.finish().unwrap()
}

fn count(calls: &Calls, operation: &str) -> usize {
    calls.iter().filter(|(op, _)| *op == operation).count()
}
