//! Stage 1: the inputs. Every argument is listed and every footer read before anything is
//! written, so that a dimension, model, metric or column that differs between two inputs stops
//! the run while the store is untouched.

use std::collections::HashMap;

use arrow::datatypes::{DataType, Schema, SchemaRef};
use futures::{StreamExt, TryStreamExt};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::file::metadata::PageIndexPolicy;

use super::{Columns, LoadError, LoadOptions, Metric};
use crate::storage::discover::{discover_each, Accept, Listed, Selection};
use crate::storage::kind::{FileKind, Format};
use crate::storage::parquet::ParquetObject;
use crate::storage::ObjectMeta;

/// The field metadata key `embed` marks its kept columns with.
const SOURCE_KEY: &str = "lakeops.embed.source_column";
const MODEL_KEY: &str = "lakeops.embed.model";
const METRIC_KEY: &str = "lakeops.embed.metric";

/// Footers read at once.
const FOOTERS_AT_ONCE: usize = 16;

fn is_parquet(key: &str) -> bool {
    FileKind::of(key).is_some_and(|kind| kind.format == Format::Parquet)
}

const ACCEPT: Accept<'static> = Accept {
    is_input: &is_parquet,
    description: "Parquet files (*.parquet)",
    // A file named on the command line is read whatever its name; its footer says whether it
    // is Parquet.
    named: None,
};

/// Where each needed column sits in an input's Arrow schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub id: usize,
    pub text: usize,
    pub vector: usize,
    /// `chunk_index` (Int32) and `chunk_start` (Int64), when the input has them (embed's
    /// output does; other Parquet is one chunk per id).
    pub chunk_index: Option<usize>,
    pub chunk_start: Option<usize>,
    /// Kept columns, as (name in the store, index in the schema).
    pub kept: Vec<(String, usize)>,
}

/// One input, its footer read.
pub struct VectorInput {
    pub object: ParquetObject,
    pub meta: ArrowReaderMetadata,
    pub url: String,
    pub size: u64,
    pub tag: Option<String>,
    pub rows: u64,
    pub layout: Layout,
}

impl VectorInput {
    /// What tells this input's content apart from another version of it at the same URL.
    pub fn identity(&self) -> String {
        serde_json::json!({"size": self.size, "tag": self.tag}).to_string()
    }

    pub fn schema(&self) -> &SchemaRef {
        self.meta.schema()
    }
}

/// What every input agrees on.
#[derive(Clone, Debug)]
pub struct Shape {
    pub dimension: usize,
    pub metric: Metric,
    /// `lakeops.embed.model`, when the inputs say.
    pub model: Option<String>,
    /// The kept columns' names, in order.
    pub kept: Vec<String>,
    /// Whether the inputs carry `chunk_index`/`chunk_start`.
    pub chunked: bool,
}

/// Lists `args`, reads every footer, and checks that all inputs agree. Inputs come back in
/// report order (argument order, then key order).
pub async fn open_inputs(
    args: &[String],
    s3: Option<&aws_sdk_s3::Client>,
    selection: &Selection,
    options: &LoadOptions,
) -> Result<(Vec<VectorInput>, Shape), LoadError> {
    let args: Vec<(usize, String)> = args.iter().cloned().enumerate().collect();
    let mut batches = discover_each(&args, s3, ACCEPT).await?;
    let mut listed: Vec<Listed> = Vec::new();
    while let Some(batch) = batches.recv().await {
        listed.extend(
            batch?
                .into_iter()
                .filter(|l| selection.admits(&l.found.key)),
        );
    }
    listed.sort_by(|a, b| a.order.cmp(&b.order));
    // One object named twice (an argument and a directory holding it) is loaded once.
    let mut seen = std::collections::HashSet::new();
    listed.retain(|l| seen.insert(l.found.url()));
    if listed.is_empty() {
        return Err(LoadError::Options(
            "--include, --exclude or --shard left no input to load".into(),
        ));
    }
    let inputs: Vec<VectorInput> = futures::stream::iter(listed)
        .map(|l| open_one(l, &options.columns))
        .buffered(FOOTERS_AT_ONCE)
        .try_collect()
        .await?;
    let shape = agree(&inputs, options.metric)?;
    Ok((inputs, shape))
}

async fn open_one(listed: Listed, columns: &Columns) -> Result<VectorInput, LoadError> {
    let found = listed.found;
    let url = found.url();
    let object = ParquetObject::open(
        &found.store,
        &ObjectMeta {
            key: found.key.clone(),
            size: found.size,
            tag: found.tag.clone(),
        },
    )
    .await?
    .with_page_index()
    .await?;
    let meta = ArrowReaderMetadata::try_new(
        object.metadata().clone(),
        ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional),
    )
    .map_err(|e| LoadError::Input {
        url: url.clone(),
        problem: format!("its schema cannot be read as Arrow: {e}"),
    })?;
    let layout = layout(meta.schema(), columns).map_err(|problem| LoadError::Input {
        url: url.clone(),
        problem,
    })?;
    let rows = object.metadata().file_metadata().num_rows().max(0) as u64;
    Ok(VectorInput {
        object,
        meta,
        url,
        size: found.size,
        tag: found.tag,
        rows,
        layout,
    })
}

fn is_text(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// Ids may be text or integers; kept columns any scalar. Both are stored as text.
fn is_scalar(data_type: &DataType) -> bool {
    is_text(data_type)
        || data_type.is_integer()
        || data_type.is_floating()
        || matches!(data_type, DataType::Boolean)
}

/// Where `columns` are in `schema`, or what is wrong with them.
pub fn layout(schema: &Schema, columns: &Columns) -> Result<Layout, String> {
    let find = |name: &str, what: &str| {
        schema.index_of(name).map_err(|_| {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            format!(
                "no {what} column {name:?} (it has {}); name it with --{what}-column",
                names.join(", ")
            )
        })
    };
    let id = find(&columns.id, "id")?;
    if !is_scalar(schema.field(id).data_type()) {
        return Err(format!(
            "the id column {:?} is {}, not text or an integer",
            columns.id,
            schema.field(id).data_type()
        ));
    }
    let text = find(&columns.text, "text")?;
    if !is_text(schema.field(text).data_type()) {
        return Err(format!(
            "the text column {:?} is {}, not text",
            columns.text,
            schema.field(text).data_type()
        ));
    }
    let vector = find(&columns.vector, "vector")?;
    match schema.field(vector).data_type() {
        DataType::FixedSizeList(item, dim)
            if item.data_type() == &DataType::Float32 && *dim > 0 => {}
        other => {
            return Err(format!(
                "the vector column {:?} is {other}, not FixedSizeList<Float32>",
                columns.vector
            ))
        }
    }
    let typed = |name: &str, data_type: DataType| {
        schema
            .index_of(name)
            .ok()
            .filter(|&i| schema.field(i).data_type() == &data_type)
    };
    let chunk_index = typed("chunk_index", DataType::Int32);
    let chunk_start = typed("chunk_start", DataType::Int64);
    let taken = [id, text, vector];
    let kept = match &columns.keep {
        Some(names) => names
            .iter()
            .map(|name| {
                let at = schema
                    .index_of(name)
                    .map_err(|_| format!("no column {name:?} to keep"))?;
                if !is_scalar(schema.field(at).data_type()) {
                    return Err(format!(
                        "the kept column {name:?} is {}, not a scalar (text, number or boolean)",
                        schema.field(at).data_type()
                    ));
                }
                Ok((name.clone(), at))
            })
            .collect::<Result<Vec<_>, String>>()?,
        None => schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(at, field)| field.metadata().contains_key(SOURCE_KEY) && !taken.contains(at))
            .map(|(at, field)| (field.name().clone(), at))
            .collect(),
    };
    for (name, _) in &kept {
        if [
            "doc_id",
            "chunk_index",
            "chunk_start",
            "chunk_text",
            "embedding",
        ]
        .contains(&name.as_str())
        {
            return Err(format!(
                "the kept column {name:?} has the name of one of the store's own columns"
            ));
        }
    }
    Ok(Layout {
        id,
        text,
        vector,
        chunk_index,
        chunk_start,
        kept,
    })
}

fn dimension(input: &VectorInput) -> usize {
    match input.schema().field(input.layout.vector).data_type() {
        DataType::FixedSizeList(_, dim) => *dim as usize,
        _ => unreachable!("checked by layout()"),
    }
}

fn metadata(input: &VectorInput) -> HashMap<String, String> {
    input
        .object
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The shape every input shares, or the first difference, naming both inputs.
fn agree(inputs: &[VectorInput], metric: Option<Metric>) -> Result<Shape, LoadError> {
    let describe = |input: &VectorInput| -> Result<Shape, LoadError> {
        let pairs = metadata(input);
        let stored_metric = match pairs.get(METRIC_KEY).filter(|_| metric.is_none()) {
            Some(text) => Some(Metric::parse(text).ok_or_else(|| LoadError::Input {
                url: input.url.clone(),
                problem: format!(
                    "its metadata names the metric {text:?} ({METRIC_KEY}), which no vector \
                     index here supports; choose one with --metric cosine|l2|ip"
                ),
            })?),
            None => None,
        };
        Ok(Shape {
            dimension: dimension(input),
            metric: metric.or(stored_metric).unwrap_or(Metric::Cosine),
            model: pairs.get(MODEL_KEY).cloned(),
            kept: input.layout.kept.iter().map(|(n, _)| n.clone()).collect(),
            chunked: input.layout.chunk_index.is_some(),
        })
    };
    let first = &inputs[0];
    let shape = describe(first)?;
    for other in &inputs[1..] {
        let theirs = describe(other)?;
        let difference = if theirs.dimension != shape.dimension {
            Some(format!(
                "dimension {} against {}",
                shape.dimension, theirs.dimension
            ))
        } else if theirs.model != shape.model {
            Some(format!(
                "model {} against {}",
                shape.model.as_deref().unwrap_or("(not named)"),
                theirs.model.as_deref().unwrap_or("(not named)")
            ))
        } else if theirs.metric != shape.metric {
            Some(format!(
                "metric {} against {}",
                shape.metric.name(),
                theirs.metric.name()
            ))
        } else if theirs.kept != shape.kept {
            Some(format!(
                "kept columns [{}] against [{}]",
                shape.kept.join(", "),
                theirs.kept.join(", ")
            ))
        } else if theirs.chunked != shape.chunked {
            Some("one has chunk_index and chunk_start columns, the other not".to_owned())
        } else {
            None
        };
        if let Some(difference) = difference {
            return Err(LoadError::Mismatch {
                first: first.url.clone(),
                other: other.url.clone(),
                difference,
            });
        }
    }
    Ok(shape)
}

/// Shared by the targets' tests: a schema as `embed` writes it.
#[cfg(test)]
pub(crate) fn embed_schema(dim: usize, keep: &[String]) -> SchemaRef {
    crate::embed::sink::schema(dim, keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(keep: Option<Vec<String>>) -> Columns {
        Columns {
            id: "doc_id".into(),
            text: "chunk_text".into(),
            vector: "embedding".into(),
            keep,
        }
    }

    #[test]
    fn layout_of_embed_output_takes_its_kept_columns() {
        let schema = embed_schema(4, &["metadata.title".into()]);
        let layout = layout(&schema, &columns(None)).unwrap();
        assert_eq!(layout.vector, 4);
        assert_eq!(layout.chunk_index, Some(1));
        assert_eq!(layout.chunk_start, Some(2));
        assert_eq!(layout.kept, vec![("metadata_title".to_owned(), 5)]);
    }

    #[test]
    fn layout_names_a_missing_or_mistyped_column() {
        let schema = embed_schema(4, &[]);
        let mut wrong = columns(None);
        wrong.vector = "chunk_text".into();
        let problem = layout(&schema, &wrong).unwrap_err();
        assert!(problem.contains("not FixedSizeList<Float32>"), "{problem}");
        wrong.vector = "nope".into();
        let problem = layout(&schema, &wrong).unwrap_err();
        assert!(problem.contains("no vector column \"nope\""), "{problem}");
        assert!(problem.contains("--vector-column"), "{problem}");
    }
}
