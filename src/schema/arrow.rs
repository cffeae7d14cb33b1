//! Lattice types as Arrow types: what `convert` writes and `query` reads.

use std::sync::Arc;

use arrow::datatypes::{DataType as ArrowType, Field as ArrowField, Fields, Schema, TimeUnit};

use super::{DataType, Field};

/// Name of a list's element field, as the Parquet LogicalTypes spec and Spark write it.
pub const LIST_ELEMENT: &str = "element";

pub fn to_arrow_type(ty: &DataType) -> ArrowType {
    match ty {
        DataType::Boolean => ArrowType::Boolean,
        DataType::Tinyint => ArrowType::Int8,
        DataType::Smallint => ArrowType::Int16,
        DataType::Int => ArrowType::Int32,
        DataType::Bigint => ArrowType::Int64,
        DataType::Float => ArrowType::Float32,
        DataType::Double => ArrowType::Float64,
        DataType::Date => ArrowType::Date32,
        DataType::Timestamp => ArrowType::Timestamp(TimeUnit::Microsecond, None),
        DataType::Binary => ArrowType::Binary,
        DataType::Decimal { precision, scale } => ArrowType::Decimal128(*precision, *scale),
        // `Unknown` only survives when a caller skipped `finalize`; text is what R3 makes of it.
        DataType::String | DataType::Unknown => ArrowType::Utf8,
        DataType::Array(element) => ArrowType::List(Arc::new(ArrowField::new(
            LIST_ELEMENT,
            to_arrow_type(element),
            true,
        ))),
        DataType::Struct(fields) => ArrowType::Struct(to_arrow_fields(fields)),
        DataType::Map(key, value) => ArrowType::Map(
            Arc::new(ArrowField::new(
                "entries",
                ArrowType::Struct(Fields::from(vec![
                    ArrowField::new("key", to_arrow_type(key), false),
                    ArrowField::new("value", to_arrow_type(value), true),
                ])),
                false,
            )),
            false,
        ),
    }
}

/// R4: the Glue type of an Arrow type read from a Parquet footer (awswrangler's `pyarrow2athena`).
/// `None` for types Glue cannot name (intervals, unions, durations, times of day).
pub fn from_arrow_type(ty: &ArrowType) -> Option<DataType> {
    Some(match ty {
        ArrowType::Null => DataType::Unknown,
        ArrowType::Boolean => DataType::Boolean,
        ArrowType::Int8 => DataType::Tinyint,
        ArrowType::Int16 | ArrowType::UInt8 => DataType::Smallint,
        ArrowType::Int32 | ArrowType::UInt16 => DataType::Int,
        ArrowType::Int64 | ArrowType::UInt32 => DataType::Bigint,
        ArrowType::UInt64 => DataType::Decimal {
            precision: 20,
            scale: 0,
        },
        ArrowType::Float16 | ArrowType::Float32 => DataType::Float,
        ArrowType::Float64 => DataType::Double,
        ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View => DataType::String,
        ArrowType::Binary
        | ArrowType::LargeBinary
        | ArrowType::BinaryView
        | ArrowType::FixedSizeBinary(_) => DataType::Binary,
        ArrowType::Date32 | ArrowType::Date64 => DataType::Date,
        ArrowType::Timestamp(..) => DataType::Timestamp,
        ArrowType::Decimal32(p, s)
        | ArrowType::Decimal64(p, s)
        | ArrowType::Decimal128(p, s)
        | ArrowType::Decimal256(p, s) => DataType::Decimal {
            precision: (*p).min(38),
            scale: *s,
        },
        ArrowType::List(f)
        | ArrowType::LargeList(f)
        | ArrowType::ListView(f)
        | ArrowType::LargeListView(f)
        | ArrowType::FixedSizeList(f, _) => {
            DataType::Array(Box::new(from_arrow_type(f.data_type())?))
        }
        ArrowType::Struct(fields) => DataType::Struct(
            fields
                .iter()
                .map(|f| {
                    Some(Field::new(
                        f.name().as_str(),
                        from_arrow_type(f.data_type())?,
                    ))
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        ArrowType::Map(entries, _) => match entries.data_type() {
            ArrowType::Struct(kv) if kv.len() == 2 => DataType::Map(
                Box::new(from_arrow_type(kv[0].data_type())?),
                Box::new(from_arrow_type(kv[1].data_type())?),
            ),
            _ => return None,
        },
        ArrowType::Dictionary(_, value) => from_arrow_type(value)?,
        _ => return None,
    })
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
