//! The Arrow columns of one batch under construction, filled from records that already passed
//! the schema check.

use std::sync::Arc;

use arrow::array::builder::NullBufferBuilder;
use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Decimal128Builder, Float64Builder, Int32Builder,
    Int64Builder, ListArray, RecordBatch, RecordBatchOptions, StringBuilder, StructArray,
};
use arrow::buffer::{OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{FieldRef, Fields, SchemaRef};

use super::check::decimal_value;
use crate::schema::{self, DataType, Field, JsonValue};

/// The columns of one batch under construction.
pub(super) struct RecordBuilder {
    columns: Vec<Column>,
    names: Vec<String>,
    pub(super) rows: usize,
}

impl RecordBuilder {
    pub(super) fn new(fields: &[Field]) -> Self {
        RecordBuilder {
            columns: fields.iter().map(|f| Column::new(&f.data_type)).collect(),
            names: fields.iter().map(|f| f.name.clone()).collect(),
            rows: 0,
        }
    }

    pub(super) fn append(&mut self, entries: &[(std::borrow::Cow<'_, str>, JsonValue<'_>)]) {
        append_entries(&mut self.columns, &self.names, entries, self.rows);
        self.rows += 1;
    }

    pub(super) fn finish(self, schema: &SchemaRef) -> RecordBatch {
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
