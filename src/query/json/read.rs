//! Reading one file's rows: whole lines in chunks through `convert::batch`, an error naming the
//! file and line for a line the table's types cannot hold.

use std::sync::Arc;

use bytes::Bytes;
use datafusion::arrow::datatypes::Schema;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, Result};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{
    FileOpenFuture, FileOpener, FileScanConfig, FileSource,
};
use datafusion::datasource::projection::{ProjectionOpener, SplitProjection};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::physical_expr::projection::ProjectionExprs;
use datafusion::physical_plan::metrics::ExecutionPlanMetricsSet;
use futures::stream::{BoxStream, StreamExt};
use object_store::ObjectStore;

use crate::convert::batch::{parse_chunk, BatchContext};
use crate::schema;
use crate::text::lines::{overlong_reason, Chunk, DEFAULT_MAX_LINE_BYTES};

use super::decompressed;

/// Lines handed to the lattice at a time; the last may be shorter.
const CHUNK_BYTES: usize = 4 << 20;

#[derive(Clone)]
pub(super) struct LatticeJsonSource {
    table_schema: TableSchema,
    batch_size: Option<usize>,
    metrics: ExecutionPlanMetricsSet,
    projection: SplitProjection,
}

impl LatticeJsonSource {
    pub(super) fn new(table_schema: TableSchema) -> Self {
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
            // `from_arrow_type` also names types the lattice never builds from JSON (a catalog's
            // `date` or `timestamp`): those go to DataFusion's reader, which parses the text.
            schema::from_arrow_type(field.data_type())
                .filter(schema::DataType::is_json_type)
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
