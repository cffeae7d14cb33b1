//! `--open-tables register`: an Iceberg or Delta Lake table registered from its own metadata,
//! never from its data files, in the shape Athena reads natively. Iceberg: `table_type=ICEBERG`
//! and `metadata_location`, the newest metadata file (format versions 1 to 3). Delta Lake: a
//! native table (`table_type=DELTA`, `spark.sql.sources.provider=delta`, as Athena's CREATE
//! TABLE and the Glue crawler's native-table option write it), its schema and partition columns
//! from the newest `metaData` action in the JSON commits of `_delta_log/` (reader versions 1 to
//! 3, the ones Athena reads). Hudi is left alone.

use serde_json::Value;

use super::discover::{OpenTable, OpenTableFormat};
use super::plan::Desired;
use super::table::{OWNER, OWNER_KEY};
use crate::catalog::{Column, Parameters, SerDeInfo, StorageDescriptor, TableDef};
use crate::schema::{DataType, Field};
use crate::storage::{ObjectMeta, StorageError, Store};

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
    #[error(
        "{root} has no metaData action in its JSON commits (only checkpoints hold it; \
         checkpoints are not read yet): register it with Spark or Athena"
    )]
    OnlyInCheckpoint { root: String },
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
        OpenTableFormat::Iceberg => iceberg(store, name).await?,
        OpenTableFormat::Delta => delta(store, name).await?,
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

async fn read_json(store: &Store, object: &ObjectMeta) -> Result<Value, OpenTableError> {
    let bytes = store.read_all(&object.key, object.size).await?;
    serde_json::from_slice(&bytes).map_err(|source| OpenTableError::NotJson {
        url: store.url(&object.key),
        source,
    })
}

/// The version a metadata file's name carries: `v12.metadata.json` (Hadoop tables) or
/// `00012-<uuid>.metadata.json` (catalog tables).
fn iceberg_version(name: &str) -> Option<u64> {
    let stem = name.strip_suffix(".metadata.json")?;
    let digits = stem.strip_prefix('v').unwrap_or(stem);
    let digits = digits.split('-').next()?;
    digits.parse().ok()
}

async fn iceberg(store: &Store, name: &str) -> Result<(TableDef, String), OpenTableError> {
    let level = store.list_level("metadata/").await?;
    let newest = level
        .objects
        .iter()
        .filter_map(|o| {
            let file = o.key.strip_prefix("metadata/")?;
            Some((iceberg_version(file)?, file.to_owned(), o))
        })
        .max_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)))
        .map(|(_, _, o)| o.clone())
        .ok_or_else(|| OpenTableError::Unreadable {
            url: store.url("metadata/"),
            what: "no metadata file named vN.metadata.json or NNNNN-uuid.metadata.json".into(),
        })?;
    let url = store.url(&newest.key);
    let metadata = read_json(store, &newest).await?;
    let unreadable = |what: &str| OpenTableError::Unreadable {
        url: url.clone(),
        what: what.to_owned(),
    };
    let version = metadata["format-version"]
        .as_u64()
        .ok_or_else(|| unreadable("no format-version"))?;
    if !(1..=3).contains(&version) {
        return Err(OpenTableError::Version {
            url,
            format: "Iceberg",
            what: "format version",
            version,
            supported: "1 to 3",
        });
    }
    let schema = match metadata["current-schema-id"].as_i64() {
        Some(id) => metadata["schemas"]
            .as_array()
            .and_then(|schemas| schemas.iter().find(|s| s["schema-id"].as_i64() == Some(id))),
        None => Some(&metadata["schema"]),
    }
    .ok_or_else(|| unreadable("no current schema"))?;
    let columns = iceberg_struct(schema)
        .map_err(|e| unreadable(&e))?
        .into_iter()
        .map(|f| Column::new(f.name, f.data_type.to_string()))
        .collect();
    let mut parameters = Parameters::new();
    parameters.insert("table_type".into(), "ICEBERG".into());
    parameters.insert("metadata_location".into(), url.clone());
    let table = base_table(
        name,
        store.root_url(),
        columns,
        Vec::new(),
        parameters,
        [
            "org.apache.hadoop.mapred.FileInputFormat",
            "org.apache.hadoop.mapred.FileOutputFormat",
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        ],
        Parameters::new(),
    );
    Ok((table, url))
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

fn iceberg_struct(schema: &Value) -> Result<Vec<Field>, String> {
    struct_fields(schema, iceberg_type)
}

fn iceberg_type(t: &Value) -> Result<DataType, String> {
    if let Some(name) = t.as_str() {
        return primitive(name, &[("long", DataType::Bigint), ("int", DataType::Int)]);
    }
    match t["type"].as_str() {
        Some("struct") => Ok(DataType::Struct(iceberg_struct(t)?)),
        Some("list") => Ok(DataType::Array(Box::new(iceberg_type(&t["element"])?))),
        Some("map") => Ok(DataType::Map(
            Box::new(iceberg_type(&t["key"])?),
            Box::new(iceberg_type(&t["value"])?),
        )),
        _ => Err(format!("unknown type {t}")),
    }
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

/// The commit version of a `_delta_log/` JSON commit file.
fn delta_version(key: &str) -> Option<u64> {
    let name = key.strip_prefix("_delta_log/")?.strip_suffix(".json")?;
    (name.len() == 20).then(|| name.parse().ok()).flatten()
}

async fn delta(store: &Store, name: &str) -> Result<(TableDef, String), OpenTableError> {
    let level = store.list_level("_delta_log/").await?;
    let mut commits: Vec<(u64, &ObjectMeta)> = level
        .objects
        .iter()
        .filter_map(|o| Some((delta_version(&o.key)?, o)))
        .collect();
    commits.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    let mut found: (Option<Value>, Option<Value>) = (None, None);
    let mut source = String::new();
    for (_, object) in &commits {
        let bytes = store.read_all(&object.key, object.size).await?;
        let url = store.url(&object.key);
        for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let action: Value =
                serde_json::from_slice(line).map_err(|source| OpenTableError::NotJson {
                    url: url.clone(),
                    source,
                })?;
            if found.0.is_none() && action.get("metaData").is_some() {
                found.0 = Some(action["metaData"].clone());
                source = url.clone();
            }
            if found.1.is_none() && action.get("protocol").is_some() {
                found.1 = Some(action["protocol"].clone());
            }
        }
        if found.0.is_some() && found.1.is_some() {
            break;
        }
    }
    let (Some(metadata), protocol) = found else {
        return Err(OpenTableError::OnlyInCheckpoint {
            root: store.root_url(),
        });
    };
    let reader = protocol
        .as_ref()
        .and_then(|p| p["minReaderVersion"].as_u64())
        .unwrap_or(1);
    if reader > 3 {
        return Err(OpenTableError::Version {
            url: source,
            format: "Delta Lake",
            what: "reader version",
            version: reader,
            supported: "1 to 3",
        });
    }
    let unreadable = |what: String| OpenTableError::Unreadable {
        url: source.clone(),
        what,
    };
    let schema: Value = metadata["schemaString"]
        .as_str()
        .ok_or_else(|| unreadable("metaData without schemaString".into()))
        .and_then(|text| {
            serde_json::from_str(text).map_err(|e| unreadable(format!("schemaString: {e}")))
        })?;
    let fields = delta_struct(&schema).map_err(unreadable)?;
    let partition_columns: Vec<String> = metadata["partitionColumns"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default();
    let (keys, columns): (Vec<Field>, Vec<Field>) = fields
        .into_iter()
        .partition(|f| partition_columns.contains(&f.name));
    let column = |f: Field| Column::new(f.name, f.data_type.to_string());
    let mut parameters = Parameters::new();
    parameters.insert("table_type".into(), "DELTA".into());
    parameters.insert("spark.sql.sources.provider".into(), "delta".into());
    parameters.insert("classification".into(), "delta".into());
    let mut serde_parameters = Parameters::new();
    serde_parameters.insert("path".into(), store.root_url());
    serde_parameters.insert("serialization.format".into(), "1".into());
    let table = base_table(
        name,
        store.root_url(),
        columns.into_iter().map(column).collect(),
        keys.into_iter().map(column).collect(),
        parameters,
        [
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        ],
        serde_parameters,
    );
    Ok((table, source))
}

fn delta_struct(schema: &Value) -> Result<Vec<Field>, String> {
    struct_fields(schema, delta_type)
}

fn delta_type(t: &Value) -> Result<DataType, String> {
    if let Some(name) = t.as_str() {
        return primitive(
            name,
            &[
                ("long", DataType::Bigint),
                ("integer", DataType::Int),
                ("short", DataType::Smallint),
                ("byte", DataType::Tinyint),
            ],
        );
    }
    match t["type"].as_str() {
        Some("struct") => Ok(DataType::Struct(delta_struct(t)?)),
        Some("array") => Ok(DataType::Array(Box::new(delta_type(&t["elementType"])?))),
        Some("map") => Ok(DataType::Map(
            Box::new(delta_type(&t["keyType"])?),
            Box::new(delta_type(&t["valueType"])?),
        )),
        _ => Err(format!("unknown type {t}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iceberg_metadata_versions_order_by_number_not_text() {
        assert_eq!(iceberg_version("v12.metadata.json"), Some(12));
        assert_eq!(
            iceberg_version("00012-6f1c2b7e-1a2b-4c3d-9e8f-0123456789ab.metadata.json"),
            Some(12)
        );
        assert_eq!(iceberg_version("snap-1-a.avro"), None);
        assert!(iceberg_version("v9.metadata.json") < iceberg_version("v10.metadata.json"));
    }

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
