#!/usr/bin/env bash
# The GPU check for `lakeops embed`, as ONE call on the lent GPU machine (it has PyTorch,
# transformers and sentence-transformers; no cargo). Build first, here: scripts/build-cuda.sh, then
# carry dist/cuda/lakeops.xz:
#
#   run(command="bash bench/gpu/embed_bench.sh", carry=["dist/cuda/lakeops.xz"], timeout_s=600)
#
# It builds a random-weight all-mpnet-base-v2 (and all-MiniLM-L6-v2) there with transformers, saved
# as sentence-transformers folders, and for each dtype runs bench/embed_bench.py: correctness
# (cosine with sentence-transformers on the same chunks >= 0.999 in bf16/f16; a padded batch
# equals one-at-a-time) and throughput of both on the same chunks, same GPU, same dtype.
# Results: $OUT/embed-gpu-*.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-$(mktemp -d)}"
# Chunks per configuration: the headline (MPNet bf16) gets the most; all runs together, both tools,
# fit one 10-minute call even if lakeops were several times slower than expected (each run also has
# its own time limit, so one slow or failing configuration cannot take the others with it).
chunks="${CHUNKS:-10000}"
nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader
nv="$(python3 -c 'import nvidia, os; print(next(os.path.join(p, "cu13", "lib") for p in nvidia.__path__ if os.path.isdir(os.path.join(p, "cu13", "lib"))))')"
export LD_LIBRARY_PATH="$nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="$(mktemp -d)/lakeops"
xz -dc dist/cuda/lakeops.xz > "$bin"
chmod +x "$bin"
if ldd "$bin" | grep 'not found'; then echo "missing CUDA libraries" >&2; exit 1; fi
work="$(mktemp -d)"
status=0
bench() { # NAME SECONDS ARGS...: one configuration; its log and JSON land in $OUT
    local name="$1" limit="$2"; shift 2
    echo "== $name"
    if timeout "$limit" python3 bench/embed_bench.py --lakeops "$bin" --device cuda --batch 512 \
        --out "$work" "$@" > "$out/embed-gpu-$name.json" 2> "$out/embed-gpu-$name.log"; then
        cat "$out/embed-gpu-$name.json"
    else
        echo "FAILED ($?): $name"; tail -20 "$out/embed-gpu-$name.log"; rm -f "$out/embed-gpu-$name.json"; status=1
    fi
}
bench mpnet-bf16 200 --random mpnet --dtype bf16 --chunks "$chunks"
bench minilm-bf16 90 --random minilm --dtype bf16 --chunks "$chunks"
bench mpnet-f16 90 --model "$work/random-mpnet" --dtype f16 --chunks $((chunks / 2))
bench mpnet-f32 120 --model "$work/random-mpnet" --dtype f32 --chunks $((chunks / 2))
# Batch size sweep, lakeops alone (MPNet bf16, same corpus as the first run).
for b in 128 256 1024; do
    timeout 60 "$bin" embed "$work/docs.jsonl" -o "$work/sweep-$b" --text-column text --id-column id \
        --model "$work/random-mpnet" --device cuda --dtype bf16 --batch-size "$b" --overwrite --json \
        2>> "$out/sweep.log" | tail -1 | sed "s/^/batch $b: /" || echo "batch $b: failed"
done
python3 - "$out" <<'PY'
import glob, json, sys
print("| model | dtype | chunks | lakeops chunks/s | ST chunks/s | speed-up | lakeops tokens/s | warm-up s | cos min | max abs diff | padded=single |")
for f in sorted(glob.glob(sys.argv[1] + "/embed-gpu-*.json")):
    r = json.load(open(f))
    print(f"| {r['model']} | {r['dtype']} | {r['chunks']} | {r['lakeops_chunks_per_s']} | {r['st_chunks_per_s']} | "
          f"{r['speedup_vs_st']}x | {r['lakeops_tokens_per_s']} | {r['lakeops_warmup_s']} | {r['cos_vs_st_min']:.5f} | "
          f"{r['max_abs_diff_vs_st']:.2e} | {r['padded_vs_single_cos_min']:.6f} |")
PY
exit "$status"
