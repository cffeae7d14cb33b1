//! The spec's worked examples (E1–E17), the hybrid scenario (H1–H4), schema-change and
//! idempotency rules (S1–S5, I1–I5), run through the whole crawl over a local directory and a
//! catalog file. A recording wrapper counts catalog write calls and their batch sizes; fault
//! wrappers stand in for what moto cannot do (Glue's batch limits, ConcurrentModification,
//! partitions created by an interrupted run).

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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut catalog = FileCatalog::open(&self.catalog_path()).unwrap();
        runtime
            .block_on(catalog.get_table("db", "t"))
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

#[test]
fn e1_to_e8_json_merges() {
    assert_eq!(
        example(&[r#"{"a":1}"#], &[r#"{"a":5000000000}"#]).0,
        "a bigint"
    );
    assert_eq!(example(&[r#"{"a":1}"#], &[r#"{"a":1.5}"#]).0, "a double");
    assert_eq!(example(&[r#"{"a":1}"#], &[r#"{"a":"x"}"#]).0, "a string");
    assert_eq!(example(&[r#"{"a":true}"#], &[r#"{"a":1}"#]).0, "a string");
    assert_eq!(
        example(&[r#"{"a":null}"#], &[r#"{"b":2}"#]).0,
        "a string, b int"
    );
    assert_eq!(
        example(&[r#"{"a":{"b":1}}"#], &[r#"{"a":{"c":"x"}}"#]).0,
        "a struct<b:int,c:string>"
    );
    assert_eq!(
        example(&[r#"{"a":[]}"#], &[r#"{"a":[1]}"#]).0,
        "a array<int>"
    );
    assert_eq!(example(&[r#"{"a":[]}"#], &[]).0, "a array<string>");
    assert_eq!(
        example(&[r#"{"a":[{"x":1}]}"#], &[r#"{"a":[{"y":2.5}]}"#]).0,
        "a array<struct<x:int,y:double>>"
    );
}

#[test]
fn e9_kind_conflict_is_string_with_a_warning() {
    let (columns, report, _) = example(&[r#"{"a":1}"#], &[r#"{"a":{"b":1}}"#]);
    assert_eq!(columns, "a string");
    assert_eq!(codes(&report), ["W_KIND_CONFLICT"]);
}

#[test]
fn e10_case_collision_is_one_column_with_a_warning() {
    let (columns, report, _) = example(&[r#"{"DeviceId":"x"}"#], &[r#"{"deviceid":"y"}"#]);
    assert_eq!(columns, "deviceid string");
    assert_eq!(codes(&report), ["W_CASE_COLLISION"]);
    let (_, same_record, _) = example(&[r#"{"Id":"x","ID":"y"}"#], &[]);
    assert!(
        same_record
            .warnings
            .iter()
            .any(|w| w.message.contains("same record")),
        "{:?}",
        same_record.warnings
    );
}

#[test]
fn e11_names_keep_dashes_unless_sanitized() {
    assert_eq!(
        example(&[r#"{"detail-type":"x"}"#], &[]).0,
        "detail-type string"
    );
    let lake = Lake::new();
    lake.lines("a.json", &[r#"{"detail-type":"x"}"#]);
    let mut sanitized = options();
    sanitized.sanitize_names = true;
    lake.crawl_with(&sanitized, Faults::default()).unwrap();
    let table = lake.table();
    assert_eq!(
        columns_of(&table.storage_descriptor.columns),
        "detail_type string"
    );
    assert_eq!(
        table
            .storage_descriptor
            .serde_info
            .parameters
            .get("mapping.detail_type")
            .map(String::as_str),
        Some("detail-type")
    );
}

#[test]
fn e12_dates_stay_strings() {
    assert_eq!(example(&[r#"{"a":"2024-01-01"}"#], &[]).0, "a string");
}

#[test]
fn e16_a_json_array_document_is_refused_and_nothing_is_written() {
    let lake = Lake::new();
    lake.put("a.json", "[{\"a\":1},{\"a\":2}]\n");
    let err = lake.crawl().unwrap_err().to_string();
    assert!(err.starts_with("E_NOT_JSON_LINES"), "{err}");
    assert!(err.contains("a.json"), "{err}");
    assert!(!lake.catalog_path().exists(), "nothing written");
    let pretty = Lake::new();
    pretty.put("a.json", "{\n  \"a\": 1\n}\n");
    assert!(pretty
        .crawl()
        .unwrap_err()
        .to_string()
        .starts_with("E_NOT_JSON_LINES"));
}

#[test]
fn e17_column_order_is_first_seen_and_paths_are_sorted() {
    let (columns, _, lake) = example(&[r#"{"z":1,"a":2}"#], &[r#"{"z":3,"a":4,"m":5}"#]);
    assert_eq!(columns, "z int, a int, m int");
    let serde = &lake.table().storage_descriptor.serde_info;
    assert_eq!(
        serde.serialization_library,
        "org.openx.data.jsonserde.JsonSerDe"
    );
    assert_eq!(
        serde.parameters.get("paths").map(String::as_str),
        Some("a,m,z")
    );
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

#[test]
fn e13_to_e15_parquet_merges_strictly() {
    let lake = Lake::new();
    lake.put(
        "a.parquet",
        parquet_bytes(Arc::new(Int32Array::from(vec![1, 2]))),
    );
    lake.put(
        "b.parquet",
        parquet_bytes(Arc::new(Int64Array::from(vec![3]))),
    );
    let (report, _) = lake.crawl().unwrap();
    assert_eq!(lake.columns(), "a bigint");
    let table = lake.table();
    assert_eq!(table.parameters["classification"], "parquet");
    assert_eq!(
        table.parameters["recordCount"], "3",
        "exact footer row counts"
    );
    assert_eq!(
        table.storage_descriptor.serde_info.serialization_library,
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    );
    assert!(report.bytes_read < report.bytes_stored + 1);

    for other in [
        parquet_bytes(Arc::new(StringArray::from(vec!["x"]))),
        parquet_bytes(Arc::new(Float64Array::from(vec![1.5]))),
    ] {
        let lake = Lake::new();
        let first: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        lake.put("a.parquet", parquet_bytes(first));
        lake.put("b.parquet", &other);
        let err = lake.crawl().unwrap_err().to_string();
        assert!(err.starts_with("E_TYPE_CONFLICT"), "{err}");
        assert!(
            err.contains("a.parquet") && err.contains("b.parquet"),
            "names both files: {err}"
        );
        assert!(!lake.catalog_path().exists(), "nothing written");

        let mut pinned = options();
        pinned.overrides.insert("a".into(), DataType::String);
        lake.crawl_with(&pinned, Faults::default()).unwrap();
        assert_eq!(lake.columns(), "a string", "--type resolves the conflict");
    }
}

/// Glue-style partitions of the hybrid scenario: `year=2024/month=01/day=DD/hour=00/`.
fn hour(day: &str) -> String {
    format!("year=2024/month=01/day={day}/hour=00/data.json.gz")
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

#[test]
fn hybrid_scenario_h1_to_h4() {
    let lake = Lake::new();
    lake.put(
        &hour("01"),
        gzip(&[
            r#"{"deviceId":"d1","temperature":21.5,"status":"OK","ts":"2024-01-01T00:00:00Z"}"#,
        ]),
    );
    let (_, calls) = lake.crawl().unwrap();
    assert_eq!(
        lake.columns(),
        "deviceid string, temperature double, status string, ts string"
    );
    let table = lake.table();
    assert_eq!(
        columns_of(&table.partition_keys),
        "year string, month string, day string, hour string"
    );
    assert_eq!(table.parameters["compressionType"], "gzip");
    assert_eq!(
        table.storage_descriptor.location,
        format!("file://{}/", lake.root().canonicalize().unwrap().display())
    );
    assert_eq!(
        calls,
        [
            ("CreateDatabase", 1),
            ("CreateTable", 1),
            ("BatchCreatePartition", 1)
        ]
    );

    // H2: a new column, and an integer where there was a double.
    lake.put(
        &hour("02"),
        gzip(&[r#"{"deviceId":"d1","temperature":22,"status":"OK","ts":"x","serviceRecommendedDate":"2024-03-01"}"#]),
    );
    let (report, calls) = lake.crawl().unwrap();
    assert_eq!(
        lake.columns(),
        "deviceid string, temperature double, status string, ts string, servicerecommendeddate string"
    );
    assert_eq!(
        calls,
        [
            ("UpdateTable", 1),
            ("BatchCreatePartition", 1),
            ("BatchUpdatePartition", 1)
        ]
    );
    assert_eq!(report.writes, 3);
    let table = lake.table();
    for partition in lake.partitions() {
        assert_eq!(
            partition.storage_descriptor.columns, table.storage_descriptor.columns,
            "S3: partitions inherit"
        );
        assert!(partition.storage_descriptor.location.ends_with('/'));
    }

    // H3: a field dropped from new data stays in the table.
    lake.put(
        &hour("03"),
        gzip(&[r#"{"deviceId":"d2","temperature":20.0,"ts":"y"}"#]),
    );
    let (_, calls) = lake.crawl().unwrap();
    assert!(lake.columns().contains("status string"));
    assert_eq!(calls, [("BatchCreatePartition", 1)]);

    // H4 / I1: nothing changed, nothing written, the catalog file untouched.
    let before = std::fs::read(lake.catalog_path()).unwrap();
    let (report, calls) = lake.crawl().unwrap();
    assert!(calls.is_empty(), "{calls:?}");
    assert_eq!(
        (report.writes, report.planned_writes, report.changed),
        (0, 0, false)
    );
    assert_eq!(std::fs::read(lake.catalog_path()).unwrap(), before);
}

#[test]
fn plan_and_check_write_nothing() {
    let lake = Lake::new();
    lake.lines("a.json", &[r#"{"a":1}"#]);
    for mode in [Mode::Plan, Mode::Check] {
        let mut o = options();
        o.mode = mode;
        let (report, calls) = lake.crawl_with(&o, Faults::default()).unwrap();
        assert!(calls.is_empty());
        assert!(report.changed);
        assert_eq!(report.planned_writes, 2, "CreateDatabase and CreateTable");
        assert!(matches!(report.changes[1], Change::CreateTable { .. }));
        assert!(!lake.catalog_path().exists());
    }
}

#[test]
fn batches_are_chunked_at_glue_limits() {
    let lake = Lake::new();
    for i in 0..230 {
        lake.lines(&format!("k={i:03}/a.json"), &[r#"{"a":1}"#]);
    }
    let (_, calls) = lake.crawl().unwrap();
    let creates: Vec<usize> = calls
        .iter()
        .filter(|(op, _)| *op == "BatchCreatePartition")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(creates, [100, 100, 30]);

    // A new column updates every partition, 100 per call.
    lake.lines("k=000/b.json", &[r#"{"a":1,"b":"x"}"#]);
    let (_, calls) = lake.crawl().unwrap();
    let updates: Vec<usize> = calls
        .iter()
        .filter(|(op, _)| *op == "BatchUpdatePartition")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(updates, [100, 100, 30]);

    for i in 0..30 {
        std::fs::remove_dir_all(lake.root().join(format!("k={i:03}"))).unwrap();
    }
    let mut delete = options();
    delete.delete = DeleteBehavior::Delete;
    let (report, calls) = lake.crawl_with(&delete, Faults::default()).unwrap();
    let deletes: Vec<usize> = calls
        .iter()
        .filter(|(op, _)| *op == "BatchDeletePartition")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(deletes, [25, 5]);
    assert_eq!(report.partitions_deleted, 30);
    assert_eq!(lake.partitions().len(), 200);
}

#[test]
fn partitions_without_data_are_kept_by_default() {
    let lake = Lake::new();
    lake.lines("k=1/a.json", &[r#"{"a":1}"#]);
    lake.lines("k=2/a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    std::fs::remove_dir_all(lake.root().join("k=2")).unwrap();
    let (report, calls) = lake.crawl().unwrap();
    assert!(calls.is_empty());
    assert_eq!(codes(&report), ["W_PARTITION_WITHOUT_DATA"]);
    assert_eq!(lake.partitions().len(), 2);
}

#[test]
fn interrupted_runs_converge_creates_become_updates() {
    let lake = Lake::new();
    lake.lines("k=1/a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    lake.lines("k=1/b.json", &[r#"{"a":1,"b":2}"#]);
    let faults = Faults {
        hide_partitions: true,
        ..Faults::default()
    };
    let (report, calls) = lake.crawl_with(&options(), faults).unwrap();
    assert_eq!(
        calls,
        [
            ("UpdateTable", 1),
            ("BatchCreatePartition", 1),
            ("BatchUpdatePartition", 1)
        ]
    );
    assert!(
        report.rejected.is_empty(),
        "AlreadyExists became an update: {:?}",
        report.rejected
    );
    let partition = &lake.partitions()[0];
    assert_eq!(
        columns_of(&partition.storage_descriptor.columns),
        "a int, b int"
    );
    let (_, calls) = lake.crawl().unwrap();
    assert!(calls.is_empty(), "converged: {calls:?}");
}

#[test]
fn concurrent_modification_replans_at_most_three_times() {
    let lake = Lake::new();
    lake.lines("a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    lake.lines("b.json", &[r#"{"b":1}"#]);
    let once = Faults {
        concurrent_updates: 1,
        ..Faults::default()
    };
    let (_, calls) = lake.crawl_with(&options(), once).unwrap();
    assert_eq!(count(&calls, "UpdateTable"), 2);
    assert_eq!(lake.columns(), "a int, b int");

    lake.lines("c.json", &[r#"{"c":1}"#]);
    let always = Faults {
        concurrent_updates: 10,
        ..Faults::default()
    };
    let err = lake.crawl_with(&options(), always).unwrap_err();
    assert!(matches!(err, CrawlError::TooManyConflicts(3)), "{err}");
}

#[test]
fn concurrency_does_not_change_the_result() {
    let mut outputs = Vec::new();
    for concurrency in [1, 32] {
        let lake = Lake::new();
        for i in 0..40 {
            let line = match i % 3 {
                0 => format!(r#"{{"id":{i},"v":1}}"#),
                1 => format!(r#"{{"id":{i},"w":"x","v":2.5}}"#),
                _ => format!(r#"{{"id":{i},"nested":{{"k{i}":true}}}}"#),
            };
            lake.lines(&format!("p={}/f{i:02}.json", i % 5), &[&line]);
        }
        let mut o = options();
        o.concurrency = concurrency;
        lake.crawl_with(&o, Faults::default()).unwrap();
        let text = std::fs::read_to_string(lake.catalog_path()).unwrap();
        outputs.push(text.replace(
            &lake.root().canonicalize().unwrap().display().to_string(),
            "ROOT",
        ));
    }
    assert_eq!(outputs[0], outputs[1]);
}

/// A table someone else made (or edited) in the catalog file, as Glue would hold it.
fn seed_foreign_table(lake: &Lake, owned: bool) {
    lake.lines("a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    let mut text: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lake.catalog_path()).unwrap()).unwrap();
    let table = &mut text["Databases"][0]["Tables"][0];
    table["Description"] = "hand-written".into();
    table["Parameters"]["team"] = "sensors".into();
    table["StorageDescriptor"]["Columns"][0]["Comment"] = "the a".into();
    table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["ignore.malformed.json"] = "true".into();
    if !owned {
        table["Parameters"]
            .as_object_mut()
            .unwrap()
            .remove(table::OWNER_KEY);
    }
    std::fs::write(lake.catalog_path(), serde_json::to_vec(&text).unwrap()).unwrap();
}

#[test]
fn updates_keep_what_lakeops_does_not_own() {
    let lake = Lake::new();
    seed_foreign_table(&lake, true);
    lake.lines("b.json", &[r#"{"a":2,"b":"x"}"#]);
    let (report, _) = lake.crawl().unwrap();
    let Change::UpdateTable { added_columns, .. } = &report.changes[0] else {
        panic!("{:?}", report.changes)
    };
    assert_eq!(added_columns[0].name, "b");
    let table = lake.table();
    assert_eq!(table.description.as_deref(), Some("hand-written"));
    assert_eq!(table.parameters["team"], "sensors");
    assert_eq!(
        table.storage_descriptor.columns[0].comment.as_deref(),
        Some("the a")
    );
    assert_eq!(
        table.storage_descriptor.serde_info.parameters["ignore.malformed.json"],
        "true"
    );
    assert_eq!(
        table.storage_descriptor.serde_info.parameters["paths"],
        "a,b"
    );
}

#[test]
fn foreign_tables_need_adopt() {
    let lake = Lake::new();
    seed_foreign_table(&lake, false);
    let err = lake.crawl().unwrap_err().to_string();
    assert!(err.starts_with("E_NOT_OWNED"), "{err}");
    let mut adopt = options();
    adopt.adopt = true;
    lake.crawl_with(&adopt, Faults::default()).unwrap();
    let table = lake.table();
    assert_eq!(table.parameters[table::OWNER_KEY], table::OWNER);
    assert_eq!(table.description.as_deref(), Some("hand-written"));
}

#[test]
fn format_and_partition_key_changes_are_incompatible() {
    let lake = Lake::new();
    lake.lines("a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    std::fs::remove_file(lake.root().join("a.json")).unwrap();
    lake.put(
        "a.parquet",
        parquet_bytes(Arc::new(Int32Array::from(vec![1]))),
    );
    let err = lake.crawl().unwrap_err().to_string();
    assert!(
        err.starts_with("E_INCOMPATIBLE") && err.contains("classification"),
        "{err}"
    );

    let keyed = Lake::new();
    keyed.lines("a.json", &[r#"{"a":1}"#]);
    keyed.crawl().unwrap();
    std::fs::remove_file(keyed.root().join("a.json")).unwrap();
    keyed.lines("year=2024/a.json", &[r#"{"a":1}"#]);
    let err = keyed.crawl().unwrap_err().to_string();
    assert!(
        err.starts_with("E_INCOMPATIBLE") && err.contains("partition keys"),
        "{err}"
    );
}

#[test]
fn update_behaviors() {
    let lake = Lake::new();
    lake.lines("a.json", &[r#"{"a":1,"old":1}"#]);
    lake.crawl().unwrap();
    std::fs::remove_file(lake.root().join("a.json")).unwrap();
    lake.lines("b.json", &[r#"{"a":1.5,"new":1}"#]);

    let mut log = options();
    log.update = UpdateBehavior::Log;
    let (report, calls) = lake.crawl_with(&log, Faults::default()).unwrap();
    assert!(calls.is_empty());
    assert_eq!(codes(&report), ["W_UPDATE_LOGGED"]);

    let (_, _) = lake.crawl().unwrap();
    assert_eq!(
        lake.columns(),
        "a double, old int, new int",
        "merge widens, keeps, appends"
    );

    let mut replace = options();
    replace.update = UpdateBehavior::Replace;
    lake.crawl_with(&replace, Faults::default()).unwrap();
    assert_eq!(
        lake.columns(),
        "a double, new int",
        "replace takes the data's columns"
    );
}

#[test]
fn empty_roots_follow_the_delete_behavior() {
    let lake = Lake::new();
    let err = lake.crawl().unwrap_err().to_string();
    assert!(err.starts_with("E_NO_DATA"), "{err}");

    lake.lines("a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    std::fs::remove_file(lake.root().join("a.json")).unwrap();
    let (report, calls) = lake.crawl().unwrap();
    assert!(calls.is_empty());
    assert_eq!(codes(&report), ["W_TABLE_WITHOUT_DATA"]);

    let mut deprecate = options();
    deprecate.delete = DeleteBehavior::Deprecate;
    let (_, calls) = lake.crawl_with(&deprecate, Faults::default()).unwrap();
    assert_eq!(calls, [("UpdateTable", 1)]);
    let marked = lake.table().parameters[table::DEPRECATED_KEY].clone();
    assert!(
        marked.parse::<u64>().unwrap() > 1_700_000_000_000,
        "epoch milliseconds"
    );
    let (_, calls) = lake.crawl_with(&deprecate, Faults::default()).unwrap();
    assert!(calls.is_empty(), "never rewritten while still empty");

    lake.lines("a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    assert!(
        !lake.table().parameters.contains_key(table::DEPRECATED_KEY),
        "data returned: marker removed"
    );

    std::fs::remove_file(lake.root().join("a.json")).unwrap();
    let mut delete = options();
    delete.delete = DeleteBehavior::Delete;
    let (_, calls) = lake.crawl_with(&delete, Faults::default()).unwrap();
    assert_eq!(calls, [("DeleteTable", 1)]);
}

#[test]
fn csv_tables() {
    let lake = Lake::new();
    lake.put("a.csv", "id,name,score\n1,ann,2.5\n2,bob,3\n");
    lake.put("b.csv", "id,name,score\n3,cy,4\n");
    lake.crawl().unwrap();
    assert_eq!(lake.columns(), "id bigint, name string, score double");
    let table = lake.table();
    let p: &Parameters = &table.parameters;
    assert_eq!(
        (p["classification"].as_str(), p["delimiter"].as_str()),
        ("csv", ",")
    );
    assert_eq!(p["skip.header.line.count"], "1");
    assert_eq!(
        table.storage_descriptor.serde_info.serialization_library,
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    );
    assert_eq!(
        table.storage_descriptor.serde_info.parameters["field.delim"],
        ","
    );

    let quoted = Lake::new();
    quoted.put("a.csv", "id,comment\n1,\"a, b\"\n");
    quoted.crawl().unwrap();
    let table = quoted.table();
    assert_eq!(
        table.storage_descriptor.serde_info.serialization_library,
        "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    );
    assert_eq!(
        quoted.columns(),
        "id string, comment string",
        "OpenCSVSerDe reads strings"
    );
}

#[test]
fn text_statistics_and_sampling_limits() {
    let lake = Lake::new();
    // Text that does not compress away, so the gzip object is larger than one sampling read.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut noise = || {
        (0..6)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                format!("{:015x}", state >> 4)
            })
            .collect::<String>()
    };
    let lines: Vec<String> = (0..5000)
        .map(|i| format!(r#"{{"id":{i:04},"text":"{}"}}"#, noise()))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    lake.put("a.json.gz", gzip(&refs));
    lake.lines("b.json", &refs[..10]);
    let mut small = options();
    small.limits.records = 100;
    let (report, _) = lake.crawl_with(&small, Faults::default()).unwrap();
    assert!(
        report.bytes_read < report.bytes_stored,
        "{} of {}",
        report.bytes_read,
        report.bytes_stored
    );
    let table = lake.table();
    assert_eq!(table.parameters["objectCount"], "2");
    let records: u64 = table.parameters["recordCount"].parse().unwrap();
    assert!(
        (4000..6000).contains(&records),
        "estimated from the sample: {records}"
    );
    let average: u64 = table.parameters["averageRecordSize"].parse().unwrap();
    assert!((100..120).contains(&average), "{average}");
    assert_eq!(table.parameters["compressionType"], "gzip,none");
}

#[test]
fn zstd_objects_and_bad_lines() {
    let lake = Lake::new();
    let text = "{\"a\":1}\nnot json\n{\"a\":2}\n";
    lake.put(
        "a.json.zst",
        zstd::stream::encode_all(text.as_bytes(), 3).unwrap(),
    );
    let (report, _) = lake.crawl().unwrap();
    assert_eq!(lake.columns(), "a int");
    assert_eq!(lake.table().parameters["compressionType"], "zstd");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, Some(2));
}

#[test]
fn partition_schema_own_keeps_each_partitions_columns() {
    let lake = Lake::new();
    lake.put(
        "k=1/a.parquet",
        parquet_bytes(Arc::new(Int32Array::from(vec![1]))),
    );
    lake.put(
        "k=2/a.parquet",
        parquet_bytes(Arc::new(Int64Array::from(vec![1]))),
    );
    let mut own = options();
    own.partition_schema = PartitionSchema::Own;
    lake.crawl_with(&own, Faults::default()).unwrap();
    assert_eq!(lake.columns(), "a bigint");
    let partitions = lake.partitions();
    assert_eq!(
        columns_of(&partitions[0].storage_descriptor.columns),
        "a int"
    );
    assert_eq!(
        columns_of(&partitions[1].storage_descriptor.columns),
        "a bigint"
    );
    assert_eq!(
        lake.table().parameters["partition_filtering.enabled"],
        "true"
    );
}

#[test]
fn glue_limits_are_checked_before_writing() {
    let lake = Lake::new();
    let long = "k".repeat(300);
    lake.lines("a.json", &[&format!(r#"{{"{long}":1}}"#)]);
    let err = lake.crawl().unwrap_err().to_string();
    assert!(
        err.starts_with("E_GLUE_LIMIT") && err.contains("column name"),
        "{err}"
    );
    assert!(!lake.catalog_path().exists());
}

#[test]
fn i7_with_a_state_file_an_unchanged_root_is_only_listed() {
    let lake = Lake::new();
    lake.put("k=1/a.json.gz", gzip(&[r#"{"a":1}"#, r#"{"a":2}"#]));
    lake.lines("k=2/b.json", &[r#"{"b":"x"}"#]);
    let mut o = options();
    o.state_file = Some(lake.dir.path().join("state.json"));
    let (first, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!((first.objects_sampled, first.objects_cached), (2, 0));
    let catalog = std::fs::read(lake.catalog_path()).unwrap();

    let (again, calls) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!((again.objects_sampled, again.objects_cached), (0, 2));
    assert_eq!(again.bytes_read, 0, "no object read");
    assert!(calls.is_empty());
    assert_eq!(
        std::fs::read(lake.catalog_path()).unwrap(),
        catalog,
        "same plan as a full crawl"
    );

    // A changed object is read again; the other still comes from the state.
    std::thread::sleep(std::time::Duration::from_millis(20));
    lake.lines("k=2/b.json", &[r#"{"b":"x","c":1.5}"#]);
    let (changed, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!((changed.objects_sampled, changed.objects_cached), (1, 1));
    assert_eq!(lake.columns(), "a int, b string, c double");

    // Other sampling settings make the state useless, not wrong.
    o.limits.records = 7;
    let (resampled, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!(
        (resampled.objects_sampled, resampled.objects_cached),
        (2, 0)
    );

    std::fs::write(o.state_file.as_ref().unwrap(), "not json").unwrap();
    let (corrupt, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!(
        corrupt.objects_sampled, 2,
        "a damaged state file is ignored and rewritten"
    );
}

#[test]
fn recreate_replaces_an_incompatible_table() {
    let lake = Lake::new();
    lake.lines("k=1/a.json", &[r#"{"a":1}"#]);
    lake.crawl().unwrap();
    std::fs::remove_dir_all(lake.root().join("k=1")).unwrap();
    lake.put(
        "k=1/a.parquet",
        parquet_bytes(Arc::new(Int32Array::from(vec![1]))),
    );
    let mut recreate = options();
    recreate.recreate = true;
    let (report, calls) = lake.crawl_with(&recreate, Faults::default()).unwrap();
    assert_eq!(
        calls,
        [
            ("DeleteTable", 1),
            ("CreateTable", 1),
            ("BatchCreatePartition", 1)
        ]
    );
    assert!(matches!(report.changes[0], Change::RecreateTable { .. }));
    assert_eq!(codes(&report), ["W_RECREATE"]);
    assert_eq!(lake.table().parameters["classification"], "parquet");
    assert_eq!(lake.partitions().len(), 1);
    let (_, calls) = lake.crawl_with(&recreate, Faults::default()).unwrap();
    assert!(calls.is_empty(), "converged");
}

#[test]
fn partition_keys_can_be_typed() {
    let lake = Lake::new();
    lake.lines("year=2024/month=01/a.json", &[r#"{"a":1}"#]);
    let mut typed = options();
    typed.partition_types.insert("year".into(), DataType::Int);
    lake.crawl_with(&typed, Faults::default()).unwrap();
    assert_eq!(
        columns_of(&lake.table().partition_keys),
        "year int, month string"
    );
    assert_eq!(
        lake.partitions()[0].values,
        ["2024", "01"],
        "values stay as written"
    );

    // Changing a key's type later is an S2 change.
    let err = lake.crawl().unwrap_err().to_string();
    assert!(
        err.starts_with("E_INCOMPATIBLE") && err.contains("year int"),
        "{err}"
    );

    let bad = Lake::new();
    bad.lines("year=abc/a.json", &[r#"{"a":1}"#]);
    let err = bad
        .crawl_with(&typed, Faults::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("E_PARTITION_TYPE") && err.contains("abc"),
        "{err}"
    );
    let mut unknown = options();
    unknown.partition_types.insert("day".into(), DataType::Int);
    let err = bad
        .crawl_with(&unknown, Faults::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no such partition key"), "{err}");
}

#[test]
fn crawl_state_error_shows_its_io_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    // A state file in a folder that is a file: the write fails.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "").unwrap();
    let err = state::Recorder::new("file:///lake/", "settings")
        .save(&blocker.join("state.json"))
        .unwrap_err();
    crate::error::assert_causes_shown_once(&err);
    let err = CrawlError::from(err);
    crate::error::assert_causes_shown_once(&err);
    assert!(
        err.to_string().starts_with("cannot write the state file"),
        "{err}"
    );
}

#[test]
fn crawl_codes_are_data_shown_once_before_the_message() {
    let err = CrawlError::from(PlanError::NoData {
        location: "s3://lake/t/".into(),
    });
    assert_eq!(err.code(), Some(ErrorCode::NoData));
    assert_eq!(
        err.to_string(),
        "E_NO_DATA: no data files under s3://lake/t/"
    );
    let err = CrawlError::NoColumns {
        location: "s3://lake/t/".into(),
    };
    assert_eq!(err.code(), Some(ErrorCode::NoSchema));
    assert_eq!(err.to_string().matches("E_NO_SCHEMA").count(), 1, "{err}");
    assert_eq!(CrawlError::TooManyConflicts(3).code(), None);
    let warning = Warning::new(WarningCode::Recreate, "table t is recreated".into());
    assert_eq!(
        serde_json::to_value(&warning).unwrap(),
        serde_json::json!({"code": "W_RECREATE", "message": "table t is recreated"})
    );
}
