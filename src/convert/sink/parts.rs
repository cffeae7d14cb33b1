//! One input's Parquet: record batches written as parts (split by rows or bytes), all published
//! only once the input is complete.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::{Array, ArrayData, RecordBatch};
use arrow::datatypes::{DataType, SchemaRef};
use parquet::arrow::arrow_writer::ArrowRowGroupWriterFactory;
use parquet::arrow::ArrowWriter;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use serde::Serialize;

use super::encode::{EncoderSlots, RowGroupEncoder};
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
    file: SerializedFileWriter<ObjectWriter>,
    columns: ArrowRowGroupWriterFactory,
    key: String,
    rows: u64,
    filling: Option<FillingGroup>,
    /// Closed row groups still encoding (and their bytes in memory), oldest first.
    encoding: VecDeque<(RowGroupEncoder, u64)>,
    /// Bytes in memory of the row groups in the file, and their size there.
    held_appended: u64,
    encoded_appended: u64,
}

/// The row group being filled: its encoder, rows so far, and their bytes in memory.
struct FillingGroup {
    encoder: RowGroupEncoder,
    rows: u64,
    bytes: u64,
}

struct ClosedPart {
    object: Unpublished,
    key: String,
    rows: u64,
    row_groups: usize,
}

/// Closed row groups left encoding while the next one fills: one, so that a single large input
/// compresses on two cores, while memory holds at most two row groups per input.
const ENCODING_PER_INPUT: usize = 1;

impl OpenPart {
    /// Hands rows to the row group being filled, starting one (and its encoder) if needed.
    fn send(
        &mut self,
        rows: RecordBatch,
        schema: &SchemaRef,
        slots: &Arc<EncoderSlots>,
    ) -> Result<(), ParquetError> {
        let group = match &mut self.filling {
            Some(group) => group,
            none => {
                let index = self.file.flushed_row_groups().len() + self.encoding.len();
                let writers = self.columns.create_column_writers(index)?;
                let encoder = RowGroupEncoder::start(slots, schema.clone(), writers)
                    .map_err(|e| ParquetError::External(e.into()))?;
                none.insert(FillingGroup {
                    encoder,
                    rows: 0,
                    bytes: 0,
                })
            }
        };
        let held = held_bytes(&rows);
        group.rows += rows.num_rows() as u64;
        group.bytes += held;
        self.rows += rows.num_rows() as u64;
        group.encoder.send(rows, held)
    }

    fn seal_row_group(&mut self) {
        if let Some(mut group) = self.filling.take() {
            group.encoder.seal();
            self.encoding.push_back((group.encoder, group.bytes));
        }
    }

    /// What a byte in memory has become in the file so far (compression, encodings), if the
    /// part has a row group yet.
    fn encoded_per_held_byte(&self) -> Option<f64> {
        (self.held_appended > 0).then(|| self.encoded_appended as f64 / self.held_appended as f64)
    }

    /// Appends closed row groups to the file, oldest first, until at most `keep` are encoding.
    fn append_encoded(&mut self, keep: usize) -> Result<(), ParquetError> {
        while self.encoding.len() > keep {
            let (encoder, held) = self.encoding.pop_front().expect("len > keep");
            let chunks = encoder.finish()?;
            let before = self.file.bytes_written();
            let mut group = self.file.next_row_group()?;
            for chunk in chunks {
                chunk.append_to_row_group(&mut group)?;
            }
            group.close()?;
            self.held_appended += held;
            self.encoded_appended += (self.file.bytes_written() - before) as u64;
        }
        Ok(())
    }
}

/// The bytes a slice of rows holds in memory: what a byte-sized row group is measured in. It is
/// close to the row group's size in Parquet before compression, which readers see as its size.
fn held_bytes(rows: &RecordBatch) -> u64 {
    rows.columns()
        .iter()
        .map(|column| slice_bytes(&column.to_data()))
        .sum()
}

/// Arrow's `get_slice_memory_size`, but with a list's values cut to the slice's own: a sliced list
/// keeps its whole child, which arrow counts whole (every slice of a batch would then weigh as
/// much as the batch's lists).
fn slice_bytes(data: &ArrayData) -> u64 {
    let nulls = data.nulls().map_or(0, |_| data.len().div_ceil(8)) as u64;
    let list = |offsets: (usize, usize), width: usize| {
        let (start, end) = offsets;
        let values = &data.child_data()[0];
        ((data.len() + 1) * width) as u64 + nulls + slice_bytes(&values.slice(start, end - start))
    };
    match data.data_type() {
        DataType::List(_) if !data.is_empty() => {
            let offsets = data.buffer::<i32>(0);
            list(
                (offsets[0] as usize, offsets[data.len()] as usize),
                size_of::<i32>(),
            )
        }
        DataType::LargeList(_) if !data.is_empty() => {
            let offsets = data.buffer::<i64>(0);
            list(
                (offsets[0] as usize, offsets[data.len()] as usize),
                size_of::<i64>(),
            )
        }
        // A struct's children are sliced with it; they may hold lists.
        DataType::Struct(_) => nulls + data.child_data().iter().map(slice_bytes).sum::<u64>(),
        _ => data
            .get_slice_memory_size()
            .unwrap_or_else(|_| data.get_buffer_memory_size()) as u64,
    }
}

pub struct ParquetSink {
    destination: Destination,
    target: Target,
    settings: WriterSettings,
    properties: WriterProperties,
    schema: SchemaRef,
    open: Option<OpenPart>,
    closed: Vec<ClosedPart>,
    /// The last closed part's `encoded_per_held_byte`, for the next part's first row group (1
    /// before any: no compression assumed, so a first part does not overshoot its size).
    encoded_per_held_byte: f64,
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
            encoded_per_held_byte: 1.0,
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
        // The Arrow writer only lays out the file (the Parquet schema, and the Arrow schema in
        // its metadata); the row groups are encoded by `encode`.
        let (file, columns) =
            ArrowWriter::try_new(object, self.schema.clone(), Some(self.properties.clone()))
                .and_then(ArrowWriter::into_serialized_writer)
                .map_err(|e| write_error(&self.display(&key), e))?;
        self.open = Some(OpenPart {
            file,
            columns,
            key,
            rows: 0,
            filling: None,
            encoding: VecDeque::new(),
            held_appended: 0,
            encoded_appended: 0,
        });
        Ok(())
    }

    fn close_part(&mut self) -> Result<(), ConvertError> {
        if let Some(mut part) = self.open.take() {
            let path = self.display(&part.key);
            part.seal_row_group();
            part.append_encoded(0).map_err(|e| write_error(&path, e))?;
            let row_groups = part.file.flushed_row_groups().len();
            if let Some(ratio) = part.encoded_per_held_byte() {
                self.encoded_per_held_byte = ratio;
            }
            let object = part
                .file
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

    /// Batches are fed to the row groups in slices, so that byte-sized row groups and file-size
    /// limits are checked often, whatever the size of the parsed chunk. Every decision (where a
    /// row group or a file ends) depends on the rows alone, never on how far the encoders got, so
    /// the output is the same whatever the number of threads.
    pub fn write(&mut self, mut batch: RecordBatch) -> Result<(), ConvertError> {
        let slice_rows = self.slice_rows(&batch);
        while batch.num_rows() > 0 {
            if self.open.is_none() {
                self.open_part()?;
            }
            let part = self.open.as_mut().expect("a part is open");
            let file_room = self
                .settings
                .max_rows_per_file
                .map_or(u64::MAX, |max| max.saturating_sub(part.rows));
            let group_room = match self.settings.row_group_size {
                RowGroupSize::Rows(rows) => {
                    (rows.max(1) as u64).saturating_sub(part.filling.as_ref().map_or(0, |g| g.rows))
                }
                RowGroupSize::Bytes(_) => u64::MAX,
            };
            let take = (batch.num_rows() as u64)
                .min(file_room)
                .min(group_room)
                .min(slice_rows) as usize;
            let head = batch.slice(0, take);
            batch = batch.slice(take, batch.num_rows() - take);
            let destination = &self.destination;
            let failed = |key: &str, e| write_error(&destination.store.display(key), e);
            part.send(head, &self.schema, &destination.encoders)
                .map_err(|e| failed(&part.key, e))?;
            let ratio = part
                .encoded_per_held_byte()
                .unwrap_or(self.encoded_per_held_byte);
            let group_full = part.filling.as_ref().is_some_and(|group| {
                let size_reached = match self.settings.row_group_size {
                    RowGroupSize::Rows(max) => group.rows >= max.max(1) as u64,
                    RowGroupSize::Bytes(max) => group.bytes >= max,
                };
                // The row group that would fill the part, at the part's compression so far.
                let part_filled = self.settings.max_file_bytes.is_some_and(|max| {
                    let room = max.saturating_sub(part.file.bytes_written() as u64);
                    group.bytes as f64 * ratio >= room as f64
                });
                size_reached || part_filled
            });
            if group_full {
                part.seal_row_group();
                // A size limit is checked against what is in the file: every closed row group is
                // waited for, so that the check sees the same bytes on every run.
                let keep = if self.settings.max_file_bytes.is_some() {
                    0
                } else {
                    ENCODING_PER_INPUT
                };
                part.append_encoded(keep)
                    .map_err(|e| failed(&part.key, e))?;
            }
            let rows_full = self
                .settings
                .max_rows_per_file
                .is_some_and(|max| part.rows >= max);
            let bytes_full = self
                .settings
                .max_file_bytes
                .is_some_and(|max| part.file.bytes_written() as u64 >= max);
            if rows_full || bytes_full {
                self.close_part()?;
            }
        }
        Ok(())
    }

    /// Rows per slice: about an eighth of the smallest byte limit, so that row groups and parts
    /// end close to their limits.
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, ListArray, RecordBatch, StringArray, StructArray};
    use arrow::datatypes::{DataType, Field, Fields, Int32Type};

    use super::held_bytes;

    /// A slice of a list column weighs its own values, not the whole batch's (arrow's
    /// `get_slice_memory_size` counts a sliced list's child whole).
    #[test]
    fn a_sliced_list_weighs_its_own_values() {
        let lists = ListArray::from_iter_primitive::<Int32Type, _, _>(
            (0..1000).map(|i| Some(vec![Some(i); 100])),
        );
        let text = StringArray::from_iter_values((0..1000).map(|i| format!("{i:0>50}")));
        let inner = Fields::from(vec![Field::new("l", lists.data_type().clone(), true)]);
        let nested = StructArray::new(inner, vec![Arc::new(lists.clone())], None);
        let batch = RecordBatch::try_from_iter([
            ("l", Arc::new(lists) as _),
            ("s", Arc::new(text) as _),
            ("n", Arc::new(nested) as _),
        ])
        .unwrap();
        let whole = held_bytes(&batch);
        // 1000 lists of 100 i32 (+ offsets) twice, 1000 strings of 50 bytes (+ offsets)
        assert_eq!(whole, 2 * (1001 * 4 + 400_000) + 1001 * 4 + 50_000);
        let tenth = held_bytes(&batch.slice(500, 100));
        assert_eq!(tenth, 2 * (101 * 4 + 40_000) + 101 * 4 + 5_000);
        assert!(matches!(batch.column(0).data_type(), DataType::List(_)));
    }
}
