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
mod hive;
mod infer;
mod json;
mod temporal;

pub use self::arrow::{from_arrow_type, to_arrow_fields, to_arrow_schema, to_arrow_type};
pub use file::SchemaFile;
pub use hive::parse_hive_type;
pub(crate) use infer::value_type;
pub use infer::{find_field, Conflict, Inferrer};
pub use json::{line_text, parse_line, JsonValue, LineError};
pub use temporal::{temporal, Temporal, TimestampForm, Zone};

use std::fmt;

/// A column type in the lattice. `Unknown` is internal: it is what a JSON `null` or an empty array
/// says about a column, and [`DataType::finalize`] turns it into `string` (R3).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DataType {
    Unknown,
    Boolean,
    /// Only Parquet footers yield these (R4); JSON inference never does.
    Tinyint,
    Smallint,
    Int,
    Bigint,
    Float,
    Double,
    Decimal {
        precision: u8,
        scale: i8,
    },
    String,
    /// From Parquet footers, or from ISO-8601 strings under `--infer-temporal` (see `temporal`).
    Date,
    Timestamp,
    Binary,
    Array(Box<DataType>),
    Struct(Vec<Field>),
    Map(Box<DataType>, Box<DataType>),
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    Map,
}

impl DataType {
    fn kind(&self) -> Option<Kind> {
        match self {
            DataType::Unknown => None,
            DataType::Array(_) => Some(Kind::Array),
            DataType::Struct(_) => Some(Kind::Struct),
            DataType::Map(..) => Some(Kind::Map),
            _ => Some(Kind::Scalar),
        }
    }

    /// Position on the integer ladder tinyint < smallint < int < bigint.
    fn integer_rank(&self) -> Option<u8> {
        match self {
            DataType::Tinyint => Some(0),
            DataType::Smallint => Some(1),
            DataType::Int => Some(2),
            DataType::Bigint => Some(3),
            _ => None,
        }
    }

    fn is_integer(&self) -> bool {
        self.integer_rank().is_some()
    }

    fn is_floating(&self) -> bool {
        matches!(self, DataType::Float | DataType::Double)
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
            (Map(k1, v1), Map(k2, v2)) => {
                k1.widen_at(k2, path, on_conflict);
                v1.widen_at(v2, path, on_conflict);
                return;
            }
            (a, b) if a.kind() != b.kind() => {
                on_conflict(path);
                String
            }
            (String, _) | (_, String) => String,
            (a, b) if a.is_integer() && b.is_integer() => integer_max(a, b),
            (a, b) if a.is_floating() && b.is_numeric() || b.is_floating() && a.is_numeric() => {
                Double
            }
            (Decimal { .. }, b) if b.is_integer() => return,
            (a, d @ Decimal { .. }) if a.is_integer() => d.clone(),
            (a @ Decimal { .. }, b @ Decimal { .. }) if same_scale_decimals(a, b) => {
                wider_decimal(a, b)
            }
            // Boolean against a number, decimals of different scale, or a date against a
            // timestamp or a number: only text holds both. (Date ⊔ timestamp is not timestamp:
            // the OpenX SerDe takes a value without a colon for epoch seconds, so a bare
            // `2024-01-01` in a timestamp column reads as NULL.)
            _ => String,
        };
        *self = merged;
    }

    fn is_numeric(&self) -> bool {
        self.is_integer() || self.is_floating() || matches!(self, DataType::Decimal { .. })
    }

    /// R5, the strict merge for Parquet: only the widenings Athena reads across files
    /// (tinyint→smallint→int→bigint, float→double, decimal of equal scale to the larger precision),
    /// applied through structs, arrays and maps. Anything else is a conflict at the returned path.
    pub fn merge_strict(&self, other: &DataType) -> Result<DataType, String> {
        let mut path = String::new();
        self.merge_strict_at(other, &mut path).map_err(|()| path)
    }

    fn merge_strict_at(&self, other: &DataType, path: &mut String) -> Result<DataType, ()> {
        use DataType::*;
        Ok(match (self, other) {
            (a, b) if a == b => a.clone(),
            (a, Unknown) => a.clone(),
            (Unknown, b) => b.clone(),
            (a, b) if a.is_integer() && b.is_integer() => integer_max(a, b),
            (a, b) if a.is_floating() && b.is_floating() => Double,
            (a @ Decimal { .. }, b @ Decimal { .. }) if same_scale_decimals(a, b) => {
                wider_decimal(a, b)
            }
            (Array(a), Array(b)) => {
                path.push_str("[]");
                let element = a.merge_strict_at(b, path)?;
                path.truncate(path.len() - 2);
                Array(Box::new(element))
            }
            (Map(k1, v1), Map(k2, v2)) => Map(
                Box::new(k1.merge_strict_at(k2, path)?),
                Box::new(v1.merge_strict_at(v2, path)?),
            ),
            (Struct(fields), Struct(others)) => {
                let mut merged = fields.clone();
                for other in others {
                    match merged.iter_mut().find(|f| f.name == other.name) {
                        Some(field) => {
                            let len = path.len();
                            push_path(path, &field.name);
                            field.data_type =
                                field.data_type.merge_strict_at(&other.data_type, path)?;
                            path.truncate(len);
                        }
                        None => merged.push(other.clone()),
                    }
                }
                Struct(merged)
            }
            _ => return Err(()),
        })
    }

    /// Whether `convert` can build a column of this type from JSON values; the Parquet-only types
    /// of R4 come from footers and are never inferred from JSON.
    pub fn is_json_type(&self) -> bool {
        match self {
            DataType::Unknown
            | DataType::Boolean
            | DataType::Int
            | DataType::Bigint
            | DataType::Double
            | DataType::Decimal { .. }
            | DataType::String => true,
            DataType::Array(element) => element.is_json_type(),
            DataType::Struct(fields) => fields.iter().all(|f| f.data_type.is_json_type()),
            _ => false,
        }
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
            DataType::Map(key, value) => {
                key.finalize();
                value.finalize();
            }
            _ => {}
        }
    }
}

fn same_scale_decimals(a: &DataType, b: &DataType) -> bool {
    matches!((a, b), (DataType::Decimal { scale: s1, .. }, DataType::Decimal { scale: s2, .. }) if s1 == s2)
}

/// Of two decimals of one scale, the one with the larger precision (holds both).
fn wider_decimal(a: &DataType, b: &DataType) -> DataType {
    match (a, b) {
        (DataType::Decimal { precision: p1, .. }, DataType::Decimal { precision: p2, .. })
            if p2 > p1 =>
        {
            b.clone()
        }
        _ => a.clone(),
    }
}

fn integer_max(a: &DataType, b: &DataType) -> DataType {
    if a.integer_rank() >= b.integer_rank() {
        a.clone()
    } else {
        b.clone()
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
            DataType::Tinyint => f.write_str("tinyint"),
            DataType::Smallint => f.write_str("smallint"),
            DataType::Int => f.write_str("int"),
            DataType::Bigint => f.write_str("bigint"),
            DataType::Float => f.write_str("float"),
            DataType::Double => f.write_str("double"),
            DataType::Date => f.write_str("date"),
            DataType::Timestamp => f.write_str("timestamp"),
            DataType::Binary => f.write_str("binary"),
            DataType::Map(key, value) => write!(f, "map<{key},{value}>"),
            DataType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            DataType::String => f.write_str("string"),
            DataType::Array(element) => write!(f, "array<{element}>"),
            DataType::Struct(fields) => {
                f.write_str("struct<")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_field_name(f, &field.name)?;
                    write!(f, ":{}", field.data_type)?;
                }
                f.write_str(">")
            }
        }
    }
}

/// A struct field name as Glue shows it: bare, as Glue's own crawler writes `detail-type`, unless
/// the bare name would not parse back (empty, outer spaces, or one of `:,<>` and the backquote).
/// Such names are backquoted, an inner backquote doubled, as Hive DDL and Spark's type parser
/// read them. Athena's parser takes neither form for those names, so nothing readable is lost.
fn write_field_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let bare = !name.is_empty() && name.trim() == name && !name.contains([':', ',', '<', '>', '`']);
    if bare {
        f.write_str(name)
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

#[cfg(test)]
mod tests;
