#!/usr/bin/env bash
# TPC-H through `lakeops query` against DuckDB: the 22 queries of bench/tpch/queries/ (validation
# parameters) over tpchgen-cli's Parquet, same machine, same run; every lakeops answer is checked
# against DuckDB's (bench/tpch_bench.py).
#
#   bench/tpch.sh                  # SF=1 into ${TMPDIR:-/tmp}/tpch-sf1, RUNS=5
#   RUNS=3 QUERIES=1,6,18 bench/tpch.sh
#
# Environment:
#   TPCH_DATA   Parquet + results directory  (default ${TMPDIR:-/tmp}/tpch-sf$SF, so tpch-sf1)
#   SF          TPC-H scale factor           (default 1; the queries' Q11 fraction is for SF 1)
#   RUNS        timed runs per query and tool, after one warm-up (default 5; the median is reported)
#   QUERIES     e.g. 1,3,5                   (default all 22)
#   LAKEOPS     lakeops binary               (default target/release/lakeops, built with
#               `cargo build --release` if missing)
#   BENCH_VENV  venv with duckdb             (default ${TMPDIR:-/tmp}/lakeops-bench-venv; the same
#               venv as bench/convert.sh); tpchgen-cli==4.0.0 is pip-installed into it if missing
#
# The data is generated once (about 10 s and 360 MB at SF 1) with
#   tpchgen-cli parquet -s $SF -o $TPCH_DATA
# which writes one file per table, $TPCH_DATA/<table>.parquet, with tpchgen-cli's defaults:
# SNAPPY compression, row groups of about 7 MiB uncompressed (lineitem: 53 row groups of about
# 114k rows), decimal(15,2) money columns, date32 dates, string columns as Utf8View.
# The markdown table goes to stdout and $TPCH_DATA/tpch.md, everything else to
# $TPCH_DATA/tpch.json; exit status 1 when a lakeops answer differs or lakeops fails.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
case "${1:-}" in
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) echo "error: bench/tpch.sh takes no arguments (settings are environment variables; see --help)" >&2; exit 2 ;;
esac
SF="${SF:-1}"
TPCH_DATA="${TPCH_DATA:-${TMPDIR:-/tmp}/tpch-sf$SF}"
RUNS="${RUNS:-5}"
QUERIES="${QUERIES:-all}"
BENCH_VENV="${BENCH_VENV:-${TMPDIR:-/tmp}/lakeops-bench-venv}"
LAKEOPS="${LAKEOPS:-$REPO/target/release/lakeops}"
TPCHGEN_VERSION=4.0.0

log() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[[ -x "$BENCH_VENV/bin/python" ]] || die "no venv at $BENCH_VENV (bench/convert.sh --steps setup makes it)"
"$BENCH_VENV/bin/python" -c 'import duckdb, pyarrow' 2>/dev/null || die "$BENCH_VENV lacks duckdb or pyarrow"
if ! "$BENCH_VENV/bin/tpchgen-cli" --version 2>/dev/null | grep -qx "tpchgen-cli $TPCHGEN_VERSION"; then
    log "installing tpchgen-cli==$TPCHGEN_VERSION into $BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q "tpchgen-cli==$TPCHGEN_VERSION"
fi
if [[ ! -x "$LAKEOPS" ]]; then
    log "building lakeops (cargo build --release)"
    (cd "$REPO" && cargo build --release)
fi

# Generated once; .tpchgen records how, so a different SF is refused rather than mixed.
MARK="tpchgen-cli $TPCHGEN_VERSION parquet -s $SF"
if [[ -f "$TPCH_DATA/.tpchgen" ]]; then
    [[ "$(cat "$TPCH_DATA/.tpchgen")" == "$MARK" ]] ||
        die "$TPCH_DATA holds other data ($(cat "$TPCH_DATA/.tpchgen")); remove it or set TPCH_DATA"
else
    log "generating TPC-H SF $SF: tpchgen-cli parquet -s $SF -o $TPCH_DATA"
    mkdir -p "$TPCH_DATA"
    "$BENCH_VENV/bin/tpchgen-cli" parquet -s "$SF" -o "$TPCH_DATA" --overwrite --no-progress
    echo "$MARK" > "$TPCH_DATA/.tpchgen"
fi

echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "versions: DuckDB $("$BENCH_VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')," \
    "$("$BENCH_VENV/bin/tpchgen-cli" --version), $("$LAKEOPS" --version)"
echo "data: $TPCH_DATA ($(du -sh "$TPCH_DATA" | cut -f1), $(cat "$TPCH_DATA/.tpchgen"))"
echo
"$BENCH_VENV/bin/python" "$BENCH_DIR/tpch_bench.py" --data "$TPCH_DATA" --lakeops "$LAKEOPS" \
    --runs "$RUNS" --queries "$QUERIES" --json "$TPCH_DATA/tpch.json" | tee "$TPCH_DATA/tpch.md"
