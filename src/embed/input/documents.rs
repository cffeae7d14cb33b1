//! One input's documents: an id, a text and the kept columns (`--keep-columns`) from each
//! Parquet row or JSON line, nested names addressed as `metadata.title`, handed over a batch at
//! a time.

use std::io::{BufReader, Read};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StructArray};
use arrow::datatypes::{DataType, Fields};
use arrow::error::ArrowError;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use super::InputFile;
use crate::embed::EmbedError;
use crate::storage::kind::Format;
use crate::text::codec::open_reader;
use crate::text::lines::{line_content, read_line_bounded, DEFAULT_MAX_LINE_BYTES};

/// A document: its id (the id column rendered as text, or its 0-based row number), its text
/// (None for a null or missing text) and the values of the kept columns, as text (see
/// [`kept_text`]), in `--keep-columns` order.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub text: Option<String>,
    pub kept: Vec<Option<String>>,
}

pub struct Columns<'a> {
    pub text: &'a str,
    pub id: Option<&'a str>,
    /// `--keep-columns`: paths copied onto every chunk of the document.
    pub keep: &'a [String],
}

const BATCH_ROWS: usize = 1024;

/// Reads every document of `input`, handing them on in batches. JSON lines are streamed (from
/// S3 too); an S3 Parquet object is fetched whole, since its footer comes first.
pub fn read_documents(
    input: &InputFile,
    runtime: &tokio::runtime::Handle,
    columns: &Columns,
    emit: &mut dyn FnMut(Vec<Document>) -> Result<(), EmbedError>,
) -> Result<(), EmbedError> {
    let url = input.url();
    let storage = |e| EmbedError::Storage(std::sync::Arc::new(e));
    match (input.format, input.store.local_file(&input.key)) {
        // `embeddable` admits no CSV; were one to come, it would be read as lines and fail there.
        (Format::Json | Format::Csv, _) => {
            let reader = input.store.reader(&input.key, runtime).map_err(storage)?;
            read_json_lines(reader, &url, columns, emit)
        }
        (Format::Parquet, Some(path)) => {
            let file = std::fs::File::open(path)
                .map_err(|e| EmbedError::unreadable(&url, "cannot open", e))?;
            read_parquet(file, &url, columns, emit)
        }
        (Format::Parquet, None) => {
            let bytes = runtime
                .block_on(input.store.read_range(&input.key, 0..input.size))
                .map_err(storage)?;
            read_parquet(bytes::Bytes::from(bytes), &url, columns, emit)
        }
    }
}

fn read_parquet<R: parquet::file::reader::ChunkReader + 'static>(
    source: R,
    url: &str,
    columns: &Columns,
    emit: &mut dyn FnMut(Vec<Document>) -> Result<(), EmbedError>,
) -> Result<(), EmbedError> {
    let parquet = |e: parquet::errors::ParquetError| {
        EmbedError::unreadable(url, "not a Parquet file lakeops can read", e)
    };
    let arrow = |e: arrow::error::ArrowError| EmbedError::unreadable(url, "cannot read", e);
    let builder = ParquetRecordBatchReaderBuilder::try_new(source).map_err(parquet)?;
    let fields = builder.schema().fields().clone();
    let text_type = field_type(&fields, columns.text).ok_or_else(|| EmbedError::Column {
        url: url.to_owned(),
        column: columns.text.to_owned(),
        message: format!("no such column (columns: {})", column_names(&fields)),
    })?;
    if !is_string(text_type) {
        return Err(EmbedError::Column {
            url: url.to_owned(),
            column: columns.text.to_owned(),
            message: format!("the text column is {text_type}, not a string"),
        });
    }
    for path in columns
        .id
        .into_iter()
        .chain(columns.keep.iter().map(String::as_str))
    {
        if field_type(&fields, path).is_none() {
            return Err(EmbedError::Column {
                url: url.to_owned(),
                column: path.to_owned(),
                message: format!("no such column (columns: {})", column_names(&fields)),
            });
        }
    }
    let mask = ProjectionMask::columns(
        builder.parquet_schema(),
        std::iter::once(columns.text)
            .chain(columns.id)
            .chain(columns.keep.iter().map(String::as_str)),
    );
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet)?;
    let mut row = 0u64;
    for batch in reader {
        let batch = batch.map_err(arrow)?;
        let (texts, text_valid) = nested_column(&batch, columns.text);
        let texts = arrow::compute::cast(&texts, &DataType::Utf8).map_err(arrow)?;
        let texts = texts.as_string::<i32>();
        let ids = columns.id.map(|id| nested_column(&batch, id));
        let options = FormatOptions::default();
        let id_format = match &ids {
            Some((array, _)) => Some(ArrayFormatter::try_new(array, &options).map_err(arrow)?),
            None => None,
        };
        let kept: Vec<Vec<Option<String>>> = columns
            .keep
            .iter()
            .map(|path| {
                let (array, valid) = nested_column(&batch, path);
                kept_column(&array, &valid).map_err(arrow)
            })
            .collect::<Result<_, _>>()?;
        let mut docs = Vec::with_capacity(batch.num_rows());
        for i in 0..batch.num_rows() {
            let id = match (&ids, &id_format) {
                (Some((array, valid)), Some(format)) => {
                    if !valid[i] || array.is_null(i) {
                        return Err(EmbedError::Column {
                            url: url.to_owned(),
                            column: columns.id.unwrap_or_default().to_owned(),
                            message: format!("row {} has a null id", row + i as u64),
                        });
                    }
                    format.value(i).to_string()
                }
                _ => (row + i as u64).to_string(),
            };
            let text = (text_valid[i] && texts.is_valid(i)).then(|| texts.value(i).to_owned());
            let kept = kept.iter().map(|column| column[i].clone()).collect();
            docs.push(Document { id, text, kept });
        }
        row += batch.num_rows() as u64;
        emit(docs)?;
    }
    Ok(())
}

fn field_type<'a>(fields: &'a Fields, path: &str) -> Option<&'a DataType> {
    let mut fields = fields;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let field = fields.iter().find(|f| f.name() == part)?;
        if parts.peek().is_none() {
            return Some(field.data_type());
        }
        match field.data_type() {
            DataType::Struct(children) => fields = children,
            _ => return None,
        }
    }
    None
}

fn column_names(fields: &Fields) -> String {
    fn walk(prefix: &str, fields: &Fields, out: &mut Vec<String>) {
        for field in fields {
            let name = format!("{prefix}{}", field.name());
            match field.data_type() {
                DataType::Struct(children) => walk(&format!("{name}."), children, out),
                _ => out.push(name),
            }
        }
    }
    let mut names = Vec::new();
    walk("", fields, &mut names);
    names.join(", ")
}

/// Strings in any of Arrow's layouts, dictionary-encoded ones included (pandas categoricals).
fn is_string(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_string(values),
        _ => false,
    }
}

/// A kept Parquet column's values as text, the way [`kept_text`] renders JSON: strings as they
/// are, nested values as JSON, other scalars as arrow displays them; null where the value or a
/// struct above it is null.
fn kept_column(array: &ArrayRef, valid: &[bool]) -> Result<Vec<Option<String>>, ArrowError> {
    let nested = matches!(
        array.data_type(),
        DataType::Struct(_)
            | DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(..)
            | DataType::Map(..)
    );
    if nested {
        let batch = RecordBatch::try_from_iter([("v", array.clone())])?;
        let mut writer = arrow::json::LineDelimitedWriter::new(Vec::new());
        writer.write(&batch)?;
        writer.finish()?;
        let lines = writer.into_inner();
        let mut values = Vec::with_capacity(array.len());
        for (i, line) in lines.split(|b| *b == b'\n').take(array.len()).enumerate() {
            let row: serde_json::Value =
                serde_json::from_slice(line).map_err(|e| ArrowError::JsonError(e.to_string()))?;
            values.push(valid[i].then(|| row.get("v").and_then(kept_text)).flatten());
        }
        return Ok(values);
    }
    let strings = is_string(array.data_type())
        .then(|| arrow::compute::cast(array, &DataType::Utf8))
        .transpose()?;
    let options = FormatOptions::default();
    let format = ArrayFormatter::try_new(array, &options)?;
    Ok((0..array.len())
        .map(|i| {
            if !valid[i] || array.is_null(i) {
                return None;
            }
            Some(match &strings {
                Some(strings) => strings.as_string::<i32>().value(i).to_owned(),
                None => format.value(i).to_string(),
            })
        })
        .collect())
}

/// A kept JSON value as text: a string as it is, a number or boolean as written, an object or
/// array as compact JSON; null is none.
fn kept_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The leaf array at `path` and, per row, whether every struct above it is non-null.
fn nested_column(batch: &RecordBatch, path: &str) -> (ArrayRef, Vec<bool>) {
    let mut valid = vec![true; batch.num_rows()];
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let mut array = batch
        .column_by_name(first)
        .cloned()
        .expect("projected column present");
    for part in parts {
        let parent: &StructArray = array.as_struct();
        for (i, v) in valid.iter_mut().enumerate() {
            *v &= parent.is_valid(i);
        }
        array = parent
            .column_by_name(part)
            .cloned()
            .expect("projected child present");
    }
    (array, valid)
}

fn read_json_lines(
    raw: Box<dyn Read + Send>,
    url: &str,
    columns: &Columns,
    emit: &mut dyn FnMut(Vec<Document>) -> Result<(), EmbedError>,
) -> Result<(), EmbedError> {
    let at = |line: u64, problem: String| EmbedError::Input {
        url: format!("{url}:{line}"),
        problem,
    };
    let failed = |line: u64, what, e: std::io::Error| {
        EmbedError::unreadable(format!("{url}:{line}"), what, e)
    };
    let opened = open_reader(raw).map_err(|e| failed(0, "cannot read", e))?;
    let mut reader = BufReader::with_capacity(1 << 20, opened.reader);
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut row = 0u64;
    let mut docs = Vec::with_capacity(BATCH_ROWS);
    let mut seen_text = false;
    let mut seen_kept = vec![false; columns.keep.len()];
    loop {
        let (n, overlong) = read_line_bounded(&mut reader, &mut line, DEFAULT_MAX_LINE_BYTES)
            .map_err(|e| failed(number + 1, "cannot read", e))?;
        if n == 0 {
            break;
        }
        number += 1;
        if overlong {
            return Err(at(
                number,
                format!(
                    "longer than {DEFAULT_MAX_LINE_BYTES} bytes (the longest line lakeops reads)"
                ),
            ));
        }
        let content = line_content(line.strip_suffix(b"\n").unwrap_or(&line), number == 1);
        if content.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record: serde_json::Value = serde_json::from_slice(content)
            .map_err(|e| EmbedError::unreadable(format!("{url}:{number}"), "not JSON", e))?;
        let field = lookup(&record, columns.text);
        seen_text |= field.is_some();
        let text = match field {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(at(
                    number,
                    format!(
                        "field {} is {}, not a string",
                        columns.text,
                        json_kind(other)
                    ),
                ))
            }
        };
        let id = match columns.id {
            None => row.to_string(),
            Some(field) => match lookup(&record, field) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                    v.to_string()
                }
                Some(v) if !v.is_null() => v.to_string(),
                _ => return Err(at(number, format!("no id in field {field}"))),
            },
        };
        let mut kept = Vec::with_capacity(columns.keep.len());
        for (path, seen) in columns.keep.iter().zip(&mut seen_kept) {
            let value = lookup(&record, path);
            *seen |= value.is_some();
            kept.push(value.and_then(kept_text));
        }
        docs.push(Document { id, text, kept });
        row += 1;
        if docs.len() == BATCH_ROWS {
            emit(std::mem::take(&mut docs))?;
        }
    }
    if row > 0 && !seen_text {
        return Err(EmbedError::Column {
            url: url.to_owned(),
            column: columns.text.to_owned(),
            message: format!("no record among {row} has this field"),
        });
    }
    // A kept field no record has is a misspelt name, said as the text field's is; one that only
    // some records have is null in the others.
    if row > 0 {
        if let Some((path, _)) = columns
            .keep
            .iter()
            .zip(&seen_kept)
            .find(|(_, seen)| !**seen)
        {
            return Err(EmbedError::Column {
                url: url.to_owned(),
                column: path.clone(),
                message: format!("no record among {row} has this field"),
            });
        }
    }
    if !docs.is_empty() {
        emit(docs)?;
    }
    Ok(())
}

fn lookup<'a>(record: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.')
        .try_fold(record, |value, part| value.get(part))
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
