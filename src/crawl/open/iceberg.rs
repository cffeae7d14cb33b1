//! Iceberg: `table_type=ICEBERG` and `metadata_location`, the newest metadata file by its version
//! number (format versions 1 to 3).

use serde_json::Value;

use super::{base_table, primitive, struct_fields, OpenTableError};
use crate::catalog::{Column, Parameters, TableDef};
use crate::schema::{DataType, Field};
use crate::storage::{ObjectMeta, Store};

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

pub(super) async fn table(store: &Store, name: &str) -> Result<(TableDef, String), OpenTableError> {
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

pub(super) fn iceberg_struct(schema: &Value) -> Result<Vec<Field>, String> {
    struct_fields(schema, iceberg_type)
}

pub(super) fn iceberg_type(t: &Value) -> Result<DataType, String> {
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
}
