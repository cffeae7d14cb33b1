//! CSV tables, statistics and sampling limits, zstd, own partition schemas, Glue's field
//! limits, the state file (I7), recreate, typed partition keys, and how errors read.

use super::*;

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
    let recorded = vec![state::Recorder::new("file:///lake/", "settings")];
    let err = state::Previous::default()
        .save(&blocker.join("state.json"), recorded)
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
