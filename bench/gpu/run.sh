#!/usr/bin/env bash
# The fused-encoder GPU check as ONE call on the lent GPU machine (issue 15), in priority order,
# each stage with its own time limit and its results in $OUT as soon as it ends, so a stage that
# fails or runs long still leaves the earlier results and time for a second call. Build here
# first (scripts/build-cuda.sh writes dist/cuda/lakeops.xz and dist/cuda/kernel_check.xz), then:
#
#   run(command="bash bench/gpu/run.sh", carry=["dist/cuda/lakeops.xz", "dist/cuda/kernel_check.xz"],
#       timeout_s=540)
#
# Stages: 1 kernel check (every fused kernel and cuBLAS mapping against its CPU reference, bf16 and
# f16); 2 MPNet bf16, lakeops fused and generic against sentence-transformers on the same chunks;
# 3 MiniLM bf16, the same; 4 the whole fused pass against the generic one on the GPU for both
# models; 5 MPNet f16 and f32; 6 Nsight Compute kernel profiles, fused then generic.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-$(mktemp -d)}"
chunks="${CHUNKS:-10000}"
nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader | tee "$out/gpu.txt"
nv="$(python3 -c 'import nvidia, os; print(next(os.path.join(p, "cu13", "lib") for p in nvidia.__path__ if os.path.isdir(os.path.join(p, "cu13", "lib"))))')"
export LD_LIBRARY_PATH="$nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The PTX JIT (~16 s) once per machine, not once per process.
export CUDA_CACHE_PATH=/tmp/cuda-cache CUDA_CACHE_MAXSIZE=4294967296
bin_dir="$(mktemp -d)"
for b in lakeops kernel_check; do
    xz -dc "dist/cuda/$b.xz" > "$bin_dir/$b" && chmod +x "$bin_dir/$b"
done
bin="$bin_dir/lakeops"
ldd "$bin" | grep 'not found' && { echo "missing CUDA libraries" >&2; exit 1; }
work="$(mktemp -d)"
status=0
stage() { # NAME SECONDS CMD...: output to $OUT/NAME.txt and stdout
    local name="$1" limit="$2"; shift 2
    echo "== $name ($(date +%T))"
    local t0=$SECONDS
    timeout "$limit" "$@" > "$out/$name.txt" 2>&1
    local rc=$?
    [ "$rc" = 0 ] || status=1
    tail -c 3000 "$out/$name.txt"
    echo "== $name: exit $rc in $((SECONDS - t0)) s"
}
bench() { # NAME SECONDS ARGS...: the JSON result in $OUT/NAME.json, the log in $OUT/NAME.log
    local name="$1" limit="$2"; shift 2
    echo "== $name ($(date +%T))"
    local t0=$SECONDS
    if timeout "$limit" python3 bench/embed_bench.py --lakeops "$bin" --device cuda --batch 512 \
        --out "$work" "$@" > "$out/$name.json" 2> "$out/$name.log"; then
        cat "$out/$name.json"
    else
        echo "FAILED ($?): $name"; tail -20 "$out/$name.log"; rm -f "$out/$name.json"; status=1
    fi
    echo "== $name: $((SECONDS - t0)) s"
}
stage kernel-check 150 "$bin_dir/kernel_check"
grep -c '^FAIL' "$out/kernel-check.txt" && grep '^FAIL' "$out/kernel-check.txt" | head -20
bench mpnet-bf16 200 --random mpnet --dtype bf16 --chunks "$chunks" --also-generic
bench minilm-bf16 120 --random minilm --dtype bf16 --chunks "$chunks" --also-generic
stage encoder-check 120 "$bin_dir/kernel_check" --models-only "$work/random-mpnet" "$work/random-minilm"
bench mpnet-f16 90 --model "$work/random-mpnet" --dtype f16 --chunks $((chunks / 2))
bench mpnet-f32 90 --model "$work/random-mpnet" --dtype f32 --chunks $((chunks / 2))
for k in fused generic; do
    KERNELS=$k BIN="$bin" MODEL="$work/random-mpnet" DOCS="$work/docs.jsonl" NCU_TIMEOUT=100 \
        stage "ncu-$k" 110 bash bench/gpu/embed_ncu.sh
done
python3 - "$out" <<'PY'
import glob, json, sys
print("| model | dtype | chunks | kernels | lakeops chunks/s | generic chunks/s | ST chunks/s | lakeops ÷ ST | fused ÷ generic | cos min | generic cos min | padded=single | stages s |")
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    r = json.load(open(f))
    print(f"| {r['model']} | {r['dtype']} | {r['chunks']} | {r.get('kernels')} | {r['lakeops_chunks_per_s']} | "
          f"{r.get('generic_chunks_per_s', '')} | {r['st_chunks_per_s']} | {r['speedup_vs_st']}x | "
          f"{r.get('lakeops_vs_generic', '')} | {r['cos_vs_st_min']:.5f} | {r.get('generic_cos_vs_st_min', '')} | "
          f"{r['padded_vs_single_cos_min']:.6f} | {r.get('stage_s')} |")
PY
exit "$status"
