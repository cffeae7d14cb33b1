#!/usr/bin/env bash
# Many tables in one crawl (issue 16): a lake of TABLES tables x PARTITIONS partitions x OBJECTS
# objects per partition, crawled as one `--discover-tables` run against the sum of one run per
# table, locally and against moto's S3 + Glue, in the same run on the same machine; then an
# unchanged re-crawl with --state-file (zero catalog writes, listing requests only).
#
#   bench/crawl_tables.sh [TABLES] [PARTITIONS] [OBJECTS]      defaults: 50 100 20
#   STEPS=local,moto   (default both)
#
# Needs: a release build (LAKEOPS, default target/release/lakeops), python3 with moto[server] and
# boto3 (PYTHON; tests/requirements.txt), /usr/bin/time. Work files in ${BENCH_DIR:-/tmp/lakeops-tables-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/moto.sh
tables="${1:-50}"
partitions="${2:-100}"
per_partition="${3:-20}"
per_table=$((partitions * per_partition))
dir="${BENCH_DIR:-/tmp/lakeops-tables-bench}"
py="${PYTHON:-python3}"
bin="${LAKEOPS:-$PWD/target/release/lakeops}"
steps="${STEPS:-local,moto}"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
rm -rf "$dir" && mkdir -p "$dir"

# Sums a run's JSON records: requests (each table's, and the lake listing's) and catalog writes
# over every table, objects sampled.
totals() {
  "$py" -c '
import json, sys
requests = writes = sampled = listed = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "table_level":
        requests += r["requests"]
    if r.get("type") == "summary":
        requests += r["requests"]; writes += r["writes"]; sampled += r["objects_sampled"]; listed += r["objects_listed"]
print("tables=%d objects_listed=%d sampled=%d requests=%d writes=%d" % (
    sum(1 for l in open(sys.argv[1]) if json.loads(l).get("type") == "summary"), listed, sampled, requests, writes))
' "$1"
}

run() { # label, out file, command...: wall seconds and peak RSS of the command
  local label="$1" out="$2"; shift 2
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >> "$out" 2> "$dir/err" || { cat "$dir/err" >&2; exit 1; }
  read -r wall rss < "$dir/time"
  echo "$wall $rss"
}

compare() { # where (local|s3), root, catalog args...
  local where="$1" root="$2"; shift 2
  local out="$dir/$where"
  : > "$out.whole"; : > "$out.each"; : > "$out.again"
  read -r wall rss < <(run whole "$out.whole" "$bin" crawl "$root" --discover-tables --table-level "$LEVEL" \
      --database whole "$@" --json -q --state-file "$dir/$where.state")
  printf '%-44s %8.2f s %6d MiB  %s\n' "$where: one run, --discover-tables" "$wall" $((rss / 1024)) "$(totals "$out.whole")"
  local sum=0 peak=0
  for t in $(seq 0 $((tables - 1))); do
    local name; name=$(printf 't%02d' "$t")
    read -r wall rss < <(run "$name" "$out.each" "$bin" crawl "${root%/}/$name/" --database each "${@/whole/each}" --json -q)
    sum=$("$py" -c "print($sum + $wall)")
    peak=$((rss > peak ? rss : peak))
  done
  printf '%-44s %8.2f s %6d MiB  %s\n' "$where: sum of $tables single-table runs" "$sum" $((peak / 1024)) "$(totals "$out.each")"
  read -r wall rss < <(run again "$out.again" "$bin" crawl "$root" --discover-tables --table-level "$LEVEL" \
      --database whole "$@" --json -q --state-file "$dir/$where.state")
  printf '%-44s %8.2f s %6d MiB  %s\n' "$where: unchanged re-crawl, --state-file" "$wall" $((rss / 1024)) "$(totals "$out.again")"
}

echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%d); lakeops $("$bin" --version | head -1)"
echo "lake: $tables tables x $partitions partitions x $per_partition objects = $((tables * per_table)) gzip JSON-lines objects"
if [[ ",$steps," == *",local,"* ]]; then
  "$py" bench/crawl_lake.py --tables "$tables" --objects "$per_table" --partitions "$partitions" --records 10 --out "$dir/lake" > /dev/null
  LEVEL=1 compare local "$dir/lake/" --catalog-file "$dir/whole.json"
fi
if [[ ",$steps," == *",moto,"* ]]; then
  start_moto
  "$py" bench/crawl_lake.py --tables "$tables" --objects "$per_table" --partitions "$partitions" --records 10 \
      --s3 s3://bench-tables/lake --endpoint-url "$AWS_ENDPOINT_URL" > /dev/null
  LEVEL=2 compare moto s3://bench-tables/lake/
fi
