#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a bounded time each.
#
# Why: lakeops parses untrusted text everywhere (JSON lines, Glue/Hive type strings, partition
# folder names, cost plan files, model folders from the Hugging Face Hub); the unit and CLI tests
# cover the inputs we thought of, the fuzzers look for the ones we did not (panics, which would
# end a run with "internal error", and broken round trips). The fuzz crate is its own workspace
# with its own target dir, so it never touches the main build.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]   (default: all targets)
#
# Needs a nightly compiler or RUSTC_BOOTSTRAP=1 (set here; the sanitizers are unstable flags).
# CARGO_TARGET_DIR defaults to a folder outside the repository (the first build compiles the
# whole dependency tree with coverage instrumentation and AddressSanitizer: expect a long wait).
# New corpus entries go to fuzz/corpus/TARGET; the seeds in fuzz/seeds/TARGET are only read.
# Exits 1 when any target found a crash (its input is in fuzz/artifacts/TARGET/, path printed),
# 2 on a usage or build error.
set -euo pipefail

usage() {
    sed -n '/^# Usage:/s/^# //p' "$0" >&2
    exit 2
}

seconds=60
if [[ $# -gt 0 ]]; then
    [[ $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
    seconds=$1
    shift
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lakeops-fuzz/target}"
mkdir -p "$CARGO_TARGET_DIR"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

mapfile -t all_targets < <(cargo fuzz list)
if [[ $# -gt 0 ]]; then
    targets=("$@")
    for t in "${targets[@]}"; do
        [[ " ${all_targets[*]} " == *" $t "* ]] || {
            echo "fuzz.sh: no target $t (targets: ${all_targets[*]})" >&2
            exit 2
        }
    done
else
    targets=("${all_targets[@]}")
fi

logs="$root/fuzz/logs"
mkdir -p "$logs"

echo "fuzz.sh: building ${targets[*]} (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >&2
build_start=$SECONDS
if [[ ${#targets[@]} -eq ${#all_targets[@]} ]]; then
    # One cargo invocation for all of them: lakeops is compiled once.
    cargo fuzz build || { echo "fuzz.sh: build failed" >&2; exit 2; }
else
    for t in "${targets[@]}"; do
        cargo fuzz build "$t" || { echo "fuzz.sh: build of $t failed" >&2; exit 2; }
    done
fi
echo "fuzz.sh: built in $((SECONDS - build_start)) s" >&2

failed=()
summary=()
for t in "${targets[@]}"; do
    corpus="fuzz/corpus/$t"
    mkdir -p "$corpus" "fuzz/artifacts/$t"
    dirs=("$corpus")
    [[ -d "fuzz/seeds/$t" ]] && dirs+=("fuzz/seeds/$t")
    log="$logs/$t.log"
    echo "fuzz.sh: $t for ${seconds} s (log: $log)" >&2
    start=$SECONDS
    status=0
    cargo fuzz run "$t" "${dirs[@]}" -- -max_total_time="$seconds" -print_final_stats=1 \
        2>&1 | tee "$log" || status=$?
    took=$((SECONDS - start))
    # libFuzzer's own figures (-print_final_stats=1); the wall time includes cargo's start.
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [[ -n $execs ]] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [[ $status -ne 0 ]]; then
        failed+=("$t")
        summary+=("$t: FAILED (exit $status) after ${took} s wall, ${execs:-?} execs (${rate:-?}/s), input: ${artifact:-none written}")
    else
        summary+=("$t: ok, ${took} s wall, ${execs:-?} execs (${rate:-?}/s), 0 crashes")
    fi
done

echo >&2
echo "fuzz.sh: summary (${seconds} s per target)" >&2
printf '  %s\n' "${summary[@]}" >&2
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: crashes in: ${failed[*]}; reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET INPUT" >&2
    exit 1
fi
