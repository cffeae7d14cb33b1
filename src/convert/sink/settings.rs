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
    /// The rows' bytes in memory (Arrow), before encoding and compression: about the row group's
    /// uncompressed size in the file. Known before anything is encoded, so row groups end at the
    /// same rows however far the encoders have got.
    Bytes(u64),
}

/// Up to two row groups per input are in memory (one filling, one encoding) and two inputs are
/// converted at a time: 32 MiB keeps peak memory under 300 MiB (64 MiB took it to 340-380 MiB on
/// the OSCAR bench, for no speed), and is what pyarrow's default of 1Mi rows gives for 32-byte
/// rows. Text-heavy records still get row groups of 10 to 20 MiB compressed.
const DEFAULT_BYTES: u64 = 32 << 20;

impl RowGroupSize {
    pub const DEFAULT: RowGroupSize = RowGroupSize::Bytes(DEFAULT_BYTES);

    /// Bytes of rows that may wait for the encoders over the run: half a row group, so that the
    /// row group just closed is compressed while the next fills for half of its time (encoding is
    /// about two thirds of the work: one and a third cores' worth on two), while memory grows by
    /// half a row group, not one per input.
    pub(crate) fn queued_bytes(self) -> u64 {
        match self {
            RowGroupSize::Bytes(bytes) => bytes / 2,
            // Rows of unknown size: as much as the default byte size would queue.
            RowGroupSize::Rows(_) => DEFAULT_BYTES / 2,
        }
    }
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

    /// How columns are encoded. Where row groups end is the sink's decision (`parts`).
    pub(super) fn properties(&self, source: &str) -> Result<WriterProperties, ConvertError> {
        Ok(WriterProperties::builder()
            .set_compression(self.codec.to_parquet()?)
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
