//! `--explain`: where each column and partition key came from. Sampling notes, per object, the
//! record where each top-level column first appears and the first record of each value type it
//! takes ([`Provenance`], made only under `--explain`); [`Tracker`] replays those notes in key
//! order through the schema lattice, so a widening is named by the object and record whose value
//! changed the column's type, and [`partition_keys`] names the folder each key first appears in.
//!
//! Text columns are followed at the level of a value's own type: a scalar's type, or the kind of
//! a container (`array<...>`, `struct<...>`). That is exact for every widening a top-level
//! column's values make (int → bigint → double, anything → string on a kind conflict), because
//! the lattice widens a column by those types alone; what changes inside a nested struct or array
//! (a field added, a nested field widened) is not listed. Parquet types come from each file's
//! footer, not from a record, so their `record` is `None`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::discover::Layout;
use super::infer::sanitize_name;
use crate::catalog::Column;
use crate::schema::{DataType, Field, JsonValue};
use crate::storage::Store;

/// Characters of a value kept for the report: enough to recognise it, and a long text or a
/// large object never fills the plan.
const VALUE_CHARS: usize = 80;

/// One object's notes for `--explain`: its top-level columns in first-seen order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub columns: Vec<ColumnSeen>,
    /// `--infer-temporal`: values are typed as sampling types them (part of the state file's
    /// settings, so never stored).
    #[serde(skip)]
    pub infer_temporal: bool,
}

impl Provenance {
    pub fn new(infer_temporal: bool) -> Provenance {
        Provenance {
            columns: Vec::new(),
            infer_temporal,
        }
    }
}

/// A top-level column in one object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnSeen {
    /// The JSON key as written; for CSV the object's own name for the position (the table
    /// names CSV columns by position).
    pub key: String,
    /// The first record (1-based line) that has it, null or not.
    pub record: u64,
    /// The first record of each type its values take, in record order.
    pub values: Vec<ValueSeen>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueSeen {
    /// The value's own type: a scalar's, or an empty container of its kind.
    pub data_type: DataType,
    pub record: u64,
    /// Short JSON text of the value (a CSV cell as a JSON string).
    pub value: String,
}

impl Provenance {
    /// Notes one JSON record (line `record`).
    pub fn add_json(&mut self, record: u64, value: &JsonValue<'_>) {
        let JsonValue::Object(entries) = value else {
            return;
        };
        for (position, (key, value)) in entries.iter().enumerate() {
            let infer_temporal = self.infer_temporal;
            let column = self.column(position, key, record);
            if matches!(value, JsonValue::Null) {
                continue;
            }
            let data_type = crate::schema::value_type(value, infer_temporal);
            if !column.values.iter().any(|v| v.data_type == data_type) {
                column.values.push(ValueSeen {
                    data_type,
                    record,
                    value: short(value.to_json_text()),
                });
            }
        }
    }

    /// Notes one CSV row (line `record`); `names` are the object's names for its positions.
    /// Columns are positions here (a header may repeat a name), so the list is by position.
    pub fn add_csv(&mut self, record: u64, row: &[String], names: &[String]) {
        for (position, cell) in row.iter().enumerate() {
            self.csv_position(position, names, record);
            let column = &mut self.columns[position];
            let data_type = super::csv::cell_type(cell, self.infer_temporal).0;
            if data_type == DataType::Unknown {
                continue;
            }
            if !column.values.iter().any(|v| v.data_type == data_type) {
                column.values.push(ValueSeen {
                    data_type,
                    record,
                    value: short(serde_json::Value::from(cell.as_str()).to_string()),
                });
            }
        }
    }

    /// Makes the CSV columns up to `position` that no row had yet, at `record`.
    pub fn csv_position(&mut self, position: usize, names: &[String], record: u64) {
        while self.columns.len() <= position {
            let key = names.get(self.columns.len()).cloned().unwrap_or_default();
            self.columns.push(ColumnSeen {
                key,
                record,
                values: Vec::new(),
            });
        }
    }

    /// The column with `key`, made at `record` when new. Records mostly repeat one key order,
    /// so the column at the key's position is tried first.
    fn column(&mut self, position: usize, key: &str, record: u64) -> &mut ColumnSeen {
        let index = match self.columns.get(position) {
            Some(column) if column.key == key => Some(position),
            _ => self.columns.iter().position(|c| c.key == key),
        };
        let index = index.unwrap_or_else(|| {
            self.columns.push(ColumnSeen {
                key: key.to_owned(),
                record,
                values: Vec::new(),
            });
            self.columns.len() - 1
        });
        &mut self.columns[index]
    }
}

/// `text` cut to [`VALUE_CHARS`] characters, with `…` where it was cut.
fn short(text: String) -> String {
    match text.char_indices().nth(VALUE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// Where a column or key was first seen: an object (or a partition's folder) and a record,
/// `None` where no record is involved (a Parquet footer, a folder name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Seen {
    pub object: String,
    pub record: Option<u64>,
}

/// The first non-null value, and where it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirstValue {
    pub value: String,
    pub object: String,
    pub record: Option<u64>,
}

/// A change of the column's type and the value that caused it (`None` for Parquet, whose type
/// comes from a footer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Widening {
    pub from: String,
    pub to: String,
    pub object: String,
    pub record: Option<u64>,
    pub value: Option<String>,
}

/// The provenance of one column or partition key of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explain {
    pub column: String,
    pub partition_key: bool,
    /// Its type in the table.
    pub data_type: String,
    /// `--type` (or `--partition-type`) decided the type, whatever the data said.
    pub pinned: bool,
    pub first_seen: Seen,
    /// `None` when every value was null, for a Parquet column (the footer has no values).
    pub first_value: Option<FirstValue>,
    /// The type it took from its first value, or from the first Parquet footer that has it
    /// (`None` for a partition key, and for a text column whose values were all null).
    pub first_type: Option<String>,
    pub widenings: Vec<Widening>,
}

/// How the tracker finds a column of the table again.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum TrackKey {
    /// JSON and Parquet: the name lowercased (R6).
    Name(String),
    /// CSV: the position.
    Position(usize),
}

#[derive(Debug)]
struct Track {
    key: TrackKey,
    first_seen: Seen,
    first_value: Option<FirstValue>,
    first_type: Option<DataType>,
    /// The type so far: a value-level type for text, the footer's for Parquet.
    data_type: Option<DataType>,
    widenings: Vec<Widening>,
}

/// The table's columns as samples arrive in key order.
#[derive(Debug, Default)]
pub struct Tracker {
    tracks: Vec<Track>,
    /// Where each key's track is: every object names every column, on wide tables too.
    index: HashMap<TrackKey, usize>,
}

impl Tracker {
    /// Follows one object's sample; calls come in key order, as the merger's do. A text sample
    /// without provenance adds nothing: `scan` reads again any object whose remembered sample
    /// has none, so under `--explain` every text sample has it.
    pub fn add(&mut self, url: &str, sample: &super::sample::ObjectSample) {
        use super::sample::ObjectSchema;
        match &sample.schema {
            ObjectSchema::Parquet(fields) => {
                for field in fields {
                    self.add_parquet(url, field);
                }
            }
            ObjectSchema::Json(_) | ObjectSchema::Csv(_) => {
                let Some(provenance) = &sample.provenance else {
                    return;
                };
                let csv = matches!(sample.schema, ObjectSchema::Csv(_));
                for (position, column) in provenance.columns.iter().enumerate() {
                    let key = if csv {
                        TrackKey::Position(position)
                    } else {
                        TrackKey::Name(column.key.to_lowercase())
                    };
                    self.add_text(url, key, column);
                }
            }
        }
    }

    fn track(&mut self, key: TrackKey, seen: impl FnOnce() -> Seen) -> &mut Track {
        let index = match self.index.get(&key) {
            Some(index) => *index,
            None => {
                self.index.insert(key.clone(), self.tracks.len());
                self.tracks.push(Track {
                    key,
                    first_seen: seen(),
                    first_value: None,
                    first_type: None,
                    data_type: None,
                    widenings: Vec::new(),
                });
                self.tracks.len() - 1
            }
        };
        &mut self.tracks[index]
    }

    fn add_text(&mut self, url: &str, key: TrackKey, column: &ColumnSeen) {
        let track = self.track(key, || Seen {
            object: url.to_owned(),
            record: Some(column.record),
        });
        for seen in &column.values {
            let Some(current) = &mut track.data_type else {
                track.first_value = Some(FirstValue {
                    value: seen.value.clone(),
                    object: url.to_owned(),
                    record: Some(seen.record),
                });
                track.first_type = Some(seen.data_type.clone());
                track.data_type = Some(seen.data_type.clone());
                continue;
            };
            let before = current.clone();
            current.widen(&seen.data_type, &mut |_| {});
            if *current != before {
                track.widenings.push(Widening {
                    from: value_level_name(&before),
                    to: value_level_name(current),
                    object: url.to_owned(),
                    record: Some(seen.record),
                    value: Some(seen.value.clone()),
                });
            }
        }
    }

    fn add_parquet(&mut self, url: &str, field: &Field) {
        let track = self.track(TrackKey::Name(field.name.to_lowercase()), || Seen {
            object: url.to_owned(),
            record: None,
        });
        match &mut track.data_type {
            None => {
                track.first_type = Some(field.data_type.clone());
                track.data_type = Some(field.data_type.clone());
            }
            Some(current) => {
                // A merge R5 refuses fails the crawl unless --type pins the column; then the
                // files' types no longer decide it, and there is no widening to name.
                let Ok(merged) = current.merge_strict(&field.data_type) else {
                    return;
                };
                if merged != *current {
                    track.widenings.push(Widening {
                        from: current.to_string(),
                        to: merged.to_string(),
                        object: url.to_owned(),
                        record: None,
                        value: None,
                    });
                    *current = merged;
                }
            }
        }
    }

    /// One entry per column of the table, in its order. `columns` are the table's (named and
    /// typed as written to the catalog); `csv` says they are CSV positions.
    pub fn finish(
        self,
        columns: &[Field],
        csv: bool,
        sanitize: bool,
        pinned: &std::collections::BTreeMap<String, DataType>,
    ) -> Vec<Explain> {
        // Each track under the key its column has in the table (the first, where
        // --sanitize-names makes two names one).
        let mut by_column: HashMap<TrackKey, Track> = HashMap::new();
        for track in self.tracks {
            let key = match &track.key {
                TrackKey::Name(name) if sanitize => TrackKey::Name(sanitize_name(name)),
                key => key.clone(),
            };
            by_column.entry(key).or_insert(track);
        }
        columns
            .iter()
            .enumerate()
            .filter_map(|(position, column)| {
                let key = if csv {
                    TrackKey::Position(position)
                } else {
                    TrackKey::Name(column.name.clone())
                };
                let track = by_column.remove(&key)?;
                let parquet = track.first_seen.record.is_none();
                let name_of = |t: &DataType| {
                    if parquet {
                        t.to_string()
                    } else {
                        value_level_name(t)
                    }
                };
                Some(Explain {
                    column: column.name.clone(),
                    partition_key: false,
                    data_type: column.data_type.to_string(),
                    // `--type` names the column before --sanitize-names renames it.
                    pinned: match &track.key {
                        TrackKey::Name(name) => pinned.contains_key(name),
                        TrackKey::Position(_) => pinned.contains_key(&column.name),
                    },
                    first_type: track.first_type.as_ref().map(name_of),
                    first_seen: track.first_seen,
                    first_value: track.first_value,
                    widenings: track.widenings,
                })
            })
            .collect()
    }
}

/// A value-level type as the report names it: containers by kind, since their insides are not
/// followed.
fn value_level_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Array(_) => "array<...>".into(),
        DataType::Struct(_) => "struct<...>".into(),
        DataType::Map(..) => "map<...>".into(),
        other => other.to_string(),
    }
}

/// Each partition key: the folder (at the key's level) of the first partition in key order,
/// where the key first appears, with its value there. `key_columns` are the table's keys, typed.
pub fn partition_keys(
    store: &Store,
    layout: &Layout,
    key_columns: &[Column],
    pinned: &std::collections::BTreeMap<String, DataType>,
) -> Vec<Explain> {
    // The partition holding the first object in key order.
    let Some((path, _)) = layout
        .partitions
        .values()
        .filter(|(_, objects)| !objects.is_empty())
        .min_by_key(|(_, objects)| objects.iter().min().copied())
    else {
        return Vec::new();
    };
    let folders: Vec<&str> = path.prefix.split_inclusive('/').collect();
    key_columns
        .iter()
        .enumerate()
        .map(|(level, column)| {
            let folder = store.url(&folders.get(..=level).unwrap_or(&folders).concat());
            let value = path.values.get(level).cloned().unwrap_or_default();
            Explain {
                column: column.name.clone(),
                partition_key: true,
                data_type: column.type_name.clone(),
                pinned: pinned.contains_key(&column.name),
                first_seen: Seen {
                    object: folder.clone(),
                    record: None,
                },
                first_value: Some(FirstValue {
                    value: short(serde_json::Value::from(value).to_string()),
                    object: folder,
                    record: None,
                }),
                first_type: None,
                widenings: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(100);
        let cut = short(long);
        assert_eq!(cut.chars().count(), VALUE_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(short("12".into()), "12");
    }

    #[test]
    fn only_the_first_record_of_each_value_type_is_kept() {
        let mut provenance = Provenance::default();
        for (line, text) in [
            (1, r#"{"a":null,"b":"x"}"#),
            (2, r#"{"a":1,"b":"y"}"#),
            (4, r#"{"b":"z","a":2}"#),
            (5, r#"{"a":3000000000}"#),
        ] {
            provenance.add_json(line, &crate::schema::parse_line(text).unwrap());
        }
        let a = &provenance.columns[0];
        assert_eq!((a.key.as_str(), a.record), ("a", 1));
        let values: Vec<(String, u64, &str)> = a
            .values
            .iter()
            .map(|v| (v.data_type.to_string(), v.record, v.value.as_str()))
            .collect();
        assert_eq!(
            values,
            vec![
                ("int".to_string(), 2, "1"),
                ("bigint".to_string(), 5, "3000000000")
            ]
        );
        assert_eq!(provenance.columns[1].values.len(), 1);
        assert_eq!(provenance.columns[1].values[0].value, "\"x\"");
    }
}
