# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_lakeops_global_optspecs
    string join \n q/quiet v/verbose json color= h/help V/version
end

function __fish_lakeops_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_lakeops_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_lakeops_using_subcommand
    set -l cmd (__fish_lakeops_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c lakeops -n "__fish_lakeops_needs_command" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_needs_command" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_needs_command" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_needs_command" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_needs_command" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "convert" -d 'Convert JSON lines (zstd, gzip or plain) to Parquet'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "crawl" -d 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "cost" -d 'Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "embed" -d 'Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "load" -d 'Load embedding Parquet into PostgreSQL + pgvector or OpenSearch, with an index and a recall check'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "query" -d 'SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "version" -d 'Print the version, git revision, cargo features and engine versions (for bug reports)'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "generate" -d 'Write shell completions and man pages (for maintainers)'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s o -l output -d 'Output directory or s3:// prefix (one Parquet file per input, named after it, in the input\'s folder), or a .parquet file (local or S3) when there is one input' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l include -d 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l exclude -d 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l shard -d 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l state -d 'Where the resume manifest lives, a directory or s3:// prefix (default: beside the output, OUTPUT.lakeops-state/; never inside it, so readers of the output see data files only)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s j -l jobs -d 'Inputs converted at the same time; each holds a row group in memory (--row-group-size) and, for S3 output, up to (--part-concurrency + 1) parts' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l part-size -d 'S3 multipart upload part size (at least 5MiB)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l part-concurrency -d 'Parts of one output object uploaded at the same time' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l compression -d 'Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4, none' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l row-group-size -d 'Row group size: a number of rows (100000) or bytes (32MiB, 128MB) of the rows in memory, about the row group\'s uncompressed size in the file. Up to two row groups per input in flight are held in memory: one filling, one being compressed' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l max-rows-per-file -d 'Split each input\'s output into numbered parts of at most this many rows' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l max-file-size -d 'Split each input\'s output into numbered parts of about this size (a part is closed after the row group that reaches it)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l threads -d 'Worker threads for parsing (default: all cores)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l schema -d 'Use this schema (as printed by --print-schema) instead of inferring one; values that do not fit it are rejected' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l sample-rows -d 'Records read from the start of each input to infer the schema, or "all" for a full pass first. Later records that do not fit are rejected, never silently changed' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l on-error -d 'What to do with a line that cannot become a row' -r -f -a "fail\t'Stop at the first bad line with FILE:LINE and exit 2; the output in progress is removed'
skip\t'Count bad lines, convert the rest, exit 1'
dead-letter\t'Write bad lines to OUTPUT/_rejected/<input>.jsonl with the reason, exit 1'"
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l max-line-bytes -d 'Longest line taken; a longer one is rejected like any line that cannot become a row (its dead-letter record keeps its first KiB), so memory stays bounded on newline-free input' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l region -d 'AWS region (default: AWS_REGION, else the profile\'s)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l dry-run -d 'Print each input with its output and whether it would be converted or skipped; write nothing'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l overwrite -d 'Convert every input again, even those the resume manifest records as converted with the same settings and whose outputs are unchanged'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l print-schema -d 'Print the inferred schema as JSON on stdout and exit without converting'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l s3-path-style -d 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l database -d 'Glue database (created when missing)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l table -d 'Table name (default: the last component of ROOT, lowercased, [^a-z0-9_] as _, at most 128 characters)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l table-prefix -d 'Put P before the default table name (made Glue-safe the same way), as a Glue crawler\'s table prefix does' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l table-level -d 'The folder level that holds the tables, counted as a Glue crawler\'s table level: 1 is the first folder under the bucket (or under a local ROOT). Default: the shallowest level at which every folder has a consistent partition layout' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l open-tables -d 'Iceberg, Delta Lake and Hudi tables: leave them alone (reported, nothing written), or register Iceberg and Delta Lake tables from their own metadata, as Athena reads them' -r -f -a "leave\t''
register\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l catalog-file -d 'Use a JSON catalog file (Glue\'s Table/Partition structure) instead of AWS Glue' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l update-behavior -d 'How an existing table follows the data: merge adds and widens columns, never drops; replace takes the data\'s columns; log never updates an existing table' -r -f -a "merge\t''
replace\t''
log\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l delete-behavior -d 'What happens when data is gone: log warns; deprecate marks an empty table DEPRECATED_BY_CRAWLER; delete drops empty tables and partitions without data' -r -f -a "log\t''
deprecate\t''
delete\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l partition-schema -d 'Partition columns: inherit the table\'s (what Athena needs for JSON and CSV), or own (Parquet only: each partition keeps the columns of its files)' -r -f -a "inherit\t''
own\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l format -d 'Data format; auto detects Parquet by magic bytes, JSON lines by a leading {, else CSV' -r -f -a "auto\t''
json\t''
parquet\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l include -d 'Only objects matching this glob (relative to ROOT; * stays within a folder, ** crosses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l exclude -d 'Skip objects matching this glob (wins over --include)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l sample-bytes -d 'Most bytes read from the start of each text object (ranged reads; Parquet reads only its footer)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l sample-records -d 'Most records sampled from each text object' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l type -d 'Force a column\'s type, e.g. --type price=decimal(10,2); resolves E_TYPE_CONFLICT' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l partition-type -d 'Type a partition key, e.g. --partition-type year=int (default: every key is string)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l header -d 'CSV header: auto (Glue\'s rule), yes or no' -r -f -a "auto\t''
yes\t''
no\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l state-file -d 'Remember each object\'s sample in this file (keyed by size and ETag or modification time), so a re-crawl reads only new or changed objects; an unchanged root costs only its listing' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l concurrency -d 'Concurrent S3 requests' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l region -d 'AWS region (default: AWS_REGION, else the profile\'s)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l discover-tables -d 'Make a table of each folder at the table level under ROOT, named after the folder'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l fail-fast -d 'Stop at the first table that fails (default: crawl the others, then exit 1)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l plan -l dry-run -d 'Print the changes and exit 0 without writing'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l check -d 'Print the changes without writing; exit 1 when the catalog would change (CI drift check)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l sanitize-names -d 'Column names as [a-z0-9_] only, with mapping.* SerDe parameters to the original keys'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l infer-temporal -d 'Type JSON strings and CSV cells that are ISO-8601 dates (2024-01-31) as date and timestamps (2024-01-31T10:00:00.5Z, 2024-01-31 10:00:00) as timestamp, when every sampled value of the column is one; the SerDe is told the timestamp forms seen'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l adopt -d 'Take over an existing table that lakeops did not create'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l recreate -d 'Drop and recreate the table when its format, compression, delimiter or partition keys no longer match the data (instead of failing with E_INCOMPATIBLE)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l skip-mismatched -d 'Ignore (with a warning) objects whose partition layout differs from the majority\'s, instead of failing with E_PARTITION_LAYOUT'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l explain -d 'Show where each column and partition key came from: the object and record where it first appeared, its first value, and each widening of its type with the object and record that caused it (in the plan; --json: explain records)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l s3-path-style -d 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "flink" -d 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "ingestion" -d 'Amazon OpenSearch Ingestion: pipeline OCUs'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "serverless" -d 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "glue" -d 'AWS Glue jobs and crawlers: DPU-hours'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "athena-spark" -d 'Amazon Athena for Apache Spark: DPU-hours'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "emr-serverless" -d 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "plan" -d 'Several named workloads from a plan file (YAML or TOML), and their total'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "live" -d 'What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity from CloudWatch, with right-sizing verdicts'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "actual" -d 'A month\'s bill from Cost Explorer against a plan\'s estimate, per service'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "diff" -d 'The change in monthly cost between two plan files'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "prices" -d 'The embedded price table, with sources and dates'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and not __fish_seen_subcommand_from flink ingestion serverless glue athena-spark emr-serverless plan live actual diff prices help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l parallelism -d 'Application parallelism (default 1, or sized from --throughput-mbps)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l parallelism-per-kpu -d 'Parallel tasks per KPU, 1..8' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l snapshot-gb -d 'Durable application backups (snapshots), GB-month' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l throughput-mbps -d 'Size parallelism by the documented starting point of 1 KPU per MB/s' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l cpu-utilization -d 'Observed CPU utilisation (%), for right-sizing advice' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l memory-utilization -d 'Observed memory utilisation (%), for right-sizing advice' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l runs-per-month -d 'Batch-style application: starts a month (each billed at least 10 minutes)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l minutes-per-run -d 'Batch-style application: minutes per run' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l region -d 'Region(s) to price in, comma-separated for a side-by-side estimate' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l hours-per-day -d 'Hours a day the workload runs (default: always on)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l days-per-month -d 'Days a month the workload runs; a month is then that many 24-hour days' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l hours-per-month -d 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l studio -d 'A Studio notebook (+2 KPUs instead of +1)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from flink" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l ocus -d 'OCUs the pipeline runs at' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l throughput -d 'Size by throughput, e.g. 1Gbps or 500MiB/s (AWS documents ~2 MiB/s per OCU)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l min-ocus -d 'Minimum OCUs (default 1, 2 with persistent buffering; AWS recommends 2 for push sources)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l max-ocus -d 'Maximum OCUs of the pipeline (at most 96, 48 stateful, 384 with persistent buffering)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l mib-per-ocu -d 'Throughput one OCU holds for your processors' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l scan-hours -d 'A pull pipeline that scans for H hours, then idles at its minimum OCUs' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l region -d 'Region(s) to price in, comma-separated for a side-by-side estimate' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l hours-per-day -d 'Hours a day the workload runs (default: always on)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l days-per-month -d 'Days a month the workload runs; a month is then that many 24-hour days' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l hours-per-month -d 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l persistent-buffer -d 'Persistent buffering (min 2, max 384 OCUs)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l stateful -d 'Stateful processors (max 48 OCUs)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l allow-over-limit -d 'Estimate beyond one pipeline\'s maximum (the pipelines needed are reported)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from ingestion" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l indexing-ocus -d 'Indexing OCUs (default: the minimum)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l search-ocus -d 'Search OCUs (default: the minimum)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l kms-keys -d 'Distinct KMS keys (one minimum OCU set each)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l storage-gb -d 'Managed storage, GB' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l busy-hours-per-day -d 'NextGen: busy hours a day' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l region -d 'Region(s) to price in, comma-separated for a side-by-side estimate' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l hours-per-day -d 'Hours a day the workload runs (default: always on)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l days-per-month -d 'Days a month the workload runs; a month is then that many 24-hour days' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l hours-per-month -d 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l no-redundancy -d 'Dev/test collections without redundant replicas (minimum 0.5 + 0.5 OCU)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l nextgen -d 'A NextGen collection group (scales to zero after 10 idle minutes); needs prices via --price'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from serverless" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l worker-type -d 'Worker type: G.025X, G.1X, G.2X, G.4X, G.8X' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l workers -d 'Number of workers of --worker-type' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l dpus -d 'DPUs directly (e.g. 0.0625 for a Python shell job)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l minutes -d 'Minutes per run' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l runs-per-month -d 'Runs a month' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l region -d 'Region(s) to price in, comma-separated for a side-by-side estimate' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l hours-per-day -d 'Hours a day the workload runs (default: always on)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l days-per-month -d 'Days a month the workload runs; a month is then that many 24-hour days' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l hours-per-month -d 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l flex -d 'Flex execution (G.1X/G.2X jobs)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l crawler -d 'A crawler run (10-minute minimum)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from glue" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l dpus -d 'Spark DPUs (4 vCPU, 16 GB each)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l minutes -d 'Minutes per session' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l runs-per-month -d 'Runs a month' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l region -d 'Region(s) to price in, comma-separated for a side-by-side estimate' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l hours-per-day -d 'Hours a day the workload runs (default: always on)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l days-per-month -d 'Days a month the workload runs; a month is then that many 24-hour days' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l hours-per-month -d 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from athena-spark" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l workers -d 'Workers per run' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l vcpu -d 'vCPUs per worker' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l memory-gb -d 'Memory per worker, GB' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l storage-gb -d 'Ephemeral storage per worker, GB (20 GB free)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l minutes -d 'Minutes per run (each worker billed at least 1)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l runs-per-month -d 'Runs a month' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l arch -d 'Worker architecture (arm64 is about 20% cheaper)' -r -f -a "x86_64\t''
arm64\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l region -d 'Region(s) to price in, comma-separated for a side-by-side estimate' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l hours-per-day -d 'Hours a day the workload runs (default: always on)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l days-per-month -d 'Days a month the workload runs; a month is then that many 24-hour days' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l hours-per-month -d 'Hours a month the workload runs (default 730, as the AWS Pricing Calculator uses)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from emr-serverless" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l region -d 'Region for workloads that name none' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l from-live -d 'Write the running Flink applications, Ingestion pipelines and Serverless capacity of --region as a plan file (TOML, on stdout) instead of pricing one'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from plan" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l region -d 'Regions to read, comma-separated (default: AWS_REGION, else the profile\'s)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l service -d 'Services to read, comma-separated (default: all three)' -r -f -a "flink\t''
ingestion\t''
serverless\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l days -d 'Days of CloudWatch metrics to judge by (1-455)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l fail-if-waste-above -d 'Exit 1 when over-provisioned capacity wastes more than this many USD a month (for cron and CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from live" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l month -d 'The calendar month, e.g. 2026-11 (GetCostAndUsage, unblended, by service and usage type)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l fail-if-variance-pct -d 'Exit 1 when a service was billed more than P percent over its plan, or billed with nothing planned' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l region -d 'Region for workloads that name none' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto server (also AWS_ENDPOINT_URL)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from actual" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l fail-if-increase-pct -d 'Exit 1 when the total rises by more than P percent (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l region -d 'Region for workloads that name none' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l price -d 'Override a unit price in every region, e.g. --price flink.kpu-hour=0.12' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l price-file -d 'Price rows that replace the embedded ones (CSV: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l fail-above -d 'Exit 1 when a monthly total is above this many USD (for CI)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l explain -d 'Show the arithmetic behind each line'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l region -d 'Only this region' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l price-file -d 'Rows that replace the embedded ones (same CSV format: unit,region,usd,source,as_of)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l format -d 'table (default), json (one document) or csv; --json prints typed records instead' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l output -d 'Deprecated spelling of --format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l cache-file -d 'Where --refresh writes (default: $XDG_CACHE_HOME/lakeops/prices.csv)' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l profile -d 'AWS profile for --refresh' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l endpoint-url -d 'Price List API endpoint for --refresh (also AWS_ENDPOINT_URL)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l refresh -d 'Fetch current on-demand prices with the AWS Price List API (GetProducts) into a cache file and print what changed; estimates use it with --price-file'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from prices" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "flink" -d 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "ingestion" -d 'Amazon OpenSearch Ingestion: pipeline OCUs'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "serverless" -d 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "glue" -d 'AWS Glue jobs and crawlers: DPU-hours'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "athena-spark" -d 'Amazon Athena for Apache Spark: DPU-hours'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "emr-serverless" -d 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Several named workloads from a plan file (YAML or TOML), and their total'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "live" -d 'What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity from CloudWatch, with right-sizing verdicts'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "actual" -d 'A month\'s bill from Cost Explorer against a plan\'s estimate, per service'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "diff" -d 'The change in monthly cost between two plan files'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "prices" -d 'The embedded price table, with sources and dates'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s o -l output -d 'Output directory or s3:// prefix: one Parquet file per input, named after it, in the input\'s folder' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l include -d 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l exclude -d 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l shard -d 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l text-column -d 'Column (Parquet) or field (JSON) holding the text; nested as metadata.title' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l id-column -d 'Column or field holding the document id (default: the row number in its input)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l keep-columns -d 'Copy these source columns or fields (nested as metadata.title) onto every chunk row, as text named with _ for . (metadata_title): strings as they are, numbers and booleans as written, objects and arrays as JSON' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l model -d 'Model folder in sentence-transformers layout, or a Hugging Face id in the local HF cache' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l chunk-size -d 'Chunk size, in --chunk-unit' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l chunk-overlap -d 'Overlap between consecutive chunks, in --chunk-unit' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l chunk-unit -d 'Measure chunks in characters or in model tokens' -r -f -a "chars\t''
tokens\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l device -d 'auto (a GPU when usable, else the CPU), cpu, cuda or cuda:N, a list of them (cuda:0,cuda:1; cpu,cpu) or cuda:all: one encoder per device, fed by one reader, the output the same' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l dtype -d 'Compute precision (default: f32 on the CPU, bf16 on a GPU)' -r -f -a "f32\t''
f16\t''
bf16\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l kernels -d 'Encoder kernels on a GPU in bf16/f16 (the CPU and f32 always run the generic path)' -r -f -a "fused\t'The fused encoder (cuBLASLt epilogues, own softmax/LayerNorm/pooling kernels)'
fused-erf\t'The fused encoder with the exact (erf) GELU in its own pass'
generic\t'candle\'s generic ops: the reference path'"
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l batch-size -d 'Most chunks per encoder batch (default: 32 on the CPU, 512 on a GPU)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l batch-tokens -d 'Most padded tokens per encoder batch (default: 8192 on the CPU, 131072 on a GPU)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l max-seq-length -d 'Truncate chunks to this many tokens (default: the model\'s, from sentence_bert_config.json)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l region -d 'AWS region (default: AWS_REGION, else the profile\'s)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l dry-run -d 'Print each input with its output and whether it would be embedded or skipped; embed nothing'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l overwrite -d 'Embed every input again, even those whose output is complete with the same parameters'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l fail-fast -d 'Stop at the first input that cannot be embedded (exit 2) instead of embedding the others and exiting 1'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l s3-path-style -d 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l to -d 'Where to load: postgresql://user@host:port/db (libpq URL; PG* variables and ~/.pgpass fill what it leaves out), https://host[:port] (OpenSearch; user:password@ for basic auth, SigV4 for *.es/*.aoss.amazonaws.com), or file://DIR or s3://bucket/prefix/ (the same _bulk NDJSON bodies as files, for OpenSearch Ingestion or curl)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l table -d 'PostgreSQL table, NAME or SCHEMA.NAME (created when missing)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l index -d 'OpenSearch index (created when missing); also names the _bulk files' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l include -d 'Take only inputs whose path below their INPUT argument matches this glob (repeatable; `*` stays within a folder, `**` crosses folders, as in Glue)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l exclude -d 'Leave out inputs whose path below their INPUT argument matches this glob (repeatable; wins over --include)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l shard -d 'Take only shard K of N (0 <= K < N): a fixed split of the inputs by a hash of their path, so N processes given the same command share the work without coordination' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l id-column -d 'Column holding the document id (text or integer)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l text-column -d 'Column holding the chunk\'s text' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l vector-column -d 'Column holding the vectors (FixedSizeList<Float32>)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l keep-columns -d 'Extra columns to store, as text (default: the columns embed --keep-columns copied)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l metric -d 'Distance the index is built for (default: the inputs\' metadata, else cosine)' -r -f -a "cosine\t''
l2\t''
ip\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l index-method -d 'Index to build after loading' -r -f -a "hnsw\t''
ivfflat\t''
none\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l m -d 'HNSW: links per node' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l ef-construction -d 'HNSW: candidate list size while building' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l engine -d 'OpenSearch: the k-NN engine of the index\'s HNSW' -r -f -a "faiss\t''
lucene\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l lists -d 'IVFFlat: lists (default: rows / 1000, or √rows above a million rows)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l maintenance-work-mem -d 'maintenance_work_mem for the index build (PostgreSQL\'s units: 512MB, 2GB)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l parallel-workers -d 'max_parallel_maintenance_workers for the index build' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l verify-queries -d 'Stored vectors used as queries by --verify' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l ef-search -d 'hnsw.ef_search for --verify\'s queries (default: pgvector\'s, 40); OpenSearch: the index\'s ef_search' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l probes -d 'ivfflat.probes for --verify\'s queries (default: pgvector\'s, 1)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l min-recall -d 'Exit 1 when --verify measures a recall below R (0 to 1); implies --verify' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l part-rows -d 'Rows per part: one transaction, the unit a rerun skips' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l bulk-bytes -d 'OpenSearch: the most bytes in one _bulk request (or file)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l max-attempts -d 'OpenSearch: attempts per request on 429, 5xx and dropped connections, with exponential backoff' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l concurrency -d 'Parts loaded at once (PostgreSQL: one connection each; OpenSearch: _bulk requests in flight)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l service -d 'Sign OpenSearch requests with SigV4 for this service (default: from the host, *.es.amazonaws.com or *.aoss.amazonaws.com)' -r -f -a "es\t'Amazon OpenSearch Service'
aoss\t'Amazon OpenSearch Serverless'"
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l region -d 'AWS region (default: AWS_REGION, else the profile\'s)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l vacuum -d 'VACUUM (ANALYZE) the table after the index is built'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l verify -d 'After loading, compare the stored row count with the rows read and measure the index\'s recall@10 against exact search, with p50/p99 query latency'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l rds-iam -d 'Sign in to Amazon RDS with an IAM auth token made from the AWS credentials (instead of a password); use with sslmode=verify-full and the RDS CA bundle as sslrootcert'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l s3-path-style -d 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand load" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s f -l file -d 'Read the SQL from this file' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l table -d 'Register a table: NAME=LOCATION (repeatable)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l catalog-file -d 'Register every table of --database from this local catalog (the file `crawl --catalog-file` writes): the catalog\'s columns, partition keys and formats define them' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l database -d 'The catalog database whose tables --catalog-file registers; unqualified table names resolve in it (others as DATABASE.TABLE)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l glue-database -d 'Register every table of this AWS Glue database (columns, partition keys, locations and formats from the catalog); unqualified table names resolve in it' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l format -d 'How to print the result (default: table); --json prints typed records instead' -r -f -a "table\t'An aligned text table (NULL for nulls)'
json\t'One JSON array of row objects'
ndjson\t'One JSON object per row, a line each'
csv\t'CSV with a header row'"
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s o -l output -d 'Write the result to this Parquet file instead of printing it' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l out -d 'Deprecated spelling of -o/--output FILE.parquet' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l profile -d 'AWS profile (default: AWS_PROFILE, else the default profile)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l region -d 'AWS region (default: AWS_REGION, else the profile\'s)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l endpoint-url -d 'Endpoint for every AWS service, e.g. a moto or MinIO server (also AWS_ENDPOINT_URL); implies path-style S3 addressing' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l fail-if-empty -d 'Exit 1 when the result has no rows ("did last night\'s partition land?")'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l s3-path-style -d 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand version" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand version" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand version" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand version" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand version" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -l dir -d 'Repository root to write completions/ and man/ into' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", the last a "summary"'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "convert" -d 'Convert JSON lines (zstd, gzip or plain) to Parquet'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "crawl" -d 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "cost" -d 'Capacity-unit cost estimates: Flink KPUs, OpenSearch OCUs, Glue/Athena DPUs, EMR Serverless'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "embed" -d 'Chunk text and compute sentence embeddings (MPNet, BERT) on a GPU or the CPU, to Parquet'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "load" -d 'Load embedding Parquet into PostgreSQL + pgvector or OpenSearch, with an index and a recall check'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "query" -d 'SQL (DataFusion) over Parquet, JSON lines and CSV files, for checks and CI smoke tests'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "version" -d 'Print the version, git revision, cargo features and engine versions (for bug reports)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "generate" -d 'Write shell completions and man pages (for maintainers)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed load query version generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "flink" -d 'Amazon Managed Service for Apache Flink: KPUs, running storage, backups'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "ingestion" -d 'Amazon OpenSearch Ingestion: pipeline OCUs'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "serverless" -d 'Amazon OpenSearch Serverless: indexing and search OCUs, managed storage'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "glue" -d 'AWS Glue jobs and crawlers: DPU-hours'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "athena-spark" -d 'Amazon Athena for Apache Spark: DPU-hours'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "emr-serverless" -d 'Amazon EMR Serverless: vCPU-hours, GB-hours, storage beyond 20 GB per worker'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "plan" -d 'Several named workloads from a plan file (YAML or TOML), and their total'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "live" -d 'What runs (Flink, Ingestion, Serverless), priced at its configured and its used capacity from CloudWatch, with right-sizing verdicts'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "actual" -d 'A month\'s bill from Cost Explorer against a plan\'s estimate, per service'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "diff" -d 'The change in monthly cost between two plan files'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and __fish_seen_subcommand_from cost" -f -a "prices" -d 'The embedded price table, with sources and dates'
