//! JSON lines as DataFusion reads them for `query`: by the same lattice as `convert` and `crawl`
//! (one mechanism, [`crate::schema`] and [`crate::convert::batch`]). A column that met numbers
//! and strings is `string`, and a number in it reads as its JSON text; an integer fits a `double`
//! column; an object or array in a `string` column is its JSON text. DataFusion's own JSON reader
//! types columns differently and fails on such files ("expected string got 1.5").
//!
//! A line the table's types cannot hold is an error naming the file and line, as the SerDes
//! Athena uses fail rather than guess; keys the table does not name are not read.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::catalog::Session as DataFusionSession;
use datafusion::common::parsers::CompressionTypeVariant;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, GetExt, Result, Statistics};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::{FileFormat, FileFormatFactory};
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{
    FileOpenFuture, FileOpener, FileScanConfig, FileScanConfigBuilder, FileSource,
};
use datafusion::datasource::projection::{ProjectionOpener, SplitProjection};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::physical_expr::projection::ProjectionExprs;
use datafusion::physical_plan::metrics::ExecutionPlanMetricsSet;
use datafusion::physical_plan::ExecutionPlan;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};

use crate::convert::batch::{parse_chunk, BatchContext};
use crate::schema::{self, line_text, parse_line, Inferrer};
use crate::text::lines::{self, overlong_reason, Chunk, DEFAULT_MAX_LINE_BYTES};

/// Records read to infer a table's schema when nothing else defines it (DataFusion reads 1,000;
/// a wider sample finds more of a column's kinds for the cost of one more read).
const INFER_RECORDS: usize = 10_000;

/// Lines handed to the lattice at a time; the last may be shorter.
const CHUNK_BYTES: usize = 4 << 20;

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

#[derive(Clone)]
struct LatticeJsonSource {
    table_schema: TableSchema,
    batch_size: Option<usize>,
    metrics: ExecutionPlanMetricsSet,
    projection: SplitProjection,
}

impl LatticeJsonSource {
    fn new(table_schema: TableSchema) -> Self {
        LatticeJsonSource {
            projection: SplitProjection::unprojected(&table_schema),
            table_schema,
            batch_size: None,
            metrics: ExecutionPlanMetricsSet::new(),
        }
    }
}

impl FileSource for LatticeJsonSource {
    fn create_file_opener(
        &self,
        object_store: Arc<dyn ObjectStore>,
        base_config: &FileScanConfig,
        _partition: usize,
    ) -> Result<Arc<dyn FileOpener>> {
        let file_schema = self.table_schema.file_schema();
        let projected = file_schema.project(&self.projection.file_indices)?;
        let fields = lattice_fields(&projected)?;
        let opener = Arc::new(LatticeJsonOpener {
            context: Arc::new(
                BatchContext::new(fields)
                    .ignoring_unknown_keys()
                    .max_line_bytes(DEFAULT_MAX_LINE_BYTES),
            ),
            compression: base_config.file_compression_type,
            store: object_store,
            store_url: base_config.object_store_url.to_string(),
        }) as Arc<dyn FileOpener>;
        ProjectionOpener::try_new(self.projection.clone(), opener, file_schema)
    }

    fn table_schema(&self) -> &TableSchema {
        &self.table_schema
    }

    fn with_batch_size(&self, batch_size: usize) -> Arc<dyn FileSource> {
        let mut source = self.clone();
        source.batch_size = Some(batch_size);
        Arc::new(source)
    }

    fn try_pushdown_projection(
        &self,
        projection: &ProjectionExprs,
    ) -> Result<Option<Arc<dyn FileSource>>> {
        let mut source = self.clone();
        let merged = self.projection.source.try_merge(projection)?;
        source.projection = SplitProjection::new(self.table_schema.file_schema(), &merged);
        Ok(Some(Arc::new(source)))
    }

    fn projection(&self) -> Option<&ProjectionExprs> {
        Some(&self.projection.source)
    }

    fn metrics(&self) -> &ExecutionPlanMetricsSet {
        &self.metrics
    }

    fn file_type(&self) -> &str {
        "json"
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(
            &Arc<dyn datafusion::physical_plan::PhysicalExpr>,
        ) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        datafusion::physical_plan::apply_expression_roots(self.projection.source.iter(), f)
    }

    /// Whole files: a range split would start mid-line, and line numbers in errors would be
    /// relative to the range.
    fn supports_repartitioning(&self) -> bool {
        false
    }
}

/// The lattice's fields for an Arrow schema that came from it (or from a catalog's types).
fn lattice_fields(arrow: &Schema) -> Result<Vec<schema::Field>> {
    arrow
        .fields()
        .iter()
        .map(|field| {
            schema::from_arrow_type(field.data_type())
                .map(|data_type| schema::Field::new(field.name(), data_type))
                .ok_or_else(|| {
                    DataFusionError::NotImplemented(format!(
                        "JSON column {} of type {} (the JSON reader holds boolean, int, bigint, \
                         double, decimal, string, array and struct)",
                        field.name(),
                        field.data_type()
                    ))
                })
        })
        .collect()
}

/// Whether every column of `arrow` is one the lattice reader can build.
pub fn readable(arrow: &Schema) -> bool {
    lattice_fields(arrow).is_ok()
}

struct LatticeJsonOpener {
    context: Arc<BatchContext>,
    compression: FileCompressionType,
    store: Arc<dyn ObjectStore>,
    /// `file:///` or `s3://bucket/` (with its `/`), to name a file in an error as the user wrote it.
    store_url: String,
}

/// Where the reader of one file stands between chunks.
struct Reading {
    stream: BoxStream<'static, Result<Bytes>>,
    pending: Vec<u8>,
    /// Line number and byte offset of `pending[0]`.
    line: u64,
    offset: u64,
    done: bool,
}

impl FileOpener for LatticeJsonOpener {
    fn open(&self, file: PartitionedFile) -> Result<FileOpenFuture> {
        let context = self.context.clone();
        let store = self.store.clone();
        let compression = self.compression;
        let name = format!("{}{}", self.store_url, file.object_meta.location);
        Ok(Box::pin(async move {
            let stream = decompressed(&store, &file.object_meta.location, compression).await?;
            let reading = Reading {
                stream,
                pending: Vec::new(),
                line: 1,
                offset: 0,
                done: false,
            };
            let batches = futures::stream::try_unfold(reading, move |mut reading| {
                let context = context.clone();
                let name = name.clone();
                async move {
                    loop {
                        if reading.done && reading.pending.is_empty() {
                            return Ok(None);
                        }
                        if !reading.done && reading.pending.len() < CHUNK_BYTES {
                            match reading.stream.next().await.transpose()? {
                                Some(bytes) => reading.pending.extend_from_slice(&bytes),
                                None => reading.done = true,
                            }
                            continue;
                        }
                        // Whole lines only; at the end of the file, whatever is left.
                        let end = if reading.done {
                            reading.pending.len()
                        } else {
                            match memchr::memrchr(b'\n', &reading.pending) {
                                Some(newline) => newline + 1,
                                None if reading.pending.len() > DEFAULT_MAX_LINE_BYTES => {
                                    return Err(DataFusionError::Execution(format!(
                                        "{name}: line {}: {}",
                                        reading.line,
                                        overlong_reason(
                                            reading.pending.len() as u64,
                                            DEFAULT_MAX_LINE_BYTES
                                        )
                                    )));
                                }
                                // One line longer than a chunk: read on until it ends.
                                None => {
                                    match reading.stream.next().await.transpose()? {
                                        Some(bytes) => reading.pending.extend_from_slice(&bytes),
                                        None => reading.done = true,
                                    }
                                    continue;
                                }
                            }
                        };
                        let data: Vec<u8> = reading.pending.drain(..end).collect();
                        let lines = memchr::memchr_iter(b'\n', &data).count() as u64;
                        let chunk = Chunk {
                            data,
                            first_line: reading.line,
                            byte_offset: reading.offset,
                        };
                        reading.line += lines;
                        reading.offset += chunk.data.len() as u64;
                        let parsed = parse_chunk(&context, &chunk);
                        if let Some(reject) = parsed.rejects.first() {
                            return Err(DataFusionError::Execution(format!(
                                "{name}: line {}: {}",
                                reject.line, reject.reason
                            )));
                        }
                        if let Some(batch) = parsed.batch {
                            return Ok(Some((batch, reading)));
                        }
                    }
                }
            });
            Ok(batches.boxed())
        }))
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
