//! Stage 4a: the table and partitions the data calls for, in the shape Athena and Redshift
//! Spectrum read (specs/crawl.md, "Table / StorageDescriptor fields"): formats and SerDe per
//! classification, Glue's parameters, deterministic statistics (S6), trailing-`/` Locations.

use super::infer::{needs_pattern, sanitize_name, timestamp_pattern};
use crate::catalog::{Column, Parameters, PartitionDef, SerDeInfo, StorageDescriptor, TableDef};

use super::infer::Inferred;
use crate::schema::DataType;
use crate::storage::kind::Format;

/// The crawler name lakeops writes as `UPDATED_BY_CRAWLER` and `lakeops.owner` (S5).
pub const OWNER: &str = "lakeops";
pub const OWNER_KEY: &str = "lakeops.owner";
pub const DEPRECATED_KEY: &str = "DEPRECATED_BY_CRAWLER";

/// Table parameters lakeops owns: replaced or removed on update. Every other key is someone
/// else's and is carried through untouched.
pub const OWNED_PARAMETERS: &[&str] = &[
    OWNER_KEY,
    DEPRECATED_KEY,
    "classification",
    "compressionType",
    "typeOfData",
    "UPDATED_BY_CRAWLER",
    "CrawlerSchemaSerializerVersion",
    "CrawlerSchemaDeserializerVersion",
    "partition_filtering.enabled",
    "objectCount",
    "sizeKey",
    "recordCount",
    "averageRecordSize",
    "delimiter",
    "columnsOrdered",
    "areColumnsQuoted",
    "skip.header.line.count",
];

/// SerDe parameters lakeops owns (`mapping.*` too).
pub const OWNED_SERDE_PARAMETERS: &[&str] = &[
    "paths",
    "serialization.format",
    "field.delim",
    "separatorChar",
    "quoteChar",
    TIMESTAMP_FORMATS,
];

/// The SerDe parameter that lists the timestamp patterns a text SerDe tries before its own
/// (Hive's LazySimpleSerDe and JSON SerDes, Trino's OpenX JSON reader): comma-separated.
const TIMESTAMP_FORMATS: &str = "timestamp.formats";

pub fn owns_serde_parameter(key: &str) -> bool {
    OWNED_SERDE_PARAMETERS.contains(&key) || key.starts_with("mapping.")
}

/// Objects, bytes and records of a table or partition.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    pub objects: u64,
    pub bytes: u64,
    pub records: u64,
    pub average_record_size: u64,
}

impl Stats {
    fn write(&self, parameters: &mut Parameters) {
        parameters.insert("objectCount".into(), self.objects.to_string());
        parameters.insert("sizeKey".into(), self.bytes.to_string());
        parameters.insert("recordCount".into(), self.records.to_string());
        parameters.insert(
            "averageRecordSize".into(),
            self.average_record_size.to_string(),
        );
    }
}

struct Shape {
    input_format: &'static str,
    output_format: &'static str,
    serde: &'static str,
}

const TEXT_INPUT: &str = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT: &str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

fn shape(inferred: &Inferred) -> Shape {
    match inferred.format {
        Format::Json => Shape {
            input_format: TEXT_INPUT,
            output_format: TEXT_OUTPUT,
            serde: "org.openx.data.jsonserde.JsonSerDe",
        },
        Format::Parquet => Shape {
            input_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            output_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        },
        Format::Csv => Shape {
            input_format: TEXT_INPUT,
            output_format: TEXT_OUTPUT,
            serde: if inferred.csv.as_ref().is_some_and(|c| c.quoted) {
                "org.apache.hadoop.hive.serde2.OpenCSVSerde"
            } else {
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
            },
        },
    }
}

/// Parameters that describe the data (not its size): on the table and on each partition.
pub fn data_parameters(inferred: &Inferred) -> Parameters {
    let mut p = Parameters::new();
    p.insert("classification".into(), inferred.format.name().into());
    p.insert("compressionType".into(), inferred.compression.clone());
    p.insert("typeOfData".into(), "file".into());
    if let Some(csv) = &inferred.csv {
        p.insert("delimiter".into(), (csv.delimiter as char).to_string());
        p.insert("columnsOrdered".into(), "true".into());
        p.insert("areColumnsQuoted".into(), csv.quoted.to_string());
        if csv.header {
            p.insert("skip.header.line.count".into(), "1".into());
        }
    }
    p
}

fn serde_parameters(inferred: &Inferred) -> Parameters {
    let mut p = Parameters::new();
    // Only the forms the data was seen in, in a fixed order, so the parameter changes only when
    // the data does (I1). Quoted CSV has no timestamp columns (R10), Parquet no forms.
    let patterns: Vec<String> = inferred
        .timestamp_forms
        .iter()
        .filter(|form| needs_pattern(form))
        .map(timestamp_pattern)
        .collect();
    if !patterns.is_empty() {
        p.insert(TIMESTAMP_FORMATS.into(), patterns.join(","));
    }
    match inferred.format {
        Format::Json => {
            let paths: Vec<&str> = inferred.paths.iter().map(String::as_str).collect();
            p.insert("paths".into(), paths.join(","));
            for (column, original) in &inferred.mappings {
                p.insert(format!("mapping.{column}"), original.clone());
            }
        }
        Format::Parquet => {
            p.insert("serialization.format".into(), "1".into());
        }
        Format::Csv => {
            let csv = inferred.csv.as_ref().expect("CSV tables carry their shape");
            let delimiter = (csv.delimiter as char).to_string();
            if csv.quoted {
                p.insert("separatorChar".into(), delimiter);
                p.insert("quoteChar".into(), "\"".into());
            } else {
                p.insert("field.delim".into(), delimiter);
            }
        }
    }
    p
}

pub fn columns(inferred: &Inferred) -> Vec<Column> {
    inferred
        .columns
        .iter()
        .map(|f| Column::new(&f.name, f.data_type.to_string()))
        .collect()
}

/// The table a fresh crawl would create. Statistics sit on the table only when it has no
/// partitions: on a partitioned table they would change with every new partition and turn each
/// append into an UpdateTable (and a new table version), so there they live on the partitions.
pub fn table(
    name: &str,
    location: &str,
    inferred: &Inferred,
    partition_keys: &[Column],
    stats: Stats,
) -> TableDef {
    let shape = shape(inferred);
    let mut parameters = data_parameters(inferred);
    parameters.insert(OWNER_KEY.into(), OWNER.into());
    parameters.insert("UPDATED_BY_CRAWLER".into(), OWNER.into());
    parameters.insert("CrawlerSchemaSerializerVersion".into(), "1.0".into());
    parameters.insert("CrawlerSchemaDeserializerVersion".into(), "1.0".into());
    if partition_keys.is_empty() {
        stats.write(&mut parameters);
    } else if inferred.format == Format::Parquet {
        parameters.insert("partition_filtering.enabled".into(), "true".into());
    }
    TableDef {
        name: name.to_owned(),
        table_type: Some("EXTERNAL_TABLE".into()),
        parameters: parameters.clone(),
        partition_keys: partition_keys.to_vec(),
        storage_descriptor: StorageDescriptor {
            columns: columns(inferred),
            location: location.to_owned(),
            input_format: shape.input_format.into(),
            output_format: shape.output_format.into(),
            // The shape Glue's crawler and awswrangler write: unbucketed is -1, not 0.
            compressed: inferred.compression.split(',').any(|c| c != "none"),
            number_of_buckets: -1,
            serde_info: SerDeInfo {
                name: None,
                serialization_library: shape.serde.into(),
                parameters: serde_parameters(inferred),
            },
            bucket_columns: Vec::new(),
            sort_columns: Vec::new(),
            parameters,
            stored_as_sub_directories: false,
        },
        ..TableDef::default()
    }
}

/// A partition under `inherit` (S3): the table's storage descriptor with the partition's own
/// Location, and its statistics. `own_columns` replaces the columns under `own` (Parquet).
pub fn partition(
    table: &TableDef,
    values: &[String],
    location: &str,
    data: &Parameters,
    stats: Stats,
    own_columns: Option<Vec<Column>>,
) -> PartitionDef {
    let mut parameters = data.clone();
    stats.write(&mut parameters);
    let mut sd = table.storage_descriptor.clone();
    sd.location = location.to_owned();
    sd.parameters = parameters.clone();
    if let Some(columns) = own_columns {
        sd.columns = columns;
    }
    PartitionDef {
        values: values.to_vec(),
        storage_descriptor: sd,
        parameters,
    }
}

/// Glue's limit on table names.
pub const MAX_TABLE_NAME: usize = 128;

/// A table named after its root (specs/crawl.md (c)): `prefix` and the root's last component,
/// each lowercased with `[^a-z0-9_]` as `_`, cut at Glue's 128 characters.
pub fn table_name_for_root(prefix: &str, last_component: &str) -> String {
    let mut name = sanitize_name(prefix) + &sanitize_name(last_component);
    // Sanitized names are ASCII, so any length is a character boundary.
    name.truncate(MAX_TABLE_NAME);
    name
}

/// Glue's field limits (specs/crawl.md): real Glue rejects a definition past them, moto does
/// not, so they are checked before anything is written.
const MAX_COLUMN_NAME: usize = 255;
const MAX_COLUMN_TYPE: usize = 131_072;
const MAX_PARAMETER_VALUE: usize = 512_000;
const MAX_LOCATION: usize = 2056;
const MAX_PARTITION_KEYS: usize = 100;

#[derive(Debug, thiserror::Error)]
#[error("{what} is {len} bytes/items; Glue allows {max}")]
pub struct LimitError {
    what: String,
    len: usize,
    max: usize,
}

fn within(what: impl FnOnce() -> String, len: usize, max: usize) -> Result<(), LimitError> {
    if len > max {
        return Err(LimitError {
            what: what(),
            len,
            max,
        });
    }
    Ok(())
}

pub fn check_limits(table: &TableDef, partition_locations: &[String]) -> Result<(), LimitError> {
    let sd = &table.storage_descriptor;
    for column in &sd.columns {
        within(
            || format!("column name {:?}", column.name),
            column.name.len(),
            MAX_COLUMN_NAME,
        )?;
        within(
            || format!("the type of column {}", column.name),
            column.type_name.len(),
            MAX_COLUMN_TYPE,
        )?;
    }
    within(
        || "the partition key list".into(),
        table.partition_keys.len(),
        MAX_PARTITION_KEYS,
    )?;
    for (key, value) in table
        .parameters
        .iter()
        .chain(&sd.parameters)
        .chain(&sd.serde_info.parameters)
    {
        within(
            || format!("parameter {key}"),
            value.len(),
            MAX_PARAMETER_VALUE,
        )?;
    }
    for location in std::iter::once(&sd.location).chain(partition_locations) {
        within(
            || format!("location {location}"),
            location.len(),
            MAX_LOCATION,
        )?;
    }
    Ok(())
}

/// P3: partition keys are `string` unless `--partition-type` says otherwise; then every value
/// must be one Athena can cast to that type.
pub(super) fn partition_key_columns(
    layout: &super::discover::Layout,
    types: &std::collections::BTreeMap<String, DataType>,
) -> Result<Vec<Column>, super::CrawlError> {
    if let Some(unknown) = types.keys().find(|k| !layout.keys.contains(k)) {
        return Err(super::CrawlError::PartitionType {
            key: unknown.clone(),
            message: format!("no such partition key (keys: {})", layout.keys.join(", ")),
        });
    }
    let mut columns = Vec::with_capacity(layout.keys.len());
    for (level, key) in layout.keys.iter().enumerate() {
        let ty = types.get(key).cloned().unwrap_or(DataType::String);
        for (path, _) in layout.partitions.values() {
            let value = &path.values[level];
            let fits = match ty {
                DataType::Tinyint | DataType::Smallint | DataType::Int | DataType::Bigint => {
                    value.trim().parse::<i64>().is_ok()
                }
                DataType::Double | DataType::Float | DataType::Decimal { .. } => {
                    value.trim().parse::<f64>().is_ok()
                }
                _ => true,
            };
            if !fits && value != crate::catalog::hive_path::DEFAULT_PARTITION {
                return Err(super::CrawlError::PartitionType {
                    key: key.clone(),
                    message: format!("value {value:?} of {} is not {ty}", path.prefix),
                });
            }
        }
        columns.push(Column::new(key, ty.to_string()));
    }
    Ok(columns)
}
