#!/usr/bin/env bash
# lakeops embed vs sentence-transformers (PyTorch CPU) on this machine's CPU, real weights, f32,
# the same chunks for both. Needs: a release build, the real models (scripts/fetch-models.sh) and a
# Python with torch, sentence-transformers and pyarrow (BENCH_PYTHON).
#
#   bench/embed_cpu.sh [CHUNKS]      # default 200 chunks per model
set -euo pipefail
cd "$(dirname "$0")/.."
chunks="${1:-200}"
py="${BENCH_PYTHON:-python3}"
models="${LAKEOPS_TEST_MODELS:-$HOME/.cache/lakeops-ci/models}"
scripts/fetch-models.sh "$models"
cargo build --release --locked --bin lakeops
bin="${CARGO_TARGET_DIR:-target}/release/lakeops"
for model in all-MiniLM-L6-v2 all-mpnet-base-v2; do
    n="$chunks"
    # MPNet is ~8x the arithmetic of MiniLM: fewer chunks keep the run short.
    [ "$model" = all-mpnet-base-v2 ] && n=$(( chunks / 4 ))
    "$py" bench/embed_bench.py --lakeops "$bin" --model "$models/$model" --device cpu --dtype f32 \
        --chunks "$n" --batch 32
done
