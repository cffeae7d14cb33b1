#!/usr/bin/env bash
# The GPU check for `lakeops embed`, as ONE call on the lent GPU machine (it has PyTorch,
# transformers and sentence-transformers; no cargo). Build first, here: scripts/build-cuda.sh, then
# carry dist/cuda/lakeops.xz:
#
#   run(command="bash bench/gpu/embed_bench.sh", carry=["dist/cuda/lakeops.xz"], timeout_s=540)
#
# It builds a random-weight all-mpnet-base-v2 (and all-MiniLM-L6-v2) there with transformers, saved
# as sentence-transformers folders, and for each dtype runs bench/embed_bench.py: correctness
# (cosine with sentence-transformers on the same chunks >= 0.999 in bf16/f16; a padded batch
# equals one-at-a-time) and throughput of both on the same chunks, same GPU, same dtype.
# Results: $OUT/embed-gpu-*.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-$(mktemp -d)}"
# 10,000 chunks per configuration keeps the four runs (and both tools) inside one 10-minute call.
chunks="${CHUNKS:-10000}"
nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader
nv="$(python3 -c 'import nvidia, os; print(next(os.path.join(p, "cu13", "lib") for p in nvidia.__path__ if os.path.isdir(os.path.join(p, "cu13", "lib"))))')"
export LD_LIBRARY_PATH="$nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="$(mktemp -d)/lakeops"
xz -dc dist/cuda/lakeops.xz > "$bin"
chmod +x "$bin"
if ldd "$bin" | grep 'not found'; then echo "missing CUDA libraries" >&2; exit 1; fi
work="$(mktemp -d)"
first=1
for dtype in bf16 f16 f32; do
    if [ "$first" = 1 ]; then model=(--random mpnet); first=0; else model=(--model "$work/random-mpnet"); fi
    python3 bench/embed_bench.py --lakeops "$bin" "${model[@]}" --device cuda --dtype "$dtype" \
        --chunks "$chunks" --batch 512 --out "$work" | tee "$out/embed-gpu-mpnet-$dtype.json"
done
python3 bench/embed_bench.py --lakeops "$bin" --random minilm --device cuda --dtype bf16 \
    --chunks "$chunks" --batch 512 --out "$work" | tee "$out/embed-gpu-minilm-bf16.json"
python3 - "$out" <<'PY'
import glob, json, sys
print("| model | dtype | chunks | lakeops chunks/s | ST chunks/s | speed-up | lakeops tokens/s | cos min | padded=single |")
for f in sorted(glob.glob(sys.argv[1] + "/embed-gpu-*.json")):
    r = json.load(open(f))
    print(f"| {r['model']} | {r['dtype']} | {r['chunks']} | {r['lakeops_chunks_per_s']} | {r['st_chunks_per_s']} | "
          f"{r['speedup_vs_st']}x | {r['lakeops_tokens_per_s']} | {r['cos_vs_st_min']:.5f} | {r['padded_vs_single_cos_min']:.6f} |")
PY
