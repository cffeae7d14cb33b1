#!/usr/bin/env bash
# `lakeops load` into pgvector against psycopg executemany and psycopg binary COPY, same rows,
# same local server (bench/load_pgvector.py has the details).
#
#   bench/load.sh [--rows 100000] [--dim 768] [--runs 1] [--index]
#
# Needs a release build (LAKEOPS, default target/release/lakeops) and a Python (PYTHON) where
# tests/requirements.txt can be installed; numpy is added for the peers' pgvector adapter.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"
bin="${LAKEOPS:-$PWD/target/release/lakeops}"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
"$py" -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt numpy==2.3.5
echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%d); $("$bin" --version | head -1)"
exec "$py" bench/load_pgvector.py --lakeops "$bin" "$@"
