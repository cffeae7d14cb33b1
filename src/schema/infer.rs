//! R1 applied record by record: widen an accumulated schema with each JSON value in place,
//! without building a type per record (inference over a whole file must stay cheap).

use std::collections::{BTreeMap, BTreeSet};

use super::temporal::{temporal, Temporal, TimestampForm};
use super::{push_path, DataType, Field, JsonValue, WIDE_INTEGER};

/// A `W_KIND_CONFLICT`: at `path`, objects or arrays met scalars or each other and the column
/// became `string` holding JSON text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Conflict {
    pub path: String,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Inferrer {
    record: Vec<Field>,
    conflicts: Vec<Conflict>,
    records: u64,
    /// `--infer-temporal`: ISO-8601 strings are `date` or `timestamp` instead of `string`.
    #[serde(default)]
    temporal: bool,
    /// Under `temporal`: per field path, how its timestamp strings were written.
    #[serde(default)]
    timestamp_forms: BTreeMap<String, BTreeSet<TimestampForm>>,
}

/// What [`Inferrer::finish_all`] returns: the record schema, the kind conflicts, and per field
/// path the forms of the timestamps seen there (for paths that may have ended up other types).
pub type Finished = (
    Vec<Field>,
    Vec<Conflict>,
    BTreeMap<String, BTreeSet<TimestampForm>>,
);

/// A value's R1 type, where `infer_temporal` also reads ISO-8601 strings as dates and
/// timestamps, as sampling does under `--infer-temporal`.
pub(crate) fn value_type(value: &JsonValue<'_>, infer_temporal: bool) -> DataType {
    match value {
        JsonValue::Str(text) if infer_temporal => super::temporal::temporal(text)
            .map_or(DataType::String, super::temporal::Temporal::data_type),
        _ => scalar_type(value),
    }
}

/// The R1 type of a scalar, or of an empty container.
pub(crate) fn scalar_type(value: &JsonValue<'_>) -> DataType {
    match value {
        JsonValue::Null => DataType::Unknown,
        JsonValue::Bool(_) => DataType::Boolean,
        JsonValue::I64(n) if i32::try_from(*n).is_ok() => DataType::Int,
        JsonValue::I64(_) => DataType::Bigint,
        JsonValue::U64(_) => WIDE_INTEGER,
        JsonValue::F64(_) => DataType::Double,
        JsonValue::Str(_) => DataType::String,
        JsonValue::Array(_) => DataType::Array(Box::new(DataType::Unknown)),
        JsonValue::Object(_) => DataType::Struct(Vec::new()),
    }
}

impl Inferrer {
    pub fn new() -> Self {
        Self::default()
    }

    /// An inferrer that types ISO-8601 date and timestamp strings (`--infer-temporal`).
    pub fn with_temporal(temporal: bool) -> Self {
        Inferrer {
            temporal,
            ..Self::default()
        }
    }

    /// Widens the schema with one record (a top-level object, as `parse_line` returns).
    pub fn add(&mut self, record: &JsonValue<'_>) {
        if let JsonValue::Object(entries) = record {
            let mut path = String::new();
            let mut state = Absorb {
                conflicts: &mut self.conflicts,
                temporal: self.temporal.then_some(&mut self.timestamp_forms),
            };
            absorb_entries(&mut self.record, entries, &mut path, &mut state);
            self.records += 1;
        }
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    /// Merges another inferrer's view (another file's sample) after this one's: R7 order.
    pub fn merge(&mut self, other: Inferrer) {
        let mut mine = DataType::Struct(std::mem::take(&mut self.record));
        let conflicts = &mut self.conflicts;
        mine.widen(&DataType::Struct(other.record), &mut |path| {
            note_conflict(conflicts, path)
        });
        for c in other.conflicts {
            note_conflict(conflicts, &c.path);
        }
        for (path, forms) in other.timestamp_forms {
            self.timestamp_forms.entry(path).or_default().extend(forms);
        }
        if let DataType::Struct(fields) = mine {
            self.record = fields;
        }
        self.records += other.records;
    }

    /// The record schema with R3 applied, and the kind conflicts met on the way.
    pub fn finish(self) -> (Vec<Field>, Vec<Conflict>) {
        let (fields, conflicts, _) = self.finish_all();
        (fields, conflicts)
    }

    /// [`Inferrer::finish`], plus the timestamp forms seen per field path (paths as in
    /// [`Conflict`]: `a.b`, `a[]`).
    pub fn finish_all(self) -> Finished {
        let mut fields = self.record;
        fields.iter_mut().for_each(|f| f.data_type.finalize());
        (fields, self.conflicts, self.timestamp_forms)
    }
}

fn note_conflict(conflicts: &mut Vec<Conflict>, path: &str) {
    if !conflicts.iter().any(|c| c.path == path) {
        conflicts.push(Conflict {
            path: path.to_owned(),
        });
    }
}

/// What absorbing a record writes besides the types.
struct Absorb<'a> {
    conflicts: &'a mut Vec<Conflict>,
    /// `Some` under `--infer-temporal`: where the timestamp forms go.
    temporal: Option<&'a mut BTreeMap<String, BTreeSet<TimestampForm>>>,
}

fn absorb(ty: &mut DataType, value: &JsonValue<'_>, path: &mut String, state: &mut Absorb<'_>) {
    match (&mut *ty, value) {
        (_, JsonValue::Null) => {}
        (DataType::Unknown, JsonValue::Array(_) | JsonValue::Object(_)) => {
            *ty = scalar_type(value);
            absorb(ty, value, path, state);
        }
        (DataType::Array(element), JsonValue::Array(items)) => {
            path.push_str("[]");
            for item in items {
                absorb(element, item, path, state);
            }
            path.truncate(path.len() - 2);
        }
        (DataType::Struct(fields), JsonValue::Object(entries)) => {
            absorb_entries(fields, entries, path, state)
        }
        (_, JsonValue::Str(text)) if state.temporal.is_some() => {
            let found = temporal(text);
            if let (Some(Temporal::Timestamp(form)), Some(forms)) = (found, &mut state.temporal) {
                // Looked up first, so that a path is allocated once rather than per value.
                match forms.get_mut(path.as_str()) {
                    Some(seen) => {
                        seen.insert(form);
                    }
                    None => {
                        forms.insert(path.clone(), BTreeSet::from([form]));
                    }
                }
            }
            let found = found.map_or(DataType::String, Temporal::data_type);
            let conflicts = &mut *state.conflicts;
            ty.widen(&found, &mut |_| note_conflict(conflicts, path))
        }
        _ => {
            let conflicts = &mut *state.conflicts;
            ty.widen(&scalar_type(value), &mut |_| note_conflict(conflicts, path))
        }
    }
}

fn absorb_entries(
    fields: &mut Vec<Field>,
    entries: &[(std::borrow::Cow<'_, str>, JsonValue<'_>)],
    path: &mut String,
    state: &mut Absorb<'_>,
) {
    for (position, (key, value)) in entries.iter().enumerate() {
        let index = match find_field(fields, key, position) {
            Some(index) => index,
            None => {
                fields.push(Field::new(key.as_ref(), DataType::Unknown));
                fields.len() - 1
            }
        };
        let len = path.len();
        push_path(path, key);
        absorb(&mut fields[index].data_type, value, path, state);
        path.truncate(len);
    }
}

/// Records usually repeat the same key order, so the field at the key's position is tried first.
pub fn find_field(fields: &[Field], key: &str, position: usize) -> Option<usize> {
    match fields.get(position) {
        Some(field) if field.name == key => Some(position),
        _ => fields.iter().position(|f| f.name == key),
    }
}
