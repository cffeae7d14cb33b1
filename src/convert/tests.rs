//! Round trip: random JSON records -> Parquet -> read back -> the same JSON, modulo widening
//! (an integer in a `double` column reads back as a float, a value in a `string` column as its
//! JSON text, a missing field as null).

use std::fs::File;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType as ArrowType, Decimal128Type, Float64Type, Int32Type, Int64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::schema::DataType;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        (i64::MAX as u64..=u64::MAX).prop_map(|n| json!(n)),
        prop::num::f64::NORMAL.prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec!["a".to_owned(), "b".to_owned(), "é-x".to_owned()]),
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_record() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop::sample::select(vec!["id".to_owned(), "v".to_owned(), "w-1".to_owned()]),
        arb_json(),
        1..3,
    )
    .prop_map(|m| Value::Object(m.into_iter().collect()))
}

fn convert_file(
    input: &std::path::Path,
    output: &std::path::Path,
    threads: usize,
) -> ConvertReport {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let options = ConvertOptions {
        inputs: Listing::from_inputs(vec![ResolvedInput {
            input: source::Input::Path(input.to_owned()),
            rel_dir: Default::default(),
        }]),
        selection: Selection::default(),
        output: OutputRoot::open(output.to_str().unwrap(), true, None, None).unwrap(),
        runtime: runtime.handle().clone(),
        upload: Default::default(),
        jobs: DEFAULT_JOBS,
        overwrite: true,
        schema: SchemaSource::Infer(SampleRows::All),
        on_error: OnError::Fail,
        writer: WriterSettings::default(),
        threads,
        chunk_bytes: 64,
        max_line_bytes: crate::text::lines::DEFAULT_MAX_LINE_BYTES,
        cancel: Arc::new(AtomicBool::new(false)),
    };
    run(options, &crate::progress::NoProgress).expect("conversion succeeds")
}

/// Reads every row back as JSON, independently of how the writer built the columns.
fn read_back(path: &std::path::Path) -> Vec<Value> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        for row in 0..batch.num_rows() {
            let mut object = serde_json::Map::new();
            for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
                object.insert(field.name().clone(), cell(column.as_ref(), row));
            }
            rows.push(Value::Object(object));
        }
    }
    rows
}

fn cell(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        ArrowType::Boolean => json!(array.as_boolean().value(row)),
        ArrowType::Int32 => json!(array.as_primitive::<Int32Type>().value(row)),
        ArrowType::Int64 => json!(array.as_primitive::<Int64Type>().value(row)),
        ArrowType::Float64 => json!(array.as_primitive::<Float64Type>().value(row)),
        ArrowType::Decimal128(_, 0) => Value::String(
            array
                .as_primitive::<Decimal128Type>()
                .value(row)
                .to_string(),
        ),
        ArrowType::Utf8 => json!(array.as_string::<i32>().value(row)),
        ArrowType::List(_) => {
            let values = array.as_list::<i32>().value(row);
            Value::Array(
                (0..values.len())
                    .map(|i| cell(values.as_ref(), i))
                    .collect(),
            )
        }
        ArrowType::Struct(fields) => {
            let s = array.as_struct();
            Value::Object(
                fields
                    .iter()
                    .zip(s.columns())
                    .map(|(f, c)| (f.name().clone(), cell(c.as_ref(), row)))
                    .collect(),
            )
        }
        other => panic!("unexpected column type {other}"),
    }
}

/// Whether `read` is what the lattice makes of `original` in a column of type `ty`.
fn widened_equal(read: &Value, original: &Value, ty: &DataType) -> bool {
    match (ty, original) {
        (_, Value::Null) => read.is_null(),
        (DataType::String, Value::String(s)) => read.as_str() == Some(s),
        (DataType::String, other) => {
            read.as_str()
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
                .as_ref()
                == Some(other)
        }
        (DataType::Double, Value::Number(n)) => read.as_f64() == n.as_f64(),
        (DataType::Decimal { .. }, Value::Number(n)) => {
            read.as_str() == Some(n.to_string().as_str())
        }
        (DataType::Array(element), Value::Array(items)) => read.as_array().is_some_and(|r| {
            r.len() == items.len()
                && r.iter()
                    .zip(items)
                    .all(|(r, o)| widened_equal(r, o, element))
        }),
        (DataType::Struct(fields), Value::Object(entries)) => {
            let Some(read) = read.as_object() else {
                return false;
            };
            read.len() == fields.len()
                && fields.iter().all(|f| {
                    widened_equal(
                        &read[&f.name],
                        entries.get(&f.name).unwrap_or(&Value::Null),
                        &f.data_type,
                    )
                })
        }
        _ => read == original,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_records_round_trip(records in prop::collection::vec(arb_record(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let text: String = records.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(&input, text).unwrap();
        let output = dir.path().join("out.parquet");
        let report = convert_file(&input, &output, 2);
        prop_assert_eq!(report.totals.rows, records.len() as u64);
        prop_assert_eq!(report.totals.rejects, 0);

        let inferred = {
            let mut inferrer = crate::schema::Inferrer::new();
            for line in std::fs::read_to_string(&input).unwrap().lines() {
                inferrer.add(&crate::schema::parse_line(line).unwrap());
            }
            DataType::Struct(inferrer.finish().0)
        };
        let rows = read_back(&output);
        prop_assert_eq!(rows.len(), records.len());
        for (read, original) in rows.iter().zip(&records) {
            prop_assert!(widened_equal(read, original, &inferred), "read {} from {} as {}", read, original, inferred);
        }
    }
}

#[test]
fn identical_inputs_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let lines: String = (0..5000)
        .map(|i| format!("{{\"i\":{i},\"s\":\"row {i} ü\",\"l\":[null,{{\"x\":{i}.5}}]}}\n"))
        .collect();
    std::fs::write(&input, lines).unwrap();
    convert_file(&input, &dir.path().join("a.parquet"), 2);
    convert_file(&input, &dir.path().join("b.parquet"), 2);
    convert_file(&input, &dir.path().join("c.parquet"), 1);
    convert_file(&input, &dir.path().join("d.parquet"), 7);
    let a = std::fs::read(dir.path().join("a.parquet")).unwrap();
    for other in ["b", "c", "d"] {
        assert!(
            a == std::fs::read(dir.path().join(format!("{other}.parquet"))).unwrap(),
            "{other} differs: not deterministic across runs and thread counts"
        );
    }
}

fn arb_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        arb_record().prop_map(|r| r.to_string().into_bytes()),
        // Records cut short, as a truncated write leaves them.
        (arb_record(), any::<prop::sample::Index>()).prop_map(|(r, cut)| {
            let text = r.to_string().into_bytes();
            text[..cut.index(text.len())].to_vec()
        }),
        prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(|bytes| bytes.into_iter().filter(|&b| b != b'\n').collect()),
        Just(b"   ".to_vec()),
        Just(b"[1,2]".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the bytes: every line is a row, a reject or blank, and nothing panics.
    #[test]
    fn every_line_is_a_row_a_reject_or_blank(lines in prop::collection::vec(arb_line(), 0..30), pinned in any::<bool>()) {
        let data: Vec<u8> = lines.iter().flat_map(|line| line.iter().copied().chain([b'\n'])).collect();
        let fields = if pinned {
            crate::schema::SchemaFile::parse(r#"{"fields":[{"name":"id","type":"bigint"},{"name":"v","type":"string"}]}"#).unwrap()
        } else {
            let mut inferrer = crate::schema::Inferrer::new();
            for line in &lines {
                if let Ok(record) = crate::schema::line_text(line).and_then(crate::schema::parse_line) {
                    inferrer.add(&record);
                }
            }
            inferrer.finish().0
        };
        let context = batch::BatchContext::new(fields);
        let chunk = crate::text::lines::Chunk { data, first_line: 1, byte_offset: 0 };
        let parsed = batch::parse_chunk(&context, &chunk);
        let rows = parsed.batch.as_ref().map_or(0, |b| b.num_rows() as u64);
        prop_assert_eq!(parsed.lines, lines.len() as u64);
        prop_assert_eq!(rows + parsed.rejects.len() as u64 + parsed.blank_lines, parsed.lines);
        for reject in &parsed.rejects {
            let index = reject.line as usize - 1;
            // The raw line is the line without its terminator (a CRLF's \r included).
            prop_assert_eq!(&reject.raw[..], crate::text::lines::line_content(&lines[index], index == 0));
        }
    }
}

#[test]
fn targets_own_their_numbered_parts_only() {
    let events = sink::Target::Parts {
        dir: "d".into(),
        stem: "events".into(),
    };
    assert!(events.owns("d/events-00001.parquet"));
    assert!(events.owns("d/events-123456.parquet"), "past 99,999 parts");
    for other in [
        "d/events-eu-00001.parquet",
        "d/events-00000.parquet",
        "d/events-1.parquet",
        "d/events-+0001.parquet",
        "events-00001.parquet",
        "d/x/events-00001.parquet",
        "d/events-00001.parquet.tmp",
    ] {
        assert!(!events.owns(other), "{other}");
    }
    let file = sink::Target::File("out.parquet".into());
    assert!(file.owns("out.parquet") && !file.owns("out-00001.parquet"));
}

/// Issue 14: a run converts inputs as they are listed. The second folder is listed only once the
/// first input is being converted, so a run that waited for the whole listing never starts,
/// and the test fails at the bounded wait below rather than hanging.
#[test]
fn conversion_starts_before_the_listing_ends() {
    use crate::storage::discover::Listed;
    use crate::storage::Store;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    let text = "{\"id\":1}\n{\"id\":2}\n";
    for folder in ["a", "b"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(root.join(folder).join("part.jsonl"), text).unwrap();
    }
    let store = Arc::new(Store::local(&root));
    let listed = |key: &str| Listed::at(&store, key, text.len() as u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (listing, batches) = tokio::sync::mpsc::channel(4);
    let out = dir.path().join("out");
    let options = ConvertOptions {
        inputs: Listing::streamed(Vec::new(), batches, runtime.handle().clone()),
        selection: Selection::default(),
        output: OutputRoot::open(out.to_str().unwrap(), false, None, None).unwrap(),
        runtime: runtime.handle().clone(),
        upload: Default::default(),
        jobs: 1,
        overwrite: true,
        schema: SchemaSource::Pinned(
            crate::schema::SchemaFile::parse(r#"{"fields":[{"name":"id","type":"bigint"}]}"#)
                .unwrap(),
        ),
        on_error: OnError::Fail,
        writer: WriterSettings::default(),
        threads: 1,
        chunk_bytes: 64,
        max_line_bytes: crate::text::lines::DEFAULT_MAX_LINE_BYTES,
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let (started_tx, started) = std::sync::mpsc::channel();
    let progress = crate::progress::FirstAdvance::new(started_tx);
    let (started, report) = std::thread::scope(|scope| {
        let converting = scope.spawn(|| run(options, &progress));
        listing
            .blocking_send(Ok(vec![listed("b/part.jsonl")]))
            .unwrap();
        let started = started.recv_timeout(std::time::Duration::from_secs(120));
        // Listed out of report order, as folders are.
        let _ = listing.blocking_send(Ok(vec![listed("a/part.jsonl")]));
        drop(listing);
        (started, converting.join().unwrap())
    });
    assert!(
        started.is_ok(),
        "no input was converted before the listing ended"
    );
    let report = report.expect("conversion succeeds");
    let inputs: Vec<&str> = report.files.iter().map(|f| f.input.as_str()).collect();
    let a = root.join("a/part.jsonl").display().to_string();
    let b = root.join("b/part.jsonl").display().to_string();
    assert_eq!(inputs, [a.as_str(), b.as_str()], "reports in key order");
    for folder in ["a", "b"] {
        assert_eq!(read_back(&out.join(folder).join("part.parquet")).len(), 2);
    }
}
