//! `--explain`: the object and record where each column first appears, its first value, and each
//! widening with the object and record that caused it, for JSON, CSV and Parquet tables and for
//! partition keys; and the state file's part in it.

use super::*;
use crate::crawl::explain::{Explain, FirstValue, Seen, Widening};

fn explaining() -> CrawlOptions {
    CrawlOptions {
        explain: true,
        ..options()
    }
}

/// `root_url()` + `key`: what the report names objects by.
fn url(lake: &Lake, key: &str) -> String {
    Store::local(lake.root()).url(key)
}

fn column<'a>(report: &'a CrawlReport, name: &str) -> &'a Explain {
    report
        .explain
        .iter()
        .find(|e| e.column == name)
        .unwrap_or_else(|| panic!("no explain for {name} in {:#?}", report.explain))
}

fn at(lake: &Lake, key: &str, record: Option<u64>) -> Seen {
    Seen {
        object: url(lake, key),
        record,
    }
}

fn value(lake: &Lake, text: &str, key: &str, record: Option<u64>) -> Option<FirstValue> {
    Some(FirstValue {
        value: text.into(),
        object: url(lake, key),
        record,
    })
}

fn widening(lake: &Lake, from: &str, to: &str, key: &str, record: u64, text: &str) -> Widening {
    Widening {
        from: from.into(),
        to: to.into(),
        object: url(lake, key),
        record: Some(record),
        value: Some(text.into()),
    }
}

/// A JSON table whose `id` goes int → bigint → double and whose `x` meets an array, over two
/// partitions typed `--partition-type dt=int`.
fn json_lake() -> Lake {
    let lake = Lake::new();
    lake.lines(
        "dt=1/a.json",
        &[r#"{"id":1,"v":null,"x":5}"#, r#"{"id":2,"v":"a","x":6}"#],
    );
    // The blank line counts: records are the object's lines, as in `rejected` reports.
    lake.lines(
        "dt=2/b.json",
        &[
            r#"{"id":3}"#,
            "",
            r#"{"id":3000000000,"x":[1]}"#,
            r#"{"id":4}"#,
        ],
    );
    lake.lines("dt=2/c.json", &[r#"{"ID":1.5}"#]);
    lake
}

#[test]
fn explain_names_first_records_values_and_each_widening_of_a_json_table() {
    let lake = json_lake();
    let mut o = explaining();
    o.partition_types
        .insert("dt".into(), crate::schema::DataType::Int);
    let (report, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!(lake.columns(), "id double, v string, x string");
    let names: Vec<(&str, bool)> = report
        .explain
        .iter()
        .map(|e| (e.column.as_str(), e.partition_key))
        .collect();
    assert_eq!(
        names,
        [("id", false), ("v", false), ("x", false), ("dt", true)],
        "the table's columns in order, then its keys"
    );

    let id = column(&report, "id");
    assert_eq!(id.data_type, "double");
    assert_eq!(id.first_seen, at(&lake, "dt=1/a.json", Some(1)));
    assert_eq!(id.first_value, value(&lake, "1", "dt=1/a.json", Some(1)));
    assert_eq!(id.first_type.as_deref(), Some("int"));
    assert_eq!(
        id.widenings,
        [
            widening(&lake, "int", "bigint", "dt=2/b.json", 3, "3000000000"),
            // `ID` is `id` in Glue (R6): its value widens the same column.
            widening(&lake, "bigint", "double", "dt=2/c.json", 1, "1.5"),
        ]
    );
    assert!(!id.pinned);

    // Present (null) in record 1, first valued in record 2.
    let v = column(&report, "v");
    assert_eq!(v.first_seen, at(&lake, "dt=1/a.json", Some(1)));
    assert_eq!(v.first_value, value(&lake, "\"a\"", "dt=1/a.json", Some(2)));
    assert!(v.widenings.is_empty());

    // The kind conflict: an array met an int, and the column became string.
    let x = column(&report, "x");
    assert_eq!(x.data_type, "string");
    assert_eq!(
        x.widenings,
        [widening(&lake, "int", "string", "dt=2/b.json", 3, "[1]")]
    );
    assert!(codes(&report).contains(&"W_KIND_CONFLICT"));

    let dt = column(&report, "dt");
    assert_eq!((dt.data_type.as_str(), dt.pinned), ("int", true));
    assert_eq!(dt.first_seen, at(&lake, "dt=1/", None));
    assert_eq!(dt.first_value, value(&lake, "\"1\"", "dt=1/", None));
    assert!(dt.widenings.is_empty());

    // Without --explain nothing is noted.
    o.explain = false;
    let (plain, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert!(plain.explain.is_empty());
}

#[test]
fn explain_of_a_parquet_table_names_footers_not_records() {
    let lake = Lake::new();
    lake.put(
        "a.parquet",
        parquet_bytes(Arc::new(Int32Array::from(vec![1, 2]))),
    );
    lake.put(
        "b.parquet",
        parquet_bytes(Arc::new(Int64Array::from(vec![3_000_000_000]))),
    );
    let (report, _) = lake.crawl_with(&explaining(), Faults::default()).unwrap();
    assert_eq!(lake.columns(), "a bigint");
    let a = column(&report, "a");
    assert_eq!(a.first_seen, at(&lake, "a.parquet", None));
    assert_eq!(a.first_value, None, "a footer holds no values");
    assert_eq!(a.first_type.as_deref(), Some("int"));
    assert_eq!(
        a.widenings,
        [Widening {
            from: "int".into(),
            to: "bigint".into(),
            object: url(&lake, "b.parquet"),
            record: None,
            value: None,
        }]
    );
    assert_eq!(report.explain.len(), 1, "no partition keys");
}

#[test]
fn explain_of_a_csv_table_counts_lines_with_the_header() {
    let lake = Lake::new();
    lake.put("a.csv", "id,name\n1,ann\n2,bob\n");
    lake.put("b.csv", "id,name\n3,cy\n2.5,dee\n");
    let (report, _) = lake.crawl_with(&explaining(), Faults::default()).unwrap();
    assert_eq!(lake.columns(), "id double, name string");
    let id = column(&report, "id");
    assert_eq!(id.first_seen, at(&lake, "a.csv", Some(2)));
    assert_eq!(id.first_value, value(&lake, "\"1\"", "a.csv", Some(2)));
    assert_eq!(
        id.widenings,
        [widening(&lake, "bigint", "double", "b.csv", 3, "\"2.5\"")]
    );
    assert_eq!(
        column(&report, "name").first_value,
        value(&lake, "\"ann\"", "a.csv", Some(2))
    );
}

#[test]
fn explain_reads_again_objects_remembered_without_its_notes() {
    let lake = json_lake();
    let (fresh, _) = lake.crawl_with(&explaining(), Faults::default()).unwrap();

    let mut o = options();
    o.state_file = Some(lake.dir.path().join("state.json"));
    lake.crawl_with(&o, Faults::default()).unwrap();
    let state = std::fs::read_to_string(o.state_file.as_ref().unwrap()).unwrap();
    assert!(
        !state.contains("provenance"),
        "a run without --explain stores no notes"
    );

    // The state has samples without notes (as a file from before --explain would): an
    // --explain run reads the objects again rather than explain less.
    o.explain = true;
    let (reread, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!((reread.objects_sampled, reread.objects_cached), (3, 0));
    assert_eq!(reread.explain, fresh.explain);

    // Its notes are kept: the next --explain run reads nothing and says the same.
    let (cached, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!((cached.objects_sampled, cached.objects_cached), (0, 3));
    assert_eq!(cached.bytes_read, 0);
    assert_eq!(cached.explain, fresh.explain);

    // A run without --explain reuses those samples too, and keeps their notes.
    o.explain = false;
    let (plain, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!(plain.objects_cached, 3);
    o.explain = true;
    let (again, _) = lake.crawl_with(&o, Faults::default()).unwrap();
    assert_eq!(again.objects_sampled, 0);
    assert_eq!(again.explain, fresh.explain);
}
