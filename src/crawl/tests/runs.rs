//! Whole runs against the catalog: the hybrid scenario (H1–H4), plan and check, Glue's batch
//! limits, idempotency and concurrent change (I1–I5), ownership and schema change (S1–S5),
//! delete behaviours.

use super::*;

/// Glue-style partitions of the hybrid scenario: `year=2024/month=01/day=DD/hour=00/`.
fn hour(day: &str) -> String {
    format!("year=2024/month=01/day={day}/hour=00/data.json.gz")
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
