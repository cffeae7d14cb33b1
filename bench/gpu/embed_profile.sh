#!/usr/bin/env bash
# Where the GPU time of `lakeops embed` goes: a kernel summary from Nsight Systems (when the GPU
# machine has it) for MPNet bf16 on the bench corpus. Carry dist/cuda/lakeops.xz as for
# embed_bench.sh:  run(command="bash bench/gpu/embed_profile.sh", carry=["dist/cuda/lakeops.xz"])
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-$(mktemp -d)}"
nv="$(python3 -c 'import nvidia, os; print(next(os.path.join(p, "cu13", "lib") for p in nvidia.__path__ if os.path.isdir(os.path.join(p, "cu13", "lib"))))')"
export LD_LIBRARY_PATH="$nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="$(mktemp -d)/lakeops"
xz -dc dist/cuda/lakeops.xz > "$bin"; chmod +x "$bin"
work="$(mktemp -d)"
python3 bench/embed_bench.py --lakeops "$bin" --random mpnet --device cuda --dtype bf16 --chunks 3000 \
    --batch 512 --out "$work" > "$out/bench.json" 2> "$out/bench.log" || tail "$out/bench.log"
grep -E 'chunks_per_s|speedup' "$out/bench.json" || true
nsys="$(command -v nsys || ls /usr/local/cuda*/bin/nsys /opt/nvidia/nsight-systems/*/bin/nsys 2>/dev/null | head -1 || true)"
echo "nsys: ${nsys:-none}"
run=("$bin" embed "$work/docs.jsonl" -o "$work/prof" --text-column text --id-column id
     --model "$work/random-mpnet" --device cuda --dtype bf16 --batch-size 512 --overwrite --json)
if [ -n "$nsys" ]; then
    "$nsys" profile -o "$out/embed" --force-overwrite true -t cuda,osrt "${run[@]}" > /dev/null 2> "$out/nsys.log" || tail "$out/nsys.log"
    "$nsys" stats -r cuda_gpu_kern_sum,cuda_api_sum,cuda_gpu_mem_time_sum "$out/embed.nsys-rep" 2>/dev/null \
        | cut -c1-220 | grep -v '^ *$' | head -90
    rm -f "$out"/*.sqlite
else
    pip list 2>/dev/null | grep -i -E 'nsight|cupti|nvtx' || true
    ls /usr/local/cuda*/bin 2>/dev/null | head -40
fi
