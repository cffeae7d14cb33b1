use std::io::Write;

use super::sources::parse_table_spec;
use super::*;
use crate::storage::kind::{Compression, FileKind, Format};

#[test]
fn file_kinds_come_from_names() {
    let kind = FileKind::of("part-1.JSONL.zst").unwrap();
    assert_eq!(
        (kind.format, kind.compression, kind.extension.as_str()),
        (Format::Json, Compression::Zstd, ".jsonl.zst")
    );
    assert_eq!(FileKind::of("x.parquet").unwrap().format, Format::Parquet);
    assert_eq!(
        FileKind::of("x.csv.gz").unwrap().compression,
        Compression::Gzip
    );
    assert_eq!(FileKind::of("x.ndjson").unwrap().extension, ".ndjson");
    assert!(FileKind::of("x.parquet.gz").is_none());
    assert!(FileKind::of("notes.txt").is_none());
}

#[test]
fn table_specs_name_a_table_and_a_location() {
    assert_eq!(
        parse_table_spec("events=data/e=1/").unwrap(),
        ("events".to_owned(), "data/e=1/".to_owned())
    );
    for bad in ["events", "=x", "1x=y", "a-b=y", "a="] {
        assert!(parse_table_spec(bad).is_err(), "{bad}");
    }
}

#[test]
fn sql_positions_are_read_from_messages() {
    assert_eq!(
        position_of("Expected: end of statement, found: foo at Line: 2, Column: 15"),
        Some((2, 15))
    );
    assert_eq!(position_of("table 'x' not found"), None);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn hive_folders_of_compressed_json_lines_become_columns() {
    let dir = tempfile::tempdir().unwrap();
    for (day, rows) in [("2024-01-01", 2), ("2024-01-02", 3)] {
        let folder = dir.path().join(format!("day={day}"));
        std::fs::create_dir_all(&folder).unwrap();
        let mut text = String::new();
        for i in 0..rows {
            text.push_str(&format!("{{\"id\":{i},\"Temp\":{}.5}}\n", i * 10));
        }
        let file = std::fs::File::create(folder.join("part.jsonl.zst")).unwrap();
        let mut encoder = zstd::Encoder::new(file, 3).unwrap();
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap();
    }
    let runtime = runtime();
    let session = Session::new();
    runtime
        .block_on(session.register_location("t", dir.path().to_str().unwrap()))
        .unwrap();
    let result =
        runtime
            .block_on(session.run(
                "select day, count(*) as n, sum(\"Temp\") as s from t group by day order by day",
            ))
            .unwrap();
    let batch =
        datafusion::arrow::compute::concat_batches(&result.schema, &result.batches).unwrap();
    let text = datafusion::arrow::util::pretty::pretty_format_batches(&[batch])
        .unwrap()
        .to_string();
    assert!(text.contains("| 2024-01-01 | 2 | 11.0 |"), "{text}");
    assert!(text.contains("| 2024-01-02 | 3 | 31.5 |"), "{text}");
}

#[test]
fn sql_errors_carry_their_position() {
    let runtime = runtime();
    let session = Session::new();
    match runtime.block_on(session.run("select 1 +")) {
        Err(QueryError::Sql { position, message }) => {
            assert_eq!(position, Some((1, 11)), "{message}")
        }
        other => panic!("{:?}", other.err()),
    }
    match runtime.block_on(session.run("select (1\n  from x")) {
        Err(QueryError::Sql { position, message }) => {
            assert_eq!(position, Some((2, 3)), "{message}")
        }
        other => panic!("{:?}", other.err()),
    }
    match runtime.block_on(session.run("select * from nowhere")) {
        Err(QueryError::Sql { message, .. }) => assert!(message.contains("nowhere"), "{message}"),
        other => panic!("{:?}", other.err()),
    }
}
