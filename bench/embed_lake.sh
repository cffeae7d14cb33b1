#!/usr/bin/env bash
# embed at lake scale (issue 17), in the same run on the same machine: local -> local against
# S3 -> S3 through moto (the overhead of reading and writing objects), and one CPU encoder
# against two (--device cpu,cpu), on one OSCAR-like corpus and one real model.
#
#   bench/embed_lake.sh [SIZE] [SHARDS]      defaults: 4M 4 (bytes of corpus, files)
#
# Needs: a release build (LAKEOPS, default target/release/lakeops), the real models
# (scripts/fetch-models.sh; MODEL, default all-MiniLM-L6-v2), python3 with moto[server], boto3
# and zstandard (PYTHON; tests/requirements.txt), /usr/bin/time. Work files in
# ${BENCH_DIR:-/tmp/lakeops-embed-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/moto.sh
size="${1:-4M}"
shards="${2:-4}"
dir="${BENCH_DIR:-/tmp/lakeops-embed-bench}"
py="${PYTHON:-python3}"
bin="${LAKEOPS:-$PWD/target/release/lakeops}"
models="${LAKEOPS_TEST_MODELS:-$HOME/.cache/lakeops-ci/models}"
model="$models/${MODEL:-all-MiniLM-L6-v2}"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ -f "$model/model.safetensors" ] || { echo "no model at $model: scripts/fetch-models.sh" >&2; exit 2; }
rm -rf "$dir" && mkdir -p "$dir"
"$py" bench/gen_oscar.py --out "$dir/corpus" --size "$size" --shards "$shards" > /dev/null
corpus="$dir/corpus/clean"

# Wall seconds, peak RSS and the summary's stage seconds of one run.
run() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" --json -q > "$dir/out.json" 2> "$dir/err" \
    || { cat "$dir/err" >&2; exit 1; }
  read -r wall rss < "$dir/time"
  "$py" - "$dir/out.json" "$label" "$wall" "$rss" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
print("%-34s %7.2f s %5d MiB  chunks=%d (%.0f/s) encoder=%.2f s read=%.2f s tokenize=%.2f s write=%.2f s devices=%s" % (
    sys.argv[2], float(sys.argv[3]), int(sys.argv[4]) // 1024, s["chunks"], s["chunks"] / float(sys.argv[3]),
    s["encoder_seconds"], s["read_seconds"], s["tokenize_seconds"], s["write_seconds"],
    ",".join("%s:%d" % (e["device"], e["chunks"]) for e in s["encoders"])))
PY
}

embed=("$bin" embed --text-column content --id-column warc_headers.warc-record-id --model "$model" --overwrite
    --include "*.jsonl.zst")
echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%d); $("$bin" --version | head -1); model $(basename "$model")"
echo "corpus: $(du -sb "$corpus" | cut -f1) bytes zstd in $(ls "$corpus"/*.zst | wc -l) files"
run "local -> local, --device cpu" "${embed[@]}" "$corpus" -o "$dir/out-local" --device cpu
run "local -> local, --device cpu,cpu" "${embed[@]}" "$corpus" -o "$dir/out-two" --device cpu,cpu
start_moto
"$py" - "$corpus" <<'PY'
import os, sys, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
s3.create_bucket(Bucket="embed-bench")
for name in sorted(os.listdir(sys.argv[1])):
    if name.endswith(".zst"):
        s3.upload_file(os.path.join(sys.argv[1], name), "embed-bench", "in/" + name)
PY
run "s3 -> s3 (moto), --device cpu" "${embed[@]}" s3://embed-bench/in/ -o s3://embed-bench/out/ --device cpu
