//! One error type for both backends, so that callers (and error.rs's hints) match one set of
//! cases whichever store they hold.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid S3 location {0:?}: expected s3://BUCKET/PREFIX/")]
    InvalidS3(String),
    #[error("{path}")]
    Local {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: exists and is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    /// An s3:// location in a run that made no S3 client (a caller's bug, said plainly).
    #[error("{url}: S3 is not configured")]
    NoS3 { url: String },
    #[error("{key:?}: refused as an output name: {reason}")]
    UnsafeKey { key: String, reason: &'static str },
    /// A request that failed: an AWS call ([`crate::aws::CallError`]) or the body it streams.
    #[error("{operation} {url}")]
    S3 {
        operation: &'static str,
        url: String,
        #[source]
        source: crate::error::BoxError,
    },
    /// An answer S3 should not give.
    #[error("{operation} {url}: {problem}")]
    S3Answer {
        operation: &'static str,
        url: String,
        problem: &'static str,
    },
    /// A body that kept breaking: `source` is why it broke the last time.
    #[error("GetObject {url}: gave up after {resumes} resumed reads")]
    Resumes {
        url: String,
        resumes: u32,
        #[source]
        source: crate::error::BoxError,
    },
}
