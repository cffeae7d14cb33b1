//! Stage 2: each input cut into parts of at most `--part-rows` rows, the unit a transaction
//! commits and a rerun skips, and a part read back as Arrow batches of the needed columns only.
//! A part reads only the row groups it overlaps, so memory is bounded by the batch size whatever
//! the input's size.

use std::ops::Range;

use arrow::array::{Array, ArrayRef, AsArray, FixedSizeListArray, Float32Array, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int32Type, Int64Type};
use futures::StreamExt;
use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
use parquet::arrow::async_reader::{ParquetRecordBatchStream, ParquetRecordBatchStreamBuilder};
use parquet::arrow::ProjectionMask;

use super::input::VectorInput;
use super::LoadError;
use crate::error::BoxError;
use crate::storage::parquet::ParquetObject;

/// Rows per Arrow batch read from a part.
const BATCH_ROWS: usize = 2048;

/// A range of one input's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Index into the run's inputs.
    pub input: usize,
    pub rows: Range<u64>,
}

impl Part {
    pub fn len(&self) -> u64 {
        self.rows.end - self.rows.start
    }

    /// `rows 0..50000` as errors and the ledger name it.
    pub fn describe(&self) -> String {
        format!("{}..{}", self.rows.start, self.rows.end)
    }
}

/// `rows` cut into ranges of at most `part_rows`.
pub fn cut(input: usize, rows: u64, part_rows: u64) -> Vec<Part> {
    let part_rows = part_rows.max(1);
    (0..rows.div_ceil(part_rows))
        .map(|k| Part {
            input,
            rows: k * part_rows..((k + 1) * part_rows).min(rows),
        })
        .collect()
}

/// One batch of a part, its columns as the targets write them: ids and kept values as text.
pub struct Rows {
    /// The input's row number of this batch's first row (0-based), for errors.
    pub first_row: u64,
    pub ids: ArrayRef,
    pub texts: ArrayRef,
    pub vectors: FixedSizeListArray,
    pub chunk_index: Option<ArrayRef>,
    pub chunk_start: Option<ArrayRef>,
    pub kept: Vec<ArrayRef>,
}

impl Rows {
    /// Row `row` of this batch cannot be stored: the error names the input and its row number.
    pub fn row_error(
        &self,
        input: &VectorInput,
        row: usize,
        problem: impl std::fmt::Display,
    ) -> LoadError {
        LoadError::Input {
            url: input.url.clone(),
            problem: format!("row {}: {problem}", self.first_row + row as u64),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn id(&self, row: usize) -> Option<&str> {
        text_at(&self.ids, row)
    }

    pub fn text(&self, row: usize) -> Option<&str> {
        text_at(&self.texts, row)
    }

    pub fn chunk_index(&self, row: usize) -> i32 {
        self.chunk_index
            .as_ref()
            .filter(|a| a.is_valid(row))
            .map_or(0, |a| a.as_primitive::<Int32Type>().value(row))
    }

    pub fn chunk_start(&self, row: usize) -> i64 {
        self.chunk_start
            .as_ref()
            .filter(|a| a.is_valid(row))
            .map_or(0, |a| a.as_primitive::<Int64Type>().value(row))
    }

    /// The vector of `row`, or `None` for a null one.
    pub fn vector(&self, row: usize) -> Option<&[f32]> {
        if self.vectors.is_null(row) {
            return None;
        }
        let dim = self.vectors.value_length() as usize;
        let values: &Float32Array = self.vectors.values().as_primitive();
        let start = self.vectors.value_offset(row) as usize;
        Some(&values.values()[start..start + dim])
    }

    pub fn kept(&self, column: usize, row: usize) -> Option<&str> {
        text_at(&self.kept[column], row)
    }
}

fn text_at(array: &ArrayRef, row: usize) -> Option<&str> {
    array
        .is_valid(row)
        .then(|| array.as_string::<i32>().value(row))
}

fn as_text(array: &ArrayRef) -> Result<ArrayRef, arrow::error::ArrowError> {
    cast(array, &DataType::Utf8)
}

fn rows_of(
    batch: &RecordBatch,
    input: &VectorInput,
    first_row: u64,
) -> Result<Rows, arrow::error::ArrowError> {
    // Columns come in schema order after projection; find each by its original name.
    let schema = input.schema();
    let column = |at: usize| {
        batch
            .column_by_name(schema.field(at).name())
            .cloned()
            .ok_or_else(|| {
                arrow::error::ArrowError::SchemaError(format!(
                    "column {} is not in the batch",
                    schema.field(at).name()
                ))
            })
    };
    let layout = &input.layout;
    Ok(Rows {
        first_row,
        ids: as_text(&column(layout.id)?)?,
        texts: as_text(&column(layout.text)?)?,
        vectors: column(layout.vector)?.as_fixed_size_list().clone(),
        chunk_index: layout.chunk_index.map(column).transpose()?,
        chunk_start: layout.chunk_start.map(column).transpose()?,
        kept: layout
            .kept
            .iter()
            .map(|(_, at)| column(*at).and_then(|a| as_text(&a)))
            .collect::<Result<_, _>>()?,
    })
}

/// A part being read: its batches, in row order.
pub struct PartReader<'a> {
    input: &'a VectorInput,
    part: Part,
    stream: Option<ParquetRecordBatchStream<ParquetObject>>,
    next_row: u64,
}

impl PartReader<'_> {
    fn error(&self, source: impl Into<BoxError>) -> LoadError {
        LoadError::Read {
            url: self.input.url.clone(),
            rows: self.part.describe(),
            source: source.into(),
        }
    }

    /// The next batch; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Rows, LoadError>> {
        let batch = match self.stream.as_mut()?.next().await? {
            Ok(batch) => batch,
            Err(e) => return Some(Err(self.error(e))),
        };
        let first_row = self.next_row;
        self.next_row += batch.num_rows() as u64;
        Some(rows_of(&batch, self.input, first_row).map_err(|e| self.error(e)))
    }
}

/// Starts reading `part` of `input`: only the row groups it overlaps, only the needed columns.
pub fn open_part<'a>(input: &'a VectorInput, part: &Part) -> Result<PartReader<'a>, LoadError> {
    let metadata = input.object.metadata();
    // The row groups the part overlaps, and where the part starts within them.
    let mut groups = Vec::new();
    let mut first_row = 0u64;
    let mut selected_start = None;
    for (at, group) in metadata.row_groups().iter().enumerate() {
        let rows = group.num_rows().max(0) as u64;
        let range = first_row..first_row + rows;
        if range.start < part.rows.end && part.rows.start < range.end {
            selected_start.get_or_insert(range.start);
            groups.push(at);
        }
        first_row += rows;
    }
    let mut reader = PartReader {
        input,
        part: part.clone(),
        stream: None,
        next_row: part.rows.start,
    };
    let Some(selected_start) = selected_start else {
        return Ok(reader);
    };
    let selection = RowSelection::from(vec![
        RowSelector::skip((part.rows.start - selected_start) as usize),
        RowSelector::select(part.len() as usize),
    ]);
    let layout = &input.layout;
    let mut roots: Vec<usize> = [layout.id, layout.text, layout.vector]
        .into_iter()
        .chain(layout.chunk_index)
        .chain(layout.chunk_start)
        .chain(layout.kept.iter().map(|(_, at)| *at))
        .collect();
    roots.sort_unstable();
    roots.dedup();
    let mask = ProjectionMask::roots(metadata.file_metadata().schema_descr(), roots);
    let stream = ParquetRecordBatchStreamBuilder::new_with_metadata(
        input.object.clone(),
        input.meta.clone(),
    )
    .with_projection(mask)
    .with_row_groups(groups)
    .with_row_selection(selection)
    .with_batch_size(BATCH_ROWS)
    .build()
    .map_err(|e| reader.error(e))?;
    reader.stream = Some(stream);
    Ok(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_makes_bounded_parts_that_cover_every_row() {
        assert_eq!(cut(0, 0, 10), vec![]);
        let parts = cut(3, 25, 10);
        assert_eq!(
            parts.iter().map(|p| p.rows.clone()).collect::<Vec<_>>(),
            vec![0..10, 10..20, 20..25]
        );
        assert!(parts.iter().all(|p| p.input == 3));
        assert_eq!(
            cut(0, 5, 0).len(),
            5,
            "a zero part size is taken as one row"
        );
    }
}
