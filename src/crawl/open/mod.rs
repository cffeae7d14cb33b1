//! `--open-tables register`: an Iceberg or Delta Lake table registered from its own metadata,
//! never from its data files, in the shape Athena reads natively (`iceberg`, `delta`). Hudi is
//! left alone. This file holds what both share: the Glue table's frame and the type names.

mod delta;
mod iceberg;

use serde_json::Value;

use super::discover::{OpenTable, OpenTableFormat};
use super::plan::Desired;
use super::table::{OWNER, OWNER_KEY};
use crate::catalog::{Column, Parameters, SerDeInfo, StorageDescriptor, TableDef};
use crate::schema::{DataType, Field};
use crate::storage::parquet::ParquetFileError;
use crate::storage::{StorageError, Store};

#[derive(Debug, thiserror::Error)]
pub enum OpenTableError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{url} is not JSON")]
    NotJson {
        url: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{url}: {what}")]
    Unreadable { url: String, what: String },
    #[error("{url}: {format} {what} {version} is not supported (lakeops registers {supported})")]
    Version {
        url: String,
        format: &'static str,
        what: &'static str,
        version: u64,
        supported: &'static str,
    },
    #[error(transparent)]
    ParquetFile(#[from] ParquetFileError),
    /// A Parquet checkpoint whose action columns do not decode.
    #[error("{url}: unreadable Delta Lake checkpoint")]
    Checkpoint {
        url: String,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("{log} has no metaData action in its commits or its newest checkpoint")]
    NoDeltaMetadata { log: String },
    #[error("registering {} tables is not supported; left alone", .0.a_name())]
    NotRegistrable(OpenTableFormat),
}

/// The Glue table for an open table found at `store`'s root.
pub async fn desired(
    store: &Store,
    open: &OpenTable,
    name: &str,
) -> Result<(Desired, String), OpenTableError> {
    let (table, source) = match open.format {
        OpenTableFormat::Iceberg => iceberg::table(store, name).await?,
        OpenTableFormat::Delta => delta::table(store, name).await?,
        OpenTableFormat::Hudi => return Err(OpenTableError::NotRegistrable(open.format)),
    };
    let desired = Desired {
        table,
        partition_parameters: Parameters::new(),
        partitions: Vec::new(),
        strict_types: false,
        pinned: Default::default(),
    };
    Ok((desired, source))
}

fn base_table(
    name: &str,
    location: String,
    columns: Vec<Column>,
    partition_keys: Vec<Column>,
    parameters: Parameters,
    shape: [&str; 3],
    serde_parameters: Parameters,
) -> TableDef {
    let mut parameters = parameters;
    parameters.insert(OWNER_KEY.into(), OWNER.into());
    parameters.insert("UPDATED_BY_CRAWLER".into(), OWNER.into());
    parameters.insert("EXTERNAL".into(), "TRUE".into());
    TableDef {
        name: name.to_owned(),
        table_type: Some("EXTERNAL_TABLE".into()),
        parameters,
        partition_keys,
        storage_descriptor: StorageDescriptor {
            columns,
            location,
            input_format: shape[0].into(),
            output_format: shape[1].into(),
            compressed: false,
            number_of_buckets: -1,
            serde_info: SerDeInfo {
                name: None,
                serialization_library: shape[2].into(),
                parameters: serde_parameters,
            },
            bucket_columns: Vec::new(),
            sort_columns: Vec::new(),
            parameters: Parameters::new(),
            stored_as_sub_directories: false,
        },
        ..TableDef::default()
    }
}

/// A struct's fields as both formats write them (`fields`, each with `name` and `type`), names
/// lowercased as Glue keeps them, each type read by the format's own `field_type`.
fn struct_fields(
    schema: &Value,
    field_type: fn(&Value) -> Result<DataType, String>,
) -> Result<Vec<Field>, String> {
    schema["fields"]
        .as_array()
        .ok_or("a struct without fields")?
        .iter()
        .map(|f| {
            let name = f["name"].as_str().ok_or("a field without a name")?;
            Ok(Field::new(name.to_lowercase(), field_type(&f["type"])?))
        })
        .collect()
}

/// The primitive types Iceberg and Delta share, with each one's own names for integers.
fn primitive(name: &str, integers: &[(&str, DataType)]) -> Result<DataType, String> {
    if let Some((_, t)) = integers.iter().find(|(n, _)| *n == name) {
        return Ok(t.clone());
    }
    Ok(match name {
        "boolean" => DataType::Boolean,
        "float" => DataType::Float,
        "double" => DataType::Double,
        "date" => DataType::Date,
        "timestamp" | "timestamptz" | "timestamp_ntz" | "timestamp_ns" | "timestamptz_ns" => {
            DataType::Timestamp
        }
        "string" | "uuid" => DataType::String,
        "binary" => DataType::Binary,
        _ if name.starts_with("fixed[") => DataType::Binary,
        _ if name.starts_with("decimal(") => {
            let inner = name
                .strip_prefix("decimal(")
                .and_then(|s| s.strip_suffix(')'))
                .ok_or_else(|| format!("unknown type {name}"))?;
            let (p, s) = inner
                .split_once(',')
                .ok_or_else(|| format!("unknown type {name}"))?;
            DataType::Decimal {
                precision: p
                    .trim()
                    .parse()
                    .map_err(|_| format!("unknown type {name}"))?,
                scale: s
                    .trim()
                    .parse()
                    .map_err(|_| format!("unknown type {name}"))?,
            }
        }
        _ => return Err(format!("unknown type {name}")),
    })
}

#[cfg(test)]
mod tests {
    use super::delta::delta_struct;
    use super::iceberg::{iceberg_struct, iceberg_type};
    use super::*;

    #[test]
    fn open_table_types_become_glue_types() {
        let t: Value = serde_json::json!({"type": "struct", "fields": [
            {"id": 1, "name": "ID", "type": "long"},
            {"id": 2, "name": "price", "type": "decimal(10, 2)"},
            {"id": 3, "name": "tags", "type": {"type": "list", "element": "string"}},
            {"id": 4, "name": "at", "type": "timestamptz"},
        ]});
        let fields = iceberg_struct(&t).unwrap();
        let text: Vec<String> = fields
            .iter()
            .map(|f| format!("{} {}", f.name, f.data_type))
            .collect();
        assert_eq!(
            text,
            [
                "id bigint",
                "price decimal(10,2)",
                "tags array<string>",
                "at timestamp"
            ]
        );
        let d: Value = serde_json::json!({"type": "struct", "fields": [
            {"name": "n", "type": "integer"},
            {"name": "m", "type": {"type": "map", "keyType": "string", "valueType": "short"}},
        ]});
        let text: Vec<String> = delta_struct(&d)
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f.name, f.data_type))
            .collect();
        assert_eq!(text, ["n int", "m map<string,smallint>"]);
        assert!(iceberg_type(&serde_json::json!("variant")).is_err());
    }
}
