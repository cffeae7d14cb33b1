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
complete -c lakeops -n "__fish_lakeops_needs_command" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_needs_command" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "convert" -d 'Convert JSON lines (zstd, gzip or plain) to Parquet'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "crawl" -d 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "cost" -d 'Capacity-unit cost estimates for Flink, OpenSearch, Glue and EMR (not yet available)'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "embed" -d 'Chunk text and compute sentence embeddings to Parquet (not yet available)'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "query" -d 'SQL over Parquet, JSON lines and Glue tables (not yet available)'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "generate" -d 'Write shell completions and man pages (for maintainers)'
complete -c lakeops -n "__fish_lakeops_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s o -l output -d 'Output directory (one Parquet file per input, named after it), or a .parquet file path when there is one input' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l compression -d 'Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4, none' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l row-group-size -d 'Row group size: a number of rows (100000) or bytes (64MiB, 128MB), measured as parquet-rs estimates the encoded row group (about its compressed size in the file). A byte size is also what the writer buffers in memory per input in flight' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l max-rows-per-file -d 'Split each input\'s output into numbered parts of at most this many rows' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l max-file-size -d 'Split each input\'s output into numbered parts of about this size (a part is closed after the row group that reaches it)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l threads -d 'Worker threads for parsing (default: all cores)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l schema -d 'Use this schema (as printed by --print-schema) instead of inferring one; values that do not fit it are rejected' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l sample-rows -d 'Records read from the start of each input to infer the schema, or "all" for a full pass first. Later records that do not fit are rejected, never silently changed' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l on-error -d 'What to do with a line that cannot become a row' -r -f -a "fail\t'Stop at the first bad line with FILE:LINE and exit 2; the output in progress is removed'
skip\t'Count bad lines, convert the rest, exit 1'
dead-letter\t'Write bad lines to OUTPUT/_rejected/<input>.jsonl with the reason, exit 1'"
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l print-schema -d 'Print the inferred schema as JSON on stdout and exit without converting'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand convert" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l database -d 'Glue database (created when missing)' -r
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l table -d 'Table name (default: the last component of ROOT, lowercased, [^a-z0-9_] as _)' -r
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
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l plan -l dry-run -d 'Print the changes and exit 0 without writing'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l check -d 'Print the changes without writing; exit 1 when the catalog would change (CI drift check)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l sanitize-names -d 'Column names as [a-z0-9_] only, with mapping.* SerDe parameters to the original keys'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l adopt -d 'Take over an existing table that lakeops did not create'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l recreate -d 'Drop and recreate the table when its format, compression, delimiter or partition keys no longer match the data (instead of failing with E_INCOMPATIBLE)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l skip-mismatched -d 'Ignore (with a warning) objects whose partition layout differs from the majority\'s, instead of failing with E_PARTITION_LAYOUT'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l s3-path-style -d 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand crawl" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand cost" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand cost" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand embed" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lakeops -n "__fish_lakeops_using_subcommand query" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -l dir -d 'Repository root to write completions/ and man/ into' -r -F
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -l color -d 'When to use colours on stderr (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s q -l quiet -d 'Print nothing but errors (no progress bar, no summary)'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s v -l verbose -d 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -l json -d 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s h -l help -d 'Print help'
complete -c lakeops -n "__fish_lakeops_using_subcommand generate" -s V -l version -d 'Print version'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "convert" -d 'Convert JSON lines (zstd, gzip or plain) to Parquet'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "crawl" -d 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "cost" -d 'Capacity-unit cost estimates for Flink, OpenSearch, Glue and EMR (not yet available)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "embed" -d 'Chunk text and compute sentence embeddings to Parquet (not yet available)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "query" -d 'SQL over Parquet, JSON lines and Glue tables (not yet available)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "generate" -d 'Write shell completions and man pages (for maintainers)'
complete -c lakeops -n "__fish_lakeops_using_subcommand help; and not __fish_seen_subcommand_from convert crawl cost embed query generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
