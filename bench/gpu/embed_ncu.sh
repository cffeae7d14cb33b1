#!/usr/bin/env bash
# Per-kernel GPU time of one MPNet bf16 batch of `lakeops embed`, with Nsight Compute (the GPU
# machine has ncu, not nsys). Carry dist/cuda/lakeops.xz as for embed_bench.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-$(mktemp -d)}"
nv="$(python3 -c 'import nvidia, os; print(next(os.path.join(p, "cu13", "lib") for p in nvidia.__path__ if os.path.isdir(os.path.join(p, "cu13", "lib"))))')"
export LD_LIBRARY_PATH="$nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="$(mktemp -d)/lakeops"
xz -dc dist/cuda/lakeops.xz > "$bin"; chmod +x "$bin"
work="$(mktemp -d)"
python3 bench/embed_bench.py --lakeops "$bin" --random mpnet --device cuda --dtype bf16 --chunks 600 \
    --batch 512 --out "$work" > /dev/null 2>&1 || true
ls "$work"
sed -n 1,60p "$work/docs.jsonl" > "$work/one.jsonl"
ncu="$(ls /usr/local/cuda-13.0/bin/ncu)"
timeout 240 "$ncu" --csv --metrics gpu__time_duration.sum -c 600 "$bin" embed "$work/one.jsonl" -o "$work/prof" \
    --text-column text --id-column id --model "$work/random-mpnet" --device cuda --dtype bf16 \
    --batch-size 512 --overwrite --json > "$out/ncu.csv" 2> "$out/ncu.log" || tail -5 "$out/ncu.log"
python3 - "$out/ncu.csv" <<'PY'
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
print(f"kernels {sum(cnt.values())}, total {all_us/1e3:.1f} ms")
for name, us in sorted(tot.items(), key=lambda x: -x[1])[:30]:
    print(f"{us/1e3:9.2f} ms {100*us/all_us:5.1f}% x{cnt[name]:4d}  {name}")
PY
