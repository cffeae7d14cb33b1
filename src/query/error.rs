//! The query's errors, worded as DataFusion words them without its layer prefixes, with the
//! SQL position when DataFusion names one, and each cause shown once in a chain.

use datafusion::error::DataFusionError;

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
        source: crate::error::BoxError,
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
        source: crate::error::BoxError,
    },
    /// `problem` is ours.
    #[error("catalog: {table}: {problem}")]
    CatalogProblem { table: String, problem: String },
    #[error("{location}")]
    LocationFailed {
        location: String,
        #[source]
        source: crate::error::BoxError,
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
    /// `-o FILE.parquet` (see [`sink`](super::sink)).
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
pub struct EngineError(pub(super) DataFusionError);

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

/// DataFusion's message without its layer prefixes, and the SQL position when it names one
/// ("... at Line: 1, Column: 15").
pub(super) fn sql_error(err: DataFusionError) -> QueryError {
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
pub(super) fn end_of(sql: &str) -> (usize, usize) {
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
