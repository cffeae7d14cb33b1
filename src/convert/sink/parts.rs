//! One input's Parquet: record batches written as parts (split by rows or bytes), all published
//! only once the input is complete.

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use serde::Serialize;

use super::{write_error, Destination, RowGroupSize, WriterSettings};
use crate::convert::ConvertError;
use crate::storage::{ObjectWriter, Unpublished};

/// A byte limit (row group or file) is checked at least this many times per limit's worth of data.
const CHECKS_PER_LIMIT: u64 = 8;

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
