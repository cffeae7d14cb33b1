#!/usr/bin/env bash
# Crawl benchmark: lakeops crawl at scale, local and against moto's S3 + Glue, with the floors
# (listing alone) measured in the same run on the same machine.
#
#   bench/crawl.sh [OBJECTS] [S3_OBJECTS]      defaults: 100000 and 100000
#
# Needs: a release build (cargo build --release), python3 with moto[server], boto3 (tests/requirements.txt),
# /usr/bin/time. Work files go to ${BENCH_DIR:-/tmp/lakeops-crawl-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/moto.sh
objects="${1:-100000}"
s3_objects="${2:-100000}"
dir="${BENCH_DIR:-/tmp/lakeops-crawl-bench}"
py="${PYTHON:-python3}"
bin="$PWD/target/release/lakeops"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
rm -rf "$dir" && mkdir -p "$dir"

measure() { # label, command...: prints wall s and peak RSS MiB of the command, keeps its stdout
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" > "$dir/out" 2> "$dir/err" || { cat "$dir/err" >&2; exit 1; }
  read -r wall rss < "$dir/time"
  local summary
  summary=$(tail -1 "$dir/out" | "$py" -c 'import json,sys; d=json.load(sys.stdin); print("objects_listed=%d sampled=%d partitions=%d bytes_read=%d bytes_stored=%d read_fraction=%.4f writes=%d requests=%d" % (d["objects_listed"], d["objects_sampled"], d["partitions"], d["bytes_read"], d["bytes_stored"], d["bytes_read"]/max(d["bytes_stored"],1), d["writes"], d["requests"]))' 2>/dev/null || echo "-")
  printf '%-34s %7.2f s %6d MiB  %s\n' "$label" "$wall" $((rss / 1024)) "$summary"
}

echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%d)"
echo "== local: $objects objects (gzip JSON lines, 10 records each) in 720 hour partitions"
"$py" bench/crawl_lake.py --objects "$objects" --partitions 720 --records 10 --out "$dir/local/iot" > /dev/null
measure "floor: find -type f (list + stat)" find "$dir/local/iot" -type f -printf '%s\n'
measure "lakeops crawl (create)" "$bin" crawl "$dir/local/iot" --database bench --catalog-file "$dir/catalog.json" --json -q --state-file "$dir/local.state"
measure "lakeops crawl (no change, state)" "$bin" crawl "$dir/local/iot" --database bench --catalog-file "$dir/catalog.json" --json -q --state-file "$dir/local.state"
measure "lakeops crawl (no change)" "$bin" crawl "$dir/local/iot" --database bench --catalog-file "$dir/catalog.json" --json -q

echo "== moto S3 + Glue: $s3_objects objects in 720 partitions; 40 large objects"
start_moto
"$py" bench/crawl_lake.py --objects "$s3_objects" --partitions 720 --records 10 --s3 s3://bench-lake/iot --endpoint-url "$AWS_ENDPOINT_URL" > /dev/null
"$py" bench/crawl_lake.py --objects 40 --partitions 10 --records 40000 --s3 s3://bench-lake/big --endpoint-url "$AWS_ENDPOINT_URL" > /dev/null
cat > "$dir/list.py" <<'PY'
import sys, boto3
s3 = boto3.client("s3")
n = 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[1], Prefix=sys.argv[2]):
    n += len(page.get("Contents", []))
print(n)
PY
measure "floor: boto3 paginated list" "$py" "$dir/list.py" bench-lake iot/
measure "lakeops crawl s3 (create)" "$bin" crawl s3://bench-lake/iot/ --database bench --json -q --state-file "$dir/s3.state"
measure "lakeops crawl s3 (no change, state)" "$bin" crawl s3://bench-lake/iot/ --database bench --json -q --state-file "$dir/s3.state"
measure "lakeops crawl s3 (no change)" "$bin" crawl s3://bench-lake/iot/ --database bench --json -q
measure "lakeops crawl s3 big objects" "$bin" crawl s3://bench-lake/big/ --database bench --json -q
