//! `lakeops crawl` against moto (S3 + Glue): what lands in Glue is read back with boto3, and
//! which Glue write calls were made is read from moto's request recorder, never from lakeops'
//! own report alone. Each test starts its own server (specs/crawl.md, "Testing against moto").

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::common;
use crate::moto::*;

const JSON_IN: &str = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUT: &str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const JSON_SERDE: &str = "org.openx.data.jsonserde.JsonSerDe";
const PARQUET_IN: &str = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
const PARQUET_OUT: &str = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
const PARQUET_SERDE: &str = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
const CSV_SERDE: &str = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";

/// One finished `lakeops crawl ... --json`.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn summary(&self) -> Value {
        common::summary(self.stdout.as_bytes())
    }

    /// The `{"type":"change"}` records, in order.
    pub fn changes(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str::<Value>(l)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {l}"))
            })
            .filter(|v| v["type"] == "change")
            .collect()
    }

    pub fn actions(&self) -> BTreeSet<String> {
        self.changes()
            .iter()
            .map(|c| c["action"].as_str().expect("change action").to_owned())
            .collect()
    }

    pub fn expect_code(&self, code: i32, what: &str) -> &Run {
        assert_eq!(
            self.code, code,
            "{what}: exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "{what}: panic\n{}",
            self.stderr
        );
        self
    }
}

/// `lakeops crawl ARGS --json` against `moto`.
pub fn crawl(moto: &Moto, args: &[&str]) -> Run {
    let output = moto
        .lakeops()
        .arg("crawl")
        .args(args)
        .arg("--json")
        .output()
        .expect("run lakeops");
    Run::from(output)
}

/// The same, with moto's recorder on; lakeops never writes to S3.
pub fn crawl_recorded(moto: &Moto, args: &[&str]) -> (Run, Recording) {
    let (run, rec) = moto.record(|| crawl(moto, args));
    rec.assert_s3_read_only();
    (run, rec)
}

/// A run that must exit 2 with every `needle` in stderr and no Glue write at all.
fn refused(moto: &Moto, args: &[&str], needles: &[&str]) -> Run {
    let (run, rec) = crawl_recorded(moto, args);
    run.expect_code(2, &format!("lakeops crawl {}", args.join(" ")));
    assert!(
        run.stderr.contains("error:"),
        "stderr says error: {}",
        run.stderr
    );
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr of `crawl {}` names {needle:?}:\n{}",
            args.join(" "),
            run.stderr
        );
    }
    assert_eq!(
        rec.glue_writes(),
        Vec::<String>::new(),
        "exit 2 writes nothing to Glue (crawl {})",
        args.join(" ")
    );
    run
}

/// A parameter of a table or partition.
fn param<'a>(table: &'a Value, name: &str) -> &'a str {
    table["Parameters"][name]
        .as_str()
        .unwrap_or_else(|| panic!("parameter {name} missing: {}", table["Parameters"]))
}

fn int_param(table: &Value, name: &str) -> u64 {
    param(table, name)
        .parse()
        .unwrap_or_else(|e| panic!("parameter {name} is not an integer ({e})"))
}

/// `objectCount`, `sizeKey`, `recordCount` of a table: its own parameters when it has no
/// partitions; summed over its partitions when it has some (there they live on the partitions,
/// so that appending a partition needs no UpdateTable, H3). Every carrier also has a positive
/// `averageRecordSize`.
pub fn stats(table: &Value, partitions: &[Value]) -> Stats {
    let carriers: Vec<&Value> = if table["PartitionKeys"]
        .as_array()
        .is_some_and(|k| !k.is_empty())
    {
        partitions.iter().collect()
    } else {
        vec![table]
    };
    let mut total = Stats::default();
    for c in carriers {
        total.objects += int_param(c, "objectCount");
        total.bytes += int_param(c, "sizeKey");
        total.records += int_param(c, "recordCount");
        assert!(int_param(c, "averageRecordSize") > 0, "{}", c["Parameters"]);
    }
    total
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub objects: u64,
    pub bytes: u64,
    pub records: u64,
}

fn summary_columns(summary: &Value) -> Vec<(String, String)> {
    summary["columns"]
        .as_array()
        .expect("summary columns")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn count(items: &[String], name: &str) -> usize {
    items.iter().filter(|i| *i == name).count()
}

/// Entries of every recorded call to a Glue batch operation.
fn batch_sizes(rec: &Recording, target: &str, list_field: &str) -> Vec<usize> {
    rec.calls(target)
        .iter()
        .map(|r| {
            r.json()[list_field]
                .as_array()
                .unwrap_or_else(|| panic!("{target} without {list_field}"))
                .len()
        })
        .collect()
}

/// Checks the storage-descriptor facts shared by every lakeops table.
fn assert_sd(table: &Value, location: &str, input: &str, output: &str, serde: &str) {
    assert_eq!(table["TableType"], "EXTERNAL_TABLE", "{table}");
    let sd = &table["StorageDescriptor"];
    assert_eq!(sd["Location"], location, "{sd}");
    assert_eq!(sd["InputFormat"], input, "{sd}");
    assert_eq!(sd["OutputFormat"], output, "{sd}");
    assert_eq!(sd["SerdeInfo"]["SerializationLibrary"], serde, "{sd}");
    // The rest of the shape Glue's crawler and awswrangler write (issue 16): unbucketed, unsorted.
    assert_eq!(sd["NumberOfBuckets"], -1, "{sd}");
    assert_eq!(sd["BucketColumns"], json!([]), "{sd}");
    assert_eq!(sd["SortColumns"], json!([]), "{sd}");
    // The Rust SDK leaves a false boolean out of the request, which Glue stores as false (moto
    // stores nothing).
    let flag = |name: &str| sd[name].as_bool().unwrap_or(false);
    assert!(!flag("StoredAsSubDirectories"), "{sd}");
    assert_eq!(
        flag("Compressed"),
        param(table, "compressionType") != "none",
        "{sd}"
    );
    assert!(
        !param(table, "lakeops.owner").is_empty(),
        "lakeops.owner set"
    );
    assert_eq!(param(table, "typeOfData"), "file");
}

/// Every partition inherits the table's storage descriptor, with its own Location.
fn assert_partitions_inherit(state: &GlueState, root: &str) {
    let table = state.table();
    let keys: Vec<String> = table["PartitionKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["Name"].as_str().unwrap().to_owned())
        .collect();
    let table_sd = &table["StorageDescriptor"];
    for p in &state.partitions {
        let sd = &p["StorageDescriptor"];
        let values = strings(&p["Values"]);
        assert_eq!(values.len(), keys.len(), "{p}");
        assert_eq!(
            columns(&sd["Columns"]),
            columns(&table_sd["Columns"]),
            "partition {values:?} has the table's columns"
        );
        assert_eq!(sd["InputFormat"], table_sd["InputFormat"], "{values:?}");
        assert_eq!(sd["OutputFormat"], table_sd["OutputFormat"], "{values:?}");
        assert_eq!(sd["SerdeInfo"], table_sd["SerdeInfo"], "{values:?}");
        let location = sd["Location"].as_str().unwrap();
        assert!(
            location.starts_with(root) && location.ends_with('/'),
            "partition Location {location} under {root}, trailing /"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// (1) The IoT hybrid-schema scenario, H1-H4, then --plan / --check.
// ---------------------------------------------------------------------------------------------

const IOT: &str = "iot-lake";

/// An IoT record with the keys in the scenario's order; `temperature` is the literal JSON
/// number, `extra` is appended text (`,"k":v`), `status` may be left out.
fn iot(id: usize, temperature: &str, status: bool, extra: &str) -> String {
    let mut r = format!(
        r#"{{"sensorId":"s-{id:03}","sensorType":"thermo","internetIP":"10.0.0.{id}","recordedDate":"2024-01-01 00:{id:02}:00","connectionTime":{},"currentTemperature":{temperature},"serviceContract":"basic""#,
        100 + id
    );
    if status {
        r.push_str(r#","status":"OK""#);
    }
    r.push_str(extra);
    r.push('}');
    r
}

fn iot_key(day: &str, hour: &str, part: usize) -> String {
    format!("iot/year=2024/month=01/day={day}/hour={hour}/part-{part:05}.json.gz")
}

fn iot_columns(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut c = cols(&[
        ("sensorid", "string"),
        ("sensortype", "string"),
        ("internetip", "string"),
        ("recordeddate", "string"),
        ("connectiontime", "int"),
        ("currenttemperature", "double"),
        ("servicecontract", "string"),
        ("status", "string"),
    ]);
    c.extend(cols(extra));
    c
}

fn sorted_paths(keys: &[&str]) -> String {
    let mut keys: Vec<&str> = keys.to_vec();
    keys.sort_unstable();
    keys.join(",")
}

const IOT_KEYS: [&str; 8] = [
    "sensorId",
    "sensorType",
    "internetIP",
    "recordedDate",
    "connectionTime",
    "currentTemperature",
    "serviceContract",
    "status",
];

#[test]
fn crawl_iot_hybrid_schema_end_to_end() {
    let moto = Moto::start();
    moto.create_bucket(IOT);
    let root = format!("s3://{IOT}/iot/");
    let args = [root.as_str(), "--database", "iot_db"];

    // H1: day=01, two hours, three records each.
    let h1: Vec<Obj> = ["00", "01"]
        .iter()
        .enumerate()
        .map(|(h, hour)| {
            let recs: Vec<String> = (1..=3).map(|i| iot(h * 3 + i, "21.5", true, "")).collect();
            lines(&iot_key("01", hour, 0), "gzip", &recs)
        })
        .collect();
    let sizes = moto.put(IOT, &h1);

    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "H1");
    assert_eq!(
        rec.glue_writes(),
        ["CreateDatabase", "CreateTable", "BatchCreatePartition"],
        "H1 writes, database then table then partitions"
    );
    assert_eq!(
        batch_sizes(&rec, "BatchCreatePartition", "PartitionInputList"),
        [2]
    );

    let state = moto.glue("iot_db", "iot");
    assert!(state.database.is_some(), "database created");
    let table = state.table();
    assert_eq!(table["Name"], "iot");
    assert_sd(table, &root, JSON_IN, TEXT_OUT, JSON_SERDE);
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        iot_columns(&[])
    );
    assert_eq!(
        table["PartitionKeys"],
        json!([
            {"Name": "year", "Type": "string"},
            {"Name": "month", "Type": "string"},
            {"Name": "day", "Type": "string"},
            {"Name": "hour", "Type": "string"},
        ])
    );
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"],
        sorted_paths(&IOT_KEYS)
    );
    assert_eq!(param(table, "classification"), "json");
    assert_eq!(param(table, "compressionType"), "gzip");
    let st = stats(table, &state.partitions);
    assert_eq!((st.objects, st.bytes), (2, sizes.total()));
    assert!(
        (5..=7).contains(&st.records),
        "recordCount {} ≈ 6",
        st.records
    );
    for p in &state.partitions {
        assert_eq!(int_param(p, "objectCount"), 1, "{}", p["Parameters"]);
        assert_eq!(param(p, "classification"), "json");
        assert_eq!(param(p, "compressionType"), "gzip");
    }

    assert_eq!(
        state.partition_values(),
        [["2024", "01", "01", "00"], ["2024", "01", "01", "01"]]
    );
    for (p, hour) in state.partitions.iter().zip(["00", "01"]) {
        assert_eq!(
            p["StorageDescriptor"]["Location"],
            format!("{root}year=2024/month=01/day=01/hour={hour}/")
        );
    }
    assert_partitions_inherit(&state, &root);

    let s = run.summary();
    assert_eq!(s["mode"], "apply");
    assert_eq!(s["database"], "iot_db");
    assert_eq!(s["table"], "iot");
    assert_eq!(s["changed"], true);
    assert_eq!(
        s["writes"],
        rec.glue_writes().len(),
        "summary writes = calls made"
    );
    assert_eq!(s["planned_writes"], s["writes"]);
    assert_eq!(summary_columns(&s), iot_columns(&[]));
    assert_eq!(s["partition_keys"], json!(["year", "month", "day", "hour"]));
    assert_eq!(s["partitions_added"], 2);
    assert_eq!(s["partitions_updated"], 0);
    assert_eq!(s["partitions_deleted"], 0);
    assert_eq!(s["objects_listed"], 2);
    let sampled = s["objects_sampled"].as_u64().unwrap();
    assert!((1..=2).contains(&sampled), "objects_sampled {sampled}");
    assert_eq!(s["bytes_stored"], sizes.total());
    assert!(s["bytes_read"].as_u64().unwrap() > 0);
    assert!(s["elapsed_ms"].is_u64());
    assert!(s["warnings"].is_array());
    assert_eq!(
        run.actions(),
        ["add_partition", "create_database", "create_table"]
            .map(String::from)
            .into()
    );

    // H2: day=02 adds serviceRecommendedDate; currentTemperature is an integer there.
    let h2: Vec<String> = (10..=12)
        .map(|i| iot(i, "22", true, r#","serviceRecommendedDate":"2024-03-01""#))
        .collect();
    moto.put(IOT, &[lines(&iot_key("02", "00", 0), "gzip", &h2)]);
    let version_before = moto.glue("iot_db", "iot").table()["VersionId"].clone();
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "H2");
    let writes = rec.glue_writes();
    assert_eq!(writes[0], "UpdateTable", "table first: {writes:?}");
    assert_eq!(count(&writes, "UpdateTable"), 1, "{writes:?}");
    assert_eq!(count(&writes, "BatchCreatePartition"), 1, "{writes:?}");
    assert!(count(&writes, "BatchUpdatePartition") >= 1, "{writes:?}");
    assert_eq!(
        writes.len(),
        count(&writes, "UpdateTable")
            + count(&writes, "BatchCreatePartition")
            + count(&writes, "BatchUpdatePartition"),
        "nothing else written: {writes:?}"
    );
    assert_eq!(
        batch_sizes(&rec, "BatchUpdatePartition", "Entries")
            .iter()
            .sum::<usize>(),
        2,
        "both day=01 partitions updated"
    );
    assert_eq!(
        rec.calls("UpdateTable")[0].json()["VersionId"],
        version_before,
        "UpdateTable carries the VersionId read at plan time (I5)"
    );
    let h2_columns = iot_columns(&[("servicerecommendeddate", "string")]);
    let state = moto.glue("iot_db", "iot");
    let table = state.table();
    assert_eq!(columns(&table["StorageDescriptor"]["Columns"]), h2_columns);
    let mut keys = IOT_KEYS.to_vec();
    keys.push("serviceRecommendedDate");
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"],
        sorted_paths(&keys)
    );
    assert_eq!(state.partitions.len(), 3);
    assert_partitions_inherit(&state, &root);
    let s = run.summary();
    assert_eq!(s["writes"], writes.len());
    assert_eq!(s["partitions_added"], 1);
    assert_eq!(s["partitions_updated"], 2);
    assert_eq!(summary_columns(&s), h2_columns);

    // H3: day=03 without status: status stays, only the new partition is written.
    let h3: Vec<String> = (20..=22).map(|i| iot(i, "23.25", false, "")).collect();
    moto.put(IOT, &[lines(&iot_key("03", "00", 0), "gzip", &h3)]);
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "H3");
    assert_eq!(rec.glue_writes(), ["BatchCreatePartition"], "H3 writes");
    let state = moto.glue("iot_db", "iot");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        h2_columns,
        "status kept"
    );
    assert_eq!(state.partitions.len(), 4);
    assert_partitions_inherit(&state, &root);
    assert_eq!(run.summary()["writes"], 1);

    // H4: nothing new: no Glue write call, no new table version, writes 0, empty plan.
    let versions = state.versions;
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "H4");
    assert_eq!(rec.glue_writes(), Vec::<String>::new(), "H4 writes nothing");
    let s = run.summary();
    assert_eq!(s["writes"], 0);
    assert_eq!(s["planned_writes"], 0);
    assert_eq!(s["changed"], false);
    assert!(run.changes().is_empty(), "{}", run.stdout);
    assert_eq!(moto.glue("iot_db", "iot").versions, versions);
    let plan_args = [&args[..], &["--plan"]].concat();
    let (run, rec) = crawl_recorded(&moto, &plan_args);
    run.expect_code(0, "--plan, nothing to do");
    assert!(run.changes().is_empty(), "empty plan: {}", run.stdout);
    assert_eq!(run.summary()["planned_writes"], 0);
    assert!(rec.glue_writes().is_empty());
    let check_args = [&args[..], &["--check"]].concat();
    crawl(&moto, &check_args).expect_code(0, "--check, no drift");

    // A new column arrives: --plan prints it and writes nothing, whatever the concurrency.
    let h5: Vec<String> = (30..=32)
        .map(|i| iot(i, "24.5", true, r#","firmwareVersion":"1.2.3""#))
        .collect();
    moto.put(IOT, &[lines(&iot_key("04", "00", 0), "gzip", &h5)]);
    let (plan, rec) = crawl_recorded(&moto, &[&plan_args[..], &["--concurrency", "1"]].concat());
    plan.expect_code(0, "--plan with drift");
    assert!(rec.glue_writes().is_empty(), "--plan writes nothing");
    let actions = plan.actions();
    for action in ["update_table", "update_partition", "add_partition"] {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
    assert!(!actions.contains("create_table"), "{actions:?}");
    let s = plan.summary();
    assert_eq!(s["mode"], "plan");
    assert_eq!(s["changed"], true);
    assert_eq!(s["writes"], 0);
    assert_eq!(
        s["planned_writes"], 3,
        "UpdateTable + BatchUpdatePartition (4 entries) + BatchCreatePartition"
    );
    let after_plan = moto.glue("iot_db", "iot");
    assert_eq!(after_plan.versions, versions);
    assert_eq!(after_plan.partitions.len(), 4);
    assert_eq!(
        columns(&after_plan.table()["StorageDescriptor"]["Columns"]),
        h2_columns
    );
    // --dry-run is --plan, and the plan does not depend on the concurrency (I3).
    let (dry, rec) = crawl_recorded(
        &moto,
        &[&args[..], &["--dry-run", "--concurrency", "32"]].concat(),
    );
    dry.expect_code(0, "--dry-run");
    assert!(rec.glue_writes().is_empty());
    assert_eq!(
        dry.changes(),
        plan.changes(),
        "same plan at concurrency 1 and 32"
    );
    assert_eq!(dry.summary()["mode"], "plan");

    let (check, rec) = crawl_recorded(&moto, &check_args);
    check.expect_code(1, "--check with drift");
    assert!(rec.glue_writes().is_empty(), "--check writes nothing");
    let s = check.summary();
    assert_eq!(s["mode"], "check");
    assert_eq!(s["changed"], true);
    assert_eq!(s["writes"], 0);

    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "apply after plan");
    assert_eq!(
        rec.glue_writes().len(),
        3,
        "apply makes the planned calls: {:?}",
        rec.glue_writes()
    );
    assert_eq!(run.summary()["writes"], 3);
    let state = moto.glue("iot_db", "iot");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        iot_columns(&[
            ("servicerecommendeddate", "string"),
            ("firmwareversion", "string")
        ])
    );
    assert_eq!(state.partitions.len(), 5);
    assert_partitions_inherit(&state, &root);
    crawl(&moto, &check_args).expect_code(0, "--check after apply");
}

// ---------------------------------------------------------------------------------------------
// (2) Parquet: footer schemas merged along Athena's widenings; conflicts refused.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_parquet_widens_int32_to_bigint_and_counts_rows_exactly() {
    let moto = Moto::start();
    moto.create_bucket("pq-lake");
    let rows = |n: usize, base: i64| -> Vec<Value> {
        (0..n as i64)
            .map(|i| json!({"id": base + i, "name": format!("n{i}"), "score": i as f64 + 0.5}))
            .collect()
    };
    let sizes = moto.put(
        "pq-lake",
        &[
            parquet(
                "sales/dt=2024-01-01/part-0.parquet",
                &[("id", "int32"), ("name", "string"), ("score", "double")],
                &rows(3, 1),
            ),
            parquet(
                "sales/dt=2024-01-02/part-0.parquet",
                &[("id", "int64"), ("name", "string"), ("score", "double")],
                &rows(5, 5_000_000_000),
            ),
        ],
    );
    let root = "s3://pq-lake/sales/";
    let (run, rec) = crawl_recorded(&moto, &[root, "--database", "pq_db"]);
    run.expect_code(0, "parquet crawl");
    assert_eq!(
        rec.glue_writes(),
        ["CreateDatabase", "CreateTable", "BatchCreatePartition"]
    );
    let state = moto.glue("pq_db", "sales");
    let table = state.table();
    assert_sd(table, root, PARQUET_IN, PARQUET_OUT, PARQUET_SERDE);
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["serialization.format"],
        "1"
    );
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[("id", "bigint"), ("name", "string"), ("score", "double")])
    );
    assert_eq!(
        table["PartitionKeys"],
        json!([{"Name": "dt", "Type": "string"}])
    );
    assert_eq!(param(table, "classification"), "parquet");
    assert_eq!(param(table, "compressionType"), "none");
    assert_eq!(
        stats(table, &state.partitions),
        Stats {
            objects: 2,
            bytes: sizes.total(),
            records: 8
        },
        "recordCount: Σ footer rows"
    );
    assert_eq!(param(&state.partitions[0], "recordCount"), "3");
    assert_eq!(param(&state.partitions[1], "recordCount"), "5");
    assert_eq!(state.partition_values(), [["2024-01-01"], ["2024-01-02"]]);
    assert_eq!(
        state.partitions[1]["StorageDescriptor"]["Location"],
        "s3://pq-lake/sales/dt=2024-01-02/"
    );
    assert_partitions_inherit(&state, root);
    let s = run.summary();
    assert_eq!(s["writes"], 3);
    assert_eq!(s["objects_listed"], 2);
}

#[test]
fn crawl_parquet_type_conflict_is_refused_naming_both_files() {
    let moto = Moto::start();
    moto.create_bucket("pq-conflict");
    moto.put(
        "pq-conflict",
        &[
            parquet(
                "readings/part-int.parquet",
                &[("reading", "int32")],
                &[json!({"reading": 1})],
            ),
            parquet(
                "readings/part-str.parquet",
                &[("reading", "string")],
                &[json!({"reading": "one"})],
            ),
        ],
    );
    let root = "s3://pq-conflict/readings/";
    refused(
        &moto,
        &[root, "--database", "conflict_db"],
        &[
            "E_TYPE_CONFLICT",
            "reading",
            "part-int.parquet",
            "part-str.parquet",
        ],
    );
    let state = moto.glue("conflict_db", "readings");
    assert!(state.database.is_none(), "no database created");
    assert!(state.table.is_none(), "no table created");

    // --type resolves the conflict (R5).
    let (run, _) = crawl_recorded(
        &moto,
        &[
            root,
            "--database",
            "conflict_db",
            "--type",
            "reading=string",
        ],
    );
    run.expect_code(0, "--type reading=string");
    let state = moto.glue("conflict_db", "readings");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        cols(&[("reading", "string")])
    );
}

// ---------------------------------------------------------------------------------------------
// (3) CSV with a header row.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_csv_with_header() {
    let moto = Moto::start();
    moto.create_bucket("csv-lake");
    let csv = "id,name,price,active\n1,apple,1.5,true\n2,pear,2.25,false\n3,plum,0.75,true\n";
    let sizes = moto.put("csv-lake", &[raw("prices/prices.csv", csv.as_bytes())]);
    let root = "s3://csv-lake/prices/";
    let (run, rec) = crawl_recorded(&moto, &[root, "--database", "csv_db"]);
    run.expect_code(0, "csv crawl");
    assert_eq!(rec.glue_writes(), ["CreateDatabase", "CreateTable"]);
    let state = moto.glue("csv_db", "prices");
    let table = state.table();
    assert_sd(table, root, JSON_IN, TEXT_OUT, CSV_SERDE);
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"],
        ","
    );
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[
            ("id", "bigint"),
            ("name", "string"),
            ("price", "double"),
            ("active", "boolean")
        ])
    );
    assert_eq!(
        table["PartitionKeys"],
        json!([]),
        "unpartitioned: [] for Athena"
    );
    assert_eq!(param(table, "classification"), "csv");
    assert_eq!(param(table, "compressionType"), "none");
    assert_eq!(param(table, "skip.header.line.count"), "1");
    let st = stats(table, &state.partitions);
    assert_eq!((st.objects, st.bytes), (1, sizes.total()));
    assert!(
        (2..=4).contains(&st.records),
        "recordCount {} ≈ 3",
        st.records
    );
    assert!(state.partitions.is_empty());

    // --header no: the first row is data, columns are named col0..col3.
    let (run, _) = crawl_recorded(
        &moto,
        &[
            root,
            "--database",
            "csv_db",
            "--table",
            "prices_raw",
            "--header",
            "no",
        ],
    );
    run.expect_code(0, "--header no");
    let state = moto.glue("csv_db", "prices_raw");
    let table = state.table();
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[
            ("col0", "string"),
            ("col1", "string"),
            ("col2", "string"),
            ("col3", "string")
        ])
    );
    assert!(
        table["Parameters"].get("skip.header.line.count").is_none(),
        "{}",
        table["Parameters"]
    );
}

// ---------------------------------------------------------------------------------------------
// (4) Plain, gzip and zstd JSON lines.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_json_compression_variants() {
    let moto = Moto::start();
    moto.create_bucket("codec-lake");
    // 100 records of exactly the same length, so the record count estimate has no excuse.
    let records: Vec<String> = (100..200)
        .map(|i| format!(r#"{{"id":{i},"kind":"k{}","ratio":{i}.5}}"#, i % 10))
        .collect();
    for (dir, codec, suffix) in [
        ("plain", "none", ""),
        ("gzipped", "gzip", ".gz"),
        ("zstded", "zstd", ".zst"),
    ] {
        let key = format!("{dir}/events-0.json{suffix}");
        let sizes = moto.put("codec-lake", &[lines(&key, codec, &records)]);
        let root = format!("s3://codec-lake/{dir}/");
        let (run, rec) = crawl_recorded(&moto, &[&root, "--database", "codec_db"]);
        run.expect_code(0, codec);
        assert_eq!(
            rec.glue_writes().last().map(String::as_str),
            Some("CreateTable"),
            "{codec}"
        );
        let state = moto.glue("codec_db", dir);
        let table = state.table();
        assert_sd(table, &root, JSON_IN, TEXT_OUT, JSON_SERDE);
        assert_eq!(
            columns(&table["StorageDescriptor"]["Columns"]),
            cols(&[("id", "int"), ("kind", "string"), ("ratio", "double")]),
            "{codec}"
        );
        assert_eq!(param(table, "classification"), "json", "{codec}");
        assert_eq!(param(table, "compressionType"), codec);
        let compressed = table["StorageDescriptor"]["Compressed"].as_bool();
        assert_eq!(compressed.unwrap_or(false), codec != "none", "{codec}");
        let st = stats(table, &state.partitions);
        assert_eq!((st.objects, st.bytes), (1, sizes.total()), "{codec}");
        let n = st.records;
        assert!((99..=101).contains(&n), "{codec}: recordCount {n} ≈ 100");
        assert_eq!(
            table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"],
            "id,kind,ratio"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// (5) Many objects: listing pages, batch chunking, delete behaviour.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_1600_objects_in_160_partitions() {
    let moto = Moto::start();
    moto.create_bucket("many-lake");
    let key = |day: usize, hour: usize, n: usize| {
        format!("many/year=2024/month=01/day={day:02}/hour={hour:02}/part-{n:03}.json")
    };
    let mut objects = Vec::new();
    for day in 1..=10 {
        for hour in 0..16 {
            for n in 0..10 {
                let rec = format!(r#"{{"id":{n},"day":{day},"hour":{hour}}}"#);
                objects.push(lines(&key(day, hour, n), "none", &[rec]));
            }
        }
    }
    assert_eq!(objects.len(), 1600);
    let sizes = moto.put("many-lake", &objects);
    let root = "s3://many-lake/many/";
    let args = [root, "--database", "many_db"];

    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "1600 objects");
    let s = run.summary();
    assert_eq!(s["objects_listed"], 1600, "every list page read");
    assert_eq!(s["bytes_stored"], sizes.total());
    assert_eq!(s["partitions_added"], 160);
    let creates = batch_sizes(&rec, "BatchCreatePartition", "PartitionInputList");
    assert_eq!(creates.iter().sum::<usize>(), 160, "{creates:?}");
    assert!(
        creates.iter().all(|&n| n <= 100),
        "BatchCreatePartition takes at most 100 entries: {creates:?}"
    );
    assert_eq!(
        count(&rec.glue_writes(), "CreatePartition"),
        0,
        "batched, not one call per partition"
    );
    let state = moto.glue("many_db", "many");
    assert_eq!(state.partitions.len(), 160);
    let st = stats(state.table(), &state.partitions);
    assert_eq!(
        (st.objects, st.bytes, st.records),
        (1600, sizes.total(), 1600)
    );
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        cols(&[("id", "int"), ("day", "int"), ("hour", "int")])
    );
}

#[test]
fn crawl_delete_behavior_delete_drops_emptied_partitions_in_batches_of_25() {
    let moto = Moto::start();
    moto.create_bucket("del-lake");
    let key = |day: usize, hour: usize| {
        format!("del/year=2024/month=01/day={day:02}/hour={hour:02}/part-0.json")
    };
    let all: Vec<(usize, usize)> = (1..=3).flat_map(|d| (0..16).map(move |h| (d, h))).collect();
    let objects: Vec<Obj> = all
        .iter()
        .map(|&(d, h)| {
            lines(
                &key(d, h),
                "none",
                &[format!(r#"{{"day":{d},"hour":{h}}}"#)],
            )
        })
        .collect();
    moto.put("del-lake", &objects);
    let args = ["s3://del-lake/del/", "--database", "del_db"];
    crawl(&moto, &args).expect_code(0, "create");
    assert_eq!(moto.glue("del_db", "del").partitions.len(), 48);

    // Empty 30 partitions: day=01 hours 00-15 and day=02 hours 00-13.
    let gone: Vec<(usize, usize)> = all[..30].to_vec();
    let keys: Vec<String> = gone.iter().map(|&(d, h)| key(d, h)).collect();
    moto.delete("del-lake", &keys);

    // Default --delete-behavior log: partitions stay.
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "delete-behavior log");
    let writes = rec.glue_writes();
    assert_eq!(count(&writes, "BatchDeletePartition"), 0, "{writes:?}");
    assert_eq!(count(&writes, "DeletePartition"), 0, "{writes:?}");
    assert_eq!(run.summary()["partitions_deleted"], 0);
    assert_eq!(moto.glue("del_db", "del").partitions.len(), 48);

    // --delete-behavior delete: in chunks of at most 25.
    let (run, rec) = crawl_recorded(
        &moto,
        &[&args[..], &["--delete-behavior", "delete"]].concat(),
    );
    run.expect_code(0, "delete-behavior delete");
    assert_eq!(run.summary()["partitions_deleted"], 30);
    let deletes = batch_sizes(&rec, "BatchDeletePartition", "PartitionsToDelete");
    assert_eq!(deletes.iter().sum::<usize>(), 30, "{deletes:?}");
    assert!(
        deletes.iter().all(|&n| n <= 25),
        "BatchDeletePartition takes at most 25 entries: {deletes:?}"
    );
    assert_eq!(count(&rec.glue_writes(), "DeletePartition"), 0);
    let state = moto.glue("del_db", "del");
    let left: BTreeSet<Vec<String>> = state.partition_values().into_iter().collect();
    let expected: BTreeSet<Vec<String>> = all[30..]
        .iter()
        .map(|&(d, h)| {
            vec![
                "2024".to_owned(),
                "01".to_owned(),
                format!("{d:02}"),
                format!("{h:02}"),
            ]
        })
        .collect();
    assert_eq!(left, expected, "exactly the emptied partitions deleted");

    // Deleting again is a no-op, not an error (hudi #13164).
    let (run, rec) = crawl_recorded(
        &moto,
        &[&args[..], &["--delete-behavior", "delete"]].concat(),
    );
    run.expect_code(0, "delete again");
    assert!(rec.glue_writes().is_empty(), "{:?}", rec.glue_writes());
}

// ---------------------------------------------------------------------------------------------
// (6) Errors: exit 2 and not one Glue write.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_partition_layout_errors_write_nothing() {
    let moto = Moto::start();
    moto.create_bucket("layout-lake");
    let rec = [r#"{"a":1}"#.to_owned()];
    moto.put(
        "layout-lake",
        &[
            // depth mismatch
            lines("depth/year=2023/x.json", "none", &rec),
            lines("depth/year=2024/month=01/y.json", "none", &rec),
            // key name mismatch at the same depth
            lines("names/year=2024/mon=01/x.json", "none", &rec),
            lines("names/year=2024/month=01/y.json", "none", &rec),
            // a data file in the root of a partitioned table
            lines("rootfile/x.json", "none", &rec),
            lines("rootfile/year=2024/y.json", "none", &rec),
        ],
    );
    for (table, needles) in [
        ("depth", ["year=2023", "year=2024/month=01"]),
        ("names", ["mon=01", "month=01"]),
        ("rootfile", ["x.json", "year=2024"]),
    ] {
        let root = format!("s3://layout-lake/{table}/");
        let run = refused(
            &moto,
            &[&root, "--database", "layout_db"],
            &["E_PARTITION_LAYOUT"],
        );
        for needle in needles {
            assert!(
                run.stderr.contains(needle),
                "{table}: stderr names {needle}:\n{}",
                run.stderr
            );
        }
        let state = moto.glue("layout_db", table);
        assert!(state.database.is_none(), "{table}: no database created");
    }
}

#[test]
fn crawl_json_array_document_is_not_json_lines() {
    let moto = Moto::start();
    moto.create_bucket("array-lake");
    moto.put(
        "array-lake",
        &[raw("arr/doc.json", b"[{\"a\":1},\n {\"a\":2}]\n")],
    );
    refused(
        &moto,
        &["s3://array-lake/arr/", "--database", "array_db"],
        &["E_NOT_JSON_LINES", "arr/doc.json"],
    );
    assert!(moto.glue("array_db", "arr").database.is_none());
}

#[test]
fn crawl_format_or_partition_key_change_is_incompatible() {
    let moto = Moto::start();
    moto.create_bucket("change-lake");
    let rec = vec![r#"{"a":1,"b":"x"}"#.to_owned()];
    moto.put(
        "change-lake",
        &[
            lines("fmt/part-0.json", "none", &rec),
            lines("keys/dt=2024-01-01/part-0.json", "none", &rec),
        ],
    );
    for table in ["fmt", "keys"] {
        let root = format!("s3://change-lake/{table}/");
        crawl(&moto, &[&root, "--database", "change_db"]).expect_code(0, table);
    }
    let fmt_before = moto.glue("change_db", "fmt");
    let keys_before = moto.glue("change_db", "keys");

    // The JSON replaced by Parquet at the same root.
    moto.delete("change-lake", &["fmt/part-0.json".to_owned()]);
    moto.put(
        "change-lake",
        &[parquet(
            "fmt/part-0.parquet",
            &[("a", "int32"), ("b", "string")],
            &[json!({"a": 1, "b": "x"})],
        )],
    );
    // The partition key renamed.
    moto.delete(
        "change-lake",
        &["keys/dt=2024-01-01/part-0.json".to_owned()],
    );
    moto.put(
        "change-lake",
        &[lines("keys/day=2024-01-01/part-0.json", "none", &rec)],
    );

    for (table, before) in [("fmt", &fmt_before), ("keys", &keys_before)] {
        let root = format!("s3://change-lake/{table}/");
        refused(
            &moto,
            &[&root, "--database", "change_db"],
            &["E_INCOMPATIBLE"],
        );
        let after = moto.glue("change_db", table);
        assert_eq!(after.versions, before.versions, "{table} untouched");
        assert_eq!(
            after.table()["StorageDescriptor"],
            before.table()["StorageDescriptor"],
            "{table} untouched"
        );
        assert_eq!(after.partitions, before.partitions, "{table} untouched");
    }
    assert_eq!(
        param(moto.glue("change_db", "fmt").table(), "classification"),
        "json"
    );
}

#[test]
fn crawl_foreign_table_needs_adopt_and_keeps_foreign_metadata() {
    let moto = Moto::start();
    moto.create_bucket("adopt-lake");
    moto.put(
        "adopt-lake",
        &[lines(
            "handmade/part-0.json",
            "none",
            &[r#"{"a":1,"b":"x"}"#.to_owned()],
        )],
    );
    moto.py(
        r#"
glue.create_database(DatabaseInput={"Name": "adopt_db"})
glue.create_table(DatabaseName="adopt_db", TableInput={
    "Name": "handmade",
    "Description": "made by hand",
    "Owner": "alice",
    "TableType": "EXTERNAL_TABLE",
    "Parameters": {"classification": "json", "team": "data-eng"},
    "PartitionKeys": [],
    "StorageDescriptor": {
        "Columns": [{"Name": "a", "Type": "int", "Comment": "the id"}],
        "Location": "s3://adopt-lake/handmade/",
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
    },
})
out(True)
"#,
        &json!({}),
    );
    let root = "s3://adopt-lake/handmade/";
    let before = moto.glue("adopt_db", "handmade");
    refused(&moto, &[root, "--database", "adopt_db"], &["handmade"]);
    let after = moto.glue("adopt_db", "handmade");
    assert_eq!(after.versions, before.versions, "refused: table untouched");
    assert_eq!(after.table(), before.table());

    let (run, rec) = crawl_recorded(&moto, &[root, "--database", "adopt_db", "--adopt"]);
    run.expect_code(0, "--adopt");
    assert_eq!(rec.glue_writes(), ["UpdateTable"]);
    let table = moto.glue("adopt_db", "handmade").table.expect("table");
    assert_eq!(table["Description"], "made by hand");
    assert_eq!(table["Owner"], "alice");
    assert_eq!(param(&table, "team"), "data-eng", "foreign parameter kept");
    assert!(!param(&table, "lakeops.owner").is_empty(), "now owned");
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[("a", "int"), ("b", "string")])
    );
    assert_eq!(
        table["StorageDescriptor"]["Columns"][0]["Comment"], "the id",
        "column comment kept"
    );
}

#[test]
fn crawl_missing_bucket_is_an_error_naming_it() {
    let moto = Moto::start();
    refused(
        &moto,
        &["s3://no-such-bucket-here/data/", "--database", "nb_db"],
        &[
            "no-such-bucket-here",
            "NoSuchBucket",
            "hint: check the bucket name",
        ],
    );
    assert!(moto.glue("nb_db", "data").database.is_none());
}

// ---------------------------------------------------------------------------------------------
// (7) Files that are not data.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_ignores_markers_temporary_and_empty_objects() {
    let moto = Moto::start();
    moto.create_bucket("ign-lake");
    let sizes = moto.put(
        "ign-lake",
        &[
            lines(
                "ign/dt=2024-01-01/part-0.json",
                "none",
                &[r#"{"id":1,"name":"a"}"#.to_owned()],
            ),
            raw("ign/dt=2024-01-01/_SUCCESS", b"done"),
            lines(
                "ign/dt=2024-01-01/_temporary/0/part-9.json",
                "none",
                &[r#"{"tmp":1}"#.to_owned()],
            ),
            raw("ign/dt=2024-01-01/empty.json", b""),
            raw("ign/dt=2024-01-01/", b""),
            raw("ign/dt=2024-01-01_$folder$", b"x"),
            lines(
                "ign/.hive-staging/part.json",
                "none",
                &[r#"{"staging":1}"#.to_owned()],
            ),
            lines(
                "ign/dt=2024-01-01/skip-me.json",
                "none",
                &[r#"{"excluded":1}"#.to_owned()],
            ),
        ],
    );
    let root = "s3://ign-lake/ign/";
    let (run, _) = crawl_recorded(
        &moto,
        &[root, "--database", "ign_db", "--exclude", "**/skip-*.json"],
    );
    run.expect_code(0, "ignored files");
    let state = moto.glue("ign_db", "ign");
    let table = state.table();
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[("id", "int"), ("name", "string")])
    );
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"],
        "id,name"
    );
    assert_eq!(
        table["PartitionKeys"],
        json!([{"Name": "dt", "Type": "string"}])
    );
    assert_eq!(state.partition_values(), [["2024-01-01"]]);
    let st = stats(table, &state.partitions);
    assert_eq!(
        (st.objects, st.bytes, st.records),
        (
            1,
            sizes.0["ign/dt=2024-01-01/part-0.json"].as_u64().unwrap(),
            1
        )
    );
}

// ---------------------------------------------------------------------------------------------
// (8) Partition naming: unnamed levels, mixed, percent-encoded.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_firehose_unnamed_and_encoded_partitions() {
    let moto = Moto::start();
    moto.create_bucket("fh-lake");
    let rec = |i: usize| vec![format!(r#"{{"event":"e{i}","n":{i}}}"#)];
    moto.put(
        "fh-lake",
        &[
            lines(
                "firehose/2024/01/01/00/stream-1-2024-01-01-00-00-00-aaaa",
                "gzip",
                &rec(1),
            ),
            lines(
                "firehose/2024/01/01/01/stream-1-2024-01-01-01-00-00-bbbb",
                "gzip",
                &rec(2),
            ),
            lines("mixed/2024/region=eu/x.json", "none", &rec(3)),
            lines("encoded/Dt=2024-01-01%2000%3A00/x.json", "none", &rec(4)),
        ],
    );
    let (run, _) = crawl_recorded(&moto, &["s3://fh-lake/firehose/", "--database", "fh_db"]);
    run.expect_code(0, "firehose");
    let state = moto.glue("fh_db", "firehose");
    let table = state.table();
    assert_eq!(
        table["PartitionKeys"],
        json!([
            {"Name": "partition_0", "Type": "string"},
            {"Name": "partition_1", "Type": "string"},
            {"Name": "partition_2", "Type": "string"},
            {"Name": "partition_3", "Type": "string"},
        ])
    );
    assert_eq!(param(table, "compressionType"), "gzip");
    assert_eq!(
        state.partition_values(),
        [["2024", "01", "01", "00"], ["2024", "01", "01", "01"]]
    );
    assert_eq!(
        state.partitions[0]["StorageDescriptor"]["Location"],
        "s3://fh-lake/firehose/2024/01/01/00/"
    );
    assert_partitions_inherit(&state, "s3://fh-lake/firehose/");

    crawl(&moto, &["s3://fh-lake/mixed/", "--database", "fh_db"]).expect_code(0, "mixed");
    let state = moto.glue("fh_db", "mixed");
    assert_eq!(
        state.table()["PartitionKeys"],
        json!([
            {"Name": "partition_0", "Type": "string"},
            {"Name": "region", "Type": "string"},
        ])
    );
    assert_eq!(state.partition_values(), [["2024", "eu"]]);

    crawl(&moto, &["s3://fh-lake/encoded/", "--database", "fh_db"]).expect_code(0, "encoded");
    let state = moto.glue("fh_db", "encoded");
    assert_eq!(
        state.table()["PartitionKeys"],
        json!([{"Name": "dt", "Type": "string"}])
    );
    assert_eq!(state.partition_values(), [["2024-01-01 00:00"]]);
    assert_eq!(
        state.partitions[0]["StorageDescriptor"]["Location"],
        "s3://fh-lake/encoded/Dt=2024-01-01%2000%3A00/",
        "Location keeps the raw prefix"
    );
}

// ---------------------------------------------------------------------------------------------
// (9) Schema-change policies (S1), delete policies (S4), names and warnings (R6, R2).
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_update_behavior_log_and_replace() {
    let moto = Moto::start();
    moto.create_bucket("beh-lake");
    moto.put(
        "beh-lake",
        &[lines(
            "beh/dt=1/a.json",
            "none",
            &[r#"{"a":1,"b":"x"}"#.to_owned()],
        )],
    );
    let root = "s3://beh-lake/beh/";
    let args = [root, "--database", "beh_db"];
    crawl(&moto, &args).expect_code(0, "create");

    // log: the table is never updated, new partitions are still added (with its columns).
    moto.put(
        "beh-lake",
        &[lines(
            "beh/dt=2/a.json",
            "none",
            &[r#"{"a":2,"c":true}"#.to_owned()],
        )],
    );
    let (run, rec) = crawl_recorded(&moto, &[&args[..], &["--update-behavior", "log"]].concat());
    run.expect_code(0, "--update-behavior log");
    assert_eq!(rec.glue_writes(), ["BatchCreatePartition"]);
    let state = moto.glue("beh_db", "beh");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        cols(&[("a", "int"), ("b", "string")])
    );
    assert_eq!(state.partition_values(), [["1"], ["2"]]);
    assert_partitions_inherit(&state, root);

    // replace: the columns of the data there now, and nothing else.
    moto.put(
        "beh-lake",
        &[lines(
            "beh/dt=1/a.json",
            "none",
            &[r#"{"a":3,"c":false}"#.to_owned()],
        )],
    );
    let (run, rec) = crawl_recorded(
        &moto,
        &[&args[..], &["--update-behavior", "replace"]].concat(),
    );
    run.expect_code(0, "--update-behavior replace");
    assert_eq!(rec.glue_writes(), ["UpdateTable", "BatchUpdatePartition"]);
    let state = moto.glue("beh_db", "beh");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        cols(&[("a", "int"), ("c", "boolean")])
    );
    assert_eq!(
        state.table()["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"],
        "a,c"
    );
    assert_partitions_inherit(&state, root);
}

/// A partition kept under `--delete-behavior log` after its data went is still in the catalog,
/// so it still inherits the table's columns when they change (S3: every partition SD = table SD).
#[test]
fn crawl_emptied_partition_kept_by_log_still_inherits_new_columns() {
    let moto = Moto::start();
    moto.create_bucket("kept-lake");
    moto.put(
        "kept-lake",
        &[
            lines("kept/dt=1/a.json", "none", &[r#"{"a":1}"#.to_owned()]),
            lines("kept/dt=2/a.json", "none", &[r#"{"a":2}"#.to_owned()]),
        ],
    );
    let root = "s3://kept-lake/kept/";
    let args = [root, "--database", "kept_db"];
    crawl(&moto, &args).expect_code(0, "create");
    moto.delete("kept-lake", &["kept/dt=1/a.json".to_owned()]);
    moto.put(
        "kept-lake",
        &[lines(
            "kept/dt=2/b.json",
            "none",
            &[r#"{"a":3,"b":"new"}"#.to_owned()],
        )],
    );
    crawl(&moto, &args).expect_code(0, "new column, dt=1 empty");
    let state = moto.glue("kept_db", "kept");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        cols(&[("a", "int"), ("b", "string")])
    );
    assert_eq!(state.partition_values(), [["1"], ["2"]], "log keeps dt=1");
    assert_partitions_inherit(&state, root);
}

#[test]
fn crawl_delete_behavior_deprecate_then_delete_table() {
    let moto = Moto::start();
    moto.create_bucket("dep-lake");
    let obj = || lines("dep/part-0.json", "none", &[r#"{"a":1}"#.to_owned()]);
    moto.put("dep-lake", &[obj()]);
    let root = "s3://dep-lake/dep/";
    let args = [root, "--database", "dep_db"];
    crawl(&moto, &args).expect_code(0, "create");
    moto.delete("dep-lake", &["dep/part-0.json".to_owned()]);

    // log (default): the table stays as it is.
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "empty root, log");
    assert!(rec.glue_writes().is_empty(), "{:?}", rec.glue_writes());

    // deprecate: marked once with epoch milliseconds, not rewritten while still empty.
    let deprecate = [&args[..], &["--delete-behavior", "deprecate"]].concat();
    let (run, rec) = crawl_recorded(&moto, &deprecate);
    run.expect_code(0, "deprecate");
    assert_eq!(rec.glue_writes(), ["UpdateTable"]);
    assert!(run.actions().contains("deprecate_table"), "{}", run.stdout);
    let table = moto
        .glue("dep_db", "dep")
        .table
        .expect("deprecated, not deleted");
    let marked = int_param(&table, "DEPRECATED_BY_CRAWLER");
    assert!(
        (1_600_000_000_000..4_000_000_000_000).contains(&marked),
        "epoch ms: {marked}"
    );
    let (run, rec) = crawl_recorded(&moto, &deprecate);
    run.expect_code(0, "deprecate again");
    assert!(rec.glue_writes().is_empty(), "{:?}", rec.glue_writes());

    // Data returns: the marker goes.
    moto.put("dep-lake", &[obj()]);
    let (run, rec) = crawl_recorded(&moto, &deprecate);
    run.expect_code(0, "data back");
    assert_eq!(rec.glue_writes(), ["UpdateTable"]);
    let table = moto.glue("dep_db", "dep").table.expect("table");
    assert!(
        table["Parameters"].get("DEPRECATED_BY_CRAWLER").is_none(),
        "{}",
        table["Parameters"]
    );

    // delete: an empty root drops the table.
    moto.delete("dep-lake", &["dep/part-0.json".to_owned()]);
    let (run, rec) = crawl_recorded(
        &moto,
        &[&args[..], &["--delete-behavior", "delete"]].concat(),
    );
    run.expect_code(0, "delete");
    assert_eq!(rec.glue_writes(), ["DeleteTable"]);
    assert!(run.actions().contains("delete_table"), "{}", run.stdout);
    let state = moto.glue("dep_db", "dep");
    assert!(state.database.is_some());
    assert!(state.table.is_none(), "table deleted");
}

#[test]
fn crawl_names_are_lowercased_or_sanitized_with_warnings() {
    let moto = Moto::start();
    moto.create_bucket("names-lake");
    moto.put(
        "names-lake",
        &[lines(
            "evt/part-0.json",
            "none",
            &[
                r#"{"detail-type":"x","DeviceId":"d1","n":1}"#.to_owned(),
                r#"{"deviceid":"d2","n":{"x":1}}"#.to_owned(),
            ],
        )],
    );
    let root = "s3://names-lake/evt/";
    let (run, _) = crawl_recorded(&moto, &[root, "--database", "names_db"]);
    run.expect_code(0, "names");
    let table = moto.glue("names_db", "evt").table.expect("table");
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[
            ("detail-type", "string"),
            ("deviceid", "string"),
            ("n", "string")
        ])
    );
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"],
        "DeviceId,detail-type,deviceid,n",
        "every original-case key, byte order (R8)"
    );
    let codes: BTreeSet<String> = run.summary()["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(codes.contains("W_CASE_COLLISION"), "{codes:?}");
    assert!(codes.contains("W_KIND_CONFLICT"), "{codes:?}");

    let (run, _) = crawl_recorded(
        &moto,
        &[
            root,
            "--database",
            "names_db",
            "--table",
            "evt_clean",
            "--sanitize-names",
        ],
    );
    run.expect_code(0, "--sanitize-names");
    let table = moto.glue("names_db", "evt_clean").table.expect("table");
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[
            ("detail_type", "string"),
            ("deviceid", "string"),
            ("n", "string")
        ])
    );
    assert_eq!(
        table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["mapping.detail_type"],
        "detail-type"
    );
}

#[test]
fn crawl_parquet_partition_schema_own() {
    let moto = Moto::start();
    moto.create_bucket("own-lake");
    moto.put(
        "own-lake",
        &[
            parquet("own/dt=1/a.parquet", &[("a", "int32")], &[json!({"a": 1})]),
            parquet(
                "own/dt=2/b.parquet",
                &[("a", "int32"), ("b", "string")],
                &[json!({"a": 2, "b": "y"})],
            ),
            lines("ownjson/dt=1/a.json", "none", &[r#"{"a":1}"#.to_owned()]),
        ],
    );
    let (run, _) = crawl_recorded(
        &moto,
        &[
            "s3://own-lake/own/",
            "--database",
            "own_db",
            "--partition-schema",
            "own",
        ],
    );
    run.expect_code(0, "--partition-schema own");
    let state = moto.glue("own_db", "own");
    assert_eq!(
        columns(&state.table()["StorageDescriptor"]["Columns"]),
        cols(&[("a", "int"), ("b", "string")])
    );
    let part_cols: Vec<_> = state
        .partitions
        .iter()
        .map(|p| columns(&p["StorageDescriptor"]["Columns"]))
        .collect();
    assert_eq!(
        part_cols,
        [
            cols(&[("a", "int")]),
            cols(&[("a", "int"), ("b", "string")])
        ]
    );

    // own is for Parquet only.
    refused(
        &moto,
        &[
            "s3://own-lake/ownjson/",
            "--database",
            "own_db",
            "--partition-schema",
            "own",
        ],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// (10) Sampling: large text objects are read with a ranged GET of at most --sample-bytes.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_samples_a_ranged_prefix_of_large_objects() {
    let moto = Moto::start();
    moto.create_bucket("big-lake");
    // 40,000 records of exactly 100 bytes (with the newline): 4,000,000 bytes.
    let records: Vec<String> = (100_000..140_000)
        .map(|i| format!(r#"{{"id":{i},"payload":"{}"}}"#, "x".repeat(73)))
        .collect();
    assert_eq!(records[0].len() + 1, 100);
    let sizes = moto.put("big-lake", &[lines("big/part-0.json", "none", &records)]);
    assert_eq!(sizes.total(), 4_000_000);

    let (run, rec) = crawl_recorded(
        &moto,
        &[
            "s3://big-lake/big/",
            "--database",
            "big_db",
            "--sample-bytes",
            "64KiB",
        ],
    );
    run.expect_code(0, "--sample-bytes 64KiB");
    let s = run.summary();
    assert_eq!(s["bytes_stored"], 4_000_000);
    let read = s["bytes_read"].as_u64().unwrap();
    assert!(read <= 64 * 1024, "bytes_read {read} within --sample-bytes");
    let ranged = rec
        .0
        .iter()
        .filter(|r| r.target.is_none() && r.method == "GET" && r.url.contains("part-0.json"))
        .collect::<Vec<_>>();
    assert!(!ranged.is_empty(), "the object was read");
    for r in &ranged {
        assert!(r.range.is_some(), "GET {} without a Range header", r.url);
    }
    let table = moto.glue("big_db", "big").table.expect("table");
    assert_eq!(
        columns(&table["StorageDescriptor"]["Columns"]),
        cols(&[("id", "int"), ("payload", "string")])
    );
    assert_eq!(int_param(&table, "averageRecordSize"), 100);
    assert_eq!(
        int_param(&table, "recordCount"),
        40_000,
        "sizeKey / averageRecordSize"
    );
}

/// I7: with `--state-file`, an unchanged re-crawl issues only LIST requests (no GetObject) and
/// plans nothing; a changed object is read again.
#[test]
fn crawl_state_file_makes_an_unchanged_recrawl_list_only() {
    let moto = Moto::start();
    moto.create_bucket("state-lake");
    let objects: Vec<Obj> = (0..6)
        .map(|i| {
            let rec = format!(r#"{{"id":{i}}}"#);
            lines(&format!("st/dt={}/part-{i}.json", i % 3), "gzip", &[rec])
        })
        .collect();
    moto.put("state-lake", &objects);
    let dir = crate::common::tmp();
    let state = dir.path().join("state.json");
    let state = state.to_str().expect("UTF-8 temp path");
    let args = [
        "s3://state-lake/st/",
        "--database",
        "state_db",
        "--state-file",
        state,
    ];
    crawl(&moto, &args).expect_code(0, "first crawl");

    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "unchanged re-crawl");
    let s = run.summary();
    assert_eq!(
        (s["objects_cached"].as_u64(), s["objects_sampled"].as_u64()),
        (Some(6), Some(0))
    );
    assert_eq!(s["bytes_read"], 0);
    assert_eq!(s["writes"], 0);
    assert!(rec.glue_writes().is_empty());
    let s3 = rec.s3_requests();
    assert!(!s3.is_empty());
    assert!(
        s3.iter().all(|r| r.contains("list-type=2")),
        "only ListObjectsV2, no GetObject: {s3:?}"
    );

    moto.put(
        "state-lake",
        &[lines(
            "st/dt=0/part-0.json",
            "gzip",
            &[r#"{"id":0,"extra":"x"}"#.to_owned()],
        )],
    );
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "one object changed");
    let s = run.summary();
    assert_eq!(
        (s["objects_cached"].as_u64(), s["objects_sampled"].as_u64()),
        (Some(5), Some(1))
    );
    let gets: Vec<String> = rec
        .s3_requests()
        .into_iter()
        .filter(|r| !r.contains("list-type=2"))
        .collect();
    assert_eq!(gets.len(), 1, "{gets:?}");
    assert!(gets[0].contains("part-0.json"), "{gets:?}");
    assert_eq!(
        columns(&moto.glue("state_db", "st").table()["StorageDescriptor"]["Columns"]),
        cols(&[("id", "int"), ("extra", "string")])
    );
}

// ---------------------------------------------------------------------------------------------
// Open table formats (issue 16): a root whose data files are not the table is left alone.
// ---------------------------------------------------------------------------------------------

#[test]
fn crawl_leaves_delta_iceberg_and_hudi_tables_alone() {
    let moto = Moto::start();
    moto.create_bucket("open-lake");
    let data = |key: &str| {
        parquet(
            key,
            &[("id", "int64"), ("name", "string")],
            &[json!({"id": 1, "name": "a"}), json!({"id": 2, "name": "b"})],
        )
    };
    let commit = r#"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#;
    moto.put(
        "open-lake",
        &[
            // Delta Lake: a log beside partitioned data files, one of them removed by commit 1.
            data("sales/dt=2024-01-01/part-00000.parquet"),
            data("sales/dt=2024-01-01/part-00001.parquet"),
            raw(
                "sales/_delta_log/00000000000000000000.json",
                commit.as_bytes(),
            ),
            raw(
                "sales/_delta_log/00000000000000000001.json",
                commit.as_bytes(),
            ),
            // Iceberg: data/ and metadata/ with the table's metadata files.
            data("orders/data/00000-0-a.parquet"),
            raw(
                "orders/metadata/v1.metadata.json",
                b"{\"format-version\":2}",
            ),
            raw(
                "orders/metadata/v2.metadata.json",
                b"{\"format-version\":2}",
            ),
            raw("orders/metadata/snap-1-a.avro", b"avro"),
            // Hudi: the .hoodie/ timeline.
            data("users/2024/01/a.parquet"),
            raw(
                "users/.hoodie/hoodie.properties",
                b"hoodie.table.name=users\n",
            ),
            // A plain table with a folder that happens to be named metadata/.
            data("plain/metadata/x.parquet"),
        ],
    );
    for (table, format, marker) in [
        ("sales", "delta", "_delta_log/"),
        ("orders", "iceberg", "metadata/v1.metadata.json"),
        ("users", "hudi", ".hoodie/"),
    ] {
        let root = format!("s3://open-lake/{table}/");
        let (run, rec) = crawl_recorded(&moto, &[&root, "--database", "open_db"]);
        run.expect_code(0, table);
        let summary = run.summary();
        assert_eq!(
            summary["open_table"],
            json!({"format": format, "marker": marker}),
            "{table}: {summary}"
        );
        assert_eq!(summary["warnings"][0]["code"], "W_OPEN_TABLE", "{summary}");
        assert_eq!(summary["writes"], 0, "{summary}");
        assert!(run.changes().is_empty(), "{table}: {}", run.stdout);
        assert_eq!(rec.glue_writes(), Vec::<String>::new(), "{table}");
        let state = moto.glue("open_db", table);
        assert!(state.table.is_none(), "{table}: no table in Glue");
        // The human plan says so too.
        let output = moto
            .lakeops()
            .args(["crawl", &root, "--database", "open_db", "--plan"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("left alone"), "{stdout}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("warning: W_OPEN_TABLE"), "{stderr}");
    }
    let (run, _) = crawl_recorded(&moto, &["s3://open-lake/plain/", "--database", "open_db"]);
    run.expect_code(0, "plain");
    assert!(run.summary().get("open_table").is_none());
    assert!(moto.glue("open_db", "plain").table.is_some());
}

// ---------------------------------------------------------------------------------------------
// A whole lake in one run (issue 16): several roots, tables discovered under a lake root.
// ---------------------------------------------------------------------------------------------

/// Every JSON record of a run's stdout.
fn records(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn records_of(run: &Run, kind: &str) -> Vec<Value> {
    records(run)
        .into_iter()
        .filter(|r| r["type"] == kind)
        .collect()
}

/// A lake root with three tables at level 2: plain JSON, Iceberg and Delta Lake.
fn put_three_table_lake(moto: &Moto, bucket: &str) {
    moto.create_bucket(bucket);
    let data = |key: &str| {
        parquet(
            key,
            &[("id", "int64"), ("name", "string")],
            &[json!({"id": 1, "name": "a"})],
        )
    };
    let mut objects: Vec<Obj> = (0..4)
        .map(|i| {
            let rec = format!(r#"{{"id":{i},"amount":{i}.5}}"#);
            lines(
                &format!("raw/sales/dt=2024-01-0{}/part-{i}.json", 1 + i % 2),
                "gzip",
                &[rec],
            )
        })
        .collect();
    let iceberg = |schema_id: u64, fields: Value| {
        json!({
            "format-version": 2,
            "location": "s3://lake/raw/orders",
            "current-schema-id": schema_id,
            "schemas": [{"schema-id": schema_id, "type": "struct", "fields": fields}],
        })
        .to_string()
    };
    let first = iceberg(
        0,
        json!([{"id": 1, "name": "id", "required": true, "type": "long"}]),
    );
    let newest = iceberg(
        1,
        json!([
            {"id": 1, "name": "id", "required": true, "type": "long"},
            {"id": 2, "name": "total", "required": false, "type": "decimal(10, 2)"},
        ]),
    );
    let schema = json!({"type": "struct", "fields": [
        {"name": "id", "type": "long", "nullable": true, "metadata": {}},
        {"name": "dt", "type": "string", "nullable": true, "metadata": {}},
    ]});
    let commit0 = [
        json!({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}),
        json!({"metaData": {"id": "e1", "format": {"provider": "parquet", "options": {}},
            "schemaString": schema.to_string(), "partitionColumns": ["dt"], "configuration": {}}}),
    ]
    .map(|v| v.to_string())
    .join("\n");
    let commit1 = json!({"add": {"path": "dt=2024-01-01/part-00000.parquet", "size": 1,
        "partitionValues": {"dt": "2024-01-01"}, "modificationTime": 0, "dataChange": true}})
    .to_string();
    objects.extend([
        data("raw/orders/data/00000-0-a.parquet"),
        // Version 9 then 10: the newest is the larger number, not the later name.
        raw(
            "raw/orders/metadata/00009-a.metadata.json",
            first.as_bytes(),
        ),
        raw(
            "raw/orders/metadata/00010-b.metadata.json",
            newest.as_bytes(),
        ),
        data("raw/events/dt=2024-01-01/part-00000.parquet"),
        raw(
            "raw/events/_delta_log/00000000000000000000.json",
            commit0.as_bytes(),
        ),
        raw(
            "raw/events/_delta_log/00000000000000000001.json",
            commit1.as_bytes(),
        ),
        raw("README.txt", b"not a table"),
    ]);
    moto.put(bucket, &objects);
}

#[test]
fn crawl_lake_root_finds_three_tables_at_level_two() {
    let moto = Moto::start();
    put_three_table_lake(&moto, "lake-two");
    let args = [
        "s3://lake-two/",
        "--database",
        "lake_db",
        "--discover-tables",
    ];
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "lake crawl");
    let level = &records_of(&run, "table_level")[0];
    assert_eq!(
        (level["level"].as_u64(), level["chosen"].as_bool()),
        (Some(2), Some(true))
    );
    assert!(
        level["passed_over"][0]
            .as_str()
            .unwrap()
            .starts_with("level 1: "),
        "{level}"
    );
    assert_eq!(level["outside"], json!(["s3://lake-two/README.txt"]));
    let summaries = records_of(&run, "summary");
    let tables: Vec<&str> = summaries
        .iter()
        .map(|s| s["table"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["events", "orders", "sales"]);
    assert_eq!(summaries[0]["open_table"]["format"], "delta");
    assert_eq!(summaries[1]["open_table"]["format"], "iceberg");
    let totals = &records_of(&run, "run")[0];
    assert_eq!(
        (totals["tables"].as_u64(), totals["failed"].as_u64()),
        (Some(3), Some(0))
    );
    // The lake's listing is counted once, in the run's requests, beside each table's own.
    let listing = level["requests"].as_u64().unwrap();
    assert!(listing >= 3, "{level}");
    let tables_requests: u64 = summaries
        .iter()
        .map(|s| s["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(totals["requests"].as_u64(), Some(listing + tables_requests));
    // Partition changes name their table, so a run's records need no order to be read.
    assert!(run
        .changes()
        .iter()
        .filter(|c| c["action"] == "add_partition")
        .all(|c| c["table"] == "lake_db.sales"));

    // What boto3 reads back: the plain table, nothing for the open formats.
    let sales = moto.glue("lake_db", "sales");
    assert_eq!(
        sales.table()["StorageDescriptor"]["Location"],
        "s3://lake-two/raw/sales/"
    );
    assert_eq!(
        columns(&sales.table()["StorageDescriptor"]["Columns"]),
        cols(&[("id", "int"), ("amount", "double")])
    );
    assert_eq!(
        columns(&sales.table()["PartitionKeys"]),
        cols(&[("dt", "string")])
    );
    assert_eq!(sales.partitions.len(), 2);
    assert!(moto.glue("lake_db", "orders").table.is_none());
    assert!(moto.glue("lake_db", "events").table.is_none());
    let writes = rec.glue_writes();
    assert_eq!(count(&writes, "CreateTable"), 1, "{writes:?}");

    // The plan says where the tables were found, and the stray object.
    let output = moto
        .lakeops()
        .args([
            "crawl",
            "s3://lake-two/",
            "--database",
            "lake_db",
            "--discover-tables",
            "--plan",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("tables at level 2 under s3://lake-two/: the shallowest level"),
        "{stdout}"
    );
    assert!(stdout.contains("lake_db.sales: no changes"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("W_OUTSIDE_TABLES: 1 data object above table level 2"),
        "{stderr}"
    );
    assert!(stderr.contains("3 tables: 3 crawled, 0 failed"), "{stderr}");

    // --open-tables register: Iceberg and Delta Lake from their own metadata, as Athena reads
    // them; the plain table is unchanged.
    let mut register = args.to_vec();
    register.extend(["--open-tables", "register"]);
    let (run, rec) = crawl_recorded(&moto, &register);
    run.expect_code(0, "register open tables");
    let writes = rec.glue_writes();
    assert_eq!(count(&writes, "CreateTable"), 2, "{writes:?}");
    let summaries = records_of(&run, "summary");
    assert_eq!(
        summaries[1]["open_table"]["registered"],
        "s3://lake-two/raw/orders/metadata/00010-b.metadata.json"
    );
    let orders = moto.glue("lake_db", "orders");
    let orders = orders.table();
    assert_eq!(orders["TableType"], "EXTERNAL_TABLE");
    assert_eq!(param(orders, "table_type"), "ICEBERG");
    assert_eq!(
        param(orders, "metadata_location"),
        "s3://lake-two/raw/orders/metadata/00010-b.metadata.json"
    );
    assert_eq!(
        orders["StorageDescriptor"]["Location"],
        "s3://lake-two/raw/orders/"
    );
    assert_eq!(
        columns(&orders["StorageDescriptor"]["Columns"]),
        cols(&[("id", "bigint"), ("total", "decimal(10,2)")])
    );
    let events = moto.glue("lake_db", "events");
    assert!(
        events.partitions.is_empty(),
        "Athena reads a Delta table's partitions from its log"
    );
    let events = events.table();
    assert_eq!(param(events, "table_type"), "DELTA");
    assert_eq!(param(events, "spark.sql.sources.provider"), "delta");
    assert_eq!(
        events["StorageDescriptor"]["SerdeInfo"]["Parameters"]["path"],
        "s3://lake-two/raw/events/"
    );
    assert_eq!(
        columns(&events["StorageDescriptor"]["Columns"]),
        cols(&[("id", "bigint")])
    );
    assert_eq!(columns(&events["PartitionKeys"]), cols(&[("dt", "string")]));
    // Registering again changes nothing.
    let (run, rec) = crawl_recorded(&moto, &register);
    run.expect_code(0, "register again");
    assert!(rec.glue_writes().is_empty(), "{:?}", rec.glue_writes());

    // A name clash is refused before anything is written.
    refused(
        &moto,
        &[
            "s3://lake-two/raw/sales/",
            "s3://lake-two/Sales/",
            "--database",
            "lake_db",
        ],
        &["E_NAME_CLASH"],
    );
}

/// Tables written by the formats' own libraries, into moto's S3: a Delta Lake table whose log
/// was checkpointed and whose early commits were cleaned up (its schema survives only in the
/// checkpoint), and a pyiceberg table whose schema evolved. Registered, each reads back through
/// its library again, found by Glue alone.
#[test]
fn crawl_registers_open_tables_written_by_deltalake_and_pyiceberg() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let made = moto.py(
        r#"
import os
import pyarrow as pa
from deltalake import write_deltalake, DeltaTable
ep = os.environ["MOTO_ENDPOINT"]
s3.create_bucket(Bucket="open-real")
opts = {"AWS_ENDPOINT_URL": ep, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
uri = "s3://open-real/lake/events"
def write(ids, dts, notes=None, **kw):
    cols = {"id": pa.array(ids, pa.int64()), "dt": dts}
    if notes is not None:
        cols["Note"] = pa.array(notes, pa.string())
    write_deltalake(uri, pa.table(cols), storage_options=opts, **kw)
write([1, 2], ["2024-01-01", "2024-01-02"], partition_by=["dt"])
write([4], ["2024-01-03"], ["added"], mode="append", schema_mode="merge")
write([3], ["2024-01-01"], [None], mode="append")
DeltaTable(uri, storage_options=opts).create_checkpoint()
# A log cleanup: the commits that held metaData are gone, the checkpoint holds it.
for v in (0, 1):
    s3.delete_object(Bucket="open-real", Key=f"lake/events/_delta_log/{v:020}.json")
write([5], ["2024-01-03"], ["later"], mode="append")

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.types import DecimalType
s3props = {"s3.endpoint": ep, "s3.access-key-id": "testing",
           "s3.secret-access-key": "testing", "s3.region": "us-east-1"}
cat = SqlCatalog("t", uri="sqlite:///" + inp["dir"] + "/catalog.db",
                 warehouse="s3://open-real/warehouse", **s3props)
cat.create_namespace("ns")
orders = cat.create_table("ns.orders", schema=pa.schema([("id", pa.int64())]),
                          location="s3://open-real/lake/orders")
orders.append(pa.table({"id": pa.array([1, 2], pa.int64())}))
with orders.update_schema() as update:
    update.add_column("total", DecimalType(10, 2))
import decimal
orders.append(pa.table({"id": pa.array([3], pa.int64()),
                        "total": pa.array([decimal.Decimal("9.50")], pa.decimal128(10, 2))}))
out({"orders_metadata": orders.metadata_location})
"#,
        &json!({"dir": dir.path()}),
    );
    let args = [
        "s3://open-real/lake/",
        "--database",
        "open_db",
        "--discover-tables",
        "--open-tables",
        "register",
    ];
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "register tables the libraries wrote");
    let summaries = records_of(&run, "summary");
    let tables: Vec<&str> = summaries
        .iter()
        .map(|s| s["table"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["events", "orders"]);
    let checkpoint =
        "s3://open-real/lake/events/_delta_log/00000000000000000002.checkpoint.parquet";
    assert_eq!(summaries[0]["open_table"]["registered"], checkpoint);
    assert_eq!(
        summaries[1]["open_table"]["registered"],
        made["orders_metadata"]
    );
    // The Delta log is read from the newest commit back to the checkpoint, the checkpoint for
    // its metaData and protocol columns; no data file and no older commit is read.
    let reads: Vec<String> = rec
        .s3_requests()
        .into_iter()
        .filter(|r| {
            r.starts_with("GET") && r.contains("/lake/events/") && !r.contains("list-type=2")
        })
        .collect();
    let of = |name: &str| reads.iter().filter(|r| r.contains(name)).count();
    // The commit once; the checkpoint's footer, then its two columns' chunks in one GET.
    assert_eq!(
        (
            of("/_delta_log/00000000000000000003.json"),
            of("/_delta_log/00000000000000000002.checkpoint.parquet"),
            reads.len()
        ),
        (1, 2, 3),
        "{reads:?}"
    );

    let events = moto.glue("open_db", "events");
    let events = events.table();
    assert_eq!(param(events, "table_type"), "DELTA");
    assert_eq!(
        columns(&events["StorageDescriptor"]["Columns"]),
        cols(&[("id", "bigint"), ("note", "string")])
    );
    assert_eq!(columns(&events["PartitionKeys"]), cols(&[("dt", "string")]));
    let orders = moto.glue("open_db", "orders");
    assert_eq!(param(orders.table(), "table_type"), "ICEBERG");
    assert_eq!(
        columns(&orders.table()["StorageDescriptor"]["Columns"]),
        cols(&[("id", "bigint"), ("total", "decimal(10,2)")])
    );

    // Each library finds its table again from what lakeops wrote to Glue alone.
    let read = moto.py(
        r#"
import os
ep = os.environ["MOTO_ENDPOINT"]
from pyiceberg.catalog.glue import GlueCatalog
cat = GlueCatalog("glue", **{"glue.endpoint": ep, "glue.region": "us-east-1",
    "glue.access-key-id": "testing", "glue.secret-access-key": "testing",
    "s3.endpoint": ep, "s3.access-key-id": "testing", "s3.secret-access-key": "testing",
    "s3.region": "us-east-1"})
orders = cat.load_table("open_db.orders").scan().to_arrow().sort_by("id")
from deltalake import DeltaTable
location = glue.get_table(DatabaseName="open_db", Name="events")["Table"]["StorageDescriptor"]["Location"]
events = DeltaTable(location, storage_options={"AWS_ENDPOINT_URL": ep, "AWS_ALLOW_HTTP": "true",
    "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing"}).to_pyarrow_table().sort_by("id")
out({"orders": [[r["id"], str(r["total"])] for r in orders.to_pylist()],
     "events": [[r["id"], r["Note"]] for r in events.to_pylist()]})
"#,
        &json!({}),
    );
    assert_eq!(
        read["orders"],
        json!([[1, "None"], [2, "None"], [3, "9.50"]])
    );
    assert_eq!(
        read["events"],
        json!([[1, null], [2, null], [3, null], [4, "added"], [5, "later"]])
    );
}

#[test]
fn crawl_several_roots_one_failing_exits_1_with_the_others_applied() {
    let moto = Moto::start();
    moto.create_bucket("many-roots");
    moto.put(
        "many-roots",
        &[
            lines("a/x.json", "none", &[r#"{"id":1}"#.to_owned()]),
            raw("bad/doc.json", b"[{\"a\":1},\n {\"a\":2}]\n"),
            lines("c/x.json", "none", &[r#"{"id":2}"#.to_owned()]),
        ],
    );
    let roots = [
        "s3://many-roots/a/",
        "s3://many-roots/bad/",
        "s3://many-roots/c/",
    ];
    let args = |extra: &[&'static str]| {
        let mut args: Vec<&str> = roots.to_vec();
        args.extend(["--database", "many_db"]);
        args.extend(extra);
        args
    };
    let run = crawl(&moto, &args(&[]));
    run.expect_code(1, "one root fails");
    let errors = records_of(&run, "error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0]["table"], "bad");
    assert_eq!(errors[0]["code"], "E_NOT_JSON_LINES");
    assert!(errors[0]["error"]
        .as_str()
        .unwrap()
        .contains("bad/doc.json"));
    assert!(moto.glue("many_db", "a").table.is_some());
    assert!(moto.glue("many_db", "c").table.is_some());
    assert!(moto.glue("many_db", "bad").table.is_none());

    // People see the error with its table, then the run's line.
    let output = moto
        .lakeops()
        .arg("crawl")
        .args(args(&["--plan"]))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: many_db.bad (s3://many-roots/bad/): E_NOT_JSON_LINES"),
        "{stderr}"
    );
    assert!(stderr.contains("3 tables: 2 crawled, 1 failed"), "{stderr}");

    // --fail-fast: the run stops at the failure, still exit 1, and says what it did not crawl.
    let run = crawl(&moto, &args(&["--fail-fast"]));
    run.expect_code(1, "fail fast");
    let totals = &records_of(&run, "run")[0];
    assert_eq!(totals["failed"], 1);
    let done = totals["crawled"].as_u64().unwrap()
        + totals["not_crawled"].as_array().unwrap().len() as u64;
    assert_eq!(done, 2, "{totals}");

    // --table names one table only.
    refused(
        &moto,
        &[
            "s3://many-roots/a/",
            "s3://many-roots/c/",
            "--database",
            "many_db",
            "--table",
            "t",
        ],
        &["--table names one table"],
    );
}

#[test]
fn crawl_lake_recrawl_with_a_state_file_is_listing_only() {
    let moto = Moto::start();
    moto.create_bucket("lake-state");
    let objects: Vec<Obj> = (0..12)
        .map(|i| {
            let rec = format!(r#"{{"id":{i}}}"#);
            let table = ["t1", "t2", "t3"][i % 3];
            lines(
                &format!("{table}/dt={}/part-{i}.json", i % 2),
                "gzip",
                &[rec],
            )
        })
        .collect();
    moto.put("lake-state", &objects);
    let dir = crate::common::tmp();
    let state = dir.path().join("state.json");
    let args = [
        "s3://lake-state/",
        "--database",
        "lake_state_db",
        "--discover-tables",
        "--table-level",
        "1",
        "--state-file",
        state.to_str().expect("UTF-8 temp path"),
    ];
    crawl(&moto, &args).expect_code(0, "first crawl");
    let (run, rec) = crawl_recorded(&moto, &args);
    run.expect_code(0, "unchanged re-crawl");
    for summary in records_of(&run, "summary") {
        assert_eq!(summary["objects_cached"], 4, "{summary}");
        assert_eq!(summary["objects_sampled"], 0, "{summary}");
        assert_eq!(summary["writes"], 0, "{summary}");
    }
    assert!(rec.glue_writes().is_empty(), "{:?}", rec.glue_writes());
    let s3 = rec.s3_requests();
    assert!(
        s3.iter().all(|r| r.contains("list-type=2")),
        "only ListObjectsV2: {s3:?}"
    );
}

/// Found by probing: a folder name with a control character made the open-table probe's
/// ListObjectsV2 reply unparseable (the prefix echoed raw is not XML), and a `--plan` over a new
/// database planned to create it once per table.
#[test]
fn crawl_lake_control_character_folder_and_one_planned_database() {
    let moto = Moto::start();
    moto.create_bucket("odd-lake");
    moto.put(
        "odd-lake",
        &[
            lines(
                "lake/b\u{1b}[31m/y.json",
                "none",
                &[r#"{"id":1}"#.to_owned()],
            ),
            lines("lake/c/z.json", "none", &[r#"{"id":2}"#.to_owned()]),
        ],
    );
    let args = [
        "s3://odd-lake/lake/",
        "--discover-tables",
        "--database",
        "odd_db",
    ];
    let output = moto
        .lakeops()
        .arg("crawl")
        .args(args)
        .arg("--plan")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("+ create database").count(), 1, "{stdout}");
    assert!(
        stdout.contains("odd_db.b__31m (s3://odd-lake/lake/b\\u{1b}[31m/)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "escaped for the terminal: {stdout:?}"
    );
    crawl(&moto, &args).expect_code(0, "apply");
    let table = moto.glue("odd_db", "b__31m");
    assert_eq!(
        table.table()["StorageDescriptor"]["Location"],
        "s3://odd-lake/lake/b\u{1b}[31m/"
    );
}
