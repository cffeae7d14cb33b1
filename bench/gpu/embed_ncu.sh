#!/usr/bin/env bash
# Per-kernel GPU time of one MPNet bf16 batch of `lakeops embed`, with Nsight Compute (the GPU
# machine has ncu, not nsys). Carry dist/cuda/lakeops.xz as for run.sh, which calls this.
#
#   KERNELS=fused|generic   which encoder path to profile (default fused)
#   MODEL=DIR DOCS=FILE     reuse a model folder and corpus made by embed_bench.py (bench/gpu/run.sh
#                           does); otherwise a random MPNet and the pydoc corpus are made here
#   BIN=FILE                an unpacked lakeops (default: unpack dist/cuda/lakeops.xz)
# Writes $OUT/ncu-$KERNELS.csv and prints the top kernels with their share of GPU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-$(mktemp -d)}"
kernels="${KERNELS:-fused}"
nv="$(python3 -c 'import nvidia, os; print(next(os.path.join(p, "cu13", "lib") for p in nvidia.__path__ if os.path.isdir(os.path.join(p, "cu13", "lib"))))')"
export LD_LIBRARY_PATH="$nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="${BIN:-}"
if [ -z "$bin" ]; then
    bin="$(mktemp -d)/lakeops"
    xz -dc dist/cuda/lakeops.xz > "$bin"; chmod +x "$bin"
fi
work="$(mktemp -d)"
model="${MODEL:-}" docs="${DOCS:-}"
if [ -z "$model" ] || [ -z "$docs" ]; then
    python3 bench/embed_bench.py --lakeops "$bin" --random mpnet --device cuda --dtype bf16 --chunks 600 \
        --batch 512 --out "$work" > /dev/null 2>&1 || true
    model="$work/random-mpnet" docs="$work/docs.jsonl"
fi
sed -n 1,60p "$docs" > "$work/one.jsonl"
ncu="$(ls /usr/local/cuda-13.0/bin/ncu)"
LAKEOPS_EMBED_KERNELS="$kernels" timeout "${NCU_TIMEOUT:-240}" "$ncu" --csv --metrics gpu__time_duration.sum \
    -c "${NCU_KERNELS:-1500}" "$bin" embed "$work/one.jsonl" -o "$work/prof" \
    --text-column text --id-column id --model "$model" --device cuda --dtype bf16 \
    --batch-size 512 --overwrite --json > "$out/ncu-$kernels.csv" 2> "$out/ncu-$kernels.log" \
    || tail -5 "$out/ncu-$kernels.log"
python3 - "$out/ncu-$kernels.csv" <<'PY'
import csv, sys, collections, io
text = open(sys.argv[1]).read()
start = text.find('"ID"')
rows = list(csv.DictReader(io.StringIO(text[start:])))
tot = collections.defaultdict(float); cnt = collections.Counter()
for r in rows:
    if r.get("Metric Name") != "gpu__time_duration.sum": continue
    v = float(r["Metric Value"].replace(",", ""))
    unit = r.get("Metric Unit", "")
    v = v / 1e3 if unit == "nsecond" else v * 1e3 if unit == "msecond" else v
    name = r["Kernel Name"][:90]
    tot[name] += v; cnt[name] += 1
all_us = sum(tot.values())
gemm_us = sum(us for name, us in tot.items()
              if any(s in name.lower() for s in ("gemm", "sm90", "cutlass", "xmma", "matmul")))
print(f"kernels {sum(cnt.values())}, total {all_us/1e3:.1f} ms, GEMM share {100*gemm_us/max(all_us,1e-9):.1f}%")
for name, us in sorted(tot.items(), key=lambda x: -x[1])[:25]:
    print(f"{us/1e3:9.2f} ms {100*us/all_us:5.1f}% x{cnt[name]:4d}  {name}")
PY
