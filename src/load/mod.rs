//! `lakeops load`: embedding Parquet (embed's output, or any Parquet with an id, a text and a
//! `FixedSizeList<Float32>` column) into a vector store, so that a lake job re-indexes without
//! re-embedding.
//!
//! [`input`] (inputs listed, footers read, their layouts checked to agree before anything is
//! written) → [`parts`] (each input cut into bounded row ranges, read back as Arrow batches) →
//! a target: [`postgres`] (binary `COPY` per part in its own transaction, recorded in a ledger
//! table; then the index, ANALYZE and the recall check) or [`opensearch`] (`_bulk` bodies sent
//! over HTTP, or written as files).

pub mod input;
pub mod opensearch;
pub mod parts;
pub mod postgres;
pub mod report;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::BoxError;
pub use report::LoadReport;

/// How vectors are compared: what the index is built for and what the recall check ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Cosine,
    L2,
    InnerProduct,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cosine => "cosine",
            Metric::L2 => "l2",
            Metric::InnerProduct => "inner_product",
        }
    }

    /// A metric as file metadata or sentence-transformers' `similarity_fn_name` spell it.
    pub fn parse(text: &str) -> Option<Metric> {
        match text.to_ascii_lowercase().as_str() {
            "cosine" | "cos" => Some(Metric::Cosine),
            "l2" | "euclidean" => Some(Metric::L2),
            "ip" | "dot" | "inner_product" | "innerproduct" => Some(Metric::InnerProduct),
            _ => None,
        }
    }
}

/// Which columns of the inputs hold what.
#[derive(Clone, Debug)]
pub struct Columns {
    pub id: String,
    pub text: String,
    pub vector: String,
    /// `None`: the columns `embed --keep-columns` copied (named in the file's field metadata).
    pub keep: Option<Vec<String>>,
}

/// What shapes a load, whatever the target.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub columns: Columns,
    /// `None`: from the inputs' metadata, else cosine (sentence-transformers' default).
    pub metric: Option<Metric>,
    /// Rows per part: what one transaction (PostgreSQL) commits, the unit a rerun skips.
    pub part_rows: u64,
    /// Parts loaded at once (connections, or bulk requests in flight).
    pub concurrency: usize,
}

/// Why a load failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Discover(#[from] crate::storage::discover::DiscoverError),
    #[error(transparent)]
    Footer(#[from] crate::storage::parquet::ParquetFileError),
    /// `problem` is ours: what about the input's columns is wrong for a load.
    #[error("{url}: {problem}")]
    Input { url: String, problem: String },
    /// Two inputs that cannot go into one table or index.
    #[error("{first} and {other} do not agree: {difference}; load them into separate targets")]
    Mismatch {
        first: String,
        other: String,
        difference: String,
    },
    #[error("{url}: cannot read rows {rows}")]
    Read {
        url: String,
        rows: String,
        #[source]
        source: BoxError,
    },
    #[error("{0}")]
    Options(String),
    #[error(transparent)]
    Postgres(#[from] postgres::PgError),
    #[error(transparent)]
    OpenSearch(#[from] opensearch::OsError),
    /// The run stopped after some parts were committed: what is in the store is whole parts,
    /// and a rerun loads the rest.
    #[error(
        "the load stopped: {loaded_rows} of {total_rows} rows were loaded before it stopped \
         ({parts} parts committed); run the same command again to load the rest"
    )]
    Partial {
        loaded_rows: u64,
        total_rows: u64,
        parts: u64,
        #[source]
        source: Box<LoadError>,
    },
    #[error("interrupted")]
    Interrupted,
}

impl LoadError {
    /// Ctrl-C or SIGTERM, also behind what was committed before it.
    pub fn is_interrupted(&self) -> bool {
        match self {
            LoadError::Interrupted => true,
            LoadError::Partial { source, .. } => source.is_interrupted(),
            _ => false,
        }
    }

    /// The same error, with what was already committed said beside it.
    pub fn after(self, loaded_rows: u64, total_rows: u64, parts: u64) -> LoadError {
        match self {
            LoadError::Partial { .. } => self,
            _ if parts == 0 => self,
            other => LoadError::Partial {
                loaded_rows,
                total_rows,
                parts,
                source: Box::new(other),
            },
        }
    }
}

/// Where `--to` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    Postgres,
    /// An OpenSearch cluster: `http(s)://host[:port][/path]`.
    OpenSearch,
    /// `_bulk` files under a local folder (`file://DIR`) or an S3 prefix.
    BulkFiles(String),
}

impl TargetKind {
    pub fn of(to: &str) -> Result<TargetKind, LoadError> {
        if to.starts_with("postgresql://") || to.starts_with("postgres://") {
            Ok(TargetKind::Postgres)
        } else if to.starts_with("https://") || to.starts_with("http://") {
            Ok(TargetKind::OpenSearch)
        } else if let Some(path) = to.strip_prefix("file://") {
            Ok(TargetKind::BulkFiles(path.to_owned()))
        } else if to.starts_with("s3://") {
            Ok(TargetKind::BulkFiles(to.to_owned()))
        } else {
            Err(LoadError::Options(format!(
                "--to {}: expected postgresql://… (pgvector), https://… (OpenSearch), or \
                 file://DIR or s3://bucket/prefix/ (_bulk files)",
                postgres::connect::redact(to)
            )))
        }
    }
}

/// `Err(Interrupted)` once Ctrl-C (or SIGTERM) has been asked for.
pub fn check_cancel(cancel: &AtomicBool) -> Result<(), LoadError> {
    if cancel.load(Ordering::Relaxed) {
        Err(LoadError::Interrupted)
    } else {
        Ok(())
    }
}
