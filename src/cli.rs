//! Every clap type. Only this module and `commands/` know clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::convert::{Codec, OnError, RowGroupSize, SampleRows};
use crate::schema::DataType;
use rust_decimal::Decimal;

/// The codes every command shares; each command's --help says what 1 and 2 mean for it.
pub const EXIT_CODES: &str = "\
Exit status (each command's --help has its own details):
  0    success (also --dry-run, --plan, --print-schema, and a closed stdout pipe)
  1    the command finished with findings: rejected lines or failed inputs (convert, embed, crawl),
       drift (crawl --check), a breached budget (cost --fail-above, --fail-if-increase-pct), an
       empty result (query --fail-if-empty)
  2    usage, input, configuration or AWS (credentials, region, endpoint) error; also an internal
       error (a bug, reported as one, never as a crash)
  130  interrupted (Ctrl-C; convert and embed also on SIGTERM and SIGHUP)";

pub const CONVERT_EXIT_CODES: &str = "\
Exit status:
  0    success (also --dry-run, --print-schema, and a closed stdout pipe)
  1    the job ran to the end but some input lines were rejected (--on-error skip|dead-letter), or
       some inputs failed alone (unreadable, or an unsafe output name) and are named on stderr
  2    usage, input, configuration or AWS error; with --on-error fail, the first bad line
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP); no output that looks complete is left behind";

pub const CRAWL_EXIT_CODES: &str = "\
Exit status:
  0    the catalog matches the data (applied, planned with --plan, or no drift with --check); also
       a closed stdout pipe
  1    --check found drift; or the crawl finished but some objects or sampled lines could not be read
  2    usage, input, layout or AWS error (E_PARTITION_LAYOUT, E_TYPE_CONFLICT, E_NOT_JSON_LINES,
       E_INCOMPATIBLE, E_NOT_OWNED, ...); nothing was written
  130  interrupted (Ctrl-C)";

pub const EMBED_EXIT_CODES: &str = "\
Chunks follow LangChain's RecursiveCharacterTextSplitter (paragraph, line, space, character), so a
pipeline moving from LangChain gets the same chunks. Each input gets OUTDIR/<name>.parquet with
doc_id, chunk_index, chunk_start (in characters), chunk_text and embedding (FixedSizeList<Float32>),
the model and chunking in its key-value metadata. A file appears only when complete; a rerun skips
inputs already embedded with the same model and parameters (--overwrite redoes them).

Exit status:
  0    every input embedded (or already up to date); also a closed stdout pipe
  1    some inputs failed alone (unreadable, corrupt, a record whose text is not a string, an unsafe
       output name) and are named on stderr; every other input was embedded
  2    usage, configuration or model error (a column missing or not text, an unknown model layout,
       --device cuda without a usable GPU, an output that cannot be written); with --fail-fast, the
       first input that fails; files already completed stay
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP); no partial file is left";

pub const LOAD_EXIT_CODES: &str = "\
Inputs are embed's output, or any Parquet with an id, a text and a FixedSizeList<Float32> column;
every footer is read first, and inputs that disagree on dimension, model, metric or kept columns
stop the run before anything is written. PostgreSQL: each part (--part-rows) is one transaction,
binary COPY plus a row in the ledger table lakeops_loads; a rerun skips the parts recorded there,
and rows whose (doc_id, chunk_index) is already in the table are replaced, never duplicated.

Exit status:
  0    loaded (and, with --verify, the row count and recall passed); also a closed stdout pipe
  1    --verify found a row count that differs or a recall below --min-recall
  2    usage error, inputs that disagree or lack a column, a table of another shape, a server
       error or lost connection (what was committed is stated; the rerun completes it)
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP); committed parts stay, the rest is rolled back";

pub const COST_EXIT_CODES: &str = "\
Prices come from an embedded table (`lakeops cost prices`), each row with its source and date; a
price missing for a region is an error, never a fallback. Amounts are exact and rounded to cents
only when shown. A month is 730 hours unless a schedule is given.

Exit status:
  0    estimated, listed or refreshed (also a closed stdout pipe)
  1    a budget was broken: --fail-above (estimates, plan, diff), diff's --fail-if-increase-pct,
       live's --fail-if-waste-above or actual's --fail-if-variance-pct; or prices --refresh could
       not fetch or read some rows (the rest are still written to the cache file, where the
       failed rows keep their old price)
  2    usage or input error (an unreadable or invalid plan or price file, an unknown region), a
       price missing from the table; for --refresh, live, actual and plan --from-live, an AWS
       configuration error, a refused call (the error names the IAM action) or a cache file
       that cannot be written";

pub const COST_LIVE_HELP: &str = "\
Reads, read-only, per region: Flink applications (kinesisanalytics:ListApplications,
DescribeApplication), Ingestion pipelines (osis:ListPipelines, GetPipeline), Serverless
collections and capacity limits (aoss:ListCollections, BatchGetCollection, GetAccountSettings),
and their CloudWatch metrics (cloudwatch:GetMetricData, up to 500 series a request): Flink
containerCPUUtilization, containerMemoryUtilization and KPUs; Ingestion computeUnits; Serverless
IndexingOCU and SearchOCU. Each is priced at its configured capacity and at what it used (hourly
averages, time-weighted) with the embedded price table, as `cost flink|ingestion|serverless`
would, and judged by the source's rules: over-provisioned (CPU and memory p95 < 20%), right-sized
(CPU p95 50-75%), under-provisioned (CPU p50 >= 75%), or parallelism per KPU > 1 (low CPU with
memory in use). Ingestion and Serverless are judged by the units used over their configured
ceiling. Fewer datapoints than half the window's hours (at least 24) give \"not enough data\".
A verdict is a starting point, to be performance-tested.

Exit status:
  0    read and assessed (also a closed stdout pipe)
  1    --fail-if-waste-above: the over-provisioned resources' savings sum above the limit
  2    usage error, an AWS configuration error, or a refused call (the error names the IAM action)";

#[derive(Debug, Parser)]
#[command(
    name = "lakeops",
    version,
    about = "Data-lake operations from the shell: JSON lines to Parquet, Glue crawls, cost estimates, embeddings, SQL checks",
    after_long_help = EXIT_CODES,
    propagate_version = true,
    max_term_width = 100,
    long_about = None
)]
/// The command line: global flags and one subcommand (`Cli::try_parse`, then [`crate::run`]).
pub struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print nothing but errors (no progress bar, no summary)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"
    ///
    /// Query rows are {"type":"row","data":{...}}. Overrides --format. Exceptions: convert
    /// --print-schema prints the schema file itself, and an error (exit 2) ends the output
    /// without a summary.
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
    #[command(after_long_help = CONVERT_EXIT_CODES)]
    Convert(ConvertArgs),
    /// Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first
    #[command(after_long_help = CRAWL_EXIT_CODES)]
    Crawl(CrawlArgs),
    /// Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless
    #[command(after_long_help = COST_EXIT_CODES)]
    Cost(CostArgs),
    /// Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet
    #[command(after_long_help = EMBED_EXIT_CODES)]
    Embed(EmbedArgs),
    /// Load embedding Parquet into PostgreSQL + pgvector or OpenSearch, with an index and a recall check
    #[command(after_long_help = LOAD_EXIT_CODES)]
    Load(LoadArgs),
    /// SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests
    #[command(after_long_help = QUERY_EXIT_CODES)]
    Query(QueryArgs),
    /// Print the version, git revision, cargo features and engine versions (for bug reports)
    #[command(after_long_help = VERSION_EXIT_CODES)]
    Version,
    /// Write shell completions and man pages (for maintainers)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

pub const QUERY_EXIT_CODES: &str = "\
Tables: --table NAME=LOCATION (a file, a glob or a directory of .parquet, .jsonl/.json/.ndjson or
.csv files, JSON and CSV optionally .zst or .gz; key=value/ folders become columns), or a path in
the SQL itself: SELECT * FROM 'data/events.parquet'. Column names keep their case; quote them
(\"Temp\") when they have capitals or dashes.

Exit status:
  0    the query ran (and, with --fail-if-empty, returned rows); also a closed stdout pipe
  1    --fail-if-empty and the result has no rows
  2    usage error, an unreadable table or catalog, SQL that does not parse or plan (with its
       position), an AWS error, or an --out file that cannot be written
  130  interrupted (Ctrl-C)";

pub const VERSION_EXIT_CODES: &str = "\
--version prints the version alone; this adds the git revision the binary was built from
(\"unknown\" outside a git checkout), its cargo features (cuda or none), and the candle,
DataFusion and Arrow versions inside. --json prints one {\"type\":\"version\",...} record.

Exit status:
  0    printed (also a closed stdout pipe)
  2    usage error";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryOutput {
    /// An aligned text table (NULL for nulls)
    Table,
    /// One JSON array of row objects
    Json,
    /// One JSON object per row, a line each
    Ndjson,
    /// CSV with a header row
    Csv,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The SQL to run (or -f FILE); several statements separated by ; print the last one's result
    #[arg(
        value_name = "SQL",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub sql: Option<String>,

    /// Read the SQL from this file
    #[arg(short, long, value_name = "FILE.sql")]
    pub file: Option<PathBuf>,

    /// Register a table: NAME=LOCATION (repeatable)
    #[arg(long = "table", value_name = "NAME=LOCATION")]
    pub tables: Vec<String>,

    /// Register every table of --database from this local catalog (the file `crawl
    /// --catalog-file` writes): the catalog's columns, partition keys and formats define them
    #[arg(long, value_name = "PATH", requires = "database")]
    pub catalog_file: Option<PathBuf>,

    /// The catalog database whose tables --catalog-file registers; unqualified table names
    /// resolve in it (others as DATABASE.TABLE)
    #[arg(long, value_name = "DB", requires = "catalog_file")]
    pub database: Option<String>,

    /// Register every table of this AWS Glue database (columns, partition keys, locations and
    /// formats from the catalog); unqualified table names resolve in it
    #[arg(long, value_name = "DB", conflicts_with_all = ["catalog_file", "database"])]
    pub glue_database: Option<String>,

    /// How to print the result (default: table); --json prints typed records instead
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<QueryOutput>,

    /// Write the result to this Parquet file instead of printing it
    ///
    /// Until the next release, a format name here (--output json) is the old spelling of
    /// --format, with a warning; a file named json is -o ./json.
    #[arg(short, long, value_name = "FILE.parquet")]
    pub output: Option<PathBuf>,

    /// Deprecated spelling of -o/--output FILE.parquet
    #[arg(long, value_name = "FILE.parquet", hide = true, conflicts_with_all = ["output", "format"])]
    pub out: Option<PathBuf>,

    /// Exit 1 when the result has no rows ("did last night's partition land?")
    #[arg(long)]
    pub fail_if_empty: bool,

    #[command(flatten)]
    pub aws: AwsArgs,
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
    /// .zst or .gz), glob patterns, s3:// objects and prefixes, or - for stdin. Compression is
    /// detected from the content.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Output directory or s3:// prefix (one Parquet file per input, named after it, in the
    /// input's folder), or a .parquet file (local or S3) when there is one input
    #[arg(
        short,
        long,
        value_name = "OUTPUT",
        required_unless_present = "print_schema"
    )]
    pub output: Option<String>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Print each input with its output and whether it would be converted or skipped; write
    /// nothing
    #[arg(long, help_heading = "Selection")]
    pub dry_run: bool,

    /// Convert every input again, even those the resume manifest records as converted with the
    /// same settings and whose outputs are unchanged
    #[arg(long, help_heading = "Selection")]
    pub overwrite: bool,

    /// Where the resume manifest lives, a directory or s3:// prefix (default: beside the output,
    /// OUTPUT.lakeops-state/; never inside it, so readers of the output see data files only)
    #[arg(long, value_name = "DIR|s3://...", help_heading = "Selection")]
    pub state: Option<String>,

    /// Inputs converted at the same time; each holds a row group in memory (--row-group-size)
    /// and, for S3 output, up to (--part-concurrency + 1) parts
    #[arg(short, long, default_value_t = crate::convert::DEFAULT_JOBS, value_parser = parse_count, value_name = "N")]
    pub jobs: usize,

    /// S3 multipart upload part size (at least 5MiB)
    #[arg(long, default_value = "16MiB", value_parser = parse_size, value_name = "SIZE", help_heading = "AWS")]
    pub part_size: u64,

    /// Parts of one output object uploaded at the same time
    #[arg(long, default_value_t = 4, value_parser = parse_count, value_name = "N", help_heading = "AWS")]
    pub part_concurrency: usize,

    /// Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4,
    /// none
    #[arg(long, default_value_t = Codec::DEFAULT, value_parser = parse_codec, value_name = "CODEC")]
    pub compression: Codec,

    /// Row group size: a number of rows (100000) or bytes (32MiB, 128MB) of the rows in memory,
    /// about the row group's uncompressed size in the file. Up to two row groups per input in
    /// flight are held in memory: one filling, one being compressed.
    #[arg(long, default_value_t = RowGroupSize::DEFAULT, value_parser = parse_row_group_size, value_name = "ROWS|SIZE")]
    pub row_group_size: RowGroupSize,

    /// Split each input's output into numbered parts of at most this many rows
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..), value_name = "ROWS")]
    pub max_rows_per_file: Option<u64>,

    /// Split each input's output into numbered parts of about this size (a part is closed after
    /// the row group that reaches it)
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: Option<u64>,

    /// Worker threads for parsing (default: all cores)
    #[arg(long, value_parser = parse_count, value_name = "N")]
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

    /// Longest line taken; a longer one is rejected like any line that cannot become a row
    /// (its dead-letter record keeps its first KiB), so memory stays bounded on newline-free input
    #[arg(long, default_value = "64MiB", value_parser = parse_size, value_name = "SIZE")]
    pub max_line_bytes: u64,

    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Which inputs a command that reads many takes: one meaning for convert and embed.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Take only inputs whose path below their INPUT argument matches this glob (repeatable;
    /// `*` stays within a folder, `**` crosses folders, as in Glue)
    #[arg(long, value_name = "GLOB", help_heading = "Selection")]
    pub include: Vec<String>,

    /// Leave out inputs whose path below their INPUT argument matches this glob (repeatable;
    /// wins over --include)
    #[arg(long, value_name = "GLOB", help_heading = "Selection")]
    pub exclude: Vec<String>,

    /// Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their
    /// path, so N processes given the same command share the work without coordination
    #[arg(long, value_name = "K/N", value_parser = parse_shard, help_heading = "Selection")]
    pub shard: Option<(u64, u64)>,
}

fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?}: expected K/N, e.g. 0/4"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("{k:?}: not a number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?}: not a number"))?;
    if n == 0 || k >= n {
        return Err(format!("{text:?}: K must be at least 0 and less than N"));
    }
    Ok((k, n))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    F32,
    F16,
    Bf16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KernelsArg {
    /// The fused encoder (cuBLASLt epilogues, own softmax/LayerNorm/pooling kernels)
    Fused,
    /// The fused encoder with the exact (erf) GELU in its own pass
    FusedErf,
    /// candle's generic ops: the reference path
    Generic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChunkUnitArg {
    Chars,
    Tokens,
}

#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// Parquet or JSON-lines inputs (.zst/.gz detected): files, directories, globs, s3:// objects
    /// or prefixes
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    /// Output directory or s3:// prefix: one Parquet file per input, named after it, in the
    /// input's folder
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: String,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Print each input with its output and whether it would be embedded or skipped; embed
    /// nothing
    #[arg(long, help_heading = "Selection")]
    pub dry_run: bool,

    /// Column (Parquet) or field (JSON) holding the text; nested as metadata.title
    #[arg(long, value_name = "NAME")]
    pub text_column: String,

    /// Column or field holding the document id (default: the row number in its input)
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,

    /// Copy these source columns or fields (nested as metadata.title) onto every chunk row, as
    /// text named with _ for . (metadata_title): strings as they are, numbers and booleans as
    /// written, objects and arrays as JSON
    #[arg(long, value_name = "PATH,...", value_delimiter = ',')]
    pub keep_columns: Vec<String>,

    /// Model folder in sentence-transformers layout, or a Hugging Face id in the local HF cache
    #[arg(long, value_name = "DIR_OR_ID", default_value = crate::embed::model::DEFAULT_MODEL)]
    pub model: String,

    /// Chunk size, in --chunk-unit
    #[arg(long, default_value_t = 1000, value_parser = parse_count, value_name = "N")]
    pub chunk_size: usize,

    /// Overlap between consecutive chunks, in --chunk-unit
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub chunk_overlap: usize,

    /// Measure chunks in characters or in model tokens
    #[arg(long, value_enum, default_value_t = ChunkUnitArg::Chars, value_name = "UNIT")]
    pub chunk_unit: ChunkUnitArg,

    /// auto (a GPU when usable, else the CPU), cpu, cuda or cuda:N, a list of them (cuda:0,cuda:1;
    /// cpu,cpu) or cuda:all: one encoder per device, fed by one reader, the output the same
    #[arg(
        long,
        default_value = "auto",
        value_name = "DEVICE,...",
        value_parser = parse_device,
        value_delimiter = ','
    )]
    pub device: Vec<crate::embed::DeviceChoice>,

    /// Compute precision (default: f32 on the CPU, bf16 on a GPU)
    #[arg(long, value_enum, value_name = "DTYPE")]
    pub dtype: Option<PrecisionArg>,

    /// Encoder kernels on a GPU in bf16/f16 (the CPU and f32 always run the generic path)
    #[arg(
        long,
        value_enum,
        default_value = "fused",
        env = "LAKEOPS_EMBED_KERNELS",
        value_name = "KERNELS"
    )]
    pub kernels: KernelsArg,

    /// Most chunks per encoder batch (default: 32 on the CPU, 512 on a GPU)
    #[arg(long, value_parser = parse_count, value_name = "N")]
    pub batch_size: Option<usize>,

    /// Most padded tokens per encoder batch (default: 8192 on the CPU, 131072 on a GPU)
    #[arg(long, value_parser = parse_count, value_name = "N")]
    pub batch_tokens: Option<usize>,

    /// Truncate chunks to this many tokens (default: the model's, from sentence_bert_config.json)
    #[arg(long, value_parser = parse_count, value_name = "N")]
    pub max_seq_length: Option<usize>,

    /// Embed every input again, even those whose output is complete with the same parameters
    #[arg(long, help_heading = "Selection")]
    pub overwrite: bool,

    /// Stop at the first input that cannot be embedded (exit 2) instead of embedding the others
    /// and exiting 1
    #[arg(long)]
    pub fail_fast: bool,

    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    Cosine,
    L2,
    #[value(name = "ip")]
    InnerProduct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IndexMethodArg {
    Hnsw,
    Ivfflat,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    Faiss,
    Lucene,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceArg {
    /// Amazon OpenSearch Service
    Es,
    /// Amazon OpenSearch Serverless
    Aoss,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// embed's Parquet output (or any Parquet with an id, a text and a FixedSizeList<Float32>
    /// column): files, directories, globs, s3:// objects or prefixes
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    /// Where to load: postgresql://user@host:port/db (libpq URL; PG* variables and ~/.pgpass
    /// fill what it leaves out), https://host[:port] (OpenSearch; user:password@ for basic
    /// auth, SigV4 for *.es/*.aoss.amazonaws.com), or file://DIR or s3://bucket/prefix/ (the
    /// same _bulk NDJSON bodies as files, for OpenSearch Ingestion or curl)
    #[arg(long, value_name = "TARGET")]
    pub to: String,

    /// PostgreSQL table, NAME or SCHEMA.NAME (created when missing)
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// OpenSearch index (created when missing); also names the _bulk files
    #[arg(long, value_name = "NAME")]
    pub index: Option<String>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Column holding the document id (text or integer)
    #[arg(
        long,
        value_name = "NAME",
        default_value = "doc_id",
        help_heading = "Columns"
    )]
    pub id_column: String,

    /// Column holding the chunk's text
    #[arg(
        long,
        value_name = "NAME",
        default_value = "chunk_text",
        help_heading = "Columns"
    )]
    pub text_column: String,

    /// Column holding the vectors (FixedSizeList<Float32>)
    #[arg(
        long,
        value_name = "NAME",
        default_value = "embedding",
        help_heading = "Columns"
    )]
    pub vector_column: String,

    /// Extra columns to store, as text (default: the columns embed --keep-columns copied)
    #[arg(
        long,
        value_name = "NAME,...",
        value_delimiter = ',',
        help_heading = "Columns"
    )]
    pub keep_columns: Option<Vec<String>>,

    /// Distance the index is built for (default: the inputs' metadata, else cosine)
    #[arg(long, value_enum, help_heading = "Index")]
    pub metric: Option<MetricArg>,

    /// Index to build after loading
    #[arg(long, value_enum, default_value = "hnsw", help_heading = "Index")]
    pub index_method: IndexMethodArg,

    /// HNSW: links per node
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(2..=100), help_heading = "Index")]
    pub m: u32,

    /// HNSW: candidate list size while building
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(4..=1000), help_heading = "Index")]
    pub ef_construction: u32,

    /// OpenSearch: the k-NN engine of the index's HNSW
    #[arg(long, value_enum, default_value = "faiss", help_heading = "Index")]
    pub engine: EngineArg,

    /// IVFFlat: lists (default: rows / 1000, or √rows above a million rows)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=32768), help_heading = "Index")]
    pub lists: Option<u32>,

    /// maintenance_work_mem for the index build (PostgreSQL's units: 512MB, 2GB)
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "1GB",
        help_heading = "Index"
    )]
    pub maintenance_work_mem: String,

    /// max_parallel_maintenance_workers for the index build
    #[arg(long, value_name = "N", default_value_t = 4, help_heading = "Index")]
    pub parallel_workers: u32,

    /// VACUUM (ANALYZE) the table after the index is built
    #[arg(long, help_heading = "Index")]
    pub vacuum: bool,

    /// After loading, compare the stored row count with the rows read and measure the index's
    /// recall@10 against exact search, with p50/p99 query latency
    #[arg(long, help_heading = "Verify")]
    pub verify: bool,

    /// Stored vectors used as queries by --verify
    #[arg(long, value_name = "N", default_value_t = 100, help_heading = "Verify")]
    pub verify_queries: u64,

    /// hnsw.ef_search for --verify's queries (default: pgvector's, 40); OpenSearch: the
    /// index's ef_search
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000), help_heading = "Verify")]
    pub ef_search: Option<u32>,

    /// ivfflat.probes for --verify's queries (default: pgvector's, 1)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Verify")]
    pub probes: Option<u32>,

    /// Exit 1 when --verify measures a recall below R (0 to 1); implies --verify
    #[arg(long, value_name = "R", value_parser = parse_fraction, help_heading = "Verify")]
    pub min_recall: Option<f64>,

    /// Rows per part: one transaction, the unit a rerun skips
    #[arg(long, value_name = "N", default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..), help_heading = "Throughput")]
    pub part_rows: u64,

    /// OpenSearch: the most bytes in one _bulk request (or file)
    #[arg(long, value_name = "BYTES", default_value_t = 5 << 20, value_parser = clap::value_parser!(u64).range(1024..=(100 << 20)), help_heading = "Throughput")]
    pub bulk_bytes: u64,

    /// OpenSearch: attempts per request on 429, 5xx and dropped connections, with exponential
    /// backoff
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=50), help_heading = "Throughput")]
    pub max_attempts: u32,

    /// Parts loaded at once (PostgreSQL: one connection each; OpenSearch: _bulk requests in
    /// flight)
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64), help_heading = "Throughput")]
    pub concurrency: u64,

    /// Sign in to Amazon RDS with an IAM auth token made from the AWS credentials (instead of a
    /// password); use with sslmode=verify-full and the RDS CA bundle as sslrootcert
    #[arg(long, help_heading = "AWS")]
    pub rds_iam: bool,

    /// Sign OpenSearch requests with SigV4 for this service (default: from the host,
    /// *.es.amazonaws.com or *.aoss.amazonaws.com)
    #[arg(long, value_enum, help_heading = "AWS")]
    pub service: Option<ServiceArg>,

    #[command(flatten)]
    pub aws: AwsArgs,
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?}: expected a number from 0 to 1")),
    }
}

fn parse_device(text: &str) -> Result<crate::embed::DeviceChoice, String> {
    use crate::embed::DeviceChoice;
    match text {
        "auto" => Ok(DeviceChoice::Auto),
        "cpu" => Ok(DeviceChoice::Cpu),
        "cuda" | "gpu" => Ok(DeviceChoice::Cuda(0)),
        "cuda:all" => Ok(DeviceChoice::CudaAll),
        _ => text
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(DeviceChoice::Cuda)
            .ok_or_else(|| "expected auto, cpu, cuda, cuda:N or cuda:all".to_owned()),
    }
}

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Table root: s3://BUCKET/PREFIX/, or a local directory (with --catalog-file). Several
    /// roots make a table each, crawled concurrently; with --discover-tables, the lake root
    /// whose folders are the tables
    #[arg(value_name = "ROOT", required = true, num_args = 1..)]
    pub roots: Vec<String>,

    /// Glue database (created when missing)
    #[arg(long, value_name = "DB")]
    pub database: String,

    /// Table name (default: the last component of ROOT, lowercased, [^a-z0-9_] as _, at most
    /// 128 characters)
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// Put P before the default table name (made Glue-safe the same way), as a Glue crawler's
    /// table prefix does
    #[arg(long, value_name = "P", conflicts_with = "table")]
    pub table_prefix: Option<String>,

    /// Make a table of each folder at the table level under ROOT, named after the folder
    #[arg(long, conflicts_with = "table")]
    pub discover_tables: bool,

    /// The folder level that holds the tables, counted as a Glue crawler's table level: 1 is
    /// the first folder under the bucket (or under a local ROOT). Default: the shallowest level
    /// at which every folder has a consistent partition layout
    #[arg(long, value_name = "N", requires = "discover_tables", value_parser = clap::value_parser!(u16).range(1..))]
    pub table_level: Option<u16>,

    /// Iceberg, Delta Lake and Hudi tables: leave them alone (reported, nothing written), or
    /// register Iceberg and Delta Lake tables from their own metadata, as Athena reads them
    #[arg(long, value_enum, default_value_t = OpenTablesArg::Leave, value_name = "MODE")]
    pub open_tables: OpenTablesArg,

    /// Stop at the first table that fails (default: crawl the others, then exit 1)
    #[arg(long)]
    pub fail_fast: bool,

    /// Use a JSON catalog file (Glue's Table/Partition structure) instead of AWS Glue
    #[arg(long, value_name = "PATH")]
    pub catalog_file: Option<PathBuf>,

    /// Print the changes and exit 0 without writing
    #[arg(long, visible_alias = "dry-run", conflicts_with = "check")]
    pub plan: bool,

    /// Print the changes without writing; exit 1 when the catalog would change (CI drift check)
    #[arg(long)]
    pub check: bool,

    /// How an existing table follows the data: merge adds and widens columns, never drops;
    /// replace takes the data's columns; log never updates an existing table
    #[arg(long, value_enum, default_value_t = UpdateBehaviorArg::Merge, value_name = "MODE")]
    pub update_behavior: UpdateBehaviorArg,

    /// What happens when data is gone: log warns; deprecate marks an empty table
    /// DEPRECATED_BY_CRAWLER; delete drops empty tables and partitions without data
    #[arg(long, value_enum, default_value_t = DeleteBehaviorArg::Log, value_name = "MODE")]
    pub delete_behavior: DeleteBehaviorArg,

    /// Partition columns: inherit the table's (what Athena needs for JSON and CSV), or own
    /// (Parquet only: each partition keeps the columns of its files)
    #[arg(long, value_enum, default_value_t = PartitionSchemaArg::Inherit, value_name = "MODE")]
    pub partition_schema: PartitionSchemaArg,

    /// Data format; auto detects Parquet by magic bytes, JSON lines by a leading {, else CSV
    #[arg(long, value_enum, default_value_t = FormatArg::Auto, value_name = "FORMAT")]
    pub format: FormatArg,

    /// Only objects matching this glob (relative to ROOT; * stays within a folder, ** crosses)
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip objects matching this glob (wins over --include)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Most bytes read from the start of each text object (ranged reads; Parquet reads only
    /// its footer)
    #[arg(long, default_value = "1MiB", value_parser = parse_size, value_name = "SIZE")]
    pub sample_bytes: u64,

    /// Most records sampled from each text object
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..), value_name = "N")]
    pub sample_records: u64,

    /// Force a column's type, e.g. --type price=decimal(10,2); resolves E_TYPE_CONFLICT
    #[arg(long = "type", value_parser = parse_type_override, value_name = "COL=TYPE")]
    pub types: Vec<(String, DataType)>,

    /// Column names as [a-z0-9_] only, with mapping.* SerDe parameters to the original keys
    #[arg(long)]
    pub sanitize_names: bool,

    /// Type JSON strings and CSV cells that are ISO-8601 dates (2024-01-31) as date and
    /// timestamps (2024-01-31T10:00:00.5Z, 2024-01-31 10:00:00) as timestamp, when every sampled
    /// value of the column is one; the SerDe is told the timestamp forms seen
    #[arg(long)]
    pub infer_temporal: bool,

    /// Take over an existing table that lakeops did not create
    #[arg(long)]
    pub adopt: bool,

    /// Drop and recreate the table when its format, compression, delimiter or partition keys no
    /// longer match the data (instead of failing with E_INCOMPATIBLE)
    #[arg(long)]
    pub recreate: bool,

    /// Type a partition key, e.g. --partition-type year=int (default: every key is string)
    #[arg(long, value_parser = parse_type_override, value_name = "KEY=TYPE")]
    pub partition_type: Vec<(String, DataType)>,

    /// CSV header: auto (Glue's rule), yes or no
    #[arg(long, value_enum, default_value_t = HeaderArg::Auto, value_name = "MODE")]
    pub header: HeaderArg,

    /// Ignore (with a warning) objects whose partition layout differs from the majority's,
    /// instead of failing with E_PARTITION_LAYOUT
    #[arg(long)]
    pub skip_mismatched: bool,

    /// Remember each object's sample in this file (keyed by size and ETag or modification time),
    /// so a re-crawl reads only new or changed objects; an unchanged root costs only its listing
    #[arg(long, value_name = "PATH")]
    pub state_file: Option<PathBuf>,

    /// Show where each column and partition key came from: the object and record where it
    /// first appeared, its first value, and each widening of its type with the object and
    /// record that caused it (in the plan; --json: explain records)
    #[arg(long)]
    pub explain: bool,

    /// Concurrent S3 requests
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..), value_name = "N")]
    pub concurrency: u16,

    #[command(flatten)]
    pub aws: AwsArgs,
}

/// The AWS options every AWS-using subcommand takes; anything not given comes from the SDK's
/// default chain (environment, profiles, SSO, IMDS).
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// AWS profile (default: AWS_PROFILE, else the default profile)
    #[arg(long, value_name = "NAME", help_heading = "AWS")]
    pub profile: Option<String>,
    /// AWS region (default: AWS_REGION, else the profile's)
    #[arg(long, value_name = "REGION", help_heading = "AWS")]
    pub region: Option<String>,
    /// Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL);
    /// implies path-style S3 addressing
    #[arg(long, value_name = "URL", help_heading = "AWS")]
    pub endpoint_url: Option<String>,
    /// Path-style S3 addressing (bucket in the path) even without --endpoint-url
    #[arg(long, help_heading = "AWS")]
    pub s3_path_style: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpdateBehaviorArg {
    Merge,
    Replace,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeleteBehaviorArg {
    Log,
    Deprecate,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OpenTablesArg {
    Leave,
    Register,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartitionSchemaArg {
    Inherit,
    Own,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Auto,
    Json,
    Parquet,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HeaderArg {
    Auto,
    Yes,
    No,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    #[command(subcommand)]
    pub workload: CostCommand,
}

#[derive(Debug, Subcommand)]
pub enum CostCommand {
    /// Amazon Managed Service for Apache Flink: KPUs, running storage, backups
    #[command(after_long_help = COST_EXIT_CODES)]
    Flink {
        #[command(flatten)]
        workload: FlinkArgs,
        #[command(flatten)]
        common: CostCommon,
    },
    /// Amazon OpenSearch Ingestion: pipeline OCUs
    #[command(after_long_help = COST_EXIT_CODES)]
    Ingestion {
        #[command(flatten)]
        workload: IngestionArgs,
        #[command(flatten)]
        common: CostCommon,
    },
    /// Amazon OpenSearch Serverless: indexing and search OCUs, managed storage
    #[command(after_long_help = COST_EXIT_CODES)]
    Serverless {
        #[command(flatten)]
        workload: ServerlessArgs,
        #[command(flatten)]
        common: CostCommon,
    },
    /// AWS Glue jobs and crawlers: DPU-hours
    #[command(after_long_help = COST_EXIT_CODES)]
    Glue {
        #[command(flatten)]
        workload: GlueArgs,
        #[command(flatten)]
        common: CostCommon,
    },
    /// Amazon Athena for Apache Spark: DPU-hours
    #[command(after_long_help = COST_EXIT_CODES)]
    AthenaSpark {
        #[command(flatten)]
        workload: AthenaSparkArgs,
        #[command(flatten)]
        common: CostCommon,
    },
    /// Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker
    #[command(after_long_help = COST_EXIT_CODES)]
    EmrServerless {
        #[command(flatten)]
        workload: EmrArgs,
        #[command(flatten)]
        common: CostCommon,
    },
    /// Several named workloads from a plan file (YAML or TOML), and their total
    #[command(after_long_help = COST_EXIT_CODES)]
    Plan {
        /// The plan: `workloads` with a `name` and a `service` each (see `lakeops cost --help`)
        #[arg(value_name = "FILE", required_unless_present = "from_live")]
        file: Option<PathBuf>,
        /// Write the running Flink applications, Ingestion pipelines and Serverless capacity of
        /// --region as a plan file (TOML, on stdout) instead of pricing one
        #[arg(long, conflicts_with = "file")]
        from_live: bool,
        #[command(flatten)]
        common: PlanCommon,
        #[command(flatten)]
        aws: CostAwsArgs,
    },
    /// What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity
    /// from CloudWatch, with right-sizing verdicts
    #[command(after_long_help = COST_LIVE_HELP)]
    Live {
        #[command(flatten)]
        live: LiveArgs,
        /// Exit 1 when over-provisioned capacity wastes more than this many USD a month (for
        /// cron and CI)
        #[arg(long, value_parser = parse_decimal, value_name = "USD")]
        fail_if_waste_above: Option<Decimal>,
        /// Override a unit price in every region, e.g. --price flink.kpu-hour=0.12
        #[arg(long = "price", value_parser = parse_price, value_name = "UNIT=USD")]
        prices: Vec<(String, Decimal)>,
        /// Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)
        #[arg(long, value_name = "FILE")]
        price_file: Option<PathBuf>,
    },
    /// A month's bill from Cost Explorer against a plan's estimate, per service
    #[command(after_long_help = COST_EXIT_CODES)]
    Actual {
        /// The plan the bill is checked against
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
        /// The calendar month, e.g. 2026-11 (GetCostAndUsage, unblended, by service and usage
        /// type)
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// Exit 1 when a service was billed more than P percent over its plan, or billed with
        /// nothing planned
        #[arg(long, value_parser = parse_decimal, value_name = "P")]
        fail_if_variance_pct: Option<Decimal>,
        #[command(flatten)]
        common: PlanCommon,
        #[command(flatten)]
        aws: CostAwsArgs,
    },
    /// The change in monthly cost between two plan files
    #[command(after_long_help = COST_EXIT_CODES)]
    Diff {
        #[arg(value_name = "OLD")]
        old: PathBuf,
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// Exit 1 when the total rises by more than P percent (for CI)
        #[arg(long, value_parser = parse_decimal, value_name = "P")]
        fail_if_increase_pct: Option<Decimal>,
        #[command(flatten)]
        common: PlanCommon,
    },
    /// The embedded price table, with sources and dates
    #[command(after_long_help = COST_EXIT_CODES)]
    Prices {
        /// Only this region
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        /// Rows that replace the embedded ones (same CSV format: unit,region,usd,source,as_of)
        #[arg(long, value_name = "FILE")]
        price_file: Option<PathBuf>,
        /// table (default), json (one document) or csv; --json prints typed records instead
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<CostOutput>,
        /// Deprecated spelling of --format
        #[arg(
            long,
            value_enum,
            value_name = "FORMAT",
            hide = true,
            conflicts_with = "format"
        )]
        output: Option<CostOutput>,
        /// Fetch current on-demand prices with the AWS Price List API (GetProducts) into a cache
        /// file and print what changed; estimates use it with --price-file
        #[arg(long)]
        refresh: bool,
        /// Where --refresh writes (default: $XDG_CACHE_HOME/lakeops/prices.csv)
        #[arg(long, value_name = "PATH", requires = "refresh")]
        cache_file: Option<PathBuf>,
        /// AWS profile for --refresh
        #[arg(long, value_name = "NAME", help_heading = "AWS", requires = "refresh")]
        profile: Option<String>,
        /// Price List API endpoint for --refresh (also AWS_ENDPOINT_URL)
        #[arg(long, value_name = "URL", help_heading = "AWS", requires = "refresh")]
        endpoint_url: Option<String>,
    },
}

/// What every estimate takes.
#[derive(Debug, Args)]
pub struct CostCommon {
    /// Region(s) to price in, comma-separated for a side-by-side estimate
    #[arg(
        long,
        value_delimiter = ',',
        env = "AWS_REGION",
        required = true,
        value_name = "REGION"
    )]
    pub region: Vec<String>,
    /// Hours a day the workload runs (default: always on)
    #[arg(long, value_parser = parse_decimal, value_name = "H")]
    pub hours_per_day: Option<Decimal>,
    /// Days a month the workload runs; a month is then that many 24-hour days
    #[arg(long, value_parser = parse_decimal, value_name = "D")]
    pub days_per_month: Option<Decimal>,
    /// Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)
    #[arg(long, value_parser = parse_decimal, value_name = "H", conflicts_with_all = ["hours_per_day", "days_per_month"])]
    pub hours_per_month: Option<Decimal>,
    #[command(flatten)]
    pub shared: CostShared,
}

/// Which resources `cost live` reads, where, and over how many days.
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// Regions to read, comma-separated (default: AWS_REGION, else the profile's)
    #[arg(long = "region", value_delimiter = ',', value_name = "REGION")]
    pub regions: Vec<String>,
    /// Services to read, comma-separated (default: all three)
    #[arg(long, value_delimiter = ',', value_enum, value_name = "SERVICE")]
    pub service: Vec<LiveServiceArg>,
    /// Days of CloudWatch metrics to judge by (1-455)
    #[arg(long, default_value_t = 14, value_name = "DAYS")]
    pub days: u32,
    #[command(flatten)]
    pub aws: CostAwsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LiveServiceArg {
    Flink,
    Ingestion,
    Serverless,
}

/// The AWS profile and endpoint of the commands that read an account (live, actual,
/// plan --from-live); the region is the command's own.
#[derive(Debug, Clone, Args)]
pub struct CostAwsArgs {
    /// AWS profile (default: AWS_PROFILE, else the default profile)
    #[arg(long, value_name = "NAME", help_heading = "AWS")]
    pub profile: Option<String>,
    /// Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)
    #[arg(long, value_name = "URL", help_heading = "AWS")]
    pub endpoint_url: Option<String>,
}

/// What plan and diff take: workloads name their own region and schedule.
#[derive(Debug, Args)]
pub struct PlanCommon {
    /// Region for workloads that name none
    #[arg(long, env = "AWS_REGION", value_name = "REGION")]
    pub region: Option<String>,
    #[command(flatten)]
    pub shared: CostShared,
}

/// Prices and output, for every estimate.
#[derive(Debug, Args)]
pub struct CostShared {
    /// Override a unit price in every region, e.g. --price flink.kpu-hour=0.12
    #[arg(long = "price", value_parser = parse_price, value_name = "UNIT=USD")]
    pub prices: Vec<(String, Decimal)>,
    /// Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)
    #[arg(long, value_name = "FILE")]
    pub price_file: Option<PathBuf>,
    /// table (default), json (one document) or csv; --json prints typed records instead
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<CostOutput>,
    /// Deprecated spelling of --format
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        hide = true,
        conflicts_with = "format"
    )]
    pub output: Option<CostOutput>,
    /// Show the arithmetic behind each line
    #[arg(long)]
    pub explain: bool,
    /// Exit 1 when a monthly total is above this many USD (for CI)
    #[arg(long, value_parser = parse_decimal, value_name = "USD")]
    pub fail_above: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostOutput {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct FlinkArgs {
    /// Application parallelism (default 1, or sized from --throughput-mbps)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..), value_name = "P")]
    pub parallelism: Option<u32>,
    /// Parallel tasks per KPU, 1..8
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8), value_name = "K")]
    pub parallelism_per_kpu: u32,
    /// A Studio notebook (+2 KPUs instead of +1)
    #[arg(long)]
    pub studio: bool,
    /// Durable application backups (snapshots), GB-month
    #[arg(long, value_parser = parse_decimal, default_value = "0", value_name = "GB")]
    pub snapshot_gb: Decimal,
    /// Size parallelism by the documented starting point of 1 KPU per MB/s
    #[arg(long, value_parser = parse_decimal, value_name = "MBPS", conflicts_with = "parallelism")]
    pub throughput_mbps: Option<Decimal>,
    /// Observed CPU utilisation (%), for right-sizing advice
    #[arg(long, value_parser = parse_percent, value_name = "PCT")]
    pub cpu_utilization: Option<Decimal>,
    /// Observed memory utilisation (%), for right-sizing advice
    #[arg(long, value_parser = parse_percent, value_name = "PCT")]
    pub memory_utilization: Option<Decimal>,
    /// Batch-style application: starts a month (each billed at least 10 minutes)
    #[arg(long, value_parser = parse_decimal, value_name = "N", requires = "minutes_per_run")]
    pub runs_per_month: Option<Decimal>,
    /// Batch-style application: minutes per run
    #[arg(long, value_parser = parse_decimal, value_name = "MIN", requires = "runs_per_month")]
    pub minutes_per_run: Option<Decimal>,
}

#[derive(Debug, Args)]
pub struct IngestionArgs {
    /// OCUs the pipeline runs at
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub ocus: Option<Decimal>,
    /// Size by throughput, e.g. 1Gbps or 500MiB/s (AWS documents ~2 MiB/s per OCU)
    #[arg(long, value_name = "RATE")]
    pub throughput: Option<String>,
    /// Minimum OCUs (default 1, 2 with persistent buffering; AWS recommends 2 for push sources)
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub min_ocus: Option<Decimal>,
    /// Maximum OCUs of the pipeline (at most 96, 48 stateful, 384 with persistent buffering)
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub max_ocus: Option<Decimal>,
    /// Throughput one OCU holds for your processors
    #[arg(long, value_parser = parse_decimal, default_value = "2", value_name = "MIB")]
    pub mib_per_ocu: Decimal,
    /// Persistent buffering (min 2, max 384 OCUs)
    #[arg(long)]
    pub persistent_buffer: bool,
    /// Stateful processors (max 48 OCUs)
    #[arg(long)]
    pub stateful: bool,
    /// Estimate beyond one pipeline's maximum (the pipelines needed are reported)
    #[arg(long)]
    pub allow_over_limit: bool,
    /// A pull pipeline that scans for H hours, then idles at its minimum OCUs
    #[arg(long, value_parser = parse_decimal, value_name = "H")]
    pub scan_hours: Option<Decimal>,
}

#[derive(Debug, Args)]
pub struct ServerlessArgs {
    /// Indexing OCUs (default: the minimum)
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub indexing_ocus: Option<Decimal>,
    /// Search OCUs (default: the minimum)
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub search_ocus: Option<Decimal>,
    /// Dev/test collections without redundant replicas (minimum 0.5 + 0.5 OCU)
    #[arg(long)]
    pub no_redundancy: bool,
    /// Distinct KMS keys (one minimum OCU set each)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    pub kms_keys: u32,
    /// Managed storage, GB
    #[arg(long, value_parser = parse_decimal, default_value = "0", value_name = "GB")]
    pub storage_gb: Decimal,
    /// A NextGen collection group (scales to zero after 10 idle minutes); needs prices via --price
    #[arg(long, requires = "busy_hours_per_day")]
    pub nextgen: bool,
    /// NextGen: busy hours a day
    #[arg(long, value_parser = parse_decimal, value_name = "H", requires = "nextgen")]
    pub busy_hours_per_day: Option<Decimal>,
}

#[derive(Debug, Args)]
pub struct GlueArgs {
    /// Worker type: G.025X, G.1X, G.2X, G.4X, G.8X
    #[arg(
        long,
        value_name = "TYPE",
        requires = "workers",
        conflicts_with = "dpus"
    )]
    pub worker_type: Option<String>,
    /// Number of workers of --worker-type
    #[arg(long, value_parser = parse_decimal, value_name = "N", requires = "worker_type")]
    pub workers: Option<Decimal>,
    /// DPUs directly (e.g. 0.0625 for a Python shell job)
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub dpus: Option<Decimal>,
    /// Minutes per run
    #[arg(long, value_parser = parse_decimal, value_name = "M")]
    pub minutes: Decimal,
    /// Runs a month
    #[arg(long, value_parser = parse_decimal, default_value = "1", value_name = "N")]
    pub runs_per_month: Decimal,
    /// Flex execution (G.1X/G.2X jobs)
    #[arg(long)]
    pub flex: bool,
    /// A crawler run (10-minute minimum)
    #[arg(long)]
    pub crawler: bool,
}

#[derive(Debug, Args)]
pub struct AthenaSparkArgs {
    /// Spark DPUs (4 vCPU, 16 GB each)
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub dpus: Decimal,
    /// Minutes per session
    #[arg(long, value_parser = parse_decimal, value_name = "M")]
    pub minutes: Decimal,
    /// Runs a month
    #[arg(long, value_parser = parse_decimal, default_value = "1", value_name = "N")]
    pub runs_per_month: Decimal,
}

#[derive(Debug, Args)]
pub struct EmrArgs {
    /// Workers per run
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub workers: Decimal,
    /// vCPUs per worker
    #[arg(long, value_parser = parse_decimal, value_name = "N")]
    pub vcpu: Decimal,
    /// Memory per worker, GB
    #[arg(long, value_parser = parse_decimal, value_name = "GB")]
    pub memory_gb: Decimal,
    /// Ephemeral storage per worker, GB (20 GB free)
    #[arg(long, value_parser = parse_decimal, default_value = "20", value_name = "GB")]
    pub storage_gb: Decimal,
    /// Minutes per run (each worker billed at least 1)
    #[arg(long, value_parser = parse_decimal, value_name = "M")]
    pub minutes: Decimal,
    /// Runs a month
    #[arg(long, value_parser = parse_decimal, default_value = "1", value_name = "N")]
    pub runs_per_month: Decimal,
    /// Worker architecture (arm64 is about 20% cheaper)
    #[arg(long, value_enum, default_value_t = ArchArg::X86_64, value_name = "ARCH")]
    pub arch: ArchArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchArg {
    #[value(name = "x86_64")]
    X86_64,
    Arm64,
}

/// Every cost quantity (hours, days, GB, throughput, counts) and price is a non-negative
/// number: a negative one would silently lower a total.
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let value = text
        .trim()
        .parse::<Decimal>()
        .map_err(|_| format!("expected a number, got {text:?}"))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("must not be negative, got {text:?}"));
    }
    Ok(value)
}

/// A percentage, 0 to 100.
fn parse_percent(text: &str) -> Result<Decimal, String> {
    let value = parse_decimal(text)?;
    if value > Decimal::ONE_HUNDRED {
        return Err(format!("a percentage is at most 100, got {text:?}"));
    }
    Ok(value)
}

fn parse_price(text: &str) -> Result<(String, Decimal), String> {
    let (unit, usd) = text
        .split_once('=')
        .ok_or_else(|| format!("expected UNIT=USD, got {text:?}"))?;
    Ok((unit.trim().to_owned(), parse_decimal(usd)?))
}

fn parse_type_override(text: &str) -> Result<(String, DataType), String> {
    let (column, type_text) = text
        .split_once('=')
        .ok_or_else(|| format!("expected COL=TYPE, got {text:?}"))?;
    let column = column.trim().to_lowercase();
    if column.is_empty() {
        return Err(format!("expected COL=TYPE, got {text:?}"));
    }
    Ok((column, crate::schema::parse_hive_type(type_text.trim())?))
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

/// A count that must be at least 1 (threads, jobs, batch and chunk sizes): 0 would mean no work
/// at all, or work without end.
fn parse_count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
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
