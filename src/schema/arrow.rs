//! Lattice types as Arrow types: what `convert` writes and `query` reads.

use std::sync::Arc;

use arrow::datatypes::{DataType as ArrowType, Field as ArrowField, Fields, Schema};

use super::{DataType, Field};

/// Name of a list's element field, as the Parquet LogicalTypes spec and Spark write it.
pub const LIST_ELEMENT: &str = "element";

pub fn to_arrow_type(ty: &DataType) -> ArrowType {
    match ty {
        DataType::Boolean => ArrowType::Boolean,
        DataType::Int => ArrowType::Int32,
        DataType::Bigint => ArrowType::Int64,
        DataType::Double => ArrowType::Float64,
        DataType::Decimal { precision, scale } => ArrowType::Decimal128(*precision, *scale),
        // `Unknown` only survives when a caller skipped `finalize`; text is what R3 makes of it.
        DataType::String | DataType::Unknown => ArrowType::Utf8,
        DataType::Array(element) => ArrowType::List(Arc::new(ArrowField::new(
            LIST_ELEMENT,
            to_arrow_type(element),
            true,
        ))),
        DataType::Struct(fields) => ArrowType::Struct(to_arrow_fields(fields)),
    }
}

pub fn to_arrow_fields(fields: &[Field]) -> Fields {
    fields
        .iter()
        .map(|f| ArrowField::new(&f.name, to_arrow_type(&f.data_type), true))
        .collect()
}

pub fn to_arrow_schema(fields: &[Field]) -> Schema {
    Schema::new(to_arrow_fields(fields))
}
