//! How Parquet is written: the codec, when a row group closes, and when a file is split.

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::convert::ConvertError;

/// Parquet codec for every column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Snappy,
    Zstd(i32),
    Gzip(u32),
    Lz4,
    None,
}

impl Codec {
    /// zstd level 3: files a third smaller than snappy on text at a small CPU cost, and read by
    /// Athena, Spark, DuckDB, pyarrow and polars alike.
    pub const DEFAULT: Codec = Codec::Zstd(3);

    fn to_parquet(self) -> Result<Compression, ConvertError> {
        let bad = |e: parquet::errors::ParquetError| ConvertError::Step {
            what: "invalid --compression level",
            source: e.into(),
        };
        Ok(match self {
            Codec::Snappy => Compression::SNAPPY,
            Codec::Zstd(level) => Compression::ZSTD(ZstdLevel::try_new(level).map_err(bad)?),
            Codec::Gzip(level) => Compression::GZIP(GzipLevel::try_new(level).map_err(bad)?),
            Codec::Lz4 => Compression::LZ4_RAW,
            Codec::None => Compression::UNCOMPRESSED,
        })
    }
}

impl std::fmt::Display for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Codec::Snappy => f.write_str("snappy"),
            Codec::Zstd(level) => write!(f, "zstd={level}"),
            Codec::Gzip(level) => write!(f, "gzip={level}"),
            Codec::Lz4 => f.write_str("lz4"),
            Codec::None => f.write_str("none"),
        }
    }
}

impl std::fmt::Display for RowGroupSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowGroupSize::Rows(rows) => write!(f, "{rows}"),
            RowGroupSize::Bytes(bytes) if bytes % (1 << 20) == 0 => write!(f, "{}MiB", bytes >> 20),
            RowGroupSize::Bytes(bytes) => write!(f, "{bytes}B"),
        }
    }
}

/// When a row group is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowGroupSize {
    Rows(usize),
    /// Encoded bytes buffered for the row group: what the writer holds in memory.
    Bytes(u64),
}

impl RowGroupSize {
    /// Two inputs are written at a time, each buffering one row group: 64 MiB keeps peak memory
    /// well under 512 MiB while row groups stay large enough for efficient scans.
    pub const DEFAULT: RowGroupSize = RowGroupSize::Bytes(64 << 20);
}

#[derive(Debug, Clone)]
pub struct WriterSettings {
    pub codec: Codec,
    pub row_group_size: RowGroupSize,
    pub max_rows_per_file: Option<u64>,
    pub max_file_bytes: Option<u64>,
}

impl Default for WriterSettings {
    fn default() -> Self {
        WriterSettings {
            codec: Codec::DEFAULT,
            row_group_size: RowGroupSize::DEFAULT,
            max_rows_per_file: None,
            max_file_bytes: None,
        }
    }
}

impl WriterSettings {
    pub fn splits(&self) -> bool {
        self.max_rows_per_file.is_some() || self.max_file_bytes.is_some()
    }

    pub(super) fn properties(&self, source: &str) -> Result<WriterProperties, ConvertError> {
        let (max_rows, max_bytes) = match self.row_group_size {
            RowGroupSize::Rows(rows) => (Some(rows.max(1)), None),
            RowGroupSize::Bytes(bytes) => (
                None,
                Some(usize::try_from(bytes).unwrap_or(usize::MAX).max(1)),
            ),
        };
        Ok(WriterProperties::builder()
            .set_compression(self.codec.to_parquet()?)
            .set_max_row_group_row_count(max_rows)
            .set_max_row_group_bytes(max_bytes)
            .set_key_value_metadata(Some(vec![
                KeyValue::new(
                    "lakeops.version".to_owned(),
                    env!("CARGO_PKG_VERSION").to_owned(),
                ),
                KeyValue::new("lakeops.source".to_owned(), source.to_owned()),
            ]))
            .build())
    }
}
