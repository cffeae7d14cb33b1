//! `query`: SQL over Parquet, JSON lines and CSV with DataFusion.
//!
//! Stages: [`sources`] turns `--table NAME=LOCATION` into DataFusion listing tables (format and
//! compression from the file names, hive-style `key=value/` folders as columns); this module
//! builds the session, plans and runs the SQL, and turns DataFusion's errors into ones that point
//! at the SQL. Paths in `FROM '...'` work too (DataFusion's URL tables).

pub mod catalog;
pub mod json;
pub mod s3;
pub mod sink;
pub mod sources;

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// `problem` is ours: what about the spec or its location is wrong.
    #[error("--table {spec}: {problem}")]
    Table { spec: String, problem: String },
    /// The table could not be read or registered.
    #[error("--table {spec}")]
    TableFailed {
        spec: String,
        #[source]
        source: crate::aws::BoxError,
    },
    /// The SQL does not parse or plan; `position` is (line, column), 1-based, when DataFusion
    /// gives one.
    #[error("{message}")]
    Sql {
        message: String,
        position: Option<(usize, usize)>,
    },
    #[error(transparent)]
    Execution(#[from] EngineError),
    /// `problem` is ours.
    #[error("catalog: {0}")]
    Catalog(String),
    #[error("cannot read the catalog")]
    CatalogRead(#[source] crate::catalog::CatalogError),
    /// A catalog table (`database.table`) that could not be registered.
    #[error("catalog: {table}")]
    CatalogTable {
        table: String,
        #[source]
        source: crate::aws::BoxError,
    },
    /// `problem` is ours.
    #[error("catalog: {table}: {problem}")]
    CatalogProblem { table: String, problem: String },
    #[error("{location}")]
    LocationFailed {
        location: String,
        #[source]
        source: crate::aws::BoxError,
    },
    /// A table location that cannot be read at all.
    #[error("{location}: {problem}")]
    Location {
        location: String,
        problem: &'static str,
    },
    #[error("{location}: cannot load the AWS configuration")]
    Aws {
        location: String,
        #[source]
        source: crate::aws::AwsError,
    },
    /// `-o FILE.parquet` (see [`sink`]).
    #[error("cannot write {}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// An error of the query engine, worded as DataFusion words it (without its layer prefixes).
/// DataFusion's messages show each layer's cause one level down (`Object Store error: Generic
/// lakeops-s3 error: ListObjectsV2 s3://...`), and stop at ours, which do not show their own
/// causes: `source()` is the first cause the message does not already show, so a chain prints
/// every cause once.
#[derive(Debug)]
pub struct EngineError(DataFusionError);

impl EngineError {
    /// The whole DataFusion chain, for what matches on types (hints).
    pub fn engine(&self) -> &DataFusionError {
        &self.0
    }
}

impl From<DataFusionError> for EngineError {
    fn from(e: DataFusionError) -> EngineError {
        EngineError(e)
    }
}

impl From<DataFusionError> for QueryError {
    fn from(e: DataFusionError) -> QueryError {
        QueryError::Execution(EngineError(e))
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&describe(&self.0))
    }
}

impl std::error::Error for EngineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let shown = self.to_string();
        std::iter::successors(std::error::Error::source(&self.0), |&e| e.source())
            .find(|cause| !shown.contains(&cause.to_string()))
    }
}

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

/// The result of one statement: its schema (even when there are no rows) and its batches.
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl QueryResult {
    pub fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
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
            .set_bool("datafusion.sql_parser.enable_ident_normalization", false);
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

    /// Runs every statement of `sql` (separated by `;`) and returns the last one's result.
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

/// DataFusion's message without its layer prefixes, and the SQL position when it names one
/// ("... at Line: 1, Column: 15").
fn sql_error(err: DataFusionError) -> QueryError {
    let message = describe(&err);
    QueryError::Sql {
        position: position_of(&message),
        message,
    }
}

fn describe(err: &DataFusionError) -> String {
    let text = err.to_string();
    let mut text = text.as_str();
    for prefix in [
        "SQL error: ",
        "Error during planning: ",
        "Schema error: ",
        "Execution error: ",
        "ParserError(\"",
    ] {
        text = text.strip_prefix(prefix).unwrap_or(text);
    }
    text.trim_end_matches("\")").to_owned()
}

/// (line, column) just after the last character of `sql`, 1-based.
fn end_of(sql: &str) -> (usize, usize) {
    let trimmed = sql.trim_end();
    let line = trimmed.lines().count().max(1);
    let column = trimmed.lines().last().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub fn position_of(message: &str) -> Option<(usize, usize)> {
    let at = message.find("Line: ")?;
    let rest = &message[at + "Line: ".len()..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests;
