//! `lakeops crawl` over a local directory into a catalog file (`--catalog-file`): the same
//! create / no-change / new-column / delete flow as against Glue, with no AWS at all. The
//! catalog file is read back as plain JSON, not through lakeops.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common;
use crate::crawl_glue::{stats, Run};
use crate::moto::{cols, columns, lines, parquet, strings, write_local, Obj};

/// `lakeops crawl ROOT --database DB --catalog-file CATALOG ARGS --json`, with an AWS endpoint
/// that refuses connections, so any AWS call would fail the run.
fn crawl_local(root: &Path, catalog: &Path, args: &[&str]) -> Run {
    let output = common::lakeops()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .timeout(std::time::Duration::from_secs(120))
        .arg("crawl")
        .arg(root)
        .args(["--database", "local_db", "--catalog-file"])
        .arg(catalog)
        .args(args)
        .arg("--json")
        .output()
        .expect("run lakeops");
    Run::from(output)
}

struct Lake {
    _dir: tempfile::TempDir,
    root: PathBuf,
    catalog: PathBuf,
}

impl Lake {
    fn new() -> Lake {
        let dir = common::tmp();
        let base = std::fs::canonicalize(dir.path()).expect("canonical temp dir");
        let root = base.join("events");
        std::fs::create_dir_all(&root).unwrap();
        Lake {
            catalog: base.join("catalog.json"),
            root,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("file://{}/", self.root.display())
    }

    fn write(&self, objects: &[Obj]) {
        write_local(&self.root, objects);
    }

    fn crawl(&self, args: &[&str]) -> Run {
        crawl_local(&self.root, &self.catalog, args)
    }

    fn catalog_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.catalog).expect("catalog file written")
    }

    /// The table `events` of database `local_db` in the catalog file.
    fn table(&self) -> Value {
        let catalog: Value =
            serde_json::from_slice(&self.catalog_bytes()).expect("catalog file is JSON");
        let dbs = catalog["Databases"].as_array().expect("Databases");
        let db = dbs
            .iter()
            .find(|d| d["Name"] == "local_db")
            .unwrap_or_else(|| panic!("local_db in {catalog}"));
        db["Tables"]
            .as_array()
            .expect("Tables")
            .iter()
            .find(|t| t["Name"] == "events")
            .unwrap_or_else(|| panic!("events in {db}"))
            .clone()
    }
}

fn partitions(table: &Value) -> Vec<Value> {
    let mut parts = table["Partitions"].as_array().cloned().unwrap_or_default();
    parts.sort_by_key(|p| strings(&p["Values"]));
    parts
}

fn partition_values(table: &Value) -> Vec<Vec<String>> {
    partitions(table)
        .iter()
        .map(|p| strings(&p["Values"]))
        .collect()
}

fn assert_inherit(table: &Value, url: &str) {
    let table_cols = columns(&table["StorageDescriptor"]["Columns"]);
    for p in partitions(table) {
        let values = strings(&p["Values"]);
        let sd = &p["StorageDescriptor"];
        assert_eq!(columns(&sd["Columns"]), table_cols, "partition {values:?}");
        assert_eq!(
            sd["Location"],
            format!("{url}dt={}/", values[0]),
            "partition {values:?}"
        );
    }
}

fn rec(id: usize, extra: &str) -> String {
    format!(r#"{{"id":{id},"deviceId":"d{id}","temperature":{id}.5{extra}}}"#)
}

#[test]
fn crawl_local_create_idempotent_then_new_column() {
    let lake = Lake::new();
    lake.write(&[
        lines(
            "dt=2024-01-01/part-0.json",
            "none",
            &[rec(1, ""), rec(2, "")],
        ),
        lines("dt=2024-01-02/part-0.json", "none", &[rec(3, "")]),
    ]);

    let run = lake.crawl(&[]);
    run.expect_code(0, "local create");
    let s = run.summary();
    assert_eq!(s["mode"], "apply");
    assert_eq!(s["changed"], true);
    assert_eq!(s["table"], "events");
    assert_eq!(s["partitions_added"], 2);
    let table = lake.table();
    assert_eq!(table["TableType"], "EXTERNAL_TABLE");
    let sd = &table["StorageDescriptor"];
    assert_eq!(sd["Location"], lake.url());
    assert_eq!(
        sd["InputFormat"],
        "org.apache.hadoop.mapred.TextInputFormat"
    );
    assert_eq!(
        sd["SerdeInfo"]["SerializationLibrary"],
        "org.openx.data.jsonserde.JsonSerDe"
    );
    assert_eq!(
        sd["SerdeInfo"]["Parameters"]["paths"],
        "deviceId,id,temperature"
    );
    assert_eq!(
        columns(&sd["Columns"]),
        cols(&[
            ("id", "int"),
            ("deviceid", "string"),
            ("temperature", "double")
        ])
    );
    assert_eq!(
        table["PartitionKeys"],
        json!([{"Name": "dt", "Type": "string"}])
    );
    assert_eq!(table["Parameters"]["classification"], "json");
    let st = stats(&table, &partitions(&table));
    assert_eq!((st.objects, st.records), (2, 3));
    assert!(table["Parameters"]["lakeops.owner"].is_string());
    assert_eq!(partition_values(&table), [["2024-01-01"], ["2024-01-02"]]);
    assert_inherit(&table, &lake.url());

    // No change: the catalog file is byte-identical and nothing is written.
    let before = lake.catalog_bytes();
    let run = lake.crawl(&[]);
    run.expect_code(0, "local no change");
    let s = run.summary();
    assert_eq!(s["writes"], 0);
    assert_eq!(s["changed"], false);
    assert!(run.changes().is_empty(), "{}", run.stdout);
    assert_eq!(lake.catalog_bytes(), before, "catalog file unchanged");
    lake.crawl(&["--check"])
        .expect_code(0, "local --check, no drift");

    // A new column in a new partition: --plan and --check leave the file alone.
    lake.write(&[lines(
        "dt=2024-01-03/part-0.json",
        "none",
        &[rec(4, r#","firmware":"1.2""#)],
    )]);
    let plan = lake.crawl(&["--plan"]);
    plan.expect_code(0, "local --plan");
    assert!(plan.actions().contains("update_table"), "{}", plan.stdout);
    assert!(plan.actions().contains("add_partition"), "{}", plan.stdout);
    assert_eq!(plan.summary()["writes"], 0);
    assert_eq!(lake.catalog_bytes(), before, "--plan writes nothing");
    lake.crawl(&["--check"])
        .expect_code(1, "local --check with drift");
    assert_eq!(lake.catalog_bytes(), before, "--check writes nothing");

    let run = lake.crawl(&[]);
    run.expect_code(0, "local new column");
    let s = run.summary();
    assert!(s["writes"].as_u64().unwrap() > 0);
    assert_eq!(s["partitions_added"], 1);
    assert_eq!(s["partitions_updated"], 2);
    let table = lake.table();
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[
            ("id", "int"),
            ("deviceid", "string"),
            ("temperature", "double"),
            ("firmware", "string")
        ]),
        "new column appended last"
    );
    assert_eq!(
        partition_values(&table),
        [["2024-01-01"], ["2024-01-02"], ["2024-01-03"]]
    );
    assert_inherit(&table, &lake.url());
    let after = lake.catalog_bytes();
    lake.crawl(&[]).expect_code(0, "local no change again");
    assert_eq!(lake.catalog_bytes(), after);
}

#[test]
fn crawl_local_delete_behavior_delete_removes_emptied_partition() {
    let lake = Lake::new();
    lake.write(&[
        lines("dt=2024-01-01/part-0.json", "none", &[rec(1, "")]),
        lines("dt=2024-01-02/part-0.json", "none", &[rec(2, "")]),
        lines("dt=2024-01-03/part-0.json", "none", &[rec(3, "")]),
    ]);
    lake.crawl(&[]).expect_code(0, "local create");
    assert_eq!(partitions(&lake.table()).len(), 3);

    std::fs::remove_dir_all(lake.root.join("dt=2024-01-02")).unwrap();
    // Default: log, keep it.
    let run = lake.crawl(&[]);
    run.expect_code(0, "delete-behavior log");
    assert_eq!(run.summary()["partitions_deleted"], 0);
    assert_eq!(
        partitions(&lake.table()).len(),
        3,
        "log keeps the partition"
    );

    let run = lake.crawl(&["--delete-behavior", "delete"]);
    run.expect_code(0, "delete-behavior delete");
    assert_eq!(run.summary()["partitions_deleted"], 1);
    assert!(run.actions().contains("delete_partition"), "{}", run.stdout);
    let table = lake.table();
    assert_eq!(partition_values(&table), [["2024-01-01"], ["2024-01-03"]]);
    assert_inherit(&table, &lake.url());
}

#[test]
fn crawl_local_parquet_and_usage_errors() {
    let lake = Lake::new();
    lake.write(&[
        parquet(
            "dt=2024-01-01/a.parquet",
            &[("id", "int32"), ("v", "double")],
            &[json!({"id": 1, "v": 0.5}), json!({"id": 2, "v": 1.5})],
        ),
        parquet(
            "dt=2024-01-02/b.parquet",
            &[("id", "int64"), ("v", "double")],
            &[json!({"id": 3, "v": 2.5})],
        ),
    ]);
    lake.crawl(&[]).expect_code(0, "local parquet");
    let table = lake.table();
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[("id", "bigint"), ("v", "double")])
    );
    assert_eq!(table["Parameters"]["classification"], "parquet");
    let st = stats(&table, &partitions(&table));
    assert_eq!(
        (st.objects, st.records),
        (2, 3),
        "recordCount: Σ footer rows"
    );
    assert_inherit(&table, &lake.url());

    // A local root needs --catalog-file.
    let output = common::lakeops()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("crawl")
        .arg(&lake.root)
        .args(["--database", "local_db"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "no --catalog-file");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--catalog-file"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Real Glue folds database and table names to lowercase and moto does not, so lakeops folds
/// them itself; the default table name is the root's last component made Glue-safe.
#[test]
fn crawl_folds_database_and_table_names_to_lowercase() {
    let dir = common::tmp();
    let base = std::fs::canonicalize(dir.path()).expect("canonical temp dir");
    let root = base.join("Sales-2024");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.json"), "{\"Id\":1}\n").unwrap();
    let catalog = base.join("catalog.json");
    common::lakeops()
        .env_remove("AWS_REGION")
        .arg("crawl")
        .arg(&root)
        .args(["--database", "MixedDb", "--catalog-file"])
        .arg(&catalog)
        .assert()
        .success();
    let written: Value = serde_json::from_slice(&std::fs::read(&catalog).unwrap()).unwrap();
    assert_eq!(written["Databases"][0]["Name"], "mixeddb");
    let table = &written["Databases"][0]["Tables"][0];
    assert_eq!(table["Name"], "sales_2024");
    assert_eq!(table["StorageDescriptor"]["Columns"][0]["Name"], "id");
}

/// Issue 16's naming rule: `--table-prefix` goes before the default name, both made Glue-safe,
/// and a name past Glue's 128 characters is cut there; a prefix with `--table` is a usage error.
#[test]
fn crawl_table_prefix_and_long_root_names() {
    let dir = common::tmp();
    let base = std::fs::canonicalize(dir.path()).expect("canonical temp dir");
    let long = format!("Events-{}", "x".repeat(200));
    let catalog = base.join("catalog.json");
    for (folder, prefix, expected) in [
        ("Sales (EU)", Some("Raw-"), "raw_sales__eu_".to_owned()),
        // Cut at 128 characters: "events_" and 121 of the 200 x.
        (long.as_str(), None, format!("events_{}", "x".repeat(121))),
    ] {
        let root = base.join(folder);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.json"), "{\"id\":1}\n").unwrap();
        let mut command = common::lakeops();
        command
            .env_remove("AWS_REGION")
            .arg("crawl")
            .arg(&root)
            .args(["--database", "db", "--catalog-file"])
            .arg(&catalog);
        if let Some(prefix) = prefix {
            command.args(["--table-prefix", prefix]);
        }
        command.assert().success();
        let written: Value = serde_json::from_slice(&std::fs::read(&catalog).unwrap()).unwrap();
        let names: Vec<&str> = written["Databases"][0]["Tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["Name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&expected.as_str()), "{names:?}");
    }
    common::lakeops()
        .args([
            "crawl",
            "x",
            "--database",
            "db",
            "--table",
            "t",
            "--table-prefix",
            "p_",
        ])
        .assert()
        .code(2);
}

/// `--explain` (issue 16): an `explain` record per column and partition key, after the table's
/// changes and before its summary, and the same provenance in the human plan.
#[test]
fn crawl_local_explain_records_and_plan_lines() {
    let lake = Lake::new();
    let put = |key: &str, text: &str| {
        let path = lake.root.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    put(
        "dt=1/a.json",
        "{\"id\":1,\"note\":null}\n{\"id\":2,\"note\":\"hi\"}\n",
    );
    put(
        "dt=2/b.json",
        "{\"id\":3000000000,\"note\":\"x\"}\n{\"id\":2.5}\n",
    );
    let url = lake.url();

    let run = lake.crawl(&["--plan", "--explain"]);
    run.expect_code(0, "--explain --json");
    let records: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let types: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    let first_explain = types
        .iter()
        .position(|t| *t == "explain")
        .expect("explain records");
    assert!(
        types[..first_explain].iter().all(|t| *t == "change")
            && types[first_explain..types.len() - 1]
                .iter()
                .all(|t| *t == "explain")
            && types.last() == Some(&"summary"),
        "changes, then explain records, then the summary: {types:?}"
    );
    let explain: Vec<&Value> = records.iter().filter(|r| r["type"] == "explain").collect();
    assert_eq!(
        explain[0],
        &json!({
            "type": "explain",
            "table": "local_db.events",
            "column": "id",
            "partition_key": false,
            "data_type": "double",
            "pinned": false,
            "first_seen": {"object": format!("{url}dt=1/a.json"), "record": 1},
            "first_value": {"value": "1", "object": format!("{url}dt=1/a.json"), "record": 1},
            "first_type": "int",
            "widenings": [
                {"from": "int", "to": "bigint", "object": format!("{url}dt=2/b.json"),
                 "record": 1, "value": "3000000000"},
                {"from": "bigint", "to": "double", "object": format!("{url}dt=2/b.json"),
                 "record": 2, "value": "2.5"},
            ],
        })
    );
    assert_eq!(explain[1]["column"], "note");
    assert_eq!(explain[1]["first_seen"]["record"], 1);
    assert_eq!(explain[1]["first_value"]["record"], 2);
    assert_eq!(
        explain[2],
        &json!({
            "type": "explain",
            "table": "local_db.events",
            "column": "dt",
            "partition_key": true,
            "data_type": "string",
            "pinned": false,
            "first_seen": {"object": format!("{url}dt=1/"), "record": null},
            "first_value": {"value": "\"1\"", "object": format!("{url}dt=1/"), "record": null},
            "first_type": null,
            "widenings": [],
        })
    );
    assert_eq!(explain.len(), 3);

    // The human plan: the same, under the table's changes.
    let output = common::lakeops()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("crawl")
        .arg(&lake.root)
        .args(["--database", "local_db", "--catalog-file"])
        .arg(&lake.catalog)
        .args(["--plan", "--explain"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let plan = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = plan.lines().skip_while(|l| *l != "  explain:").collect();
    assert_eq!(
        lines,
        [
            "  explain:".to_owned(),
            format!(
                "    id double: first in {url}dt=1/a.json record 1 as int (value 1); \
                 widened to bigint by {url}dt=2/b.json record 1 (value 3000000000); \
                 widened to double by {url}dt=2/b.json record 2 (value 2.5)"
            ),
            format!(
                "    note string: first in {url}dt=1/a.json record 1 (null); first value in \
                 {url}dt=1/a.json record 2 as string (value \"hi\")"
            ),
            format!("    dt (partition) string: first in {url}dt=1/ (value \"1\")"),
        ],
        "{plan}"
    );
}
