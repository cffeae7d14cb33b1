//! The spec's worked examples E1–E17: JSON and Parquet merges, names, refused documents; and
//! the table-boundary diagnostic (where a Glue crawler would have split the table).

use super::*;

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

#[test]
fn partitions_less_than_70_percent_alike_get_the_split_diagnostic() {
    use crate::crawl::infer::similarity::{least_similar, LeastSimilar};
    let set = |names: &[&str]| {
        names
            .iter()
            .map(|n| n.to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (abc, abcd, xyza) = (
        set(&["a", "b", "c"]),
        set(&["a", "b", "c", "d"]),
        set(&["x", "y", "z", "a"]),
    );
    // 3 of 4 columns shared is 0.75: one table, as a crawler would make it too.
    assert_eq!(least_similar(&[&abc, &abcd, &abc]), None);
    assert_eq!(
        least_similar(&[&abc, &abcd, &xyza]),
        Some(LeastSimilar {
            first: 1,
            second: 2,
            shared: 1,
            total: 7
        }),
        "abcd and xyza: 1 of 7, below abc and xyza (1 of 6)"
    );
    assert_eq!(least_similar(&[&abc]), None);

    let lake = Lake::new();
    lake.lines("dt=1/a.json", &[r#"{"id":1,"name":"a","price":1.5}"#]);
    lake.lines(
        "dt=2/a.json",
        &[r#"{"id":2,"name":"b","price":2.5,"tax":0.1}"#],
    );
    let (report, _) = lake.crawl().unwrap();
    assert!(
        !codes(&report).contains(&"W_DISSIMILAR_PARTITIONS"),
        "{:?}",
        report.warnings
    );
    lake.lines(
        "dt=3/a.json",
        &[r#"{"ID":3,"user":"u","agent":"x","ip":"1.2.3.4"}"#],
    );
    let (report, _) = lake.crawl().unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code() == WarningCode::DissimilarPartitions)
        .unwrap_or_else(|| panic!("{:?}", report.warnings));
    assert!(
        warning.message.starts_with(
            "partitions dt=2/ and dt=3/ share 1 of 7 columns (Jaccard similarity 0.14, below 0.7)"
        ),
        "{}",
        warning.message
    );
    // lakeops still makes one table of them.
    assert_eq!(
        lake.columns(),
        "id int, name string, price double, tax double, user string, agent string, ip string"
    );
}
