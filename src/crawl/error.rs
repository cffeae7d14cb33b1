//! What a crawl reports besides its result: the spec's codes for what stops it, the warnings that
//! do not, and [`CrawlError`], which wraps each stage's error behind its code.

use serde::Serialize;

use super::{
    state, table, DiscoverError, InferError, OpenTableError, PlanError, SampleError, TablesError,
};
use crate::catalog::CatalogError;

/// The spec's codes for what stops a crawl. They are data: shown before the message by
/// [`CrawlError`]'s `Display`, and what hints and scripts go by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    PartitionLayout,
    PartitionType,
    NotJsonLines,
    MixedFormat,
    TypeConflict,
    Incompatible,
    NotOwned,
    NoData,
    NoSchema,
    GlueLimit,
    TableLevel,
    NameClash,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::PartitionLayout => "E_PARTITION_LAYOUT",
            ErrorCode::PartitionType => "E_PARTITION_TYPE",
            ErrorCode::NotJsonLines => "E_NOT_JSON_LINES",
            ErrorCode::MixedFormat => "E_MIXED_FORMAT",
            ErrorCode::TypeConflict => "E_TYPE_CONFLICT",
            ErrorCode::Incompatible => "E_INCOMPATIBLE",
            ErrorCode::NotOwned => "E_NOT_OWNED",
            ErrorCode::NoData => "E_NO_DATA",
            ErrorCode::NoSchema => "E_NO_SCHEMA",
            ErrorCode::GlueLimit => "E_GLUE_LIMIT",
            ErrorCode::TableLevel => "E_TABLE_LEVEL",
            ErrorCode::NameClash => "E_NAME_CLASH",
        }
    }
}

/// The spec's codes for findings that do not stop a crawl; `--json` prints them as `code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningCode {
    KindConflict,
    CaseCollision,
    UnknownColumn,
    Recreate,
    UpdateLogged,
    PartitionWithoutData,
    TableWithoutData,
    ForeignType,
    SkippedMismatched,
    OpenTable,
    DissimilarPartitions,
    /// `--infer-temporal` found dates or timestamps the table's SerDe cannot read as such.
    TemporalUnreadable,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::KindConflict => "W_KIND_CONFLICT",
            WarningCode::CaseCollision => "W_CASE_COLLISION",
            WarningCode::UnknownColumn => "W_UNKNOWN_COLUMN",
            WarningCode::Recreate => "W_RECREATE",
            WarningCode::UpdateLogged => "W_UPDATE_LOGGED",
            WarningCode::PartitionWithoutData => "W_PARTITION_WITHOUT_DATA",
            WarningCode::TableWithoutData => "W_TABLE_WITHOUT_DATA",
            WarningCode::ForeignType => "W_FOREIGN_TYPE",
            WarningCode::SkippedMismatched => "W_SKIPPED_MISMATCHED",
            WarningCode::OpenTable => "W_OPEN_TABLE",
            WarningCode::DissimilarPartitions => "W_DISSIMILAR_PARTITIONS",
            WarningCode::TemporalUnreadable => "W_TEMPORAL_UNREADABLE",
        }
    }
}

impl Serialize for WarningCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A finding worth telling the user that does not stop the crawl.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    code: WarningCode,
    pub message: String,
}

impl Warning {
    pub fn new(code: WarningCode, message: String) -> Warning {
        Warning { code, message }
    }

    pub fn code(&self) -> WarningCode {
        self.code
    }
}

/// Why a crawl stopped. `Display` puts the error's [`ErrorCode`] (if it has one) before the
/// message of the stage's error, which does not repeat it.
#[derive(Debug)]
pub enum CrawlError {
    Discover(DiscoverError),
    Sample(SampleError),
    Infer(InferError),
    Plan(PlanError),
    Catalog(CatalogError),
    Limit(table::LimitError),
    Tables(TablesError),
    Open(OpenTableError),
    /// `message` is ours: which key, or which value does not fit.
    PartitionType {
        key: String,
        message: String,
    },
    State(state::StateError),
    NothingReadable {
        objects: usize,
        location: String,
    },
    NoColumns {
        location: String,
    },
    OwnNeedsParquet {
        location: String,
        format: &'static str,
    },
    TooManyConflicts(u32),
}

impl CrawlError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CrawlError::Discover(e) => e.code(),
            CrawlError::Sample(e) => e.code(),
            CrawlError::Infer(e) => Some(e.code()),
            CrawlError::Plan(e) => Some(e.code()),
            CrawlError::Limit(_) => Some(ErrorCode::GlueLimit),
            CrawlError::Tables(e) => Some(e.code()),
            CrawlError::PartitionType { .. } => Some(ErrorCode::PartitionType),
            CrawlError::NothingReadable { .. } | CrawlError::NoColumns { .. } => {
                Some(ErrorCode::NoSchema)
            }
            CrawlError::Catalog(_)
            | CrawlError::Open(_)
            | CrawlError::State(_)
            | CrawlError::OwnNeedsParquet { .. }
            | CrawlError::TooManyConflicts(_) => None,
        }
    }

    /// The stage's error this one wraps, whose `Display` and `source` it takes over.
    fn inner(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(match self {
            CrawlError::Discover(e) => e,
            CrawlError::Sample(e) => e,
            CrawlError::Infer(e) => e,
            CrawlError::Plan(e) => e,
            CrawlError::Catalog(e) => e,
            CrawlError::Limit(e) => e,
            CrawlError::Tables(e) => e,
            CrawlError::Open(e) => e,
            CrawlError::State(e) => e,
            _ => return None,
        })
    }
}

impl std::fmt::Display for CrawlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(code) = self.code() {
            write!(f, "{}: ", code.as_str())?;
        }
        if let Some(inner) = self.inner() {
            return std::fmt::Display::fmt(inner, f);
        }
        match self {
            CrawlError::PartitionType { key, message } => {
                write!(f, "--partition-type {key}: {message}")
            }
            CrawlError::NothingReadable { objects, location } => write!(
                f,
                "none of the {objects} data objects under {location} could be read"
            ),
            CrawlError::NoColumns { location } => write!(
                f,
                "no record under {location} has a field; there are no columns to declare"
            ),
            CrawlError::OwnNeedsParquet { location, format } => write!(
                f,
                "--partition-schema own needs Parquet data; {location} holds {format}"
            ),
            CrawlError::TooManyConflicts(tries) => write!(
                f,
                "the catalog kept changing under the crawl ({tries} tries); run it again"
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for CrawlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().and_then(|inner| inner.source())
    }
}

macro_rules! crawl_error_from {
    ($($variant:ident($type:ty)),*) => {$(
        impl From<$type> for CrawlError {
            fn from(e: $type) -> CrawlError {
                CrawlError::$variant(e)
            }
        }
    )*};
}

crawl_error_from!(
    Discover(DiscoverError),
    Sample(SampleError),
    Infer(InferError),
    Plan(PlanError),
    Catalog(CatalogError),
    Limit(table::LimitError),
    Tables(TablesError),
    Open(OpenTableError),
    State(state::StateError)
);
