//! One JSON-lines record, parsed once into a value that borrows from the line.
//!
//! `serde_json::Value` would allocate every string and (with `preserve_order`) an index map per
//! object; this type borrows unescaped strings from the line and keeps object entries in source
//! order, which is what inference (R7: first-seen order) and column building need.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(Cow<'a, str>),
    Array(Vec<JsonValue<'a>>),
    Object(Vec<(Cow<'a, str>, JsonValue<'a>)>),
}

/// Why a line is not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    #[error("truncated JSON: {0}")]
    Truncated(String),
    #[error("not a JSON object but {0}")]
    NotAnObject(&'static str),
    #[error("invalid UTF-8 at byte {0} of the line")]
    InvalidUtf8(usize),
    #[error("nested {depth} levels deep; Parquet readers fail on deep nesting (pyarrow from about 50 list levels, Arrow's IPC schema at 64), so lines are limited to {MAX_DEPTH}")]
    TooDeep { depth: usize },
}

/// The deepest nesting of objects and arrays inside a record that lakeops takes (the record's
/// own object not counted): every Parquet writer and reader we meet handles it, with room to
/// spare (BUG-9: pyarrow failed from about 50 levels of lists, lakeops' own query from 64).
pub const MAX_DEPTH: usize = 32;

/// The line as text. Validation runs on every byte of the input, so it uses the SIMD validator;
/// only a failing line pays for finding where the bad byte is.
pub fn line_text(line: &[u8]) -> Result<&str, LineError> {
    simdutf8::basic::from_utf8(line).map_err(|_| {
        LineError::InvalidUtf8(
            std::str::from_utf8(line)
                .err()
                .map_or(0, |e| e.valid_up_to()),
        )
    })
}

/// Parses one line (without its line terminator) into a top-level object of at most
/// [`MAX_DEPTH`] nested levels. serde_json's recursion limit (128 levels) bounds the parse
/// itself, so deeper input is an error, not a stack overflow.
pub fn parse_line(line: &str) -> Result<JsonValue<'_>, LineError> {
    let value: JsonValue<'_> = serde_json::from_str(line).map_err(describe)?;
    let JsonValue::Object(entries) = &value else {
        return Err(LineError::NotAnObject(value.kind_name()));
    };
    let depth = entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0);
    if depth > MAX_DEPTH {
        return Err(LineError::TooDeep { depth });
    }
    Ok(value)
}

fn describe(err: serde_json::Error) -> LineError {
    let text = err.to_string();
    // serde_json appends " at line 1 column N"; for one line the column alone says where.
    let message = match text.rfind(" at line ") {
        Some(pos) => format!("{} at column {}", &text[..pos], err.column()),
        None => text,
    };
    match err.classify() {
        serde_json::error::Category::Eof => LineError::Truncated(message),
        _ => LineError::InvalidJson(message),
    }
}

impl JsonValue<'_> {
    /// Levels of objects and arrays: 0 for a scalar, 1 for `[1]` or `{}`.
    pub fn depth(&self) -> usize {
        match self {
            JsonValue::Array(items) => 1 + items.iter().map(JsonValue::depth).max().unwrap_or(0),
            JsonValue::Object(entries) => {
                1 + entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0)
            }
            _ => 0,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::I64(_) | JsonValue::U64(_) | JsonValue::F64(_) => "a number",
            JsonValue::Str(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }

    /// Compact JSON text, used where the lattice stores a value as `string` holding JSON.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("null"))
    }
}

impl<'de> Deserialize<'de> for JsonValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = JsonValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(JsonValue::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(JsonValue::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(JsonValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(JsonValue::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => JsonValue::I64(v),
            Err(_) => JsonValue::U64(v),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(JsonValue::F64(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(JsonValue::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(JsonValue::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(JsonValue::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonValue::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<(Cow<'de, str>, JsonValue<'de>)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value = map.next_value()?;
            entries.push((key.0, value));
        }
        if let Some(key) = first_duplicate_key(&entries) {
            // Keeping either value would silently drop the other: the line is rejected instead.
            return Err(de::Error::custom(format_args!(
                "duplicate key {key:?} in one object"
            )));
        }
        Ok(JsonValue::Object(entries))
    }
}

fn first_duplicate_key<'a>(entries: &'a [(Cow<'_, str>, JsonValue<'_>)]) -> Option<&'a str> {
    if entries.len() <= 16 {
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(k, _)| k == key) {
                return Some(key);
            }
        }
        return None;
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
    keys.sort_unstable();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// An object key that borrows from the input when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonValue::Null => serializer.serialize_unit(),
            JsonValue::Bool(b) => serializer.serialize_bool(*b),
            JsonValue::I64(n) => serializer.serialize_i64(*n),
            JsonValue::U64(n) => serializer.serialize_u64(*n),
            JsonValue::F64(n) => serializer.serialize_f64(*n),
            JsonValue::Str(s) => serializer.serialize_str(s),
            JsonValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            JsonValue::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key.as_ref(), value)?;
                }
                map.end()
            }
        }
    }
}
