//! Stage 3: per-object samples merged, in key order (R7), into one table schema: R2 for JSON and
//! CSV, R5 (strict) for Parquet, names lowercased with case collisions reported (R6), SerDe
//! `paths` (R8), `--type` overrides and `--sanitize-names` applied last.
//!
//! Names (R6 lowercasing, `--sanitize-names`) are in `names`; which inferred timestamps the
//! table's SerDe reads (`--infer-temporal`) is in `temporal`.

mod names;
pub mod similarity;
mod temporal;

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::{DataType, Field, TimestampForm};

use super::csv::CsvSample;
use super::sample::{JsonSchema, ObjectSample, ObjectSchema};
use super::{Warning, WarningCode};
use crate::storage::kind::Format;

use names::lowercase_fields;
pub use names::sanitize_name;
pub use temporal::{needs_pattern, timestamp_pattern};

#[derive(Debug, thiserror::Error)]
pub enum InferError {
    #[error(
        "{first} is {first_format} but {second} is {second_format}; one table holds one format"
    )]
    MixedFormat {
        first: String,
        first_format: &'static str,
        second: String,
        second_format: &'static str,
    },
    #[error("column {column} is {first_type} in {first} but {second_type} in {second} (Parquet columns only widen tinyint→smallint→int→bigint, float→double, decimal scale-preserving; pin one with --type {column}=TYPE)")]
    TypeConflict {
        column: String,
        first_type: String,
        first: String,
        second_type: String,
        second: String,
    },
    #[error("Parquet columns {spellings} of {url} are one column {column} in Glue and Athena (names ignore case), but their types {types} do not merge (rename one, or pin the type with --type {column}=TYPE)")]
    CaseConflict {
        spellings: String,
        column: String,
        url: String,
        /// `int and string`.
        types: String,
    },
    #[error("CSV delimiter {first_delimiter:?} in {first} but {second_delimiter:?} in {second}")]
    MixedDelimiter {
        first: String,
        first_delimiter: char,
        second: String,
        second_delimiter: char,
    },
}

impl InferError {
    pub fn code(&self) -> super::ErrorCode {
        match self {
            InferError::MixedFormat { .. } => super::ErrorCode::MixedFormat,
            InferError::TypeConflict { .. } | InferError::CaseConflict { .. } => {
                super::ErrorCode::TypeConflict
            }
            InferError::MixedDelimiter { .. } => super::ErrorCode::Incompatible,
        }
    }
}

/// CSV facts the table shape depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvShape {
    pub delimiter: u8,
    pub header: bool,
    pub quoted: bool,
}

/// Everything merged from the samples of one table (or one partition, for `own`).
#[derive(Debug, Default)]
pub struct Merger {
    format: Option<(Format, String)>,
    json: Option<JsonSchema>,
    parquet: Vec<ParquetColumn>,
    /// R6 for Parquet: names within one file that differ only in case (`"a" and "A"`, with
    /// the column they became), reported once each.
    parquet_collisions: BTreeSet<(String, String)>,
    csv: Option<(CsvSample, String)>,
    pub compressions: BTreeSet<&'static str>,
    pub records: f64,
    record_bytes_total: f64,
    record_bytes_weight: f64,
}

/// A Parquet column with the first file that showed each of its types, for conflict messages.
#[derive(Debug)]
struct ParquetColumn {
    field: Field,
    seen_in: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    pub format: Format,
    pub columns: Vec<Field>,
    /// R8: original-case top-level keys (JSON only), sorted.
    pub paths: BTreeSet<String>,
    /// `--sanitize-names`: column → original key.
    pub mappings: BTreeMap<String, String>,
    pub csv: Option<CsvShape>,
    pub compression: String,
    pub records: u64,
    pub average_record_size: u64,
    /// `--infer-temporal`: how the values of the columns typed `timestamp` are written.
    pub timestamp_forms: BTreeSet<TimestampForm>,
}

impl Merger {
    /// Adds one object's sample; calls must come in key order.
    pub fn add(
        &mut self,
        url: &str,
        sample: ObjectSample,
        overrides: &BTreeMap<String, DataType>,
    ) -> Result<(), InferError> {
        match &self.format {
            Some((format, first)) if *format != sample.format => {
                return Err(InferError::MixedFormat {
                    first: first.clone(),
                    first_format: format.name(),
                    second: url.to_owned(),
                    second_format: sample.format.name(),
                })
            }
            Some(_) => {}
            None => self.format = Some((sample.format, url.to_owned())),
        }
        self.compressions.insert(sample.compression.glue_name());
        self.add_stats(&sample);
        match sample.schema {
            ObjectSchema::Json(schema) => {
                let merged = self.json.get_or_insert_with(JsonSchema::default);
                merged.inferrer.merge(schema.inferrer);
                merged.keys.extend(schema.keys);
                merged
                    .same_record_collisions
                    .extend(schema.same_record_collisions);
            }
            ObjectSchema::Parquet(fields) => {
                let mut lowered = Vec::new();
                let mut collisions = Vec::new();
                let mut conflict = None;
                lowercase_fields(
                    &fields,
                    &mut lowered,
                    &mut |spellings, name| collisions.push((spellings, name.to_owned())),
                    &mut |name, first, second| {
                        conflict.get_or_insert((name.to_owned(), first.clone(), second.clone()));
                    },
                    &mut Vec::new(),
                    true,
                );
                // Glue and Athena name columns in lower case, so `a` and `A` are one column:
                // of one type, or an error, never one silently dropped (BUG-8).
                if let Some((column, first, second)) = conflict {
                    if !overrides.contains_key(&column) {
                        let spellings = collisions
                            .iter()
                            .rev()
                            .find(|(_, name)| *name == column)
                            .map(|(spellings, _)| spellings.clone())
                            .unwrap_or_else(|| column.clone());
                        return Err(InferError::CaseConflict {
                            spellings,
                            column,
                            url: url.to_owned(),
                            types: format!("{first} and {second}"),
                        });
                    }
                }
                self.parquet_collisions.extend(collisions);
                for field in lowered {
                    self.add_parquet_column(url, field, overrides)?;
                }
            }
            ObjectSchema::Csv(csv) => match &mut self.csv {
                None => self.csv = Some((csv, url.to_owned())),
                Some((merged, first)) => {
                    if merged.delimiter != csv.delimiter {
                        return Err(InferError::MixedDelimiter {
                            first: first.clone(),
                            first_delimiter: merged.delimiter as char,
                            second: url.to_owned(),
                            second_delimiter: csv.delimiter as char,
                        });
                    }
                    merged.quoted |= csv.quoted;
                    for (position, ty) in csv.types.iter().enumerate() {
                        match merged.types.get_mut(position) {
                            Some(existing) => existing.widen(ty, &mut |_| {}),
                            None => merged.types.push(ty.clone()),
                        }
                    }
                    for (position, forms) in csv.timestamp_forms.iter().enumerate() {
                        match merged.timestamp_forms.get_mut(position) {
                            Some(existing) => existing.extend(forms.iter().copied()),
                            None => merged.timestamp_forms.push(forms.clone()),
                        }
                    }
                    if let (Some(names), Some(more)) = (&mut merged.header, &csv.header) {
                        names.extend(more.iter().skip(names.len()).cloned());
                    }
                }
            },
        }
        Ok(())
    }

    fn add_parquet_column(
        &mut self,
        url: &str,
        field: Field,
        overrides: &BTreeMap<String, DataType>,
    ) -> Result<(), InferError> {
        let type_name = field.data_type.to_string();
        let Some(column) = self.parquet.iter_mut().find(|c| c.field.name == field.name) else {
            self.parquet.push(ParquetColumn {
                seen_in: vec![(type_name, url.to_owned())],
                field,
            });
            return Ok(());
        };
        if !column.seen_in.iter().any(|(t, _)| *t == type_name) {
            column.seen_in.push((type_name.clone(), url.to_owned()));
        }
        match column.field.data_type.merge_strict(&field.data_type) {
            Ok(merged) => column.field.data_type = merged,
            // An override decides the type; the files' disagreement no longer matters.
            Err(_) if overrides.contains_key(&field.name) => {}
            Err(path) => {
                let (first_type, first) = column.seen_in[0].clone();
                let column_path = if path.is_empty() {
                    field.name.clone()
                } else {
                    format!("{}.{path}", field.name)
                };
                return Err(InferError::TypeConflict {
                    column: column_path,
                    first_type,
                    first,
                    second_type: type_name,
                    second: url.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Counts a sample's records without its schema (partitions under `inherit`).
    pub fn add_stats(&mut self, sample: &ObjectSample) {
        self.records += sample.records;
        self.record_bytes_total += sample.record_bytes * sample.records;
        self.record_bytes_weight += sample.records;
    }

    /// Estimated records and average record size in bytes (S6), rounded.
    pub fn record_stats(&self) -> (u64, u64) {
        let average = if self.record_bytes_weight > 0.0 {
            self.record_bytes_total / self.record_bytes_weight
        } else {
            0.0
        };
        (self.records.round() as u64, average.round() as u64)
    }

    pub fn is_empty(&self) -> bool {
        self.format.is_none()
    }

    /// The merged schema. `warnings` receives R2 kind conflicts and R6 case collisions.
    pub fn finish(
        self,
        sanitize: bool,
        overrides: &BTreeMap<String, DataType>,
        warnings: &mut Vec<Warning>,
    ) -> Option<Inferred> {
        let (records, average_record_size) = self.record_stats();
        let (format, _) = self.format?;
        let mut paths = BTreeSet::new();
        let mut csv_shape = None;
        let mut timestamp_forms = BTreeSet::new();
        let mut columns = match format {
            Format::Json => {
                let json = self.json.unwrap_or_default();
                let (mut fields, conflicts, forms) = json.inferrer.finish_all();
                timestamp_forms = temporal::settle_json(&mut fields, &forms, warnings);
                for conflict in conflicts {
                    warnings.push(Warning::new(
                        WarningCode::KindConflict,
                        format!("{}: objects, arrays and scalars met; the column is string holding JSON text", conflict.path),
                    ));
                }
                for key in &json.same_record_collisions {
                    warnings.push(Warning::new(
                        WarningCode::CaseCollision,
                        format!("keys differing only in case ({key}) occur in the same record; Athena's OpenX SerDe rejects such rows (\"Duplicate key\") unless case.insensitive=false with mapping.* is set"),
                    ));
                }
                paths = json.keys;
                let mut lowered = Vec::new();
                lowercase_fields(
                    &fields,
                    &mut lowered,
                    &mut |spellings, name| {
                        warnings.push(Warning::new(
                            WarningCode::CaseCollision,
                            format!("{spellings} map to one column {name}"),
                        ))
                    },
                    &mut |_, _, _| {},
                    &mut Vec::new(),
                    false,
                );
                lowered
            }
            Format::Parquet => {
                for (spellings, name) in &self.parquet_collisions {
                    warnings.push(Warning::new(
                        WarningCode::CaseCollision,
                        format!("Parquet columns {spellings} map to one column {name}"),
                    ));
                }
                self.parquet.into_iter().map(|c| c.field).collect()
            }
            Format::Csv => {
                let (csv, _) = self.csv?;
                let names = csv.column_names();
                csv_shape = Some(CsvShape {
                    delimiter: csv.delimiter,
                    header: csv.header.is_some(),
                    quoted: csv.quoted,
                });
                let mut fields = Vec::with_capacity(names.len());
                for (position, (name, ty)) in names.into_iter().zip(csv.types).enumerate() {
                    // OpenCSVSerDe reads every column as string (R10).
                    let ty = if csv.quoted {
                        warnings.extend(temporal::opencsv_warning(&name, &ty));
                        DataType::String
                    } else {
                        if ty == DataType::Timestamp {
                            // LazySimpleSerDe reads every form, given its pattern.
                            timestamp_forms
                                .extend(csv.timestamp_forms.get(position).into_iter().flatten());
                        }
                        ty
                    };
                    fields.push(Field::new(name, ty));
                }
                fields
            }
        };
        for column in &mut columns {
            column.data_type.finalize();
            if let Some(ty) = overrides.get(&column.name) {
                column.data_type = ty.clone();
            }
        }
        for name in overrides.keys() {
            if !columns.iter().any(|c| &c.name == name) {
                warnings.push(Warning::new(
                    WarningCode::UnknownColumn,
                    format!("--type {name}=...: no such column in the data"),
                ));
            }
        }
        let mut mappings = BTreeMap::new();
        if sanitize {
            for column in &mut columns {
                let clean = sanitize_name(&column.name);
                if clean != column.name {
                    if let Some(original) = paths.iter().find(|p| p.to_lowercase() == column.name) {
                        mappings.insert(clean.clone(), original.clone());
                    }
                    column.name = clean;
                }
            }
        }
        Some(Inferred {
            format,
            columns,
            paths,
            mappings,
            csv: csv_shape,
            compression: self.compressions.into_iter().collect::<Vec<_>>().join(","),
            records,
            average_record_size,
            timestamp_forms,
        })
    }
}
