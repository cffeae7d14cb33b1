//! The one type lattice shared by `convert`, `crawl` and `query`.
//!
//! The rules are those of `specs/crawl.md` (R1–R3): JSON values map to Glue/Hive types, and types
//! widen along a commutative, associative merge so that the result never depends on the order in
//! which files or records are seen. This module does no I/O.
//!
//! Deviation from R1, on purpose: integers beyond the 64-bit range are typed `double`, not
//! `decimal(38,0)`, because `serde_json` (without `arbitrary_precision`, which would slow every
//! number) hands them to us as `f64`. Integers in `(i64::MAX, u64::MAX]` do become `decimal(38,0)`.
//! Nothing wraps.

mod arrow;
mod file;
mod infer;
mod json;

pub use self::arrow::{to_arrow_fields, to_arrow_schema, to_arrow_type};
pub use file::{SchemaFile, SchemaFileError};
pub use infer::{find_field, Conflict, Inferrer};
pub use json::{line_text, parse_line, JsonValue, LineError};

use std::fmt;

/// A column type in the lattice. `Unknown` is internal: it is what a JSON `null` or an empty array
/// says about a column, and [`DataType::finalize`] turns it into `string` (R3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataType {
    Unknown,
    Boolean,
    Int,
    Bigint,
    Double,
    Decimal { precision: u8, scale: i8 },
    String,
    Array(Box<DataType>),
    Struct(Vec<Field>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub data_type: DataType,
}

impl Field {
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        Field {
            name: name.into(),
            data_type,
        }
    }
}

/// The decimal type R1 gives integers beyond `i64`.
pub const WIDE_INTEGER: DataType = DataType::Decimal {
    precision: 38,
    scale: 0,
};

/// Where two kinds (scalar, struct, array) met and the lattice fell back to `string` holding JSON
/// text (`W_KIND_CONFLICT` in the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Scalar,
    Struct,
    Array,
}

impl DataType {
    fn kind(&self) -> Option<Kind> {
        match self {
            DataType::Unknown => None,
            DataType::Array(_) => Some(Kind::Array),
            DataType::Struct(_) => Some(Kind::Struct),
            _ => Some(Kind::Scalar),
        }
    }

    fn is_integer(&self) -> bool {
        matches!(self, DataType::Int | DataType::Bigint)
    }

    /// The least upper bound of two types (R2). Commutative and associative; struct fields keep
    /// first-seen order, so `a ⊔ b` and `b ⊔ a` hold the same fields, possibly in another order.
    pub fn merge(&self, other: &DataType) -> DataType {
        let mut merged = self.clone();
        merged.widen(other, &mut |_| {});
        merged
    }

    /// Widens `self` in place to `self ⊔ other`, calling `on_conflict` with the field path of every
    /// kind conflict resolved to `string`.
    pub fn widen(&mut self, other: &DataType, on_conflict: &mut dyn FnMut(&str)) {
        self.widen_at(other, &mut String::new(), on_conflict)
    }

    fn widen_at(&mut self, other: &DataType, path: &mut String, on_conflict: &mut dyn FnMut(&str)) {
        use DataType::*;
        if self == other {
            return;
        }
        let merged = match (&mut *self, other) {
            (_, Unknown) => return,
            (Unknown, t) => t.clone(),
            (Array(a), Array(b)) => {
                path.push_str("[]");
                a.widen_at(b, path, on_conflict);
                path.truncate(path.len() - 2);
                return;
            }
            (Struct(fields), Struct(others)) => {
                merge_fields(fields, others, path, on_conflict);
                return;
            }
            (a, b) if a.kind() != b.kind() => {
                on_conflict(path);
                String
            }
            (String, _) | (_, String) => String,
            (a, b) if a.is_integer() && b.is_integer() => Bigint,
            (Double, b) if b.is_numeric() => Double,
            (a, Double) if a.is_numeric() => Double,
            (Decimal { .. }, b) if b.is_integer() => return,
            (a, d @ Decimal { .. }) if a.is_integer() => d.clone(),
            (
                Decimal {
                    precision: p1,
                    scale: s1,
                },
                Decimal {
                    precision: p2,
                    scale: s2,
                },
            ) if s1 == s2 => Decimal {
                precision: (*p1).max(*p2),
                scale: *s1,
            },
            // Boolean against a number, or decimals of different scale: only text holds both.
            _ => String,
        };
        *self = merged;
    }

    fn is_numeric(&self) -> bool {
        matches!(
            self,
            DataType::Int | DataType::Bigint | DataType::Double | DataType::Decimal { .. }
        )
    }

    /// R3, plus what Parquet forces: `unknown` becomes `string`, `array<unknown>` becomes
    /// `array<string>`, and a struct that never had a field (`{}` everywhere) becomes `string`
    /// holding the JSON text, because Parquet has no empty groups.
    pub fn finalize(&mut self) {
        match self {
            DataType::Unknown => *self = DataType::String,
            DataType::Array(element) => element.finalize(),
            DataType::Struct(fields) if fields.is_empty() => *self = DataType::String,
            DataType::Struct(fields) => fields.iter_mut().for_each(|f| f.data_type.finalize()),
            _ => {}
        }
    }
}

fn merge_fields(
    fields: &mut Vec<Field>,
    others: &[Field],
    path: &mut String,
    on_conflict: &mut dyn FnMut(&str),
) {
    for other in others {
        match fields.iter_mut().find(|f| f.name == other.name) {
            Some(field) => {
                let len = path.len();
                push_path(path, &field.name);
                field
                    .data_type
                    .widen_at(&other.data_type, path, on_conflict);
                path.truncate(len);
            }
            None => fields.push(other.clone()),
        }
    }
}

pub(crate) fn push_path(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

/// Glue/Hive spelling: `bigint`, `array<struct<label:string,prob:double>>`.
impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Unknown => f.write_str("unknown"),
            DataType::Boolean => f.write_str("boolean"),
            DataType::Int => f.write_str("int"),
            DataType::Bigint => f.write_str("bigint"),
            DataType::Double => f.write_str("double"),
            DataType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            DataType::String => f.write_str("string"),
            DataType::Array(element) => write!(f, "array<{element}>"),
            DataType::Struct(fields) => {
                f.write_str("struct<")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{}", field.name, field.data_type)?;
                }
                f.write_str(">")
            }
        }
    }
}

#[cfg(test)]
mod tests;
