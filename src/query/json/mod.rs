//! JSON lines as DataFusion reads them for `query`: by the same lattice as `convert` and `crawl`
//! (one mechanism, [`crate::schema`] and [`crate::convert::batch`]). A column that met numbers
//! and strings is `string`, and a number in it reads as its JSON text; an integer fits a `double`
//! column; an object or array in a `string` column is its JSON text. DataFusion's own JSON reader
//! types columns differently and fails on such files ("expected string got 1.5").
//!
//! A line the table's types cannot hold is an error naming the file and line, as the SerDes
//! Athena uses fail rather than guess; keys the table does not name are not read.
//!
//! This file is the format (schema inference) and its factories; `read` reads a file's rows.

mod read;

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session as DataFusionSession;
use datafusion::common::parsers::CompressionTypeVariant;
use datafusion::common::{DataFusionError, GetExt, Result, Statistics};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::{FileFormat, FileFormatFactory};
use datafusion::datasource::physical_plan::{FileScanConfig, FileScanConfigBuilder, FileSource};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::physical_plan::ExecutionPlan;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};

use crate::schema::{self, line_text, parse_line, Inferrer};
use crate::text::lines;

pub use read::readable;
use read::LatticeJsonSource;

/// Records read to infer a table's schema when nothing else defines it (DataFusion reads 1,000;
/// a wider sample finds more of a column's kinds for the cost of one more read).
const INFER_RECORDS: usize = 10_000;

/// JSON lines, plain or compressed, read by the lattice.
#[derive(Debug)]
pub struct LatticeJsonFormat {
    compression: FileCompressionType,
}

impl LatticeJsonFormat {
    pub fn new(compression: FileCompressionType) -> Self {
        LatticeJsonFormat { compression }
    }
}

/// The decompressed bytes of one object, as a stream.
async fn decompressed(
    store: &Arc<dyn ObjectStore>,
    object: &object_store::path::Path,
    compression: FileCompressionType,
) -> Result<BoxStream<'static, Result<Bytes>>> {
    let stream = store
        .get(object)
        .await?
        .into_stream()
        .map_err(DataFusionError::from)
        .boxed();
    compression.convert_stream(stream)
}

#[async_trait]
impl FileFormat for LatticeJsonFormat {
    fn get_ext(&self) -> String {
        ".json".to_owned()
    }

    fn get_ext_with_compression(&self, compression: &FileCompressionType) -> Result<String> {
        Ok(format!("{}{}", self.get_ext(), compression.get_ext()))
    }

    fn compression_type(&self) -> Option<FileCompressionType> {
        Some(self.compression)
    }

    /// The lattice's schema of the first [`INFER_RECORDS`] records, in listing order (R7).
    async fn infer_schema(
        &self,
        _state: &dyn DataFusionSession,
        store: &Arc<dyn ObjectStore>,
        objects: &[ObjectMeta],
    ) -> Result<SchemaRef> {
        let mut inferrer = Inferrer::new();
        for object in objects {
            if inferrer.records() as usize >= INFER_RECORDS {
                break;
            }
            let mut stream = decompressed(store, &object.location, self.compression).await?;
            let mut pending = Vec::new();
            let mut at_start = true;
            // A line that does not parse is left to the read, which names it.
            let absorb = |inferrer: &mut Inferrer, line: &[u8], at_start: bool| {
                let line = lines::line_content(line, at_start);
                if let Ok(record) = line_text(line).and_then(parse_line) {
                    inferrer.add(&record);
                }
            };
            'object: while let Some(bytes) = stream.next().await.transpose()? {
                pending.extend_from_slice(&bytes);
                let mut start = 0;
                while let Some(end) = memchr::memchr(b'\n', &pending[start..]) {
                    absorb(&mut inferrer, &pending[start..start + end], at_start);
                    at_start = false;
                    start += end + 1;
                    if inferrer.records() as usize >= INFER_RECORDS {
                        break 'object;
                    }
                }
                pending.drain(..start);
            }
            if inferrer.records() < INFER_RECORDS as u64 && !pending.is_empty() {
                absorb(&mut inferrer, &pending, at_start);
            }
        }
        let (fields, _conflicts) = inferrer.finish();
        Ok(Arc::new(schema::to_arrow_schema(&fields)))
    }

    async fn infer_stats(
        &self,
        _state: &dyn DataFusionSession,
        _store: &Arc<dyn ObjectStore>,
        table_schema: SchemaRef,
        _object: &ObjectMeta,
    ) -> Result<Statistics> {
        Ok(Statistics::new_unknown(&table_schema))
    }

    async fn create_physical_plan(
        &self,
        _state: &dyn DataFusionSession,
        conf: FileScanConfig,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let conf = FileScanConfigBuilder::from(conf)
            .with_file_compression_type(self.compression)
            .build();
        Ok(DataSourceExec::from_data_source(conf))
    }

    fn file_source(&self, table_schema: TableSchema) -> Arc<dyn FileSource> {
        Arc::new(LatticeJsonSource::new(table_schema))
    }
}

/// Makes DataFusion's own routes to JSON files (`FROM 'events.jsonl.gz'`) read by the lattice
/// too: one factory per extension it recognises.
#[derive(Debug)]
pub struct LatticeJsonFactory {
    extension: &'static str,
}

impl LatticeJsonFactory {
    pub fn all() -> impl Iterator<Item = Arc<LatticeJsonFactory>> {
        ["json", "jsonl", "ndjson"]
            .into_iter()
            .map(|extension| Arc::new(LatticeJsonFactory { extension }))
    }
}

impl GetExt for LatticeJsonFactory {
    fn get_ext(&self) -> String {
        self.extension.to_owned()
    }
}

impl FileFormatFactory for LatticeJsonFactory {
    fn create(
        &self,
        _state: &dyn DataFusionSession,
        options: &std::collections::HashMap<String, String>,
    ) -> Result<Arc<dyn FileFormat>> {
        let compression = match options.get("format.compression") {
            Some(name) => name.parse::<CompressionTypeVariant>()?.into(),
            None => FileCompressionType::UNCOMPRESSED,
        };
        Ok(Arc::new(LatticeJsonFormat::new(compression)))
    }

    fn default(&self) -> Arc<dyn FileFormat> {
        Arc::new(LatticeJsonFormat::new(FileCompressionType::UNCOMPRESSED))
    }
}
