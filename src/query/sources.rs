//! `--table NAME=LOCATION`: a file, a glob, a directory or an s3:// prefix of Parquet, JSON lines
//! (plain, zstd or gzip) or CSV, registered as a DataFusion listing table. The format and compression come from
//! the file names (as DataFusion's listing tables need one extension per table); hive-style
//! `key=value/` folders under a directory become string columns.

use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};

use super::{QueryError, Session};
use crate::storage::kind::{Compression, FileKind, Format};

/// DataFusion's name for a compression.
pub(super) fn compression_type(kind: &FileKind) -> FileCompressionType {
    match kind.compression {
        Compression::None => FileCompressionType::UNCOMPRESSED,
        Compression::Zstd => FileCompressionType::ZSTD,
        Compression::Gzip => FileCompressionType::GZIP,
    }
}

/// DataFusion's reader for files of `kind` found by name; CSV with a header row, tab-separated
/// for `.tsv`.
pub(super) fn file_format(kind: &FileKind) -> Arc<dyn FileFormat> {
    let compression = compression_type(kind);
    match kind.format {
        Format::Parquet => Arc::new(ParquetFormat::default()),
        Format::Json => Arc::new(super::json::LatticeJsonFormat::new(compression)),
        Format::Csv => Arc::new(
            CsvFormat::default()
                .with_has_header(true)
                .with_delimiter(if kind.is_tab_separated() { b'\t' } else { b',' })
                .with_file_compression_type(compression),
        ),
    }
}

/// `NAME=LOCATION`.
pub fn parse_table_spec(spec: &str) -> Result<(String, String), QueryError> {
    let bad = |problem: &str| QueryError::Table {
        spec: spec.to_owned(),
        problem: problem.to_owned(),
    };
    let (name, location) = spec
        .split_once('=')
        .ok_or_else(|| bad("expected NAME=LOCATION, e.g. events=data/events/"))?;
    let name = name.trim();
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(bad(
            "the table name must be letters, digits and _ (not starting with a digit)",
        ));
    }
    if location.is_empty() {
        return Err(bad("no location after ="));
    }
    Ok((name.to_owned(), location.to_owned()))
}

/// The first data file under a local directory (hidden and `_`-prefixed entries skipped), in
/// name order: it decides the table's format.
fn first_data_file(dir: &Path) -> std::io::Result<Option<PathBuf>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if crate::storage::discover::hidden_component(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = first_data_file(&path)? {
                return Ok(Some(found));
            }
        } else if FileKind::of(&name).is_some() {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

const NOT_A_DATA_NAME: &str = "not a Parquet (.parquet), JSON-lines (.jsonl/.json/.ndjson, \
                               optionally .zst/.gz) or CSV (.csv) name";

/// Why a location is not a table: ours to say, or an error met while looking.
enum NotATable {
    Problem(&'static str),
    Failed(crate::error::BoxError),
}

impl From<&'static str> for NotATable {
    fn from(problem: &'static str) -> NotATable {
        NotATable::Problem(problem)
    }
}

impl NotATable {
    fn failed(e: impl Into<crate::error::BoxError>) -> NotATable {
        NotATable::Failed(e.into())
    }

    fn of(self, spec: String) -> QueryError {
        match self {
            NotATable::Problem(problem) => QueryError::Table {
                spec,
                problem: problem.to_owned(),
            },
            NotATable::Failed(source) => QueryError::TableFailed { spec, source },
        }
    }
}

impl Session {
    /// A local file, glob or directory: its kind, and whether it is a directory.
    fn local_location(&self, path: &Path) -> Result<(FileKind, bool), NotATable> {
        if path.is_dir() {
            let first = first_data_file(path)
                .map_err(NotATable::failed)?
                .ok_or("no Parquet, JSON-lines or CSV files in this directory")?;
            let name = first
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((FileKind::of(&name).expect("found by its kind"), true))
        } else if path.is_file() || path.to_string_lossy().contains(['*', '?', '[']) {
            let kind = FileKind::of(&path.to_string_lossy()).ok_or(NOT_A_DATA_NAME)?;
            Ok((kind, false))
        } else {
            Err("no such file or directory".into())
        }
    }

    /// An s3:// object or prefix: its kind (from the first data object under a prefix), whether
    /// it is a prefix, and the URL to list.
    async fn s3_location(&self, location: &str) -> Result<(FileKind, bool, String), NotATable> {
        self.ensure_store(location)
            .await
            .map_err(NotATable::failed)?;
        if let Some(kind) = FileKind::of(location) {
            return Ok((kind, false, location.to_owned()));
        }
        let prefix = if location.ends_with('/') {
            location.to_owned()
        } else {
            format!("{location}/")
        };
        let engine = |e| NotATable::failed(super::EngineError::from(e));
        let url = super::listing_url(&prefix).map_err(engine)?;
        let store = self
            .ctx
            .runtime_env()
            .object_store(url.object_store())
            .map_err(engine)?;
        let key = url.prefix().clone();
        let listed = store
            .list(Some(&key))
            .try_collect::<Vec<_>>()
            .await
            .map_err(NotATable::failed)?;
        let kind = listed
            .iter()
            .filter(|o| !crate::storage::discover::never_data(o.location.as_ref()))
            .find_map(|o| FileKind::of(o.location.as_ref()))
            .ok_or("no Parquet, JSON-lines or CSV objects under this prefix")?;
        Ok((kind, true, prefix))
    }

    /// Registers `location` (a file, a glob, a directory, an s3:// object or prefix) as `name`.
    pub async fn register_location(&self, name: &str, location: &str) -> Result<(), QueryError> {
        let spec = || format!("{name}={location}");
        let bad = |e: datafusion::error::DataFusionError| QueryError::TableFailed {
            spec: spec(),
            source: super::EngineError::from(e).into(),
        };
        let path = Path::new(location);
        let (kind, is_dir, text) = if location.starts_with("s3://") {
            // Unflattened, so that a missing region keeps its hint.
            self.ensure_store(location).await?;
            self.s3_location(location).await.map_err(|e| e.of(spec()))?
        } else {
            let (kind, is_dir) = self.local_location(path).map_err(|e| e.of(spec()))?;
            let absolute =
                std::path::absolute(path).map_err(|e| NotATable::failed(e).of(spec()))?;
            let mut text = absolute.display().to_string();
            if is_dir && !text.ends_with('/') {
                text.push('/');
            }
            (kind, is_dir, text)
        };
        let url = if location.starts_with("s3://") {
            super::listing_url(&text)
        } else {
            ListingTableUrl::parse(&text)
        }
        .map_err(bad)?;
        let state = self.ctx.state();
        let mut options =
            ListingOptions::new(file_format(&kind)).with_file_extension(&kind.extension);
        if is_dir {
            let partitions = options.infer_partitions(&state, &url).await.map_err(bad)?;
            options = options.with_table_partition_cols(
                partitions
                    .into_iter()
                    .map(|column| (column, DataType::Utf8))
                    .collect(),
            );
        }
        let schema = options.infer_schema(&state, &url).await.map_err(bad)?;
        let config = ListingTableConfig::new(url)
            .with_listing_options(options)
            .with_schema(schema);
        let table = ListingTable::try_new(config).map_err(bad)?;
        self.ctx
            .register_table(name, Arc::new(table))
            .map_err(bad)?;
        Ok(())
    }
}
