
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'lakeops' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'lakeops'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'lakeops' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert JSON lines (zstd, gzip or plain) to Parquet')
            [CompletionResult]::new('crawl', 'crawl', [CompletionResultType]::ParameterValue, 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first')
            [CompletionResult]::new('cost', 'cost', [CompletionResultType]::ParameterValue, 'Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless')
            [CompletionResult]::new('embed', 'embed', [CompletionResultType]::ParameterValue, 'Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load embedding Parquet into PostgreSQL + pgvector or OpenSearch, with an index and a recall check')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version, git revision, cargo features and engine versions (for bug reports)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lakeops;convert' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output directory or s3:// prefix (one Parquet file per input, named after it, in the input''s folder), or a .parquet file (local or S3) when there is one input')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output directory or s3:// prefix (one Parquet file per input, named after it, in the input''s folder), or a .parquet file (local or S3) when there is one input')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the resume manifest lives, a directory or s3:// prefix (default: beside the output, OUTPUT.lakeops-state/; never inside it, so readers of the output see data files only)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Inputs converted at the same time; each holds a row group in memory (--row-group-size) and, for S3 output, up to (--part-concurrency + 1) parts')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Inputs converted at the same time; each holds a row group in memory (--row-group-size) and, for S3 output, up to (--part-concurrency + 1) parts')
            [CompletionResult]::new('--part-size', '--part-size', [CompletionResultType]::ParameterName, 'S3 multipart upload part size (at least 5MiB)')
            [CompletionResult]::new('--part-concurrency', '--part-concurrency', [CompletionResultType]::ParameterName, 'Parts of one output object uploaded at the same time')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4, none')
            [CompletionResult]::new('--row-group-size', '--row-group-size', [CompletionResultType]::ParameterName, 'Row group size: a number of rows (100000) or bytes (32MiB, 128MB) of the rows in memory, about the row group''s uncompressed size in the file. Up to two row groups per input in flight are held in memory: one filling, one being compressed')
            [CompletionResult]::new('--max-rows-per-file', '--max-rows-per-file', [CompletionResultType]::ParameterName, 'Split each input''s output into numbered parts of at most this many rows')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Split each input''s output into numbered parts of about this size (a part is closed after the row group that reaches it)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for parsing (default: all cores)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Use this schema (as printed by --print-schema) instead of inferring one; values that do not fit it are rejected')
            [CompletionResult]::new('--sample-rows', '--sample-rows', [CompletionResultType]::ParameterName, 'Records read from the start of each input to infer the schema, or "all" for a full pass first. Later records that do not fit are rejected, never silently changed')
            [CompletionResult]::new('--on-error', '--on-error', [CompletionResultType]::ParameterName, 'What to do with a line that cannot become a row')
            [CompletionResult]::new('--max-line-bytes', '--max-line-bytes', [CompletionResultType]::ParameterName, 'Longest line taken; a longer one is rejected like any line that cannot become a row (its dead-letter record keeps its first KiB), so memory stays bounded on newline-free input')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, else the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each input with its output and whether it would be converted or skipped; write nothing')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Convert every input again, even those the resume manifest records as converted with the same settings and whose outputs are unchanged')
            [CompletionResult]::new('--print-schema', '--print-schema', [CompletionResultType]::ParameterName, 'Print the inferred schema as JSON on stdout and exit without converting')
            [CompletionResult]::new('--s3-path-style', '--s3-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (bucket in the path) even without --endpoint-url')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;crawl' {
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Glue database (created when missing)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Table name (default: the last component of ROOT, lowercased, [^a-z0-9_] as _, at most 128 characters)')
            [CompletionResult]::new('--table-prefix', '--table-prefix', [CompletionResultType]::ParameterName, 'Put P before the default table name (made Glue-safe the same way), as a Glue crawler''s table prefix does')
            [CompletionResult]::new('--table-level', '--table-level', [CompletionResultType]::ParameterName, 'The folder level that holds the tables, counted as a Glue crawler''s table level: 1 is the first folder under the bucket (or under a local ROOT). Default: the shallowest level at which every folder has a consistent partition layout')
            [CompletionResult]::new('--open-tables', '--open-tables', [CompletionResultType]::ParameterName, 'Iceberg, Delta Lake and Hudi tables: leave them alone (reported, nothing written), or register Iceberg and Delta Lake tables from their own metadata, as Athena reads them')
            [CompletionResult]::new('--catalog-file', '--catalog-file', [CompletionResultType]::ParameterName, 'Use a JSON catalog file (Glue''s Table/Partition structure) instead of AWS Glue')
            [CompletionResult]::new('--update-behavior', '--update-behavior', [CompletionResultType]::ParameterName, 'How an existing table follows the data: merge adds and widens columns, never drops; replace takes the data''s columns; log never updates an existing table')
            [CompletionResult]::new('--delete-behavior', '--delete-behavior', [CompletionResultType]::ParameterName, 'What happens when data is gone: log warns; deprecate marks an empty table DEPRECATED_BY_CRAWLER; delete drops empty tables and partitions without data')
            [CompletionResult]::new('--partition-schema', '--partition-schema', [CompletionResultType]::ParameterName, 'Partition columns: inherit the table''s (what Athena needs for JSON and CSV), or own (Parquet only: each partition keeps the columns of its files)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Data format; auto detects Parquet by magic bytes, JSON lines by a leading {, else CSV')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only objects matching this glob (relative to ROOT; * stays within a folder, ** crosses)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip objects matching this glob (wins over --include)')
            [CompletionResult]::new('--sample-bytes', '--sample-bytes', [CompletionResultType]::ParameterName, 'Most bytes read from the start of each text object (ranged reads; Parquet reads only its footer)')
            [CompletionResult]::new('--sample-records', '--sample-records', [CompletionResultType]::ParameterName, 'Most records sampled from each text object')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Force a column''s type, e.g. --type price=decimal(10,2); resolves E_TYPE_CONFLICT')
            [CompletionResult]::new('--partition-type', '--partition-type', [CompletionResultType]::ParameterName, 'Type a partition key, e.g. --partition-type year=int (default: every key is string)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'CSV header: auto (Glue''s rule), yes or no')
            [CompletionResult]::new('--state-file', '--state-file', [CompletionResultType]::ParameterName, 'Remember each object''s sample in this file (keyed by size and ETag or modification time), so a re-crawl reads only new or changed objects; an unchanged root costs only its listing')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Concurrent S3 requests')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, else the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--discover-tables', '--discover-tables', [CompletionResultType]::ParameterName, 'Make a table of each folder at the table level under ROOT, named after the folder')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first table that fails (default: crawl the others, then exit 1)')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Print the changes and exit 0 without writing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the changes and exit 0 without writing')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Print the changes without writing; exit 1 when the catalog would change (CI drift check)')
            [CompletionResult]::new('--sanitize-names', '--sanitize-names', [CompletionResultType]::ParameterName, 'Column names as [a-z0-9_] only, with mapping.* SerDe parameters to the original keys')
            [CompletionResult]::new('--infer-temporal', '--infer-temporal', [CompletionResultType]::ParameterName, 'Type JSON strings and CSV cells that are ISO-8601 dates (2024-01-31) as date and timestamps (2024-01-31T10:00:00.5Z, 2024-01-31 10:00:00) as timestamp, when every sampled value of the column is one; the SerDe is told the timestamp forms seen')
            [CompletionResult]::new('--adopt', '--adopt', [CompletionResultType]::ParameterName, 'Take over an existing table that lakeops did not create')
            [CompletionResult]::new('--recreate', '--recreate', [CompletionResultType]::ParameterName, 'Drop and recreate the table when its format, compression, delimiter or partition keys no longer match the data (instead of failing with E_INCOMPATIBLE)')
            [CompletionResult]::new('--skip-mismatched', '--skip-mismatched', [CompletionResultType]::ParameterName, 'Ignore (with a warning) objects whose partition layout differs from the majority''s, instead of failing with E_PARTITION_LAYOUT')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show where each column and partition key came from: the object and record where it first appeared, its first value, and each widening of its type with the object and record that caused it (in the plan; --json: explain records)')
            [CompletionResult]::new('--s3-path-style', '--s3-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (bucket in the path) even without --endpoint-url')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('flink', 'flink', [CompletionResultType]::ParameterValue, 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups')
            [CompletionResult]::new('ingestion', 'ingestion', [CompletionResultType]::ParameterValue, 'Amazon OpenSearch Ingestion: pipeline OCUs')
            [CompletionResult]::new('serverless', 'serverless', [CompletionResultType]::ParameterValue, 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage')
            [CompletionResult]::new('glue', 'glue', [CompletionResultType]::ParameterValue, 'AWS Glue jobs and crawlers: DPU-hours')
            [CompletionResult]::new('athena-spark', 'athena-spark', [CompletionResultType]::ParameterValue, 'Amazon Athena for Apache Spark: DPU-hours')
            [CompletionResult]::new('emr-serverless', 'emr-serverless', [CompletionResultType]::ParameterValue, 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Several named workloads from a plan file (YAML or TOML), and their total')
            [CompletionResult]::new('live', 'live', [CompletionResultType]::ParameterValue, 'What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity from CloudWatch, with right-sizing verdicts')
            [CompletionResult]::new('actual', 'actual', [CompletionResultType]::ParameterValue, 'A month''s bill from Cost Explorer against a plan''s estimate, per service')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'The change in monthly cost between two plan files')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'The embedded price table, with sources and dates')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lakeops;cost;flink' {
            [CompletionResult]::new('--parallelism', '--parallelism', [CompletionResultType]::ParameterName, 'Application parallelism (default 1, or sized from --throughput-mbps)')
            [CompletionResult]::new('--parallelism-per-kpu', '--parallelism-per-kpu', [CompletionResultType]::ParameterName, 'Parallel tasks per KPU, 1..8')
            [CompletionResult]::new('--snapshot-gb', '--snapshot-gb', [CompletionResultType]::ParameterName, 'Durable application backups (snapshots), GB-month')
            [CompletionResult]::new('--throughput-mbps', '--throughput-mbps', [CompletionResultType]::ParameterName, 'Size parallelism by the documented starting point of 1 KPU per MB/s')
            [CompletionResult]::new('--cpu-utilization', '--cpu-utilization', [CompletionResultType]::ParameterName, 'Observed CPU utilisation (%), for right-sizing advice')
            [CompletionResult]::new('--memory-utilization', '--memory-utilization', [CompletionResultType]::ParameterName, 'Observed memory utilisation (%), for right-sizing advice')
            [CompletionResult]::new('--runs-per-month', '--runs-per-month', [CompletionResultType]::ParameterName, 'Batch-style application: starts a month (each billed at least 10 minutes)')
            [CompletionResult]::new('--minutes-per-run', '--minutes-per-run', [CompletionResultType]::ParameterName, 'Batch-style application: minutes per run')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region(s) to price in, comma-separated for a side-by-side estimate')
            [CompletionResult]::new('--hours-per-day', '--hours-per-day', [CompletionResultType]::ParameterName, 'Hours a day the workload runs (default: always on)')
            [CompletionResult]::new('--days-per-month', '--days-per-month', [CompletionResultType]::ParameterName, 'Days a month the workload runs; a month is then that many 24-hour days')
            [CompletionResult]::new('--hours-per-month', '--hours-per-month', [CompletionResultType]::ParameterName, 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--studio', '--studio', [CompletionResultType]::ParameterName, 'A Studio notebook (+2 KPUs instead of +1)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;ingestion' {
            [CompletionResult]::new('--ocus', '--ocus', [CompletionResultType]::ParameterName, 'OCUs the pipeline runs at')
            [CompletionResult]::new('--throughput', '--throughput', [CompletionResultType]::ParameterName, 'Size by throughput, e.g. 1Gbps or 500MiB/s (AWS documents ~2 MiB/s per OCU)')
            [CompletionResult]::new('--min-ocus', '--min-ocus', [CompletionResultType]::ParameterName, 'Minimum OCUs (default 1, 2 with persistent buffering; AWS recommends 2 for push sources)')
            [CompletionResult]::new('--max-ocus', '--max-ocus', [CompletionResultType]::ParameterName, 'Maximum OCUs of the pipeline (at most 96, 48 stateful, 384 with persistent buffering)')
            [CompletionResult]::new('--mib-per-ocu', '--mib-per-ocu', [CompletionResultType]::ParameterName, 'Throughput one OCU holds for your processors')
            [CompletionResult]::new('--scan-hours', '--scan-hours', [CompletionResultType]::ParameterName, 'A pull pipeline that scans for H hours, then idles at its minimum OCUs')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region(s) to price in, comma-separated for a side-by-side estimate')
            [CompletionResult]::new('--hours-per-day', '--hours-per-day', [CompletionResultType]::ParameterName, 'Hours a day the workload runs (default: always on)')
            [CompletionResult]::new('--days-per-month', '--days-per-month', [CompletionResultType]::ParameterName, 'Days a month the workload runs; a month is then that many 24-hour days')
            [CompletionResult]::new('--hours-per-month', '--hours-per-month', [CompletionResultType]::ParameterName, 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--persistent-buffer', '--persistent-buffer', [CompletionResultType]::ParameterName, 'Persistent buffering (min 2, max 384 OCUs)')
            [CompletionResult]::new('--stateful', '--stateful', [CompletionResultType]::ParameterName, 'Stateful processors (max 48 OCUs)')
            [CompletionResult]::new('--allow-over-limit', '--allow-over-limit', [CompletionResultType]::ParameterName, 'Estimate beyond one pipeline''s maximum (the pipelines needed are reported)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;serverless' {
            [CompletionResult]::new('--indexing-ocus', '--indexing-ocus', [CompletionResultType]::ParameterName, 'Indexing OCUs (default: the minimum)')
            [CompletionResult]::new('--search-ocus', '--search-ocus', [CompletionResultType]::ParameterName, 'Search OCUs (default: the minimum)')
            [CompletionResult]::new('--kms-keys', '--kms-keys', [CompletionResultType]::ParameterName, 'Distinct KMS keys (one minimum OCU set each)')
            [CompletionResult]::new('--storage-gb', '--storage-gb', [CompletionResultType]::ParameterName, 'Managed storage, GB')
            [CompletionResult]::new('--busy-hours-per-day', '--busy-hours-per-day', [CompletionResultType]::ParameterName, 'NextGen: busy hours a day')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region(s) to price in, comma-separated for a side-by-side estimate')
            [CompletionResult]::new('--hours-per-day', '--hours-per-day', [CompletionResultType]::ParameterName, 'Hours a day the workload runs (default: always on)')
            [CompletionResult]::new('--days-per-month', '--days-per-month', [CompletionResultType]::ParameterName, 'Days a month the workload runs; a month is then that many 24-hour days')
            [CompletionResult]::new('--hours-per-month', '--hours-per-month', [CompletionResultType]::ParameterName, 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--no-redundancy', '--no-redundancy', [CompletionResultType]::ParameterName, 'Dev/test collections without redundant replicas (minimum 0.5 + 0.5 OCU)')
            [CompletionResult]::new('--nextgen', '--nextgen', [CompletionResultType]::ParameterName, 'A NextGen collection group (scales to zero after 10 idle minutes); needs prices via --price')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;glue' {
            [CompletionResult]::new('--worker-type', '--worker-type', [CompletionResultType]::ParameterName, 'Worker type: G.025X, G.1X, G.2X, G.4X, G.8X')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Number of workers of --worker-type')
            [CompletionResult]::new('--dpus', '--dpus', [CompletionResultType]::ParameterName, 'DPUs directly (e.g. 0.0625 for a Python shell job)')
            [CompletionResult]::new('--minutes', '--minutes', [CompletionResultType]::ParameterName, 'Minutes per run')
            [CompletionResult]::new('--runs-per-month', '--runs-per-month', [CompletionResultType]::ParameterName, 'Runs a month')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region(s) to price in, comma-separated for a side-by-side estimate')
            [CompletionResult]::new('--hours-per-day', '--hours-per-day', [CompletionResultType]::ParameterName, 'Hours a day the workload runs (default: always on)')
            [CompletionResult]::new('--days-per-month', '--days-per-month', [CompletionResultType]::ParameterName, 'Days a month the workload runs; a month is then that many 24-hour days')
            [CompletionResult]::new('--hours-per-month', '--hours-per-month', [CompletionResultType]::ParameterName, 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--flex', '--flex', [CompletionResultType]::ParameterName, 'Flex execution (G.1X/G.2X jobs)')
            [CompletionResult]::new('--crawler', '--crawler', [CompletionResultType]::ParameterName, 'A crawler run (10-minute minimum)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;athena-spark' {
            [CompletionResult]::new('--dpus', '--dpus', [CompletionResultType]::ParameterName, 'Spark DPUs (4 vCPU, 16 GB each)')
            [CompletionResult]::new('--minutes', '--minutes', [CompletionResultType]::ParameterName, 'Minutes per session')
            [CompletionResult]::new('--runs-per-month', '--runs-per-month', [CompletionResultType]::ParameterName, 'Runs a month')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region(s) to price in, comma-separated for a side-by-side estimate')
            [CompletionResult]::new('--hours-per-day', '--hours-per-day', [CompletionResultType]::ParameterName, 'Hours a day the workload runs (default: always on)')
            [CompletionResult]::new('--days-per-month', '--days-per-month', [CompletionResultType]::ParameterName, 'Days a month the workload runs; a month is then that many 24-hour days')
            [CompletionResult]::new('--hours-per-month', '--hours-per-month', [CompletionResultType]::ParameterName, 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;emr-serverless' {
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Workers per run')
            [CompletionResult]::new('--vcpu', '--vcpu', [CompletionResultType]::ParameterName, 'vCPUs per worker')
            [CompletionResult]::new('--memory-gb', '--memory-gb', [CompletionResultType]::ParameterName, 'Memory per worker, GB')
            [CompletionResult]::new('--storage-gb', '--storage-gb', [CompletionResultType]::ParameterName, 'Ephemeral storage per worker, GB (20 GB free)')
            [CompletionResult]::new('--minutes', '--minutes', [CompletionResultType]::ParameterName, 'Minutes per run (each worker billed at least 1)')
            [CompletionResult]::new('--runs-per-month', '--runs-per-month', [CompletionResultType]::ParameterName, 'Runs a month')
            [CompletionResult]::new('--arch', '--arch', [CompletionResultType]::ParameterName, 'Worker architecture (arm64 is about 20% cheaper)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region(s) to price in, comma-separated for a side-by-side estimate')
            [CompletionResult]::new('--hours-per-day', '--hours-per-day', [CompletionResultType]::ParameterName, 'Hours a day the workload runs (default: always on)')
            [CompletionResult]::new('--days-per-month', '--days-per-month', [CompletionResultType]::ParameterName, 'Days a month the workload runs; a month is then that many 24-hour days')
            [CompletionResult]::new('--hours-per-month', '--hours-per-month', [CompletionResultType]::ParameterName, 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;plan' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for workloads that name none')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--from-live', '--from-live', [CompletionResultType]::ParameterName, 'Write the running Flink applications, Ingestion pipelines and Serverless capacity of --region as a plan file (TOML, on stdout) instead of pricing one')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;live' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Regions to read, comma-separated (default: AWS_REGION, else the profile''s)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Services to read, comma-separated (default: all three)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days of CloudWatch metrics to judge by (1-455)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--fail-if-waste-above', '--fail-if-waste-above', [CompletionResultType]::ParameterName, 'Exit 1 when over-provisioned capacity wastes more than this many USD a month (for cron and CI)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;actual' {
            [CompletionResult]::new('--month', '--month', [CompletionResultType]::ParameterName, 'The calendar month, e.g. 2026-11 (GetCostAndUsage, unblended, by service and usage type)')
            [CompletionResult]::new('--fail-if-variance-pct', '--fail-if-variance-pct', [CompletionResultType]::ParameterName, 'Exit 1 when a service was billed more than P percent over its plan, or billed with nothing planned')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for workloads that name none')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;diff' {
            [CompletionResult]::new('--fail-if-increase-pct', '--fail-if-increase-pct', [CompletionResultType]::ParameterName, 'Exit 1 when the total rises by more than P percent (for CI)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for workloads that name none')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 1 when a monthly total is above this many USD (for CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the arithmetic behind each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;prices' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Only this region')
            [CompletionResult]::new('--price-file', '--price-file', [CompletionResultType]::ParameterName, 'Rows that replace the embedded ones (same CSV format: unit,region,usd,source,as_of)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (default), json (one document) or csv; --json prints typed records instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Deprecated spelling of --format')
            [CompletionResult]::new('--cache-file', '--cache-file', [CompletionResultType]::ParameterName, 'Where --refresh writes (default: $XDG_CACHE_HOME/lakeops/prices.csv)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile for --refresh')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Price List API endpoint for --refresh (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Fetch current on-demand prices with the AWS Price List API (GetProducts) into a cache file and print what changed; estimates use it with --price-file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;cost;help' {
            [CompletionResult]::new('flink', 'flink', [CompletionResultType]::ParameterValue, 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups')
            [CompletionResult]::new('ingestion', 'ingestion', [CompletionResultType]::ParameterValue, 'Amazon OpenSearch Ingestion: pipeline OCUs')
            [CompletionResult]::new('serverless', 'serverless', [CompletionResultType]::ParameterValue, 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage')
            [CompletionResult]::new('glue', 'glue', [CompletionResultType]::ParameterValue, 'AWS Glue jobs and crawlers: DPU-hours')
            [CompletionResult]::new('athena-spark', 'athena-spark', [CompletionResultType]::ParameterValue, 'Amazon Athena for Apache Spark: DPU-hours')
            [CompletionResult]::new('emr-serverless', 'emr-serverless', [CompletionResultType]::ParameterValue, 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Several named workloads from a plan file (YAML or TOML), and their total')
            [CompletionResult]::new('live', 'live', [CompletionResultType]::ParameterValue, 'What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity from CloudWatch, with right-sizing verdicts')
            [CompletionResult]::new('actual', 'actual', [CompletionResultType]::ParameterValue, 'A month''s bill from Cost Explorer against a plan''s estimate, per service')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'The change in monthly cost between two plan files')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'The embedded price table, with sources and dates')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lakeops;cost;help;flink' {
            break
        }
        'lakeops;cost;help;ingestion' {
            break
        }
        'lakeops;cost;help;serverless' {
            break
        }
        'lakeops;cost;help;glue' {
            break
        }
        'lakeops;cost;help;athena-spark' {
            break
        }
        'lakeops;cost;help;emr-serverless' {
            break
        }
        'lakeops;cost;help;plan' {
            break
        }
        'lakeops;cost;help;live' {
            break
        }
        'lakeops;cost;help;actual' {
            break
        }
        'lakeops;cost;help;diff' {
            break
        }
        'lakeops;cost;help;prices' {
            break
        }
        'lakeops;cost;help;help' {
            break
        }
        'lakeops;embed' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output directory or s3:// prefix: one Parquet file per input, named after it, in the input''s folder')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output directory or s3:// prefix: one Parquet file per input, named after it, in the input''s folder')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination')
            [CompletionResult]::new('--text-column', '--text-column', [CompletionResultType]::ParameterName, 'Column (Parquet) or field (JSON) holding the text; nested as metadata.title')
            [CompletionResult]::new('--id-column', '--id-column', [CompletionResultType]::ParameterName, 'Column or field holding the document id (default: the row number in its input)')
            [CompletionResult]::new('--keep-columns', '--keep-columns', [CompletionResultType]::ParameterName, 'Copy these source columns or fields (nested as metadata.title) onto every chunk row, as text named with _ for . (metadata_title): strings as they are, numbers and booleans as written, objects and arrays as JSON')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model folder in sentence-transformers layout, or a Hugging Face id in the local HF cache')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Chunk size, in --chunk-unit')
            [CompletionResult]::new('--chunk-overlap', '--chunk-overlap', [CompletionResultType]::ParameterName, 'Overlap between consecutive chunks, in --chunk-unit')
            [CompletionResult]::new('--chunk-unit', '--chunk-unit', [CompletionResultType]::ParameterName, 'Measure chunks in characters or in model tokens')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'auto (a GPU when usable, else the CPU), cpu, cuda or cuda:N, a list of them (cuda:0,cuda:1; cpu,cpu) or cuda:all: one encoder per device, fed by one reader, the output the same')
            [CompletionResult]::new('--dtype', '--dtype', [CompletionResultType]::ParameterName, 'Compute precision (default: f32 on the CPU, bf16 on a GPU)')
            [CompletionResult]::new('--kernels', '--kernels', [CompletionResultType]::ParameterName, 'Encoder kernels on a GPU in bf16/f16 (the CPU and f32 always run the generic path)')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Most chunks per encoder batch (default: 32 on the CPU, 512 on a GPU)')
            [CompletionResult]::new('--batch-tokens', '--batch-tokens', [CompletionResultType]::ParameterName, 'Most padded tokens per encoder batch (default: 8192 on the CPU, 131072 on a GPU)')
            [CompletionResult]::new('--max-seq-length', '--max-seq-length', [CompletionResultType]::ParameterName, 'Truncate chunks to this many tokens (default: the model''s, from sentence_bert_config.json)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, else the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each input with its output and whether it would be embedded or skipped; embed nothing')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Embed every input again, even those whose output is complete with the same parameters')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first input that cannot be embedded (exit 2) instead of embedding the others and exiting 1')
            [CompletionResult]::new('--s3-path-style', '--s3-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (bucket in the path) even without --endpoint-url')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;load' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to load: postgresql://user@host:port/db (libpq URL; PG* variables and ~/.pgpass fill what it leaves out), https://host[:port] (OpenSearch; user:password@ for basic auth, SigV4 for *.es/*.aoss.amazonaws.com), or file://DIR or s3://bucket/prefix/ (the same _bulk NDJSON bodies as files, for OpenSearch Ingestion or curl)')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'PostgreSQL table, NAME or SCHEMA.NAME (created when missing)')
            [CompletionResult]::new('--index', '--index', [CompletionResultType]::ParameterName, 'OpenSearch index (created when missing); also names the _bulk files')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination')
            [CompletionResult]::new('--id-column', '--id-column', [CompletionResultType]::ParameterName, 'Column holding the document id (text or integer)')
            [CompletionResult]::new('--text-column', '--text-column', [CompletionResultType]::ParameterName, 'Column holding the chunk''s text')
            [CompletionResult]::new('--vector-column', '--vector-column', [CompletionResultType]::ParameterName, 'Column holding the vectors (FixedSizeList<Float32>)')
            [CompletionResult]::new('--keep-columns', '--keep-columns', [CompletionResultType]::ParameterName, 'Extra columns to store, as text (default: the columns embed --keep-columns copied)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Distance the index is built for (default: the inputs'' metadata, else cosine)')
            [CompletionResult]::new('--index-method', '--index-method', [CompletionResultType]::ParameterName, 'Index to build after loading')
            [CompletionResult]::new('--m', '--m', [CompletionResultType]::ParameterName, 'HNSW: links per node')
            [CompletionResult]::new('--ef-construction', '--ef-construction', [CompletionResultType]::ParameterName, 'HNSW: candidate list size while building')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'OpenSearch: the k-NN engine of the index''s HNSW')
            [CompletionResult]::new('--lists', '--lists', [CompletionResultType]::ParameterName, 'IVFFlat: lists (default: rows / 1000, or √rows above a million rows)')
            [CompletionResult]::new('--maintenance-work-mem', '--maintenance-work-mem', [CompletionResultType]::ParameterName, 'maintenance_work_mem for the index build (PostgreSQL''s units: 512MB, 2GB)')
            [CompletionResult]::new('--parallel-workers', '--parallel-workers', [CompletionResultType]::ParameterName, 'max_parallel_maintenance_workers for the index build')
            [CompletionResult]::new('--verify-queries', '--verify-queries', [CompletionResultType]::ParameterName, 'Stored vectors used as queries by --verify')
            [CompletionResult]::new('--ef-search', '--ef-search', [CompletionResultType]::ParameterName, 'hnsw.ef_search for --verify''s queries (default: pgvector''s, 40); OpenSearch: the index''s ef_search')
            [CompletionResult]::new('--probes', '--probes', [CompletionResultType]::ParameterName, 'ivfflat.probes for --verify''s queries (default: pgvector''s, 1)')
            [CompletionResult]::new('--min-recall', '--min-recall', [CompletionResultType]::ParameterName, 'Exit 1 when --verify measures a recall below R (0 to 1); implies --verify')
            [CompletionResult]::new('--part-rows', '--part-rows', [CompletionResultType]::ParameterName, 'Rows per part: one transaction, the unit a rerun skips')
            [CompletionResult]::new('--bulk-bytes', '--bulk-bytes', [CompletionResultType]::ParameterName, 'OpenSearch: the most bytes in one _bulk request (or file)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'OpenSearch: attempts per request on 429, 5xx and dropped connections, with exponential backoff')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Parts loaded at once (PostgreSQL: one connection each; OpenSearch: _bulk requests in flight)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Sign OpenSearch requests with SigV4 for this service (default: from the host, *.es.amazonaws.com or *.aoss.amazonaws.com)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, else the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--vacuum', '--vacuum', [CompletionResultType]::ParameterName, 'VACUUM (ANALYZE) the table after the index is built')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After loading, compare the stored row count with the rows read and measure the index''s recall@10 against exact search, with p50/p99 query latency')
            [CompletionResult]::new('--rds-iam', '--rds-iam', [CompletionResultType]::ParameterName, 'Sign in to Amazon RDS with an IAM auth token made from the AWS credentials (instead of a password); use with sslmode=verify-full and the RDS CA bundle as sslrootcert')
            [CompletionResult]::new('--s3-path-style', '--s3-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (bucket in the path) even without --endpoint-url')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;query' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read the SQL from this file')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the SQL from this file')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Register a table: NAME=LOCATION (repeatable)')
            [CompletionResult]::new('--catalog-file', '--catalog-file', [CompletionResultType]::ParameterName, 'Register every table of --database from this local catalog (the file `crawl --catalog-file` writes): the catalog''s columns, partition keys and formats define them')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'The catalog database whose tables --catalog-file registers; unqualified table names resolve in it (others as DATABASE.TABLE)')
            [CompletionResult]::new('--glue-database', '--glue-database', [CompletionResultType]::ParameterName, 'Register every table of this AWS Glue database (columns, partition keys, locations and formats from the catalog); unqualified table names resolve in it')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print the result (default: table); --json prints typed records instead')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this Parquet file instead of printing it')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this Parquet file instead of printing it')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Deprecated spelling of -o/--output FILE.parquet')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (default: AWS_PROFILE, else the default profile)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, else the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--fail-if-empty', '--fail-if-empty', [CompletionResultType]::ParameterName, 'Exit 1 when the result has no rows ("did last night''s partition land?")')
            [CompletionResult]::new('--s3-path-style', '--s3-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (bucket in the path) even without --endpoint-url')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;version' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;generate' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Repository root to write completions/ and man/ into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar, no summary)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lakeops;help' {
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert JSON lines (zstd, gzip or plain) to Parquet')
            [CompletionResult]::new('crawl', 'crawl', [CompletionResultType]::ParameterValue, 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first')
            [CompletionResult]::new('cost', 'cost', [CompletionResultType]::ParameterValue, 'Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless')
            [CompletionResult]::new('embed', 'embed', [CompletionResultType]::ParameterValue, 'Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load embedding Parquet into PostgreSQL + pgvector or OpenSearch, with an index and a recall check')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version, git revision, cargo features and engine versions (for bug reports)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lakeops;help;convert' {
            break
        }
        'lakeops;help;crawl' {
            break
        }
        'lakeops;help;cost' {
            [CompletionResult]::new('flink', 'flink', [CompletionResultType]::ParameterValue, 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups')
            [CompletionResult]::new('ingestion', 'ingestion', [CompletionResultType]::ParameterValue, 'Amazon OpenSearch Ingestion: pipeline OCUs')
            [CompletionResult]::new('serverless', 'serverless', [CompletionResultType]::ParameterValue, 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage')
            [CompletionResult]::new('glue', 'glue', [CompletionResultType]::ParameterValue, 'AWS Glue jobs and crawlers: DPU-hours')
            [CompletionResult]::new('athena-spark', 'athena-spark', [CompletionResultType]::ParameterValue, 'Amazon Athena for Apache Spark: DPU-hours')
            [CompletionResult]::new('emr-serverless', 'emr-serverless', [CompletionResultType]::ParameterValue, 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Several named workloads from a plan file (YAML or TOML), and their total')
            [CompletionResult]::new('live', 'live', [CompletionResultType]::ParameterValue, 'What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity from CloudWatch, with right-sizing verdicts')
            [CompletionResult]::new('actual', 'actual', [CompletionResultType]::ParameterValue, 'A month''s bill from Cost Explorer against a plan''s estimate, per service')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'The change in monthly cost between two plan files')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'The embedded price table, with sources and dates')
            break
        }
        'lakeops;help;cost;flink' {
            break
        }
        'lakeops;help;cost;ingestion' {
            break
        }
        'lakeops;help;cost;serverless' {
            break
        }
        'lakeops;help;cost;glue' {
            break
        }
        'lakeops;help;cost;athena-spark' {
            break
        }
        'lakeops;help;cost;emr-serverless' {
            break
        }
        'lakeops;help;cost;plan' {
            break
        }
        'lakeops;help;cost;live' {
            break
        }
        'lakeops;help;cost;actual' {
            break
        }
        'lakeops;help;cost;diff' {
            break
        }
        'lakeops;help;cost;prices' {
            break
        }
        'lakeops;help;embed' {
            break
        }
        'lakeops;help;load' {
            break
        }
        'lakeops;help;query' {
            break
        }
        'lakeops;help;version' {
            break
        }
        'lakeops;help;generate' {
            break
        }
        'lakeops;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
