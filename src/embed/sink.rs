//! Stage 5: one Parquet file per input — `doc_id`, `chunk_index`, `chunk_start`, `chunk_text`,
//! `embedding` (`FixedSizeList<Float32, dim>`) — with the model and chunking in the key-value
//! metadata. Written under a hidden temporary name and renamed when complete, so an interrupted
//! run never leaves a file that looks finished; the metadata's run key is what `--resume` checks.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, FixedSizeListArray, Float32Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;

use super::EmbedError;
use crate::storage::write::{remove_stale_temps, temp_path};

/// The metadata key holding the run key (input identity + every parameter that shapes output).
pub const RUN_KEY: &str = "lakeops.embed.run";

/// One embedded chunk, ready to write.
pub struct Row {
    pub doc_id: String,
    pub chunk_index: i32,
    pub chunk_start: i64,
    pub chunk_text: String,
    pub embedding: Vec<f32>,
}

pub fn schema(dim: usize) -> SchemaRef {
    Arc::new(Schema::new(vec![
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
    ]))
}

pub struct EmbeddingSink {
    writer: Option<ArrowWriter<BufWriter<File>>>,
    schema: SchemaRef,
    dim: usize,
    temp: PathBuf,
    final_path: PathBuf,
    rows: u64,
}

fn write_error(path: &Path, message: impl std::fmt::Display) -> EmbedError {
    EmbedError::Write {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

impl EmbeddingSink {
    pub fn create(
        final_path: PathBuf,
        dim: usize,
        metadata: std::collections::HashMap<String, String>,
    ) -> Result<EmbeddingSink, EmbedError> {
        if let Some(dir) = final_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
            remove_stale_temps(dir);
        }
        let temp = temp_path(&final_path);
        let file = File::create(&temp).map_err(|e| write_error(&temp, e))?;
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
        let schema = Arc::new(schema(dim).as_ref().clone().with_metadata(metadata.clone()));
        let mut writer = ArrowWriter::try_new(
            BufWriter::with_capacity(1 << 20, file),
            schema.clone(),
            Some(properties),
        )
        .map_err(|e| write_error(&temp, e))?;
        let mut pairs: Vec<_> = metadata.into_iter().collect();
        pairs.sort();
        for (key, value) in pairs {
            writer.append_key_value_metadata(KeyValue::new(key, value));
        }

        Ok(EmbeddingSink {
            writer: Some(writer),
            schema,
            dim,
            temp,
            final_path,
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
        .map_err(|e| write_error(&self.temp, e))?;
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
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| write_error(&self.temp, e))?;
        self.writer
            .as_mut()
            .expect("open until finish")
            .write(&batch)
            .map_err(|e| write_error(&self.temp, e))?;
        self.rows += rows.len() as u64;
        Ok(())
    }

    /// Completes the file and moves it into place; returns (rows, bytes).
    pub fn finish(mut self) -> Result<(u64, u64), EmbedError> {
        let writer = self.writer.take().expect("open until finish");
        let file = writer
            .into_inner()
            .map_err(|e| write_error(&self.temp, e))?
            .into_inner()
            .map_err(|e| write_error(&self.temp, e.into_error()))?;
        file.sync_all().map_err(|e| write_error(&self.temp, e))?;
        let bytes = file
            .metadata()
            .map_err(|e| write_error(&self.temp, e))?
            .len();
        std::fs::rename(&self.temp, &self.final_path)
            .map_err(|e| write_error(&self.final_path, e))?;
        Ok((self.rows, bytes))
    }
}

impl Drop for EmbeddingSink {
    fn drop(&mut self) {
        // Not finished: an error or an interrupt. Leave nothing behind.
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// The run key stored in an existing output file, if it is a readable Parquet file.
pub fn stored_run_key(path: &Path) -> Option<String> {
    let file = File::open(path).ok()?;
    let reader = SerializedFileReader::new(file).ok()?;
    reader
        .metadata()
        .file_metadata()
        .key_value_metadata()?
        .iter()
        .find(|kv| kv.key == RUN_KEY)
        .and_then(|kv| kv.value.clone())
}
