
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
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand convert 'Convert JSON lines (zstd, gzip or plain) to Parquet'
            cand crawl 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
            cand cost 'Capacity-unit cost estimates for Flink, OpenSearch, Glue and EMR (not yet available)'
            cand embed 'Chunk text and compute sentence embeddings to Parquet (not yet available)'
            cand query 'SQL over Parquet, JSON lines and Glue tables (not yet available)'
            cand generate 'Write shell completions and man pages (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lakeops;convert'= {
            cand -o 'Output directory (one Parquet file per input, named after it), or a .parquet file path when there is one input'
            cand --output 'Output directory (one Parquet file per input, named after it), or a .parquet file path when there is one input'
            cand --compression 'Parquet compression for every column: snappy, zstd[=LEVEL] (1-22), gzip[=LEVEL] (0-9), lz4, none'
            cand --row-group-size 'Row group size: a number of rows (100000) or bytes (64MiB, 128MB), measured as parquet-rs estimates the encoded row group (about its compressed size in the file). A byte size is also what the writer buffers in memory per input in flight'
            cand --max-rows-per-file 'Split each input''s output into numbered parts of at most this many rows'
            cand --max-file-size 'Split each input''s output into numbered parts of about this size (a part is closed after the row group that reaches it)'
            cand --threads 'Worker threads for parsing (default: all cores)'
            cand --schema 'Use this schema (as printed by --print-schema) instead of inferring one; values that do not fit it are rejected'
            cand --sample-rows 'Records read from the start of each input to infer the schema, or "all" for a full pass first. Later records that do not fit are rejected, never silently changed'
            cand --on-error 'What to do with a line that cannot become a row'
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand --print-schema 'Print the inferred schema as JSON on stdout and exit without converting'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;crawl'= {
            cand --database 'Glue database (created when missing)'
            cand --table 'Table name (default: the last component of ROOT, lowercased, [^a-z0-9_] as _)'
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
            cand --plan 'Print the changes and exit 0 without writing'
            cand --dry-run 'Print the changes and exit 0 without writing'
            cand --check 'Print the changes without writing; exit 1 when the catalog would change (CI drift check)'
            cand --sanitize-names 'Column names as [a-z0-9_] only, with mapping.* SerDe parameters to the original keys'
            cand --adopt 'Take over an existing table that lakeops did not create'
            cand --recreate 'Drop and recreate the table when its format, compression, delimiter or partition keys no longer match the data (instead of failing with E_INCOMPATIBLE)'
            cand --skip-mismatched 'Ignore (with a warning) objects whose partition layout differs from the majority''s, instead of failing with E_PARTITION_LAYOUT'
            cand --s3-path-style 'Path-style S3 addressing (bucket in the path) even without --endpoint-url'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
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
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;embed'= {
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;query'= {
            cand --color 'When to use colours on stderr (NO_COLOR is honoured with auto)'
            cand -q 'Print nothing but errors (no progress bar, no summary)'
            cand --quiet 'Print nothing but errors (no progress bar, no summary)'
            cand -v 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --verbose 'More log output (-v info, -vv debug, -vvv trace); RUST_LOG overrides'
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
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
            cand --json 'Machine-readable output on stdout: JSON lines, each with a "type", ending with a summary'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lakeops;help'= {
            cand convert 'Convert JSON lines (zstd, gzip or plain) to Parquet'
            cand crawl 'Infer the schema and partitions under an S3 prefix into an AWS Glue table, with a plan first'
            cand cost 'Capacity-unit cost estimates for Flink, OpenSearch, Glue and EMR (not yet available)'
            cand embed 'Chunk text and compute sentence embeddings to Parquet (not yet available)'
            cand query 'SQL over Parquet, JSON lines and Glue tables (not yet available)'
            cand generate 'Write shell completions and man pages (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lakeops;help;convert'= {
        }
        &'lakeops;help;crawl'= {
        }
        &'lakeops;help;cost'= {
        }
        &'lakeops;help;embed'= {
        }
        &'lakeops;help;query'= {
        }
        &'lakeops;help;generate'= {
        }
        &'lakeops;help;help'= {
        }
    ]
    $completions[$command]
}
