#!/usr/bin/env bash
# Anchor benchmark for `lakeops convert`: zstd JSON lines (OSCAR 23.01-like) -> Parquet,
# against DuckDB, Polars, pyarrow and DataFusion on the same machine, in the same session.
#
# Drives bench/convert_anchors.py (a verbatim copy of the shared anchor script; it is not
# modified here) through its LAKEOPS_CMD slot, then adds lakeops-only checks:
#   - dirty corpus: what `--on-error fail` and `--on-error dead-letter` do on every dirty file,
#     checked against dirty/MANIFEST.json (rejected line numbers, blank lines, row counts);
#   - memory bound: peak RSS on one shard vs. all shards concatenated into one multi-frame
#     .zst file (8x the input in one stream), plus the row groups of that output;
#   - the targets (throughput vs DuckDB and DataFusion+schema, peak RSS, row groups);
#   - s3: the same corpus S3 -> S3 through a local moto server vs local -> local (the S3
#     overhead), and a run killed at half its inputs then resumed (total vs a clean run);
#     bench/convert_s3.py, with moto[server] and boto3 installed into BENCH_VENV if missing.
#
# Usage: bench/convert.sh [--data DIR] [--size 1G] [--runs 3] [--tools LIST] [--codecs LIST]
#                         [--lakeops BIN] [--steps LIST]
# Every flag has an environment variable of the same name (flags win):
#   OSCAR_DATA  corpus + results directory   (default ${TMPDIR:-/tmp}/oscar)
#   SIZE        clean corpus size for `gen`  (default 1G; an existing corpus is reused as is)
#   RUNS        timed runs per tool x codec  (default 3; the median is reported)
#   TOOLS       anchor tools                 (default duckdb,polars+schema,pyarrow-stream,datafusion+schema)
#   CODECS      Parquet codecs               (default snappy,zstd)
#   LAKEOPS     lakeops binary               (default: `cargo build --release`, target/release/lakeops)
#   STEPS       steps, run in the order given (default setup,gen,floors,bench,dirty,rss,s3,report)
#   BENCH_VENV  venv for the Python tools    (default ${TMPDIR:-/tmp}/lakeops-bench-venv)
#   KEEP_RESULTS=1  keep the previous results.json when `bench` runs (default: it is moved to
#               results.prev.json so the report never mixes two sessions)
# Quick variant: SIZE=200M RUNS=1 bench/convert.sh
# The markdown report goes to stdout (and $OSCAR_DATA/bench/REPORT.md); progress to stderr.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
ANCHORS="$BENCH_DIR/convert_anchors.py"

OSCAR_DATA="${OSCAR_DATA:-${TMPDIR:-/tmp}/oscar}"
SIZE="${SIZE:-1G}"
RUNS="${RUNS:-3}"
TOOLS="${TOOLS:-duckdb,polars+schema,pyarrow-stream,datafusion+schema}"
CODECS="${CODECS:-snappy,zstd}"
LAKEOPS="${LAKEOPS:-}"
STEPS="${STEPS:-setup,gen,floors,bench,dirty,rss,s3,report}"
KEEP_RESULTS="${KEEP_RESULTS:-0}"
export BENCH_VENV="${BENCH_VENV:-${TMPDIR:-/tmp}/lakeops-bench-venv}"

log() { printf '>>> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --data=* | --size=* | --runs=* | --tools=* | --codecs=* | --lakeops=* | --steps=*)
            opt="${1%%=*}"; val="${1#*=}"; shift ;;
        --data | --size | --runs | --tools | --codecs | --lakeops | --steps)
            (($# >= 2)) || die "$1 needs a value"; opt="$1"; val="$2"; shift 2 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    case "$opt" in
        --data) OSCAR_DATA="$val" ;;
        --size) SIZE="$val" ;;
        --runs) RUNS="$val" ;;
        --tools) TOOLS="$val" ;;
        --codecs) CODECS="$val" ;;
        --lakeops) LAKEOPS="$val" ;;
        --steps) STEPS="$val" ;;
    esac
done

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
IFS=, read -r -a codec_list <<<"$CODECS"
for c in "${codec_list[@]}"; do
    # convert_anchors.py maps only these two for DataFusion
    [[ "$c" == snappy || "$c" == zstd ]] || die "CODECS: '$c' is not one of snappy, zstd"
done
IFS=, read -r -a step_list <<<"$STEPS"
for s in "${step_list[@]}"; do
    case "$s" in setup | gen | floors | bench | dirty | rss | s3 | report) ;; *) die "unknown step '$s' (setup,gen,floors,bench,dirty,rss,s3,report)" ;; esac
done
has_step() { [[ ",$STEPS," == *",$1,"* ]]; }

mkdir -p "$OSCAR_DATA"
OSCAR_DATA="$(cd "$OSCAR_DATA" && pwd)"
WORK="$OSCAR_DATA/bench"
mkdir -p "$WORK"
export OSCAR_DATA

# --- prerequisites ---------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 not found"
command -v zstd >/dev/null || die "zstd not found (Debian: apt-get install -y zstd)"
GNU_TIME="$(type -P time || true)"
[[ -n "$GNU_TIME" && "$("$GNU_TIME" --version 2>&1 || true)" == *GNU* ]] ||
    die "GNU time not found in PATH (Debian: apt-get install -y time); the shell keyword is not enough"
if has_step setup; then
    python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 cannot create venvs (Debian: apt-get install -y python3-venv)"
fi
if has_step floors; then
    command -v cargo >/dev/null || die "the floors step builds a small Rust program: cargo not found (or leave floors out of STEPS)"
fi

# --- the lakeops binary ----------------------------------------------------------------------
resolve_lakeops() {
    if [[ -z "$LAKEOPS" ]]; then
        command -v cargo >/dev/null || die "cargo not found; build lakeops elsewhere and pass LAKEOPS=/path/to/lakeops"
        log "building lakeops: cargo build --release (in $REPO)"
        (cd "$REPO" && cargo build --release)
        LAKEOPS="$REPO/target/release/lakeops"
    elif [[ "$LAKEOPS" != */* ]]; then
        LAKEOPS="$(type -P "$LAKEOPS" || true)"
        [[ -n "$LAKEOPS" ]] || die "LAKEOPS: not found in PATH"
    fi
    [[ -x "$LAKEOPS" && -f "$LAKEOPS" ]] || die "LAKEOPS: $LAKEOPS is not an executable file"
    LAKEOPS="$(cd "$(dirname "$LAKEOPS")" && pwd)/$(basename "$LAKEOPS")"
    # convert_anchors.py formats LAKEOPS_CMD with str.format and takes the version command as
    # LAKEOPS_CMD.split()[0]: braces or white space in the path would break both.
    [[ "$LAKEOPS" != *[[:space:]{}\'\"\\]* ]] || die "LAKEOPS: the path '$LAKEOPS' must not contain spaces, quotes, backslashes or braces"
    LAKEOPS_VERSION="$("$LAKEOPS" --version)"
    log "lakeops: $LAKEOPS ($LAKEOPS_VERSION)"
}
LAKEOPS_VERSION=""
if has_step bench || has_step dirty || has_step rss || has_step s3; then
    resolve_lakeops
elif [[ -n "$LAKEOPS" ]] || [[ -x "$REPO/target/release/lakeops" ]]; then
    LAKEOPS="${LAKEOPS:-$REPO/target/release/lakeops}"
    resolve_lakeops
fi

# Timed runs (bench step): inference on (no --schema), default threads (all cores).
LAKEOPS_CMD_BENCH="$LAKEOPS convert {inputs} -o {out} --compression {codec} -q"
# Dirty step: dead-letter mode, so every file runs to the end (exit 1 when lines were rejected).
# convert_anchors.py records rc != 0 as an error and keeps the tail of stderr instead of
# inspecting the output, so lakeops runs without -q here: its summary line ("N lines: R rows
# written, J rejected, B blank; ...") becomes that tail. The "rejected lines of ..." line is
# dropped so the summary is not cut off in the report; the exit status is kept (pipefail; the
# subshell always exits 0). No braces allowed: the template goes through str.format.
LAKEOPS_CMD_DIRTY="set -o pipefail; $LAKEOPS convert {inputs} -o {out} --compression {codec} --on-error dead-letter --color never 2>&1 >/dev/null | (grep -v '^rejected lines of ' >&2; exit 0)"

PY="python3"
if [[ -x "$BENCH_VENV/bin/python" ]]; then PY="$BENCH_VENV/bin/python"; fi

anchors() {
    local step="$1"
    shift
    log "convert_anchors.py $step"
    env "$@" python3 "$ANCHORS" "$step" --data "$OSCAR_DATA" --size "$SIZE" --runs "$RUNS" \
        --tools "$TOOLS" --codecs "$CODECS"
}

# --- lakeops-only steps (Python helpers, stdlib only unless noted) ---------------------------
lakeops_dirty_detail() {
    log "lakeops on the dirty files: --on-error fail and --on-error dead-letter"
    "$PY" - "$LAKEOPS" "$OSCAR_DATA" "$WORK" <<'PY'
import json, os, shutil, subprocess, sys

lakeops, data, work = sys.argv[1:4]
SAMPLE_ROWS = 1000  # lakeops convert --sample-rows default
man = json.load(open(os.path.join(data, "dirty", "MANIFEST.json")))
d = os.path.join(work, "lakeops_dirty")
shutil.rmtree(d, ignore_errors=True)
os.makedirs(d)

def cell(s, n=110):
    s = " ".join(str(s).split()).replace("|", "\\|")
    return s if len(s) <= n else s[: n - 1] + "…"

out_rows, all_ok = [], True
for fi in man["files"]:
    name = fi["file"]
    path = os.path.join(data, "dirty", name)
    stem = name.split(".")[0]
    # What lakeops is meant to do with each defect (gen_oscar.py DEFECT_DOC):
    #  truncated, invalid_utf8           -> rejected
    #  blank_line                        -> counted as blank, not a row, not a reject
    #  harmful_pp_string, quality_warnings_string (wrong JSON kind for the column)
    #                                    -> rejected after the inference sample; inside it
    #                                       (line <= SAMPLE_ROWS) the column is widened instead
    #  content_length_int (a number in a string column) -> accepted, stored as its JSON text
    bad = sorted(x["line"] for x in fi["defects"]
                 if x["kind"] in ("truncated", "invalid_utf8")
                 or (x["kind"] in ("harmful_pp_string", "quality_warnings_string") and x["line"] > SAMPLE_ROWS))
    blanks = sum(1 for x in fi["defects"] if x["kind"] == "blank_line")

    # default mode: stop at the first bad line with FILE:LINE, exit 2, no output left behind
    out = os.path.join(d, f"fail_{stem}.parquet")
    p = subprocess.run([lakeops, "convert", path, "-o", out, "--compression", "snappy", "-q", "--color", "never"],
                       capture_output=True, text=True, errors="replace")
    msg = next((l for l in p.stderr.splitlines() if l.startswith("error:")), p.stderr.strip()[-200:])
    fail_ok = (p.returncode == 2 and f":{bad[0]}:" in msg and not os.path.exists(out)) if bad else p.returncode == 0
    fail_cell = f"exit {p.returncode}" + (f": {cell(msg, 90)}" if p.returncode else "")

    # dead-letter: convert the rest, bad lines to _rejected/<stem>.jsonl, exit 1
    out = os.path.join(d, f"dl_{stem}.parquet")
    p = subprocess.run([lakeops, "convert", path, "-o", out, "--compression", "snappy", "-q",
                        "--on-error", "dead-letter", "--json"], capture_output=True, text=True, errors="replace")
    summ = None
    files = []
    for line in p.stdout.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("type") == "summary":
            summ = rec
        elif rec.get("type") == "file":
            files.append(rec)
    if summ is None:
        all_ok = False
        out_rows.append(f"| {name} | {fi['defects']} | {fail_cell} | exit {p.returncode}, no summary: "
                        f"{cell(p.stderr.strip()[-200:])} | | | | no |")
        continue
    rej, reasons = [], []
    for f in files:
        if f.get("rejected_file"):
            for line in open(f["rejected_file"], encoding="utf-8"):
                r = json.loads(line)
                rej.append(r["line"])
                reasons.append(r["reason"])
    dl_ok = (p.returncode == (1 if bad else 0) and sorted(rej) == bad and summ["rejects"] == len(bad)
             and summ["blank_lines"] == blanks and summ["lines"] == fi["lines"]
             and summ["rows"] == fi["lines"] - len(bad) - blanks)
    ok = fail_ok and dl_ok
    all_ok &= ok
    defects = ", ".join(f"{x['line']}: {x['kind']}" for x in fi["defects"])
    rej_cell = ", ".join(map(str, rej)) or "-"
    if summ.get("kind_conflicts"):
        rej_cell += f"; kind conflicts: {cell(', '.join(summ['kind_conflicts']), 60)}"
    if reasons:
        rej_cell += f" ({cell(reasons[0], 80)})"
    out_rows.append(f"| {name} | {defects} | {fail_cell} | exit {p.returncode} | {summ['rows']} / {summ['lines']} "
                    f"| {summ['blank_lines']} | {rej_cell} | {'yes' if ok else '**no**'} |")

md = ["### lakeops on the dirty corpus", "",
      "Expected: invalid lines (truncated JSON, invalid UTF-8) and values of the wrong JSON kind after the "
      f"{SAMPLE_ROWS}-row inference sample are rejected; a wrong kind inside the sample widens the column "
      "instead; a number in a string column is kept as its JSON text; blank lines are counted, not rejected. "
      "`--on-error fail` exits 2 naming FILE:LINE of the first rejected line and leaves no output; "
      "`--on-error dead-letter` exits 1 (0 without rejects) and writes exactly those lines to `_rejected/`.", "",
      "| file | defects (line: kind) | --on-error fail | dead-letter | rows / lines | blank | rejected lines (first reason) | as expected |",
      "|---|---|---|---|---|---|---|---|"] + out_rows
text = "\n".join(md) + "\n"
open(os.path.join(work, "lakeops_dirty.md"), "w").write(text)
print(text, file=sys.stderr)
if not all_ok:
    print("warning: lakeops did not handle every dirty file as expected (see the table)", file=sys.stderr)
PY
}

step_rss() {
    local shards=("$OSCAR_DATA"/clean/*.jsonl.zst)
    [[ -e "${shards[0]}" ]] || die "no shards in $OSCAR_DATA/clean; run the gen step"
    local d="$WORK/rss" all="$WORK/rss/all.jsonl.zst" codec="${codec_list[0]}"
    mkdir -p "$d"
    # zstd frames concatenate into a valid multi-frame stream; rebuilt when a shard changed.
    # Kept out of clean/ so that no tool picks it up as a ninth shard.
    local want=0 s stale=0
    for s in "${shards[@]}"; do
        want=$((want + $(stat -c %s "$s")))
        if [[ "$s" -nt "$all" ]]; then stale=1; fi
    done
    [[ -f "$all" && "$(stat -c %s "$all")" == "$want" ]] || stale=1
    if ((stale)); then
        log "concatenating ${#shards[@]} shards into $all"
        cat "${shards[@]}" >"$all.tmp"
        mv "$all.tmp" "$all"
    fi
    local name input rc
    for name in single all; do
        input="${shards[0]}"
        if [[ "$name" == all ]]; then input="$all"; fi
        rm -rf "$d/$name.parquet" "$d/_rejected"
        log "peak RSS: lakeops convert $(basename "$input") ($name)"
        rc=0
        "$GNU_TIME" -v -o "$d/$name.time" "$LAKEOPS" convert "$input" -o "$d/$name.parquet" \
            --compression "$codec" -q --json >"$d/$name.json" 2>"$d/$name.err" || rc=$?
        ((rc == 0)) || { cat "$d/$name.err" >&2; die "lakeops exited $rc on $input"; }
    done
    "$PY" - "$d" "$OSCAR_DATA" "${shards[0]}" "$codec" <<'PY'
import json, os, re, statistics, sys

d, data, single_input, codec = sys.argv[1:5]
man = json.load(open(os.path.join(data, "clean", "MANIFEST.json")))
single_records = next(s["records"] for s in man["shards"] if s["file"] == os.path.basename(single_input))
res = {"codec": codec, "runs": {}}
for name, records in (("single", single_records), ("all", man["records"])):
    tv = open(os.path.join(d, f"{name}.time")).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv).group(1)) / 1024
    el = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", tv).group(1)
    parts = [float(x) for x in el.split(":")]
    wall = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    summ = [json.loads(l) for l in open(os.path.join(d, f"{name}.json")) if l.strip()][-1]
    res["runs"][name] = {"input": single_input if name == "single" else os.path.join(d, "all.jsonl.zst"),
                         "rss_mib": rss, "wall": wall, "rows": summ["rows"], "rows_ok": summ["rows"] == records,
                         "bytes_uncompressed": summ["bytes_uncompressed"],
                         "MBps": summ["bytes_uncompressed"] / 1e6 / wall}
# row groups of the big output (needs pyarrow from the bench venv)
try:
    import pyarrow.parquet as pq
    md = pq.ParquetFile(os.path.join(d, "all.parquet")).metadata
    groups = []
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        comp = sum(rg.column(j).total_compressed_size for j in range(rg.num_columns))
        groups.append({"rows": rg.num_rows, "MiB": comp / 2**20, "uncompressed_MiB": rg.total_byte_size / 2**20})
    res["row_groups"] = groups
except ImportError:
    res["row_groups"] = None
json.dump(res, open(os.path.join(d, "..", "rss.json"), "w"), indent=1)

s, a = res["runs"]["single"], res["runs"]["all"]
md = ["### lakeops peak RSS vs input size", "",
      f"Same command (`--compression {codec}`, inference on, all cores), one shard vs. all shards "
      "concatenated into one multi-frame .zst (one input, one output file).", "",
      "| input | MB uncompressed | rows ok | wall s | MB/s | peak RSS MiB |", "|---|---|---|---|---|---|"]
for name, r in (("one shard", s), ("all shards, one file", a)):
    md.append(f"| {name} ({os.path.basename(r['input'])}) | {r['bytes_uncompressed'] / 1e6:.0f} | {r['rows_ok']} | "
              f"{r['wall']:.1f} | {r['MBps']:.0f} | {r['rss_mib']:.0f} |")
md.append("")
md.append(f"Input x{a['bytes_uncompressed'] / max(1, s['bytes_uncompressed']):.1f}, peak RSS x{a['rss_mib'] / max(1e-9, s['rss_mib']):.2f}.")
g = res["row_groups"]
if g:
    rows = [x["rows"] for x in g]
    mib = [x["MiB"] for x in g]
    md.append(f"Row groups of the all-shards output: {len(g)}; rows per group min/median/max "
              f"{min(rows)}/{statistics.median(rows):.0f}/{max(rows)}; compressed MiB per group "
              f"min/median/max {min(mib):.1f}/{statistics.median(mib):.1f}/{max(mib):.1f}.")
text = "\n".join(md) + "\n"
open(os.path.join(d, "..", "lakeops_rss.md"), "w").write(text)
print(text, file=sys.stderr)
PY
}

targets_md() {
    "$PY" - "$WORK" "$CODECS" <<'PY'
import json, os, sys

work, codecs = sys.argv[1], sys.argv[2].split(",")
def load(name):
    p = os.path.join(work, name)
    return json.load(open(p)) if os.path.exists(p) else {}
bench, rss = load("results.json").get("bench", {}), load("rss.json")
rows = []
def row(what, measured, goal, ok):
    rows.append(f"| {what} | {measured} | {goal} | {'n/a' if ok is None else ('yes' if ok else '**NO**')} |")

for codec in codecs:
    lk = bench.get(f"lakeops/{codec}", {})
    for anchor, goal in (("duckdb", 3.0), ("datafusion+schema", 1.5)):
        an = bench.get(f"{anchor}/{codec}", {})
        if "MBps" in lk and "MBps" in an:
            x = lk["MBps"] / an["MBps"]
            row(f"throughput vs {anchor} ({codec})", f"{x:.2f}x ({lk['MBps']:.0f} vs {an['MBps']:.0f} MB/s)", f">= {goal}x", x >= goal)
        else:
            row(f"throughput vs {anchor} ({codec})", "not measured", f">= {goal}x", None)
    if "rss_mib" in lk:
        row(f"peak RSS, bench run ({codec}, all shards)", f"{lk['rss_mib']:.0f} MiB", "<= 512 MiB", lk["rss_mib"] <= 512)
        row(f"rows written ({codec})", str(lk.get("inspect", {}).get("rows")), "= corpus records", bool(lk.get("rows_ok")))
for name, r in rss.get("runs", {}).items():
    row(f"peak RSS, {'one shard' if name == 'single' else 'all shards in one file'}", f"{r['rss_mib']:.0f} MiB", "<= 512 MiB", r["rss_mib"] <= 512)
runs = rss.get("runs", {})
if "single" in runs and "all" in runs:
    x = runs["all"]["rss_mib"] / runs["single"]["rss_mib"]
    grow = runs["all"]["rss_mib"] - runs["single"]["rss_mib"]
    # Up to one row group (--row-group-size, default 128MiB encoded) is buffered per open file,
    # so a small input may stay under it; beyond that, RSS must not follow the input size.
    row("peak RSS growth, all shards vs one shard",
        f"+{grow:.0f} MiB (x{x:.2f}) for x{runs['all']['bytes_uncompressed'] / runs['single']['bytes_uncompressed']:.1f} input",
        "<= +128 MiB (one row-group buffer)", grow <= 128)
g = rss.get("row_groups")
if g:
    # heuristic: every group but the last between 8 and 1024 MiB compressed
    body = g[:-1] or g
    ok = all(8 <= x["MiB"] <= 1024 for x in body)
    row("row groups (all-shards output)", f"{len(g)} groups, {min(x['MiB'] for x in body):.0f}-{max(x['MiB'] for x in body):.0f} MiB compressed",
        "8-1024 MiB each (last excepted)", ok)
print("### Targets (lakeops with inference on)\n")
print("| target | measured | goal | met |\n|---|---|---|---|")
print("\n".join(rows) if rows else "| (nothing measured) | | | |")
PY
}

step_s3() {
    log "S3 -> S3 through moto vs local -> local; resume after a kill at half the inputs"
    if ! "$PY" -c 'import moto, boto3' 2>/dev/null; then
        log "installing moto[server] and boto3 for $PY"
        "$PY" -m pip install --quiet 'moto[server]==5.2.5' boto3
    fi
    "$PY" "$BENCH_DIR/convert_s3.py" --lakeops "$LAKEOPS" --data "$OSCAR_DATA" --runs "$RUNS" >"$WORK/s3.json"
    "$PY" - "$WORK/s3.json" >"$WORK/lakeops_s3.md" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
z = r["resume"]
print("### lakeops through S3 (moto) vs local files\n")
print(f"{r['inputs']} inputs, {r['bytes_in'] / 1e6:.0f} MB zstd ({r['bytes_uncompressed'] / 1e6:.0f} MB JSON), "
      f"-j {r['jobs']}, median of {r['runs']}.\n")
print("| path | median s | MB/s (uncompressed) |\n|---|---|---|")
print(f"| local -> local | {r['local_median_s']} | {r['local_mb_per_s']} |")
print(f"| S3 -> S3 (moto) | {r['s3_median_s']} | {r['s3_mb_per_s']} |")
print(f"\nS3 overhead: **{r['s3_overhead']}×** the local time.\n")
print(f"Resume: clean run {z['clean_s']} s; killed (SIGKILL) after {z['killed_after_s']} s with "
      f"{z['done_at_kill']} of {r['inputs']} inputs done; the rerun skipped {z['rerun_skipped']} and took "
      f"{z['rerun_s']} s. Total **{z['total_over_clean']}×** a clean run (target ≤ 1.1); output equal to the "
      f"clean run's (keys and ETags): {z['output_equals_clean_run']}.")
PY
    cat "$WORK/lakeops_s3.md" >&2
}

step_report() {
    local report="$WORK/REPORT.md" version="${LAKEOPS_VERSION:-unknown}" rev corpus
    rev="$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
    corpus="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("SIZE=%s, %d shards, seed %s" % (m["size"], len(m["shards"]), m["seed"]))' \
        "$OSCAR_DATA/clean/MANIFEST.json" 2>/dev/null || echo "none in $OSCAR_DATA")"
    {
        echo "## lakeops convert: anchor benchmark, $(date -u +%Y-%m-%d)"
        echo
        echo "- machine: \`$(uname -a)\`"
        echo "- nproc: $(nproc)"
        echo "- lakeops: $version (git $rev)"
        echo "- corpus: $corpus; RUNS=$RUNS TOOLS=$TOOLS CODECS=$CODECS"
        echo "- lakeops bench command: \`${LAKEOPS_CMD_BENCH//$REPO\//}\`"
        echo
        python3 "$ANCHORS" report --data "$OSCAR_DATA"
        echo
        for f in lakeops_dirty.md lakeops_rss.md lakeops_s3.md; do
            if [[ -f "$WORK/$f" ]]; then cat "$WORK/$f"; echo; fi
        done
        targets_md
    } >"$report"
    cat "$report"
    {
        echo
        echo "Report written to $report (also above, on stdout)."
        echo "Paste it into BENCHMARKS.md. It already carries the date, \`uname -a\`, \`nproc\` and the"
        echo "lakeops version; check they describe the machine you ran on."
    } >&2
}

# --- run -------------------------------------------------------------------------------------
if has_step bench && [[ "$KEEP_RESULTS" != 1 ]]; then
    for f in results.json rss.json lakeops_dirty.md lakeops_rss.md; do
        if [[ -f "$WORK/$f" ]]; then mv "$WORK/$f" "$WORK/${f%.*}.prev.${f##*.}"; fi
    done
fi
for step in "${step_list[@]}"; do
    case "$step" in
        setup)
            anchors setup
            PY="$BENCH_VENV/bin/python"
            ;;
        gen)
            man="$OSCAR_DATA/clean/MANIFEST.json"
            if [[ -f "$man" ]]; then
                have="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["size"])' "$man")"
                [[ "$have" == "$SIZE" ]] || warn "$OSCAR_DATA already holds a SIZE=$have corpus; it is reused (delete $OSCAR_DATA/clean and dirty to regenerate at $SIZE)"
            fi
            anchors gen
            ;;
        floors) anchors floors ;;
        bench) anchors bench LAKEOPS_CMD="$LAKEOPS_CMD_BENCH" ;;
        dirty)
            anchors dirty LAKEOPS_CMD="$LAKEOPS_CMD_DIRTY"
            lakeops_dirty_detail
            ;;
        rss) step_rss ;;
        s3) step_s3 ;;
        report) step_report ;;
    esac
done
