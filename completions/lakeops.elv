
use builtin;
use str;

set edit:completion:arg-completer[lakeops] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'lakeops'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'lakeops'= {
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand convert 'Convert JSON lines (zstd, gzip or plain) to Parquet'
            cand crawl 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
            cand cost 'Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless'
            cand embed 'Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet'
            cand query 'SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests'
            cand version 'Print the version, git revision, cargo features and engine versions (for bug reports)'
            cand generate 'Write shell completions and man pages (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lakeops;convert'= {
            cand -o 'Output directory or s3:// prefix (one Parquet file per input, named after it, in the input''s folder), or a .parquet file (local or S3) when there is one input'
            cand --output 'Output directory or s3:// prefix (one Parquet file per input, named after it, in the input''s folder), or a .parquet file (local or S3) when there is one input'
            cand --include 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)'
            cand --exclude 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)'
            cand --shard 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination'
            cand --state 'Where the resume manifest lives, a directory or s3:// prefix (default: beside the output, OUTPUT.lakeops-state/; never inside it, so readers of the output see data files only)'
            cand -j 'Inputs converted at the same time; each holds a row group in memory (--row-group-size) and, for S3 output, up to (--part-concurrency + 1) parts'
            cand --jobs 'Inputs converted at the same time; each holds a row group in memory (--row-group-size) and, for S3 output, up to (--part-concurrency + 1) parts'
            cand --part-size 'S3 multipart upload part size (at least 5MiB)'
            cand --part-concurrency 'Parts of one output object uploaded at the same time'
            cand --compression 'Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4, none'
            cand --row-group-size 'Row group size: a number of rows (100000) or bytes (64MiB, 128MB), measured as parquet-rs estimates the encoded row group (about its compressed size in the file). A byte size is also what the writer buffers in memory per input in flight'
            cand --max-rows-per-file 'Split each input''s output into numbered parts of at most this many rows'
            cand --max-file-size 'Split each input''s output into numbered parts of about this size (a part is closed after the row group that reaches it)'
            cand --threads 'Worker threads for parsing (default: all cores)'
            cand --schema 'Use this schema (as printed by --print-schema) instead of inferring one; values that do not fit it are rejected'
            cand --sample-rows 'Records read from the start of each input to infer the schema, or "all" for a full pass first. Later records that do not fit are rejected, never silently changed'
            cand --on-error 'What to do with a line that cannot become a row'
            cand --max-line-bytes 'Longest line taken; a longer one is rejected like any line that cannot become a row (its dead-letter record keeps its first KiB), so memory stays bounded on newline-free input'
            cand --profile 'AWS profile (default: AWS_PROFILE, else the default profile)'
            cand --region 'AWS region (default: AWS_REGION, else the profile''s)'
            cand --endpoint-url 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --dry-run 'Print each input with its output and whether it would be converted or skipped; write nothing'
            cand --overwrite 'Convert every input again, even those the resume manifest records as converted with the same settings and whose outputs are unchanged'
            cand --print-schema 'Print the inferred schema as JSON on stdout and exit without converting'
            cand --s3-path-style 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;crawl'= {
            cand --database 'Glue database (created when missing)'
            cand --table 'Table name (default: the last component of ROOT, lowercased, [^a-z0-9_] as _, at most 128 characters)'
            cand --table-prefix 'Put P before the default table name (made Glue-safe the same way), as a Glue crawler''s table prefix does'
            cand --table-level 'The folder level that holds the tables, counted as a Glue crawler''s table level: 1 is the first folder under the bucket (or under a local ROOT). Default: the shallowest level at which every folder has a consistent partition layout'
            cand --open-tables 'Iceberg, Delta Lake and Hudi tables: leave them alone (reported, nothing written), or register Iceberg and Delta Lake tables from their own metadata, as Athena reads them'
            cand --catalog-file 'Use a JSON catalog file (Glue''s Table/Partition structure) instead of AWS Glue'
            cand --update-behavior 'How an existing table follows the data: merge adds and widens columns, never drops; replace takes the data''s columns; log never updates an existing table'
            cand --delete-behavior 'What happens when data is gone: log warns; deprecate marks an empty table DEPRECATED_BY_CRAWLER; delete drops empty tables and partitions without data'
            cand --partition-schema 'Partition columns: inherit the table''s (what Athena needs for JSON and CSV), or own (Parquet only: each partition keeps the columns of its files)'
            cand --format 'Data format; auto detects Parquet by magic bytes, JSON lines by a leading {, else CSV'
            cand --include 'Only objects matching this glob (relative to ROOT; * stays within a folder, ** crosses)'
            cand --exclude 'Skip objects matching this glob (wins over --include)'
            cand --sample-bytes 'Most bytes read from the start of each text object (ranged reads; Parquet reads only its footer)'
            cand --sample-records 'Most records sampled from each text object'
            cand --type 'Force a column''s type, e.g. --type price=decimal(10,2); resolves E_TYPE_CONFLICT'
            cand --partition-type 'Type a partition key, e.g. --partition-type year=int (default: every key is string)'
            cand --header 'CSV header: auto (Glue''s rule), yes or no'
            cand --state-file 'Remember each object''s sample in this file (keyed by size and ETag or modification time), so a re-crawl reads only new or changed objects; an unchanged root costs only its listing'
            cand --concurrency 'Concurrent S3 requests'
            cand --profile 'AWS profile (default: AWS_PROFILE, else the default profile)'
            cand --region 'AWS region (default: AWS_REGION, else the profile''s)'
            cand --endpoint-url 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --discover-tables 'Make a table of each folder at the table level under ROOT, named after the folder'
            cand --fail-fast 'Stop at the first table that fails (default: crawl the others, then exit 1)'
            cand --plan 'Print the changes and exit 0 without writing'
            cand --dry-run 'Print the changes and exit 0 without writing'
            cand --check 'Print the changes without writing; exit 1 when the catalog would change (CI drift check)'
            cand --sanitize-names 'Column names as [a-z0-9_] only, with mapping.* SerDe parameters to the original keys'
            cand --infer-temporal 'Type JSON strings and CSV cells that are ISO-8601 dates (2024-01-31) as date and timestamps (2024-01-31T10:00:00.5Z, 2024-01-31 10:00:00) as timestamp, when every sampled value of the column is one; the SerDe is told the timestamp forms seen'
            cand --adopt 'Take over an existing table that lakeops did not create'
            cand --recreate 'Drop and recreate the table when its format, compression, delimiter or partition keys no longer match the data (instead of failing with E_INCOMPATIBLE)'
            cand --skip-mismatched 'Ignore (with a warning) objects whose partition layout differs from the majority''s, instead of failing with E_PARTITION_LAYOUT'
            cand --explain 'Show where each column and partition key came from: the object and record where it first appeared, its first value, and each widening of its type with the object and record that caused it (in the plan; --json: explain records)'
            cand --s3-path-style 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost'= {
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand flink 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups'
            cand ingestion 'Amazon OpenSearch Ingestion: pipeline OCUs'
            cand serverless 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage'
            cand glue 'AWS Glue jobs and crawlers: DPU-hours'
            cand athena-spark 'Amazon Athena for Apache Spark: DPU-hours'
            cand emr-serverless 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker'
            cand plan 'Several named workloads from a plan file (YAML or TOML), and their total'
            cand diff 'The change in monthly cost between two plan files'
            cand prices 'The embedded price table, with sources and dates'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lakeops;cost;flink'= {
            cand --parallelism 'Application parallelism (default 1, or sized from --throughput-mbps)'
            cand --parallelism-per-kpu 'Parallel tasks per KPU, 1..8'
            cand --snapshot-gb 'Durable application backups (snapshots), GB-month'
            cand --throughput-mbps 'Size parallelism by the documented starting point of 1 KPU per MB/s'
            cand --cpu-utilization 'Observed CPU utilisation (%), for right-sizing advice'
            cand --memory-utilization 'Observed memory utilisation (%), for right-sizing advice'
            cand --runs-per-month 'Batch-style application: starts a month (each billed at least 10 minutes)'
            cand --minutes-per-run 'Batch-style application: minutes per run'
            cand --region 'Region(s) to price in, comma-separated for a side-by-side estimate'
            cand --hours-per-day 'Hours a day the workload runs (default: always on)'
            cand --days-per-month 'Days a month the workload runs; a month is then that many 24-hour days'
            cand --hours-per-month 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --studio 'A Studio notebook (+2 KPUs instead of +1)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;ingestion'= {
            cand --ocus 'OCUs the pipeline runs at'
            cand --throughput 'Size by throughput, e.g. 1Gbps or 500MiB/s (AWS documents ~2 MiB/s per OCU)'
            cand --min-ocus 'Minimum OCUs (default 1, 2 with persistent buffering; AWS recommends 2 for push sources)'
            cand --max-ocus 'Maximum OCUs of the pipeline (at most 96, 48 stateful, 384 with persistent buffering)'
            cand --mib-per-ocu 'Throughput one OCU holds for your processors'
            cand --scan-hours 'A pull pipeline that scans for H hours, then idles at its minimum OCUs'
            cand --region 'Region(s) to price in, comma-separated for a side-by-side estimate'
            cand --hours-per-day 'Hours a day the workload runs (default: always on)'
            cand --days-per-month 'Days a month the workload runs; a month is then that many 24-hour days'
            cand --hours-per-month 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --persistent-buffer 'Persistent buffering (min 2, max 384 OCUs)'
            cand --stateful 'Stateful processors (max 48 OCUs)'
            cand --allow-over-limit 'Estimate beyond one pipeline''s maximum (the pipelines needed are reported)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;serverless'= {
            cand --indexing-ocus 'Indexing OCUs (default: the minimum)'
            cand --search-ocus 'Search OCUs (default: the minimum)'
            cand --kms-keys 'Distinct KMS keys (one minimum OCU set each)'
            cand --storage-gb 'Managed storage, GB'
            cand --busy-hours-per-day 'NextGen: busy hours a day'
            cand --region 'Region(s) to price in, comma-separated for a side-by-side estimate'
            cand --hours-per-day 'Hours a day the workload runs (default: always on)'
            cand --days-per-month 'Days a month the workload runs; a month is then that many 24-hour days'
            cand --hours-per-month 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --no-redundancy 'Dev/test collections without redundant replicas (minimum 0.5 + 0.5 OCU)'
            cand --nextgen 'A NextGen collection group (scales to zero after 10 idle minutes); needs prices via --price'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;glue'= {
            cand --worker-type 'Worker type: G.025X, G.1X, G.2X, G.4X, G.8X'
            cand --workers 'Number of workers of --worker-type'
            cand --dpus 'DPUs directly (e.g. 0.0625 for a Python shell job)'
            cand --minutes 'Minutes per run'
            cand --runs-per-month 'Runs a month'
            cand --region 'Region(s) to price in, comma-separated for a side-by-side estimate'
            cand --hours-per-day 'Hours a day the workload runs (default: always on)'
            cand --days-per-month 'Days a month the workload runs; a month is then that many 24-hour days'
            cand --hours-per-month 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --flex 'Flex execution (G.1X/G.2X jobs)'
            cand --crawler 'A crawler run (10-minute minimum)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;athena-spark'= {
            cand --dpus 'Spark DPUs (4 vCPU, 16 GB each)'
            cand --minutes 'Minutes per session'
            cand --runs-per-month 'Runs a month'
            cand --region 'Region(s) to price in, comma-separated for a side-by-side estimate'
            cand --hours-per-day 'Hours a day the workload runs (default: always on)'
            cand --days-per-month 'Days a month the workload runs; a month is then that many 24-hour days'
            cand --hours-per-month 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;emr-serverless'= {
            cand --workers 'Workers per run'
            cand --vcpu 'vCPUs per worker'
            cand --memory-gb 'Memory per worker, GB'
            cand --storage-gb 'Ephemeral storage per worker, GB (20 GB free)'
            cand --minutes 'Minutes per run (each worker billed at least 1)'
            cand --runs-per-month 'Runs a month'
            cand --arch 'Worker architecture (arm64 is about 20% cheaper)'
            cand --region 'Region(s) to price in, comma-separated for a side-by-side estimate'
            cand --hours-per-day 'Hours a day the workload runs (default: always on)'
            cand --days-per-month 'Days a month the workload runs; a month is then that many 24-hour days'
            cand --hours-per-month 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;plan'= {
            cand --region 'Region for workloads that name none'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;diff'= {
            cand --fail-if-increase-pct 'Exit 1 when the total rises by more than P percent (for CI)'
            cand --region 'Region for workloads that name none'
            cand --price 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12'
            cand --price-file 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --fail-above 'Exit 1 when a monthly total is above this many USD (for CI)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --explain 'Show the arithmetic behind each line'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;prices'= {
            cand --region 'Only this region'
            cand --price-file 'Rows that replace the embedded ones (same CSV format: unit,region,usd,source,as_of)'
            cand --format 'table (default), json (one document) or csv; --json prints typed records instead'
            cand --output 'Deprecated spelling of --format'
            cand --cache-file 'Where --refresh writes (default: $XDG_CACHE_HOME/lakeops/prices.csv)'
            cand --profile 'AWS profile for --refresh'
            cand --endpoint-url 'Price List API endpoint for --refresh (also AWS_ENDPOINT_URL)'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --refresh 'Fetch current on-demand prices with the AWS Price List API (GetProducts) into a cache file and print what changed; estimates use it with --price-file'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;cost;help'= {
            cand flink 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups'
            cand ingestion 'Amazon OpenSearch Ingestion: pipeline OCUs'
            cand serverless 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage'
            cand glue 'AWS Glue jobs and crawlers: DPU-hours'
            cand athena-spark 'Amazon Athena for Apache Spark: DPU-hours'
            cand emr-serverless 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker'
            cand plan 'Several named workloads from a plan file (YAML or TOML), and their total'
            cand diff 'The change in monthly cost between two plan files'
            cand prices 'The embedded price table, with sources and dates'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lakeops;cost;help;flink'= {
        }
        &'lakeops;cost;help;ingestion'= {
        }
        &'lakeops;cost;help;serverless'= {
        }
        &'lakeops;cost;help;glue'= {
        }
        &'lakeops;cost;help;athena-spark'= {
        }
        &'lakeops;cost;help;emr-serverless'= {
        }
        &'lakeops;cost;help;plan'= {
        }
        &'lakeops;cost;help;diff'= {
        }
        &'lakeops;cost;help;prices'= {
        }
        &'lakeops;cost;help;help'= {
        }
        &'lakeops;embed'= {
            cand -o 'Output directory or s3:// prefix: one Parquet file per input, named after it, in the input''s folder'
            cand --output 'Output directory or s3:// prefix: one Parquet file per input, named after it, in the input''s folder'
            cand --include 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)'
            cand --exclude 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)'
            cand --shard 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination'
            cand --text-column 'Column (Parquet) or field (JSON) holding the text; nested as metadata.title'
            cand --id-column 'Column or field holding the document id (default: the row number in its input)'
            cand --keep-columns 'Copy these source columns or fields (nested as metadata.title) onto every chunk row, as text named with _ for . (metadata_title): strings as they are, numbers and booleans as written, objects and arrays as JSON'
            cand --model 'Model folder in sentence-transformers layout, or a Hugging Face id in the local HF cache'
            cand --chunk-size 'Chunk size, in --chunk-unit'
            cand --chunk-overlap 'Overlap between consecutive chunks, in --chunk-unit'
            cand --chunk-unit 'Measure chunks in characters or in model tokens'
            cand --device 'auto (a GPU when usable, else the CPU), cpu, cuda or cuda:N, a list of them (cuda:0,cuda:1; cpu,cpu) or cuda:all: one encoder per device, fed by one reader, the output the same'
            cand --dtype 'Compute precision (default: f32 on the CPU, bf16 on a GPU)'
            cand --kernels 'Encoder kernels on a GPU in bf16/f16 (the CPU and f32 always run the generic path)'
            cand --batch-size 'Most chunks per encoder batch (default: 32 on the CPU, 512 on a GPU)'
            cand --batch-tokens 'Most padded tokens per encoder batch (default: 8192 on the CPU, 131072 on a GPU)'
            cand --max-seq-length 'Truncate chunks to this many tokens (default: the model''s, from sentence_bert_config.json)'
            cand --profile 'AWS profile (default: AWS_PROFILE, else the default profile)'
            cand --region 'AWS region (default: AWS_REGION, else the profile''s)'
            cand --endpoint-url 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --dry-run 'Print each input with its output and whether it would be embedded or skipped; embed nothing'
            cand --overwrite 'Embed every input again, even those whose output is complete with the same parameters'
            cand --fail-fast 'Stop at the first input that cannot be embedded (exit 2) instead of embedding the others and exiting 1'
            cand --s3-path-style 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;query'= {
            cand -f 'Read the SQL from this file'
            cand --file 'Read the SQL from this file'
            cand --table 'Register a table: NAME=LOCATION (repeatable)'
            cand --catalog-file 'Register every table of --database from this local catalog (the file `crawl --catalog-file` writes): the catalog''s columns, partition keys and formats define them'
            cand --database 'The catalog database whose tables --catalog-file registers; unqualified table names resolve in it (others as DATABASE.TABLE)'
            cand --glue-database 'Register every table of this AWS Glue database (columns, partition keys, locations and formats from the catalog); unqualified table names resolve in it'
            cand --format 'How to print the result (default: table); --json prints typed records instead'
            cand -o 'Write the result to this Parquet file instead of printing it'
            cand --output 'Write the result to this Parquet file instead of printing it'
            cand --out 'Deprecated spelling of -o/--output FILE.parquet'
            cand --profile 'AWS profile (default: AWS_PROFILE, else the default profile)'
            cand --region 'AWS region (default: AWS_REGION, else the profile''s)'
            cand --endpoint-url 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --fail-if-empty 'Exit 1 when the result has no rows ("did last night''s partition land?")'
            cand --s3-path-style 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;version'= {
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;generate'= {
            cand --dir 'Repository root to write completions/ and man/ into'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;help'= {
            cand convert 'Convert JSON lines (zstd, gzip or plain) to Parquet'
            cand crawl 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
            cand cost 'Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless'
            cand embed 'Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet'
            cand query 'SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests'
            cand version 'Print the version, git revision, cargo features and engine versions (for bug reports)'
            cand generate 'Write shell completions and man pages (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lakeops;help;convert'= {
        }
        &'lakeops;help;crawl'= {
        }
        &'lakeops;help;cost'= {
            cand flink 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups'
            cand ingestion 'Amazon OpenSearch Ingestion: pipeline OCUs'
            cand serverless 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage'
            cand glue 'AWS Glue jobs and crawlers: DPU-hours'
            cand athena-spark 'Amazon Athena for Apache Spark: DPU-hours'
            cand emr-serverless 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker'
            cand plan 'Several named workloads from a plan file (YAML or TOML), and their total'
            cand diff 'The change in monthly cost between two plan files'
            cand prices 'The embedded price table, with sources and dates'
        }
        &'lakeops;help;cost;flink'= {
        }
        &'lakeops;help;cost;ingestion'= {
        }
        &'lakeops;help;cost;serverless'= {
        }
        &'lakeops;help;cost;glue'= {
        }
        &'lakeops;help;cost;athena-spark'= {
        }
        &'lakeops;help;cost;emr-serverless'= {
        }
        &'lakeops;help;cost;plan'= {
        }
        &'lakeops;help;cost;diff'= {
        }
        &'lakeops;help;cost;prices'= {
        }
        &'lakeops;help;embed'= {
        }
        &'lakeops;help;query'= {
        }
        &'lakeops;help;version'= {
        }
        &'lakeops;help;generate'= {
        }
        &'lakeops;help;help'= {
        }
    ]
    $completions[$command]
}
