//! `query`: SQL over Parquet, JSON lines and CSV with DataFusion.
//!
//! Stages: [`sources`] turns `--table NAME=LOCATION` into DataFusion listing tables (format and
//! compression from the file names, hive-style `key=value/` folders as columns); this module
//! builds the session, plans and runs the SQL, and turns DataFusion's errors into ones that point
//! at the SQL. Paths in `FROM '...'` work too (DataFusion's URL tables).
//!
//! This file holds the session and the results; `error` words DataFusion's errors.

pub mod catalog;
mod error;
pub mod json;
pub mod s3;
pub mod sink;
pub mod sources;

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};

#[cfg(test)]
use error::position_of;
use error::{end_of, sql_error};
pub use error::{EngineError, QueryError};

/// The result of one statement as it is computed: its schema, and its batches one at a time
/// (Q02: `--format ndjson|csv|json` and `-o` write each as it comes, so a large result is
/// never held whole).
pub struct QueryStream {
    pub schema: SchemaRef,
    batches: datafusion::execution::SendableRecordBatchStream,
}

impl QueryStream {
    /// The next batch, or None at the end; an error met while computing it ends the result.
    pub async fn next_batch(&mut self) -> Result<Option<RecordBatch>, QueryError> {
        use futures::StreamExt;
        self.batches
            .next()
            .await
            .transpose()
            .map_err(QueryError::from)
    }
}

/// The result of one statement, whole: its schema (even when there are no rows) and its batches.
#[cfg(test)]
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// `--json`'s last record: how many rows, the result's columns (also when there are no rows),
/// and the Parquet file written with `-o` (null when the rows were printed).
#[derive(Debug, Clone, serde::Serialize)]
pub struct QuerySummary {
    pub rows: u64,
    pub columns: Vec<String>,
    pub output: Option<String>,
}

impl QuerySummary {
    pub fn new(schema: &SchemaRef, rows: u64, output: Option<&std::path::Path>) -> Self {
        QuerySummary {
            rows,
            columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
            output: output.map(|path| path.display().to_string()),
        }
    }
}

/// A location as lakeops, Glue and the S3 API write it (`s3://bucket/key` or `file:///path`, where
/// `%`, `#`, `?` and spaces are part of the name, as in a Hive folder `ts=00%3A00`) as the URL
/// DataFusion lists, which decodes `%XX` once. A location with no scheme is a local path (globs
/// allowed).
pub(crate) fn listing_url(
    location: &str,
) -> Result<datafusion::datasource::listing::ListingTableUrl, DataFusionError> {
    use datafusion::datasource::listing::ListingTableUrl;
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    // What a URL parser would treat as syntax, or rewrite, rather than keep as a path character.
    const NOT_LITERAL: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let Some((scheme, rest)) = location.split_once("://") else {
        return ListingTableUrl::parse(location);
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    ListingTableUrl::parse(format!(
        "{scheme}://{authority}{}",
        utf8_percent_encode(path, NOT_LITERAL)
    ))
}

/// Whether joins hash-partition both sides across the cores. On two cores that shuffle costs more
/// than the one-core hash-table build it saves: each join then builds one table from its build
/// side and probes it from every partition (TPC-H SF1 on 2 cores: 8-13% less time, the same
/// answers; BENCHMARKS.md). With more cores DataFusion's default, partitioned joins, stays.
fn repartition_joins(cores: usize) -> bool {
    cores > 2
}

/// A DataFusion session with lakeops' tables registered.
pub struct Session {
    ctx: SessionContext,
    /// How to reach S3, for s3:// locations; None when the command involves no S3.
    aws: Option<Arc<crate::aws::LazyAws>>,
    /// Built on the first s3:// location (loading `aws` if nothing has yet), so a query of
    /// local files and a local catalog resolves no AWS configuration (no profile files, no
    /// instance metadata requests).
    s3: tokio::sync::OnceCell<aws_sdk_s3::Client>,
}

impl Session {
    pub fn new() -> Session {
        Session::with_default_schema("public")
    }

    /// A session where unqualified table names are looked up in `schema` (a catalog database).
    pub fn with_default_schema(schema: &str) -> Session {
        let config = SessionConfig::new()
            .with_default_catalog_and_schema("datafusion", schema)
            .with_information_schema(true)
            // Column names as written (`warc-record-id`, `Temperature`): lakeops writes them
            // so, and Athena users quote them anyway.
            .set_bool("datafusion.sql_parser.enable_ident_normalization", false)
            .with_repartition_joins(repartition_joins(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ));
        let ctx = SessionContext::new_with_config(config).enable_url_table();
        for factory in json::LatticeJsonFactory::all() {
            ctx.state_ref()
                .write()
                .register_file_format(factory, true)
                .expect("replacing a file format cannot fail");
        }
        Session {
            ctx,
            aws: None,
            s3: tokio::sync::OnceCell::new(),
        }
    }

    /// Reads s3:// locations with this AWS configuration, loaded when the first one is met
    /// (or already loaded, for a Glue catalog).
    pub fn with_aws(mut self, aws: Arc<crate::aws::LazyAws>) -> Session {
        self.aws = Some(aws);
        self
    }

    /// Makes `location`'s bucket readable when it is an s3:// URL (once per bucket).
    pub async fn ensure_store(&self, location: &str) -> Result<(), QueryError> {
        let Some(rest) = location.strip_prefix("s3://") else {
            return Ok(());
        };
        let bucket = rest.split('/').next().unwrap_or_default();
        let url =
            datafusion::execution::object_store::ObjectStoreUrl::parse(format!("s3://{bucket}"))
                .map_err(|e| QueryError::LocationFailed {
                    location: location.to_owned(),
                    source: EngineError(e).into(),
                })?;
        if self.ctx.runtime_env().object_store(&url).is_ok() {
            return Ok(());
        }
        let client = self
            .s3
            .get_or_try_init(|| async {
                let Some(aws) = &self.aws else {
                    return Err(QueryError::Location {
                        location: location.to_owned(),
                        problem: "S3 is not configured",
                    });
                };
                aws.get()
                    .await
                    .map(|aws| aws.s3())
                    .map_err(|source| QueryError::Aws {
                        location: location.to_owned(),
                        source,
                    })
            })
            .await?
            .clone();
        self.ctx.register_object_store(
            url.as_ref(),
            Arc::new(s3::S3ObjectStore::new(client, bucket)),
        );
        Ok(())
    }

    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Runs every statement of `sql` (separated by `;`) and returns the last one's result whole
    /// (the command streams it instead).
    #[cfg(test)]
    pub async fn run(&self, sql: &str) -> Result<QueryResult, QueryError> {
        use futures::TryStreamExt;
        let QueryStream { schema, batches } = self.stream(sql).await?;
        let batches = batches.try_collect().await?;
        Ok(QueryResult { schema, batches })
    }

    /// Runs every statement of `sql` but the last to completion, and returns the last one's
    /// result as a stream.
    pub async fn stream(&self, sql: &str) -> Result<QueryStream, QueryError> {
        let statements = split_statements(sql).map_err(|e| match sql_error(e) {
            // The parser names no position for a statement that ends too early: point past its
            // last character.
            QueryError::Sql {
                message,
                position: None,
            } if message.contains("found: EOF") => QueryError::Sql {
                position: Some(end_of(sql)),
                message,
            },
            other => other,
        })?;
        let mut last = None;
        let count = statements.len();
        for (index, statement) in statements.into_iter().enumerate() {
            let plan = self
                .ctx
                .state()
                .statement_to_plan(statement)
                .await
                .map_err(sql_error)?;
            let frame = self
                .ctx
                .execute_logical_plan(plan)
                .await
                .map_err(sql_error)?;
            let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
            if index + 1 < count {
                frame.collect().await?;
                continue;
            }
            let batches = frame.execute_stream().await?;
            last = Some(QueryStream { schema, batches });
        }
        last.ok_or_else(|| QueryError::Sql {
            message: "no SQL statement given".into(),
            position: None,
        })
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// One statement, or several separated by `;` (a `-f` script).
fn split_statements(sql: &str) -> Result<Vec<datafusion::sql::parser::Statement>, DataFusionError> {
    let dialect = datafusion::sql::sqlparser::dialect::GenericDialect {};
    let statements = datafusion::sql::parser::DFParser::parse_sql_with_dialect(sql, &dialect)?;
    Ok(statements.into_iter().collect())
}

#[cfg(test)]
mod tests;
