//! Stage 2: a chunk of whole lines becomes one Arrow record batch plus the lines it rejects.
//!
//! A record is checked against the schema before any column is touched, so a rejected line never
//! leaves half a row behind. "Fits" means what the lattice says: a value fits a column when
//! widening the column by the value's type leaves the column unchanged (an integer fits `double`,
//! anything fits `string` as JSON text); anything else is a reject, never a silent null.

use std::sync::Arc;

use arrow::array::builder::NullBufferBuilder;
use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Decimal128Builder, Float64Builder, Int32Builder,
    Int64Builder, ListArray, RecordBatch, RecordBatchOptions, StringBuilder, StructArray,
};
use arrow::buffer::{OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{FieldRef, Fields, SchemaRef};

use crate::schema::{self, line_text, parse_line, DataType, Field, JsonValue};

use crate::text::lines::{self, Chunk};

/// One input line that did not become a row.
#[derive(Debug, Clone)]
pub struct Reject {
    /// Physical, 1-based line number in the decompressed input (blank lines counted).
    pub line: u64,
    /// Offset of the line's first byte in the decompressed input.
    pub byte_offset: u64,
    pub reason: String,
    pub raw: Vec<u8>,
}

/// What a chunk turned into.
#[derive(Debug, Default)]
pub struct ParsedChunk {
    pub batch: Option<RecordBatch>,
    pub rejects: Vec<Reject>,
    /// Physical lines in the chunk, blank ones included.
    pub lines: u64,
    pub blank_lines: u64,
}

/// Everything a parse worker needs, shared by all chunks of a run.
pub struct BatchContext {
    pub fields: Vec<Field>,
    pub arrow_schema: SchemaRef,
    /// What a key the schema does not name (with a non-null value) does to its line.
    pub unknown_keys: UnknownKeys,
    /// Longer lines are rejected (the splitter reads past those longer than a chunk).
    pub max_line_bytes: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownKeys {
    /// convert: the schema is the output's, so a value it cannot hold is a reject, never lost.
    Reject,
    /// query: the table (or the query's projection) names the columns it reads, and a record's
    /// other keys are not part of the answer, as with Athena's JSON SerDes.
    Ignore,
}

impl BatchContext {
    pub fn new(fields: Vec<Field>) -> Self {
        let arrow_schema = Arc::new(schema::to_arrow_schema(&fields));
        BatchContext {
            fields,
            arrow_schema,
            unknown_keys: UnknownKeys::Reject,
            max_line_bytes: usize::MAX,
        }
    }

    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    pub fn ignoring_unknown_keys(mut self) -> Self {
        self.unknown_keys = UnknownKeys::Ignore;
        self
    }
}

pub fn parse_chunk(ctx: &BatchContext, chunk: &Chunk) -> ParsedChunk {
    let mut builder = RecordBuilder::new(&ctx.fields);
    let mut out = ParsedChunk::default();
    let data = &chunk.data[..];
    let mut start = 0usize;
    let mut line_no = chunk.first_line;
    while start < data.len() {
        let (end, next, terminated) = match memchr::memchr(b'\n', &data[start..]) {
            Some(i) => (start + i, start + i + 1, true),
            None => (data.len(), data.len(), false),
        };
        let line = lines::line_content(&data[start..end], chunk.byte_offset == 0 && start == 0);
        out.lines += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            out.blank_lines += 1;
        } else if line.len() > ctx.max_line_bytes {
            out.rejects.push(Reject {
                line: line_no,
                byte_offset: chunk.byte_offset + start as u64,
                reason: lines::overlong_reason(line.len() as u64, ctx.max_line_bytes),
                raw: line[..lines::OVERLONG_HEAD.min(line.len())].to_vec(),
            });
        } else if let Err(reason) = append_line(&mut builder, ctx, line) {
            let reason = if !terminated {
                format!("last line has no newline (truncated input?): {reason}")
            } else if line_no == 1 && matches!(line.trim_ascii(), b"{" | b"[") {
                format!("{reason} (the input looks like one pretty-printed JSON document, not JSON lines)")
            } else {
                reason
            };
            out.rejects.push(Reject {
                line: line_no,
                byte_offset: chunk.byte_offset + start as u64,
                reason,
                raw: line.to_vec(),
            });
        }
        start = next;
        line_no += 1;
    }
    if builder.rows > 0 {
        out.batch = Some(builder.finish(&ctx.arrow_schema));
    }
    out
}

fn append_line(builder: &mut RecordBuilder, ctx: &BatchContext, line: &[u8]) -> Result<(), String> {
    let record = line_text(line)
        .and_then(parse_line)
        .map_err(|e| e.to_string())?;
    let JsonValue::Object(entries) = &record else {
        unreachable!("parse_line returns objects")
    };
    let mut path = String::new();
    check_entries(&ctx.fields, entries, &mut path, ctx.unknown_keys).map_err(|m| m.to_string())?;
    builder.append(entries);
    Ok(())
}

/// A value that the schema cannot hold.
#[derive(Debug, thiserror::Error)]
pub enum Misfit {
    #[error("{path}: {found} does not fit column type {expected} ({WIDEN_HINT})")]
    WrongType {
        path: String,
        expected: String,
        found: &'static str,
    },
    #[error("{path}: a new field holding {found} is not in the schema ({WIDEN_HINT})")]
    NewField { path: String, found: &'static str },
}

const WIDEN_HINT: &str = "widen with --sample-rows all, or pin a wider type with --schema";

fn misfit(path: &str, expected: &DataType, found: &'static str) -> Misfit {
    Misfit::WrongType {
        path: path.to_owned(),
        expected: expected.to_string(),
        found,
    }
}

fn check(
    ty: &DataType,
    value: &JsonValue<'_>,
    path: &mut String,
    unknown_keys: UnknownKeys,
) -> Result<(), Misfit> {
    match (ty, value) {
        (_, JsonValue::Null) | (DataType::String, _) | (DataType::Boolean, JsonValue::Bool(_)) => {
            Ok(())
        }
        (DataType::Int, JsonValue::I64(n)) if i32::try_from(*n).is_ok() => Ok(()),
        (DataType::Bigint, JsonValue::I64(_)) => Ok(()),
        (DataType::Double, JsonValue::I64(_) | JsonValue::U64(_) | JsonValue::F64(_)) => Ok(()),
        (DataType::Decimal { precision, scale }, JsonValue::I64(_) | JsonValue::U64(_)) => {
            decimal_value(value, *precision, *scale)
                .map(drop)
                .ok_or_else(|| misfit(path, ty, "an integer out of its range"))
        }
        (DataType::Array(element), JsonValue::Array(items)) => {
            path.push_str("[]");
            let result = items
                .iter()
                .try_for_each(|item| check(element, item, path, unknown_keys));
            path.truncate(path.len() - 2);
            result
        }
        (DataType::Struct(fields), JsonValue::Object(entries)) => {
            check_entries(fields, entries, path, unknown_keys)
        }
        (DataType::Int | DataType::Bigint, JsonValue::I64(_) | JsonValue::U64(_)) => {
            Err(misfit(path, ty, "an integer out of its range"))
        }
        _ => Err(misfit(path, ty, value.kind_name())),
    }
}

fn check_entries(
    fields: &[Field],
    entries: &[(std::borrow::Cow<'_, str>, JsonValue<'_>)],
    path: &mut String,
    unknown_keys: UnknownKeys,
) -> Result<(), Misfit> {
    for (position, (key, value)) in entries.iter().enumerate() {
        let len = path.len();
        schema::push_path(path, key);
        let result = match schema::find_field(fields, key, position) {
            Some(index) => check(&fields[index].data_type, value, path, unknown_keys),
            None if value == &JsonValue::Null || unknown_keys == UnknownKeys::Ignore => Ok(()),
            None => Err(Misfit::NewField {
                path: path.clone(),
                found: value.kind_name(),
            }),
        };
        path.truncate(len);
        result?;
    }
    Ok(())
}

fn decimal_value(value: &JsonValue<'_>, precision: u8, scale: i8) -> Option<i128> {
    let n: i128 = match value {
        JsonValue::I64(n) => (*n).into(),
        JsonValue::U64(n) => (*n).into(),
        _ => return None,
    };
    let scaled = n.checked_mul(10i128.checked_pow(scale as u32)?)?;
    (scaled.unsigned_abs() < 10u128.pow(precision as u32)).then_some(scaled)
}

/// The columns of one batch under construction.
struct RecordBuilder {
    columns: Vec<Column>,
    names: Vec<String>,
    rows: usize,
}

impl RecordBuilder {
    fn new(fields: &[Field]) -> Self {
        RecordBuilder {
            columns: fields.iter().map(|f| Column::new(&f.data_type)).collect(),
            names: fields.iter().map(|f| f.name.clone()).collect(),
            rows: 0,
        }
    }

    fn append(&mut self, entries: &[(std::borrow::Cow<'_, str>, JsonValue<'_>)]) {
        append_entries(&mut self.columns, &self.names, entries, self.rows);
        self.rows += 1;
    }

    fn finish(self, schema: &SchemaRef) -> RecordBatch {
        let columns: Vec<ArrayRef> = self.columns.into_iter().map(Column::finish).collect();
        // The row count too: a projection of no columns (`count(*)`) still has rows.
        let options = RecordBatchOptions::new().with_row_count(Some(self.rows));
        RecordBatch::try_new_with_options(schema.clone(), columns, &options)
            .expect("columns are built from the same schema")
    }
}

/// Fills the children of one object; children the object does not mention get a null.
fn append_entries(
    children: &mut [Column],
    names: &[String],
    entries: &[(std::borrow::Cow<'_, str>, JsonValue<'_>)],
    rows_before: usize,
) {
    for (position, (key, value)) in entries.iter().enumerate() {
        let index = match names.get(position) {
            Some(name) if name == key => Some(position),
            _ => names.iter().position(|n| n == key),
        };
        // `check` let unknown keys through only when their value is null, or when the
        // context ignores them.
        if let Some(index) = index {
            children[index].append(value);
        }
    }
    for child in children.iter_mut() {
        if child.len() == rows_before {
            child.append_null();
        }
    }
}

enum Column {
    Boolean(BooleanBuilder),
    Int(Int32Builder),
    Bigint(Int64Builder),
    Double(Float64Builder),
    Decimal {
        builder: Decimal128Builder,
        precision: u8,
        scale: i8,
    },
    Text(StringBuilder),
    List {
        field: FieldRef,
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
        child: Box<Column>,
    },
    Struct {
        fields: Fields,
        names: Vec<String>,
        nulls: NullBufferBuilder,
        children: Vec<Column>,
    },
}

impl Column {
    fn new(ty: &DataType) -> Self {
        match ty {
            DataType::Boolean => Column::Boolean(BooleanBuilder::new()),
            DataType::Int => Column::Int(Int32Builder::new()),
            DataType::Bigint => Column::Bigint(Int64Builder::new()),
            DataType::Double => Column::Double(Float64Builder::new()),
            DataType::Decimal { precision, scale } => Column::Decimal {
                builder: Decimal128Builder::new()
                    .with_precision_and_scale(*precision, *scale)
                    .expect("schema files only yield valid decimal precision and scale"),
                precision: *precision,
                scale: *scale,
            },
            DataType::String | DataType::Unknown => Column::Text(StringBuilder::new()),
            DataType::Array(element) => {
                let arrow::datatypes::DataType::List(field) = schema::to_arrow_type(ty) else {
                    unreachable!()
                };
                Column::List {
                    field,
                    offsets: vec![0],
                    nulls: NullBufferBuilder::new(0),
                    child: Box::new(Column::new(element)),
                }
            }
            DataType::Struct(fields) => Column::Struct {
                fields: schema::to_arrow_fields(fields),
                names: fields.iter().map(|f| f.name.clone()).collect(),
                nulls: NullBufferBuilder::new(0),
                children: fields.iter().map(|f| Column::new(&f.data_type)).collect(),
            },
            // Inference and schema files yield JSON types only (`DataType::is_json_type`).
            other => unreachable!("convert has no JSON column builder for {other}"),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Boolean(b) => b.len(),
            Column::Int(b) => b.len(),
            Column::Bigint(b) => b.len(),
            Column::Double(b) => b.len(),
            Column::Decimal { builder, .. } => builder.len(),
            Column::Text(b) => b.len(),
            Column::List { offsets, .. } => offsets.len() - 1,
            Column::Struct { nulls, .. } => nulls.len(),
        }
    }

    fn append_null(&mut self) {
        match self {
            Column::Boolean(b) => b.append_null(),
            Column::Int(b) => b.append_null(),
            Column::Bigint(b) => b.append_null(),
            Column::Double(b) => b.append_null(),
            Column::Decimal { builder, .. } => builder.append_null(),
            Column::Text(b) => b.append_null(),
            Column::List { offsets, nulls, .. } => {
                offsets.push(*offsets.last().expect("offsets start with 0"));
                nulls.append_null();
            }
            Column::Struct {
                nulls, children, ..
            } => {
                nulls.append_null();
                children.iter_mut().for_each(Column::append_null);
            }
        }
    }

    /// Appends a value that `check` accepted for this column's type.
    fn append(&mut self, value: &JsonValue<'_>) {
        if let JsonValue::Null = value {
            return self.append_null();
        }
        match (self, value) {
            (Column::Boolean(b), JsonValue::Bool(v)) => b.append_value(*v),
            (Column::Int(b), JsonValue::I64(n)) => b.append_value(*n as i32),
            (Column::Bigint(b), JsonValue::I64(n)) => b.append_value(*n),
            (Column::Double(b), JsonValue::I64(n)) => b.append_value(*n as f64),
            (Column::Double(b), JsonValue::U64(n)) => b.append_value(*n as f64),
            (Column::Double(b), JsonValue::F64(n)) => b.append_value(*n),
            (
                Column::Decimal {
                    builder,
                    precision,
                    scale,
                },
                v,
            ) => match decimal_value(v, *precision, *scale) {
                Some(d) => builder.append_value(d),
                None => builder.append_null(),
            },
            (Column::Text(b), JsonValue::Str(s)) => b.append_value(s),
            (Column::Text(b), JsonValue::Bool(v)) => {
                b.append_value(if *v { "true" } else { "false" })
            }
            (Column::Text(b), v) => b.append_value(v.to_json_text()),
            (
                Column::List {
                    offsets,
                    nulls,
                    child,
                    ..
                },
                JsonValue::Array(items),
            ) => {
                items.iter().for_each(|item| child.append(item));
                let end = i32::try_from(child.len())
                    .expect("a batch holds fewer than 2^31 list elements");
                offsets.push(end);
                nulls.append_non_null();
            }
            (
                Column::Struct {
                    names,
                    nulls,
                    children,
                    ..
                },
                JsonValue::Object(entries),
            ) => {
                let rows_before = nulls.len();
                nulls.append_non_null();
                append_entries(children, names, entries, rows_before);
            }
            (column, _) => column.append_null(),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Column::Boolean(mut b) => Arc::new(b.finish()),
            Column::Int(mut b) => Arc::new(b.finish()),
            Column::Bigint(mut b) => Arc::new(b.finish()),
            Column::Double(mut b) => Arc::new(b.finish()),
            Column::Decimal { mut builder, .. } => Arc::new(builder.finish()),
            Column::Text(mut b) => Arc::new(b.finish()),
            Column::List {
                field,
                offsets,
                mut nulls,
                child,
            } => Arc::new(
                ListArray::try_new(
                    field,
                    OffsetBuffer::new(ScalarBuffer::from(offsets)),
                    child.finish(),
                    nulls.finish(),
                )
                .expect("offsets and child built together"),
            ),
            Column::Struct {
                fields,
                mut nulls,
                children,
                ..
            } => {
                let len = nulls.len();
                let arrays: Vec<ArrayRef> = children.into_iter().map(Column::finish).collect();
                Arc::new(
                    StructArray::try_new_with_length(fields, arrays, nulls.finish(), len)
                        .expect("children built together"),
                )
            }
        }
    }
}
