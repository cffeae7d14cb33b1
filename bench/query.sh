#!/usr/bin/env bash
# `lakeops query` against DataFusion (same engine: the Python bindings 55, standing in for
# datafusion-cli, which has no prebuilt binary here) and DuckDB, on the converted OSCAR-like
# corpus. Target (issue 7): lakeops within 1.2x of DataFusion's time; reported against DuckDB.
#
#   bench/query.sh                 # OSCAR_DATA=/tmp/oscar, RUNS=5, LAKEOPS=target/release/lakeops
#
# Needs the corpus (bench/convert.sh --steps setup,gen) and its venv (BENCH_VENV, with duckdb and
# datafusion); converts the corpus to Parquet with lakeops first if $OSCAR_DATA/query-parquet is
# missing. Prints the JSON result (also $OSCAR_DATA/bench/query.json).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
OSCAR_DATA="${OSCAR_DATA:-${TMPDIR:-/tmp}/oscar}"
RUNS="${RUNS:-5}"
BENCH_VENV="${BENCH_VENV:-${TMPDIR:-/tmp}/lakeops-bench-venv}"
LAKEOPS="${LAKEOPS:-$REPO/target/release/lakeops}"
[[ -x "$LAKEOPS" ]] || (cd "$REPO" && cargo build --release)
ls "$OSCAR_DATA"/clean/*.jsonl.zst >/dev/null 2>&1 || { echo "no corpus in $OSCAR_DATA/clean: run bench/convert.sh --steps setup,gen" >&2; exit 1; }
PARQUET="$OSCAR_DATA/query-parquet"
if [[ ! -d "$PARQUET" ]]; then
    "$LAKEOPS" convert "$OSCAR_DATA"/clean/*.jsonl.zst -o "$PARQUET" -q
fi
mkdir -p "$OSCAR_DATA/bench"
"$BENCH_VENV/bin/python" "$BENCH_DIR/query_bench.py" --lakeops "$LAKEOPS" --parquet "$PARQUET" \
    --runs "$RUNS" | tee "$OSCAR_DATA/bench/query.json"
