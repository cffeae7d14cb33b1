//! Stage 5: one Parquet file per input — `doc_id`, `chunk_index`, `chunk_start`, `chunk_text`,
//! `embedding` (`FixedSizeList<Float32, dim>`), then the kept columns (nullable strings) — with
//! the model and chunking in the key-value metadata, written on the pipeline's writer thread. Files go through `storage::write`'s object
//! writer (a hidden temporary name, synced, renamed when the input is complete, removed when
//! dropped), so an interrupted run never leaves a file that looks finished. The run key in the
//! metadata is what a rerun compares to skip an input (resume).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    ArrayRef, FixedSizeListArray, Float32Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::input::InputFile;
use super::{EmbedError, EmbedOptions, Embedder};
use crate::storage::parquet::ParquetObject;
use crate::storage::write::{ObjectWriter, StaleUploads, UploadSettings};
use crate::storage::{StorageError, Store};

/// The metadata key holding the run key (input identity + every parameter that shapes output).
pub const RUN_KEY: &str = "lakeops.embed.run";

/// One embedded chunk, ready to write.
pub struct Row {
    pub doc_id: String,
    pub chunk_index: i32,
    pub chunk_start: i64,
    pub chunk_text: String,
    pub embedding: Vec<f32>,
    /// The document's kept columns, in `--keep-columns` order.
    pub kept: Arc<[Option<String>]>,
}

/// The columns every output has, in order; kept columns follow them.
pub const FIXED_COLUMNS: [&str; 5] = [
    "doc_id",
    "chunk_index",
    "chunk_start",
    "chunk_text",
    "embedding",
];

/// The output column a kept source column becomes: its path with `_` for `.`
/// (`metadata.title` -> `metadata_title`), a name every SQL engine reads unquoted.
pub fn kept_column_name(path: &str) -> String {
    path.replace('.', "_")
}

/// The field metadata key that names a kept column's source path.
const SOURCE_KEY: &str = "lakeops.embed.source_column";

pub fn schema(dim: usize, keep: &[String]) -> SchemaRef {
    let kept = keep.iter().map(|path| {
        Field::new(kept_column_name(path), DataType::Utf8, true).with_metadata(
            [(SOURCE_KEY.to_owned(), path.clone())]
                .into_iter()
                .collect(),
        )
    });
    Arc::new(Schema::new(
        [
            Field::new("doc_id", DataType::Utf8, false),
            Field::new("chunk_index", DataType::Int32, false),
            Field::new("chunk_start", DataType::Int64, false),
            Field::new("chunk_text", DataType::Utf8, false),
            Field::new(
                "embedding",
                DataType::FixedSizeList(
                    Arc::new(Field::new("item", DataType::Float32, false)),
                    dim as i32,
                ),
                false,
            ),
        ]
        .into_iter()
        .chain(kept)
        .collect::<Vec<_>>(),
    ))
}

pub struct EmbeddingSink {
    writer: ArrowWriter<ObjectWriter>,
    schema: SchemaRef,
    dim: usize,
    /// The final name, which errors give: the temporary one means nothing to the user.
    path: PathBuf,
    rows: u64,
}

fn write_error(
    path: &Path,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> EmbedError {
    EmbedError::Write {
        path: path.to_owned(),
        source: source.into().into(),
    }
}

/// The message without the temporary file's name that `StorageError::Local` carries.
fn storage_error(path: &Path, e: StorageError) -> EmbedError {
    match e {
        StorageError::Local { source, .. } => write_error(path, source),
        other => write_error(path, other),
    }
}

impl EmbeddingSink {
    /// Starts `key` under `store`'s root (a local directory; `runtime` is what the storage
    /// writer takes for S3 and is not used for a local file).
    pub fn create(
        store: &Store,
        key: &str,
        runtime: &tokio::runtime::Handle,
        dim: usize,
        keep: &[String],
        metadata: HashMap<String, String>,
    ) -> Result<EmbeddingSink, EmbedError> {
        let path = store
            .local_file(key)
            .unwrap_or_else(|| store.display(key).into());
        let object = store
            .writer(key, runtime, UploadSettings::default())
            .map_err(|e| storage_error(&path, e))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(3).expect("valid level"),
            ))
            // Float vectors do not compress or dictionary-encode; only the text benefits.
            .set_column_dictionary_enabled("embedding.list.item".into(), false)
            .set_column_compression("embedding.list.item".into(), Compression::UNCOMPRESSED)
            .build();
        // Schema metadata is stored both in the Arrow schema and as Parquet key-value pairs, so
        // every reader (pyarrow, DuckDB's parquet_kv_metadata, polars) sees it.
        let schema = Arc::new(
            schema(dim, keep)
                .as_ref()
                .clone()
                .with_metadata(metadata.clone()),
        );
        let mut writer = ArrowWriter::try_new(object, schema.clone(), Some(properties))
            .map_err(|e| write_error(&path, e))?;
        let mut pairs: Vec<_> = metadata.into_iter().collect();
        pairs.sort();
        for (key, value) in pairs {
            writer.append_key_value_metadata(KeyValue::new(key, value));
        }
        Ok(EmbeddingSink {
            writer,
            schema,
            dim,
            path,
            rows: 0,
        })
    }

    pub fn write(&mut self, rows: Vec<Row>) -> Result<(), EmbedError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut values = Vec::with_capacity(rows.len() * self.dim);
        for row in &rows {
            values.extend_from_slice(&row.embedding);
        }
        let item = Arc::new(Field::new("item", DataType::Float32, false));
        let embedding = FixedSizeListArray::try_new(
            item,
            self.dim as i32,
            Arc::new(Float32Array::from(values)),
            None,
        )
        .map_err(|e| write_error(&self.path, e))?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| r.doc_id.as_str()),
            )),
            Arc::new(Int32Array::from_iter_values(
                rows.iter().map(|r| r.chunk_index),
            )),
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| r.chunk_start),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| r.chunk_text.as_str()),
            )),
            Arc::new(embedding),
        ];
        let kept = self.schema.fields().len() - FIXED_COLUMNS.len();
        let mut columns = columns;
        for k in 0..kept {
            columns.push(Arc::new(StringArray::from_iter(
                rows.iter().map(|r| r.kept.get(k).cloned().flatten()),
            )));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| write_error(&self.path, e))?;
        self.writer
            .write(&batch)
            .map_err(|e| write_error(&self.path, e))?;
        self.rows += rows.len() as u64;
        Ok(())
    }

    /// Completes the file and publishes it under its final name; returns (rows, bytes).
    pub fn finish(self) -> Result<(u64, u64), EmbedError> {
        let path = self.path;
        let closed = self
            .writer
            .into_inner()
            .map_err(|e| write_error(&path, e))?
            .close()
            .map_err(|e| storage_error(&path, e))?;
        let bytes = closed.bytes();
        closed.publish().map_err(|e| storage_error(&path, e))?;
        Ok((self.rows, bytes))
    }
}

/// The run key stored in an input's existing output, read from its footer (a suffix GET on S3):
/// `None` when there is no output, or it is not a finished lakeops file.
fn stored_run_key(
    options: &EmbedOptions,
    input: &InputFile,
    runtime: &tokio::runtime::Handle,
) -> Option<String> {
    let store = &options.output;
    let key = output_key(input);
    runtime.block_on(async {
        let (size, tag) = store.stat(&key).await.ok()??;
        let object = crate::storage::ObjectMeta { key, size, tag };
        let file = ParquetObject::open(store, &object).await.ok()?;
        file.metadata()
            .file_metadata()
            .key_value_metadata()?
            .iter()
            .find(|kv| kv.key == RUN_KEY)
            .and_then(|kv| kv.value.clone())
    })
}

/// Whether a run skips `input`: not `--overwrite`, and its output carries this run's key (this
/// input's identity and every setting that shapes the vectors).
pub fn up_to_date(
    options: &EmbedOptions,
    embedder: &Embedder,
    input: &InputFile,
    runtime: &tokio::runtime::Handle,
) -> bool {
    !options.overwrite
        && stored_run_key(options, input, runtime).as_deref()
            == Some(run_key(options, embedder, input).as_str())
}

/// An input's output, relative to the output root.
fn output_key(input: &InputFile) -> String {
    format!("{}.parquet", input.output_stem)
}

/// Where an input's embeddings go, as people read it: a path, or an s3:// URL.
pub fn output_name(options: &EmbedOptions, input: &InputFile) -> String {
    options.output.display(&output_key(input))
}

/// Everything that decides an output file's content, as stored in its metadata.
pub(super) fn run_key(options: &EmbedOptions, embedder: &Embedder, input: &InputFile) -> String {
    serde_json::json!({
        "input": input.url(),
        "input_size": input.size,
        "input_tag": input.tag,
        "model_fingerprint": embedder.model.fingerprint,
        "pooling": embedder.model.pooling.name(),
        "normalized": embedder.model.normalize,
        "lowercase": embedder.model.lowercase,
        "dtype": embedder.precision.name(),
        "max_seq_length": embedder.model.max_seq_length,
        "chunk_size": options.chunk_size,
        "chunk_overlap": options.chunk_overlap,
        "chunk_unit": options.chunk_unit.name(),
        "text_column": options.text_column,
        "id_column": options.id_column,
        "keep_columns": options.keep_columns,
    })
    .to_string()
}

fn file_metadata(
    options: &EmbedOptions,
    embedder: &Embedder,
    input: &InputFile,
) -> HashMap<String, String> {
    let model = &embedder.model;
    [
        ("lakeops.embed.model", model.name.clone()),
        (
            "lakeops.embed.model_revision",
            model.revision.clone().unwrap_or_default(),
        ),
        ("lakeops.embed.dimension", model.dim().to_string()),
        ("lakeops.embed.pooling", model.pooling.name().to_owned()),
        ("lakeops.embed.normalized", model.normalize.to_string()),
        ("lakeops.embed.metric", model.similarity.clone()),
        ("lakeops.embed.dtype", embedder.precision.name().to_owned()),
        (
            "lakeops.embed.max_seq_length",
            model.max_seq_length.to_string(),
        ),
        ("lakeops.embed.chunk_size", options.chunk_size.to_string()),
        (
            "lakeops.embed.chunk_overlap",
            options.chunk_overlap.to_string(),
        ),
        (
            "lakeops.embed.chunk_unit",
            options.chunk_unit.name().to_owned(),
        ),
        (
            "lakeops.embed.chunker",
            "langchain RecursiveCharacterTextSplitter".to_owned(),
        ),
        ("lakeops.embed.source", input.url()),
        (
            "lakeops.embed.keep_columns",
            serde_json::to_string(&options.keep_columns).unwrap_or_default(),
        ),
        (RUN_KEY, run_key(options, embedder, input)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// What the pipeline hands the writer thread, in input order.
pub(super) enum WriteMsg {
    Start(Box<InputFile>),
    Rows(Vec<Row>),
    End(usize),
    /// The input failed after it started: its file is dropped unpublished, the run goes on.
    Discard,
}

/// The writer thread: one file per input, published when the input ends. Returns the bytes
/// written per input and the time spent writing.
pub(super) fn write_all(
    options: &EmbedOptions,
    embedder: &Embedder,
    runtime: &tokio::runtime::Handle,
    rx: mpsc::Receiver<WriteMsg>,
) -> Result<(Vec<(usize, u64)>, f64), EmbedError> {
    let store = &options.output;
    let cleaning = |e: StorageError| EmbedError::Write {
        path: store.root_url().into(),
        source: Arc::new(e),
    };
    let mut stale = StaleUploads::list(store, runtime).map_err(cleaning)?;
    let mut written = Vec::new();
    let mut open: Option<EmbeddingSink> = None;
    let mut busy = 0f64;
    for msg in rx {
        let t = Instant::now();
        match msg {
            WriteMsg::Start(input) => {
                let key = output_key(&input);
                stale
                    .abort_where(store, runtime, |upload| upload == key)
                    .map_err(cleaning)?;
                open = Some(EmbeddingSink::create(
                    store,
                    &output_key(&input),
                    runtime,
                    embedder.model.dim(),
                    &options.keep_columns,
                    file_metadata(options, embedder, &input),
                )?);
            }
            WriteMsg::Rows(rows) => open.as_mut().expect("started").write(rows)?,
            WriteMsg::End(i) => {
                let (_, bytes) = open.take().expect("started").finish()?;
                written.push((i, bytes));
            }
            WriteMsg::Discard => open = None,
        }
        busy += t.elapsed().as_secs_f64();
    }
    if stale.aborted > 0 {
        tracing::warn!(
            "aborted {} multipart upload(s) left by an earlier run",
            stale.aborted
        );
    }
    Ok((written, busy))
}
