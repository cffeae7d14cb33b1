//! Every clap type. Only this module and `commands/` know clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::convert::{Codec, OnError, RowGroupSize, SampleRows};

pub const EXIT_CODES: &str = "\
Exit status:
  0    success (also --print-schema, and a closed stdout pipe)
  1    the job ran to the end but some input lines were rejected (--on-error skip|dead-letter)
  2    usage, input or configuration error; with --on-error fail, the first bad line
  130  interrupted (Ctrl-C); no output that looks complete is left behind";

#[derive(Debug, Parser)]
#[command(
    name = "lakeops",
    version,
    about = "Data-lake operations from the shell: JSON lines to Parquet, Glue crawls, cost estimates, embeddings, SQL checks",
    after_long_help = EXIT_CODES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print nothing but errors (no progress bar, no summary)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary
    #[arg(long, global = true)]
    pub json: bool,
    /// When to use colours on stderr (NO_COLOR is honoured with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert JSON lines (zstd, gzip or plain) to Parquet
    #[command(after_long_help = EXIT_CODES)]
    Convert(ConvertArgs),
    /// Infer schemas under S3 prefixes into AWS Glue tables (not yet available)
    #[command(after_long_help = "Not yet available in this version of lakeops.")]
    Crawl(PendingArgs),
    /// Capacity-unit cost estimates for Flink, OpenSearch, Glue and EMR (not yet available)
    #[command(after_long_help = "Not yet available in this version of lakeops.")]
    Cost(PendingArgs),
    /// Chunk text and compute sentence embeddings to Parquet (not yet available)
    #[command(after_long_help = "Not yet available in this version of lakeops.")]
    Embed(PendingArgs),
    /// SQL over Parquet, JSON lines and Glue tables (not yet available)
    #[command(after_long_help = "Not yet available in this version of lakeops.")]
    Query(PendingArgs),
    /// Write shell completions and man pages (for maintainers)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// Subcommands that are announced but not built yet accept anything and say so.
#[derive(Debug, Args)]
pub struct PendingArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Repository root to write completions/ and man/ into
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input files, directories (searched recursively for *.jsonl, *.json, *.ndjson, optionally
    /// .zst or .gz), glob patterns, or - for stdin. Compression is detected from the content.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Output directory (one Parquet file per input, named after it), or a .parquet file path when
    /// there is one input
    #[arg(
        short,
        long,
        value_name = "OUTPUT",
        required_unless_present = "print_schema"
    )]
    pub output: Option<PathBuf>,

    /// Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4,
    /// none
    #[arg(long, default_value_t = Codec::DEFAULT, value_parser = parse_codec, value_name = "CODEC")]
    pub compression: Codec,

    /// Row group size: a number of rows (100000) or bytes (64MiB, 128MB), measured as parquet-rs
    /// estimates the encoded row group (about its compressed size in the file). A byte size is
    /// also what the writer buffers in memory per input in flight.
    #[arg(long, default_value_t = RowGroupSize::DEFAULT, value_parser = parse_row_group_size, value_name = "ROWS|SIZE")]
    pub row_group_size: RowGroupSize,

    /// Split each input's output into numbered parts of at most this many rows
    #[arg(long, value_name = "ROWS")]
    pub max_rows_per_file: Option<u64>,

    /// Split each input's output into numbered parts of about this size (a part is closed after
    /// the row group that reaches it)
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: Option<u64>,

    /// Worker threads for parsing (default: all cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Use this schema (as printed by --print-schema) instead of inferring one; values that do
    /// not fit it are rejected
    #[arg(long, value_name = "FILE", conflicts_with = "sample_rows")]
    pub schema: Option<PathBuf>,

    /// Records read from the start of each input to infer the schema, or "all" for a full pass
    /// first. Later records that do not fit are rejected, never silently changed.
    #[arg(long, default_value_t = SampleRows::DEFAULT, value_parser = parse_sample_rows, value_name = "N|all")]
    pub sample_rows: SampleRows,

    /// Print the inferred schema as JSON on stdout and exit without converting
    #[arg(long)]
    pub print_schema: bool,

    /// What to do with a line that cannot become a row
    #[arg(long, value_enum, default_value_t = OnErrorArg::Fail, value_name = "MODE")]
    pub on_error: OnErrorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnErrorArg {
    /// Stop at the first bad line with FILE:LINE and exit 2; the output in progress is removed
    Fail,
    /// Count bad lines, convert the rest, exit 1
    Skip,
    /// Write bad lines to OUTPUT/_rejected/<input>.jsonl with the reason, exit 1
    DeadLetter,
}

impl From<OnErrorArg> for OnError {
    fn from(arg: OnErrorArg) -> Self {
        match arg {
            OnErrorArg::Fail => OnError::Fail,
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::DeadLetter => OnError::DeadLetter,
        }
    }
}

fn parse_codec(text: &str) -> Result<Codec, String> {
    let lower = text.to_ascii_lowercase();
    let (name, level) = match lower.split_once(['=', ':']) {
        Some((name, level)) => (name, Some(level)),
        None => (lower.as_str(), None),
    };
    let level_of = |range: std::ops::RangeInclusive<i64>, default: i64| -> Result<i64, String> {
        match level {
            None => Ok(default),
            Some(l) => l
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    format!(
                        "invalid {name} level {l:?} (expected {}..={})",
                        range.start(),
                        range.end()
                    )
                }),
        }
    };
    let no_level = |codec: Codec| match level {
        None => Ok(codec),
        Some(_) => Err(format!("{name} takes no level")),
    };
    match name {
        "snappy" => no_level(Codec::Snappy),
        "zstd" => Ok(Codec::Zstd(level_of(1..=22, 3)? as i32)),
        "gzip" => Ok(Codec::Gzip(level_of(0..=9, 6)? as u32)),
        "lz4" => no_level(Codec::Lz4),
        "none" | "uncompressed" => no_level(Codec::None),
        other => Err(format!(
            "unknown codec {other:?} (expected snappy, zstd[=LEVEL], gzip[=LEVEL], lz4 or none)"
        )),
    }
}

/// `128MiB`, `64MB`, `1.5GiB`, `4096` (bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("invalid size {text:?} (examples: 4096, 64MB, 128MiB, 1GiB)"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size unit in {text:?} (use B, KB, KiB, MB, MiB, GB, GiB, TB or TiB)"
            ))
        }
    };
    let bytes = number * multiplier as f64;
    if !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!("size {text:?} out of range"));
    }
    Ok(bytes as u64)
}

fn parse_row_group_size(text: &str) -> Result<RowGroupSize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("a row group needs at least one row".into()),
        Ok(rows) => Ok(RowGroupSize::Rows(rows)),
        Err(_) => parse_size(text).map(RowGroupSize::Bytes),
    }
}

fn parse_sample_rows(text: &str) -> Result<SampleRows, String> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(SampleRows::All);
    }
    match text.parse::<u64>() {
        Ok(n) if n > 0 => Ok(SampleRows::First(n)),
        _ => Err(format!(
            "expected a positive number of records or \"all\", got {text:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn codecs_parse_with_levels() {
        assert_eq!(parse_codec("zstd").unwrap(), Codec::Zstd(3));
        for codec in [
            Codec::DEFAULT,
            Codec::Snappy,
            Codec::Gzip(9),
            Codec::Lz4,
            Codec::None,
        ] {
            assert_eq!(
                parse_codec(&codec.to_string()).unwrap(),
                codec,
                "Display and parser agree"
            );
        }
        assert_eq!(parse_codec("ZSTD=9").unwrap(), Codec::Zstd(9));
        assert_eq!(parse_codec("gzip").unwrap(), Codec::Gzip(6));
        assert_eq!(parse_codec("snappy").unwrap(), Codec::Snappy);
        assert!(parse_codec("zstd=99").is_err());
        assert!(parse_codec("snappy=1").is_err());
        assert!(parse_codec("brotli").is_err());
    }

    #[test]
    fn sizes_and_row_groups_parse() {
        assert_eq!(parse_size("128MiB").unwrap(), 128 << 20);
        assert_eq!(parse_size("64MB").unwrap(), 64_000_000);
        assert_eq!(parse_size("1.5GiB").unwrap(), 3 << 29);
        assert!(parse_size("12 parsecs").is_err());
        assert_eq!(
            parse_row_group_size("100000").unwrap(),
            RowGroupSize::Rows(100_000)
        );
        assert_eq!(
            parse_row_group_size("64MiB").unwrap(),
            RowGroupSize::Bytes(64 << 20)
        );
        assert_eq!(
            parse_row_group_size(&RowGroupSize::DEFAULT.to_string()).unwrap(),
            RowGroupSize::DEFAULT
        );
        assert_eq!(parse_sample_rows("all").unwrap(), SampleRows::All);
        assert!(parse_sample_rows("0").is_err());
    }
}
