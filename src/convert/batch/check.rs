//! Whether a record fits the schema, checked before any column is touched: a value fits a column
//! when widening the column by the value's type leaves it unchanged.

use super::UnknownKeys;
use crate::schema::{self, DataType, Field, JsonValue};

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

pub(super) fn check_entries(
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

pub(super) fn decimal_value(value: &JsonValue<'_>, precision: u8, scale: i8) -> Option<i128> {
    let n: i128 = match value {
        JsonValue::I64(n) => (*n).into(),
        JsonValue::U64(n) => (*n).into(),
        _ => return None,
    };
    let scaled = n.checked_mul(10i128.checked_pow(scale as u32)?)?;
    (scaled.unsigned_abs() < 10u128.pow(precision as u32)).then_some(scaled)
}
