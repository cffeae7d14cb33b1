//! Delta Lake: a native table (`table_type=DELTA`, `spark.sql.sources.provider=delta`, as
//! Athena's CREATE TABLE and the Glue crawler's native-table option write it), its schema and
//! partition columns from the table's newest `metaData` action (reader versions 1 to 3, those
//! Athena reads).
//!
//! The newest actions are found the way a Delta reader finds them: in the JSON commits after the
//! newest complete checkpoint, newest first, then in that checkpoint (classic, multi-part or V2;
//! Parquet or JSON). Commits a log cleanup removed are never needed, and commits a checkpoint
//! covers are never read, so a long history costs a listing and a few reads. A Parquet
//! checkpoint is read for its `metaData` and `protocol` columns alone, never its file actions.

use std::collections::BTreeMap;

use arrow::array::{Array, BooleanArray, RecordBatch};
use futures::TryStreamExt;
use parquet::arrow::async_reader::ParquetRecordBatchStreamBuilder;
use parquet::arrow::ProjectionMask;
use parquet::errors::ParquetError;
use parquet::file::metadata::RowGroupMetaData;
use serde_json::Value;

use super::{base_table, primitive, struct_fields, OpenTableError};
use crate::catalog::{Column, Parameters, TableDef};
use crate::schema::{DataType, Field};
use crate::storage::parquet::ParquetObject;
use crate::storage::{ObjectMeta, Store};

/// The two actions a Glue table is made from, each from the newest file that holds one.
#[derive(Default)]
struct Newest {
    /// The `metaData` action and the URL of the file it came from.
    metadata: Option<(Value, String)>,
    protocol: Option<Value>,
}

impl Newest {
    fn take(&mut self, action: &Value, url: &str) {
        if self.metadata.is_none() {
            if let Some(metadata) = action.get("metaData") {
                self.metadata = Some((metadata.clone(), url.to_owned()));
            }
        }
        if self.protocol.is_none() {
            if let Some(protocol) = action.get("protocol") {
                self.protocol = Some(protocol.clone());
            }
        }
    }

    fn complete(&self) -> bool {
        self.metadata.is_some() && self.protocol.is_some()
    }

    /// The actions of a JSON file: a commit, or a V2 checkpoint written as JSON.
    fn take_lines(&mut self, bytes: &[u8], url: &str) -> Result<(), OpenTableError> {
        for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let action: Value =
                serde_json::from_slice(line).map_err(|source| OpenTableError::NotJson {
                    url: url.to_owned(),
                    source,
                })?;
            self.take(&action, url);
        }
        Ok(())
    }
}

/// How one checkpoint file of a version is named (the Delta protocol's "Checkpoints").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checkpoint {
    /// `N.checkpoint.parquet`
    Classic,
    /// `N.checkpoint.PART.PARTS.parquet`, 1-based, ten digits each
    Part { part: u32, parts: u32 },
    /// `N.checkpoint.UUID.json` or `.parquet`
    V2,
}

/// What a `_delta_log/` file is, by its name: a commit (`None`) or a checkpoint, with its version.
/// Other files (`_last_checkpoint`, `.crc`, compacted logs) are not needed.
fn log_file(key: &str) -> Option<(u64, Option<Checkpoint>)> {
    let name = key.strip_prefix("_delta_log/")?;
    let (version, rest) = name.split_once('.')?;
    if version.len() != 20 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let version = version.parse().ok()?;
    if rest == "json" {
        return Some((version, None));
    }
    let parts: Vec<&str> = rest.strip_prefix("checkpoint.")?.split('.').collect();
    let checkpoint = match parts[..] {
        ["parquet"] => Checkpoint::Classic,
        [part, parts, "parquet"] if part.len() == 10 && parts.len() == 10 => Checkpoint::Part {
            part: part.parse().ok()?,
            parts: parts.parse().ok()?,
        },
        [id, "json" | "parquet"] if !id.is_empty() => Checkpoint::V2,
        _ => return None,
    };
    Some((version, Some(checkpoint)))
}

/// The log's JSON commits newer than its newest complete checkpoint, newest first, and that
/// checkpoint's files (all parts of a multi-part one, in order).
fn files_to_read(objects: &[ObjectMeta]) -> (Vec<&ObjectMeta>, Vec<&ObjectMeta>) {
    let mut commits: BTreeMap<u64, &ObjectMeta> = BTreeMap::new();
    let mut checkpoints: BTreeMap<u64, Vec<(Checkpoint, &ObjectMeta)>> = BTreeMap::new();
    for object in objects {
        match log_file(&object.key) {
            Some((version, None)) => {
                commits.insert(version, object);
            }
            Some((version, Some(kind))) => {
                checkpoints.entry(version).or_default().push((kind, object))
            }
            None => {}
        }
    }
    let newest = checkpoints
        .iter()
        .rev()
        .find_map(|(version, files)| Some((*version, complete_checkpoint(files)?)));
    let (after, checkpoint) = match newest {
        Some((version, files)) => (version + 1, files),
        None => (0, Vec::new()),
    };
    let commits = commits.range(after..).rev().map(|(_, o)| *o).collect();
    (commits, checkpoint)
}

/// One version's checkpoint files, if a reader can use them: a classic or V2 file, or every part
/// of one multi-part set (a writer that died mid-way leaves a set incomplete).
fn complete_checkpoint<'a>(files: &[(Checkpoint, &'a ObjectMeta)]) -> Option<Vec<&'a ObjectMeta>> {
    if let Some((_, whole)) = files
        .iter()
        .filter(|(kind, _)| !matches!(kind, Checkpoint::Part { .. }))
        .min_by(|a, b| a.1.key.cmp(&b.1.key))
    {
        return Some(vec![*whole]);
    }
    let mut sets: BTreeMap<u32, BTreeMap<u32, &ObjectMeta>> = BTreeMap::new();
    for (kind, object) in files {
        if let Checkpoint::Part { part, parts } = kind {
            sets.entry(*parts).or_default().insert(*part, *object);
        }
    }
    sets.into_iter().find_map(|(parts, set)| {
        (parts > 0 && set.keys().copied().eq(1..=parts)).then(|| set.into_values().collect())
    })
}

pub(super) async fn table(store: &Store, name: &str) -> Result<(TableDef, String), OpenTableError> {
    let level = store.list_level("_delta_log/").await?;
    let (commits, checkpoint) = files_to_read(&level.objects);
    let mut newest = Newest::default();
    for object in commits {
        let bytes = store.read_all(&object.key, object.size).await?;
        newest.take_lines(&bytes, &store.url(&object.key))?;
        if newest.complete() {
            break;
        }
    }
    for object in checkpoint {
        if newest.complete() {
            break;
        }
        if object.key.ends_with(".json") {
            let bytes = store.read_all(&object.key, object.size).await?;
            newest.take_lines(&bytes, &store.url(&object.key))?;
        } else {
            checkpoint_actions(store, object, &mut newest).await?;
        }
    }
    let Some((metadata, source)) = newest.metadata else {
        return Err(OpenTableError::NoDeltaMetadata {
            log: store.url("_delta_log/"),
        });
    };
    let reader = newest
        .protocol
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
    let table =
        native_table(store, name, &metadata).map_err(|what| OpenTableError::Unreadable {
            url: source.clone(),
            what,
        })?;
    Ok((table, source))
}

/// The `metaData` and `protocol` actions of a Parquet checkpoint, read by their columns alone,
/// row group by row group until both are found.
async fn checkpoint_actions(
    store: &Store,
    object: &ObjectMeta,
    newest: &mut Newest,
) -> Result<(), OpenTableError> {
    let url = store.url(&object.key);
    let decode = |source: ParquetError| OpenTableError::Checkpoint {
        url: url.clone(),
        source,
    };
    let file = ParquetObject::open(store, object).await?;
    let metadata = file.metadata().clone();
    let schema = metadata.file_metadata().schema_descr();
    let roots: Vec<usize> = schema
        .root_schema()
        .get_fields()
        .iter()
        .enumerate()
        .filter(|(_, field)| ACTIONS.contains(&field.name()))
        .map(|(i, _)| i)
        .collect();
    if roots.is_empty() {
        return Ok(());
    }
    let row_groups: Vec<usize> = (0..metadata.num_row_groups())
        .filter(|&i| may_hold_actions(metadata.row_group(i)))
        .collect();
    let mut batches = ParquetRecordBatchStreamBuilder::new(file)
        .await
        .map_err(decode)?
        .with_projection(ProjectionMask::roots(schema, roots))
        .with_row_groups(row_groups)
        .build()
        .map_err(decode)?;
    while let Some(batch) = batches.try_next().await.map_err(decode)? {
        for action in actions_of(&batch).map_err(|e| decode(e.into()))? {
            newest.take(&action, &url);
        }
        if newest.complete() {
            break;
        }
    }
    Ok(())
}

/// The checkpoint columns read; every other column holds file and transaction actions.
const ACTIONS: [&str; 2] = ["metaData", "protocol"];

/// False only when a row group's statistics say its `metaData` and `protocol` columns are null
/// in every row: a checkpoint of many files holds these two actions in one row of one group.
fn may_hold_actions(row_group: &RowGroupMetaData) -> bool {
    let rows = row_group.num_rows().max(0) as u64;
    let mut leaves = row_group.columns().iter().filter(|c| {
        c.column_descr().max_rep_level() == 0
            && ACTIONS.contains(&c.column_path().parts()[0].as_str())
    });
    !leaves.all(|c| {
        c.statistics()
            .and_then(|s| s.null_count_opt())
            .is_some_and(|nulls| nulls >= rows)
    })
}

/// The rows of a batch that hold an action, as the JSON a commit would hold them in.
fn actions_of(batch: &RecordBatch) -> Result<Vec<Value>, arrow::error::ArrowError> {
    let held: BooleanArray = (0..batch.num_rows())
        .map(|row| Some(batch.columns().iter().any(|c| c.is_valid(row))))
        .collect();
    let rows = arrow::compute::filter_record_batch(batch, &held)?;
    let mut writer = arrow::json::LineDelimitedWriter::new(Vec::new());
    writer.write(&rows)?;
    writer.finish()?;
    let lines = writer.into_inner();
    lines
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|line| {
            serde_json::from_slice(line)
                .map_err(|e| arrow::error::ArrowError::JsonError(e.to_string()))
        })
        .collect()
}

/// The Glue table from a `metaData` action; the error says what in it is unreadable.
fn native_table(store: &Store, name: &str, metadata: &Value) -> Result<TableDef, String> {
    let schema: Value = metadata["schemaString"]
        .as_str()
        .ok_or("metaData without schemaString")
        .map_err(str::to_owned)
        .and_then(|text| serde_json::from_str(text).map_err(|e| format!("schemaString: {e}")))?;
    let fields = delta_struct(&schema)?;
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
    Ok(base_table(
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
    ))
}

pub(super) fn delta_struct(schema: &Value) -> Result<Vec<Field>, String> {
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

    fn objects(names: &[&str]) -> Vec<ObjectMeta> {
        names
            .iter()
            .map(|n| ObjectMeta {
                key: format!("_delta_log/{n}"),
                size: 1,
                tag: None,
            })
            .collect()
    }

    fn names(files: &[&ObjectMeta]) -> Vec<String> {
        files
            .iter()
            .map(|o| o.key.trim_start_matches("_delta_log/").to_owned())
            .collect()
    }

    #[test]
    fn delta_log_names_are_read_as_the_protocol_names_them() {
        let v = |n: u64| format!("{n:020}");
        assert_eq!(
            log_file(&format!("_delta_log/{}.json", v(7))),
            Some((7, None))
        );
        assert_eq!(
            log_file(&format!("_delta_log/{}.checkpoint.parquet", v(10))),
            Some((10, Some(Checkpoint::Classic)))
        );
        assert_eq!(
            log_file(&format!(
                "_delta_log/{}.checkpoint.0000000002.0000000003.parquet",
                v(10)
            )),
            Some((10, Some(Checkpoint::Part { part: 2, parts: 3 })))
        );
        assert_eq!(
            log_file(&format!(
                "_delta_log/{}.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json",
                v(10)
            )),
            Some((10, Some(Checkpoint::V2)))
        );
        for other in [
            "_delta_log/_last_checkpoint".to_owned(),
            format!("_delta_log/{}.crc", v(3)),
            format!("_delta_log/{}.{}.compacted.json", v(1), v(3)),
            "_delta_log/7.json".to_owned(),
            format!("_delta_log/{}.checkpoint.parquet.tmp", v(3)),
        ] {
            assert_eq!(log_file(&other), None, "{other}");
        }
    }

    #[test]
    fn delta_log_reads_commits_after_the_newest_complete_checkpoint() {
        let log = objects(&[
            "00000000000000000009.json",
            "00000000000000000010.checkpoint.parquet",
            "00000000000000000010.json",
            "00000000000000000011.json",
            "00000000000000000012.json",
            // A multi-part checkpoint whose writer died after part 1 of 2: not usable.
            "00000000000000000012.checkpoint.0000000001.0000000002.parquet",
            "_last_checkpoint",
        ]);
        let (commits, checkpoint) = files_to_read(&log);
        assert_eq!(
            names(&commits),
            ["00000000000000000012.json", "00000000000000000011.json"]
        );
        assert_eq!(
            names(&checkpoint),
            ["00000000000000000010.checkpoint.parquet"]
        );

        let log = objects(&[
            "00000000000000000020.checkpoint.0000000002.0000000002.parquet",
            "00000000000000000020.checkpoint.0000000001.0000000002.parquet",
            "00000000000000000020.json",
        ]);
        let (commits, checkpoint) = files_to_read(&log);
        assert!(commits.is_empty());
        assert_eq!(
            names(&checkpoint),
            [
                "00000000000000000020.checkpoint.0000000001.0000000002.parquet",
                "00000000000000000020.checkpoint.0000000002.0000000002.parquet"
            ]
        );

        // No checkpoint: every commit, newest first.
        let log = objects(&["00000000000000000000.json", "00000000000000000001.json"]);
        let (commits, checkpoint) = files_to_read(&log);
        assert_eq!(
            names(&commits),
            ["00000000000000000001.json", "00000000000000000000.json"]
        );
        assert!(checkpoint.is_empty());
    }
}
