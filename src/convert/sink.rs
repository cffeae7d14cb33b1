//! Stage 3: record batches become Parquet files, rejected lines a dead-letter file, in a local
//! directory or under an S3 prefix. Every file is published (renamed into place, or its S3
//! upload completed) only when its input has been converted completely, so a failed or
//! interrupted run leaves nothing that looks finished.

use std::io::Write;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use base64::Engine;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::Serialize;

use super::batch::Reject;
use super::ConvertError;
use crate::storage::{ObjectWriter, StorageError, Store, Unpublished, UploadSettings};

/// A byte limit (row group or file) is checked at least this many times per limit's worth of data.
const CHECKS_PER_LIMIT: u64 = 8;

/// Parquet codec for every column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Snappy,
    Zstd(i32),
    Gzip(u32),
    Lz4,
    None,
}

impl Codec {
    /// zstd level 3: files a third smaller than snappy on text at a small CPU cost, and read by
    /// Athena, Spark, DuckDB, pyarrow and polars alike.
    pub const DEFAULT: Codec = Codec::Zstd(3);

    fn to_parquet(self) -> Result<Compression, ConvertError> {
        let bad = |e: parquet::errors::ParquetError| ConvertError::Step {
            what: "invalid --compression level",
            source: e.into(),
        };
        Ok(match self {
            Codec::Snappy => Compression::SNAPPY,
            Codec::Zstd(level) => Compression::ZSTD(ZstdLevel::try_new(level).map_err(bad)?),
            Codec::Gzip(level) => Compression::GZIP(GzipLevel::try_new(level).map_err(bad)?),
            Codec::Lz4 => Compression::LZ4_RAW,
            Codec::None => Compression::UNCOMPRESSED,
        })
    }
}

impl std::fmt::Display for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Codec::Snappy => f.write_str("snappy"),
            Codec::Zstd(level) => write!(f, "zstd={level}"),
            Codec::Gzip(level) => write!(f, "gzip={level}"),
            Codec::Lz4 => f.write_str("lz4"),
            Codec::None => f.write_str("none"),
        }
    }
}

impl std::fmt::Display for RowGroupSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowGroupSize::Rows(rows) => write!(f, "{rows}"),
            RowGroupSize::Bytes(bytes) if bytes % (1 << 20) == 0 => write!(f, "{}MiB", bytes >> 20),
            RowGroupSize::Bytes(bytes) => write!(f, "{bytes}B"),
        }
    }
}

/// When a row group is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowGroupSize {
    Rows(usize),
    /// Encoded bytes buffered for the row group: what the writer holds in memory.
    Bytes(u64),
}

impl RowGroupSize {
    /// Two inputs are written at a time, each buffering one row group: 64 MiB keeps peak memory
    /// well under 512 MiB while row groups stay large enough for efficient scans.
    pub const DEFAULT: RowGroupSize = RowGroupSize::Bytes(64 << 20);
}

#[derive(Debug, Clone)]
pub struct WriterSettings {
    pub codec: Codec,
    pub row_group_size: RowGroupSize,
    pub max_rows_per_file: Option<u64>,
    pub max_file_bytes: Option<u64>,
}

impl Default for WriterSettings {
    fn default() -> Self {
        WriterSettings {
            codec: Codec::DEFAULT,
            row_group_size: RowGroupSize::DEFAULT,
            max_rows_per_file: None,
            max_file_bytes: None,
        }
    }
}

impl WriterSettings {
    pub fn splits(&self) -> bool {
        self.max_rows_per_file.is_some() || self.max_file_bytes.is_some()
    }

    fn properties(&self, source: &str) -> Result<WriterProperties, ConvertError> {
        let (max_rows, max_bytes) = match self.row_group_size {
            RowGroupSize::Rows(rows) => (Some(rows.max(1)), None),
            RowGroupSize::Bytes(bytes) => (
                None,
                Some(usize::try_from(bytes).unwrap_or(usize::MAX).max(1)),
            ),
        };
        Ok(WriterProperties::builder()
            .set_compression(self.codec.to_parquet()?)
            .set_max_row_group_row_count(max_rows)
            .set_max_row_group_bytes(max_bytes)
            .set_key_value_metadata(Some(vec![
                KeyValue::new(
                    "lakeops.version".to_owned(),
                    env!("CARGO_PKG_VERSION").to_owned(),
                ),
                KeyValue::new("lakeops.source".to_owned(), source.to_owned()),
            ]))
            .build())
    }
}

/// Where one input's Parquet goes (keys in the output store): one exact key, or numbered parts
/// `<stem>-00001.parquet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(String),
    Parts { dir: String, stem: String },
}

impl Target {
    pub fn first_key(&self) -> String {
        self.key(1)
    }

    fn key(&self, part: u32) -> String {
        match self {
            Target::File(key) => key.clone(),
            Target::Parts { dir, stem } if dir.is_empty() => format!("{stem}-{part:05}.parquet"),
            Target::Parts { dir, stem } => format!("{dir}/{stem}-{part:05}.parquet"),
        }
    }

    /// Whether `key` is one this target writes: its file, or one of its numbered parts (and not
    /// another stem's that merely starts the same, as `events-eu-00001.parquet` does `events-`).
    pub fn owns(&self, key: &str) -> bool {
        match self {
            Target::File(file) => key == file,
            Target::Parts { .. } => key
                .strip_suffix(".parquet")
                .and_then(|rest| rest.rsplit_once('-'))
                .and_then(|(_, number)| number.parse::<u32>().ok())
                .is_some_and(|n| n >= 1 && self.key(n) == key),
        }
    }
}

/// One finished Parquet file.
#[derive(Debug, Clone, Serialize)]
pub struct OutputFile {
    /// A local path or an s3:// URL.
    pub path: String,
    /// Relative to the output root.
    #[serde(skip)]
    pub key: String,
    pub rows: u64,
    pub bytes: u64,
    pub row_groups: usize,
}

/// The output store, and how to write to it.
#[derive(Clone)]
pub struct Destination {
    pub store: Arc<Store>,
    pub runtime: tokio::runtime::Handle,
    pub upload: UploadSettings,
}

impl Destination {
    fn writer(&self, key: &str) -> Result<ObjectWriter, ConvertError> {
        self.store
            .writer(key, &self.runtime, self.upload)
            .map_err(|e| write_error(&self.store.display(key), e))
    }
}

fn write_error(
    path: &str,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> ConvertError {
    ConvertError::Write {
        path: path.into(),
        source: source.into(),
    }
}

struct OpenPart {
    writer: ArrowWriter<ObjectWriter>,
    key: String,
    rows: u64,
}

struct ClosedPart {
    object: Unpublished,
    key: String,
    rows: u64,
    row_groups: usize,
}

pub struct ParquetSink {
    destination: Destination,
    target: Target,
    settings: WriterSettings,
    properties: WriterProperties,
    schema: SchemaRef,
    open: Option<OpenPart>,
    closed: Vec<ClosedPart>,
}

impl ParquetSink {
    pub fn new(
        destination: Destination,
        target: Target,
        settings: &WriterSettings,
        schema: SchemaRef,
        source: &str,
    ) -> Result<Self, ConvertError> {
        let properties = settings.properties(source)?;
        let mut sink = ParquetSink {
            destination,
            target,
            settings: settings.clone(),
            properties,
            schema,
            open: None,
            closed: Vec::new(),
        };
        // An input with no records still gets a (zero-row) file: its absence would read as a failure.
        sink.open_part()?;
        Ok(sink)
    }

    fn display(&self, key: &str) -> String {
        self.destination.store.display(key)
    }

    fn open_part(&mut self) -> Result<(), ConvertError> {
        let key = self.target.key(self.closed.len() as u32 + 1);
        let object = self.destination.writer(&key)?;
        let writer =
            ArrowWriter::try_new(object, self.schema.clone(), Some(self.properties.clone()))
                .map_err(|e| write_error(&self.display(&key), e))?;
        self.open = Some(OpenPart {
            writer,
            key,
            rows: 0,
        });
        Ok(())
    }

    fn close_part(&mut self) -> Result<(), ConvertError> {
        if let Some(part) = self.open.take() {
            // The row group still being filled is written by `into_inner` below: count it too.
            let row_groups = part.writer.flushed_row_groups().len()
                + usize::from(part.writer.in_progress_rows() > 0);
            let path = self.display(&part.key);
            let object = part
                .writer
                .into_inner()
                .map_err(|e| write_error(&path, e))?
                .close()
                .map_err(|e| write_error(&path, e))?;
            self.closed.push(ClosedPart {
                object,
                key: part.key,
                rows: part.rows,
                row_groups,
            });
        }
        Ok(())
    }

    /// Batches are fed to the writer in slices so that byte-sized row groups and file-size limits
    /// are checked often, whatever the size of the parsed chunk.
    pub fn write(&mut self, mut batch: RecordBatch) -> Result<(), ConvertError> {
        let slice_rows = self.slice_rows(&batch);
        while batch.num_rows() > 0 {
            if self.open.is_none() {
                self.open_part()?;
            }
            let part = self.open.as_mut().expect("a part is open");
            let room = self
                .settings
                .max_rows_per_file
                .map_or(u64::MAX, |max| max.saturating_sub(part.rows));
            let take = (batch.num_rows() as u64).min(room).min(slice_rows) as usize;
            let head = batch.slice(0, take);
            batch = batch.slice(take, batch.num_rows() - take);
            if let Err(e) = part.writer.write(&head) {
                let path = self.destination.store.display(&part.key);
                return Err(write_error(&path, e));
            }
            part.rows += take as u64;
            let rows_full = self
                .settings
                .max_rows_per_file
                .is_some_and(|max| part.rows >= max);
            let bytes_full = self.settings.max_file_bytes.is_some_and(|max| {
                part.writer.bytes_written() as u64 + part.writer.in_progress_size() as u64 >= max
            });
            if rows_full || bytes_full {
                self.close_part()?;
            }
        }
        Ok(())
    }

    /// Rows per `ArrowWriter::write` call: about an eighth of the smallest byte limit, so that the
    /// writer's own row-group splitting and our file-size check both see the data arrive.
    fn slice_rows(&self, batch: &RecordBatch) -> u64 {
        let row_bytes = (batch.get_array_memory_size() / batch.num_rows().max(1)).max(1) as u64;
        let row_group_bytes = match self.settings.row_group_size {
            RowGroupSize::Bytes(bytes) => Some(bytes),
            RowGroupSize::Rows(_) => None,
        };
        [row_group_bytes, self.settings.max_file_bytes]
            .into_iter()
            .flatten()
            .map(|limit| (limit / CHECKS_PER_LIMIT / row_bytes).max(1))
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Closes the last part and publishes every part. Anything not published when the sink is
    /// dropped (an error, Ctrl-C) is removed or aborted by the object writers.
    pub fn finish(mut self) -> Result<Vec<OutputFile>, ConvertError> {
        // Parts after the first are opened only when rows arrive, so a split that ends exactly on
        // a boundary leaves no empty trailing part.
        self.close_part()?;
        let mut outputs = Vec::with_capacity(self.closed.len());
        for part in std::mem::take(&mut self.closed) {
            let path = self.display(&part.key);
            let bytes = part.object.bytes();
            part.object.publish().map_err(|e| write_error(&path, e))?;
            outputs.push(OutputFile {
                path,
                key: part.key,
                rows: part.rows,
                bytes,
                row_groups: part.row_groups,
            });
        }
        Ok(outputs)
    }
}

/// `OUTPUT/_rejected/<stem>.jsonl`: one JSON object per rejected line.
pub struct DeadLetter {
    destination: Destination,
    key: String,
    writer: Option<std::io::BufWriter<ObjectWriter>>,
    source: String,
}

#[derive(Serialize)]
struct DeadLetterRecord<'a> {
    file: &'a str,
    line: u64,
    byte_offset: u64,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_base64: Option<String>,
}

impl DeadLetter {
    pub fn new(destination: Destination, key: String, source: String) -> Self {
        DeadLetter {
            destination,
            key,
            writer: None,
            source,
        }
    }

    fn path(&self) -> String {
        self.destination.store.display(&self.key)
    }

    pub fn write(&mut self, reject: &Reject) -> Result<(), ConvertError> {
        if self.writer.is_none() {
            let object = self.destination.writer(&self.key)?;
            self.writer = Some(std::io::BufWriter::with_capacity(1 << 16, object));
        }
        let (raw, raw_base64) = match std::str::from_utf8(&reject.raw) {
            Ok(text) => (Some(text), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(&reject.raw)),
            ),
        };
        let record = DeadLetterRecord {
            file: &self.source,
            line: reject.line,
            byte_offset: reject.byte_offset,
            reason: &reject.reason,
            raw,
            raw_base64,
        };
        let path = self.path();
        let out = self.writer.as_mut().expect("opened above");
        serde_json::to_writer(&mut *out, &record).map_err(|e| write_error(&path, e))?;
        out.write_all(b"\n").map_err(|e| write_error(&path, e))
    }

    /// Publishes the file; with no rejects, removes a stale one from an earlier run.
    pub fn finish(mut self) -> Result<Option<String>, ConvertError> {
        let path = self.path();
        match self.writer.take() {
            Some(out) => {
                let object = out
                    .into_inner()
                    .map_err(|e| write_error(&path, e.into_error()))?;
                object
                    .close()
                    .and_then(Unpublished::publish)
                    .map_err(|e| write_error(&path, e))?;
                Ok(Some(path))
            }
            None => {
                self.destination
                    .runtime
                    .block_on(self.destination.store.delete(&self.key))
                    .map_err(|e: StorageError| write_error(&path, e))?;
                Ok(None)
            }
        }
    }
}

/// Multipart uploads an earlier, killed run may have left in the output, listed once before
/// this run starts any, and aborted as the inputs whose keys they are are planned (only those:
/// other shards' uploads in the same prefix are theirs).
pub(super) struct StaleUploads {
    open: Vec<crate::storage::write::Upload>,
    pub aborted: usize,
}

impl StaleUploads {
    pub fn list(destination: &Destination) -> Result<StaleUploads, ConvertError> {
        let open = destination
            .runtime
            .block_on(destination.store.uploads())
            .map_err(cleaning)?;
        Ok(StaleUploads { open, aborted: 0 })
    }

    /// Aborts the uploads under `planned`'s output keys.
    pub fn abort_for(
        &mut self,
        destination: &Destination,
        planned: &super::PlannedInput,
    ) -> Result<(), ConvertError> {
        if self.open.is_empty() {
            return Ok(());
        }
        let (stale, others) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|u| planned.dead_letter == u.key || planned.target.owns(&u.key));
        self.open = others;
        for upload in stale {
            destination
                .runtime
                .block_on(destination.store.abort_upload(&upload))
                .map_err(cleaning)?;
            self.aborted += 1;
        }
        Ok(())
    }
}

fn cleaning(e: crate::storage::StorageError) -> ConvertError {
    ConvertError::Step {
        what: "cannot clean up earlier uploads",
        source: e.into(),
    }
}
