//! `--infer-temporal` (E12 and issue 16): ISO-8601 strings become `date` and `timestamp` only when
//! asked, only when every sampled value parses, and only where the table's SerDe reads them; the
//! SerDe is told the timestamp forms seen.

use super::*;

fn temporal() -> CrawlOptions {
    let mut options = options();
    options.limits.infer_temporal = true;
    options
}

fn serde_parameter(lake: &Lake, key: &str) -> Option<String> {
    lake.table()
        .storage_descriptor
        .serde_info
        .parameters
        .get(key)
        .cloned()
}

#[test]
fn e12_dates_are_strings_unless_asked() {
    let lines = [r#"{"a":"2024-01-01","t":"2024-01-01T10:00:00Z"}"#];
    let (columns, _, lake) = example(&lines, &[]);
    assert_eq!(columns, "a string, t string", "E12: no sniffing by default");
    assert_eq!(serde_parameter(&lake, "timestamp.formats"), None);

    let lake = Lake::new();
    lake.lines("a.json", &lines);
    lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(lake.columns(), "a date, t timestamp");
}

#[test]
fn a_column_is_temporal_only_when_every_value_parses() {
    let lake = Lake::new();
    lake.lines(
        "a.json",
        &[
            r#"{"d":"2024-01-31","mixed":"2024-01-31","bad":"2024-01-31","ts":"2024-01-31T10:00:00.5Z","n":null}"#,
            r#"{"d":null,"mixed":"2024-01-31T10:00:00","bad":"soon","ts":"2024-02-01 08:00:00","n":"2024-03-01"}"#,
        ],
    );
    lake.lines(
        "b.json",
        &[r#"{"d":"2024-02-29","ts":"2024-02-01T08:00:00+02:00","bad":"2023-02-29","s":{"at":["2024-01-01T00:00:00.123456Z"]}}"#],
    );
    let (report, _) = lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(
        lake.columns(),
        "d date, mixed string, bad string, ts timestamp, n date, s struct<at:array<timestamp>>",
        "null ⊔ date = date; date ⊔ timestamp and date ⊔ text (or an impossible day) = string"
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // Sorted by form: space before T, fewer fraction digits first, no zone < Z < offset. The
    // space form without zone is java.sql.Timestamp's, which every reader takes unasked;
    // `mixed`'s form is not listed, since that column is string.
    assert_eq!(
        serde_parameter(&lake, "timestamp.formats").as_deref(),
        Some("yyyy-MM-dd'T'HH:mm:ssZZ,yyyy-MM-dd'T'HH:mm:ss.S'Z',yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
    );

    // I1: the same data crawled again writes nothing; the parameter is stable.
    let (_, calls) = lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert!(calls.is_empty(), "{calls:?}");
}

#[test]
fn json_timestamps_the_openx_serde_cannot_read_stay_strings_with_a_warning() {
    let lake = Lake::new();
    lake.lines(
        "a.json",
        &[r#"{"at":"2024-01-31 10:00:00+02:00","ok":"2024-01-31T10:00:00Z"}"#],
    );
    let (report, _) = lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(lake.columns(), "at string, ok timestamp");
    assert_eq!(codes(&report), ["W_TEMPORAL_UNREADABLE"]);
    assert!(
        report.warnings[0].message.starts_with("at: "),
        "{}",
        report.warnings[0].message
    );
    assert_eq!(
        serde_parameter(&lake, "timestamp.formats").as_deref(),
        Some("yyyy-MM-dd'T'HH:mm:ss'Z'")
    );
}

#[test]
fn csv_cells_are_typed_and_lazy_simple_serde_told_the_forms() {
    let lake = Lake::new();
    lake.put(
        "a.csv",
        "day,at,local,note\n2024-01-31,2024-01-31 10:00:00-08:00,2024-01-31 10:00:00,x\n2024-02-01,2024-02-01 11:00:00+01:00,2024-02-01 10:00:00.25,2024-02-01\n",
    );
    let (report, _) = lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(
        lake.columns(),
        "day date, at timestamp, local timestamp, note string"
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(
        serde_parameter(&lake, "timestamp.formats").as_deref(),
        Some("yyyy-MM-dd HH:mm:ssZZ"),
        "LazySimpleSerDe reads the space form unasked"
    );
    assert_eq!(
        lake.table()
            .storage_descriptor
            .serde_info
            .serialization_library,
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    );

    // A header of text over rows of dates is still a header.
    let dates = Lake::new();
    dates.put("a.csv", "from,to\n2024-01-01,2024-01-31\n");
    dates.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(dates.columns(), "from date, to date");
}

#[test]
fn quoted_csv_keeps_dates_as_strings_with_a_warning() {
    let lake = Lake::new();
    lake.put("a.csv", "day,note\n2024-01-31,\"a, b\"\n");
    let (report, _) = lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(lake.columns(), "day string, note string");
    assert_eq!(codes(&report), ["W_TEMPORAL_UNREADABLE"]);
    assert!(
        report.warnings[0].message.contains("OpenCSVSerDe"),
        "{}",
        report.warnings[0].message
    );
    assert_eq!(serde_parameter(&lake, "timestamp.formats"), None);
}

#[test]
fn parquet_types_come_from_the_footer_whatever_the_flag() {
    let lake = Lake::new();
    lake.put(
        "a.parquet",
        parquet_bytes(Arc::new(StringArray::from(vec!["2024-01-31"]))),
    );
    lake.crawl_with(&temporal(), Faults::default()).unwrap();
    assert_eq!(lake.columns(), "a string");
    assert_eq!(serde_parameter(&lake, "timestamp.formats"), None);
}
