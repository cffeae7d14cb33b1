#!/usr/bin/env bash
# Builds the CUDA lakeops (`--features cuda`) on a machine without a GPU or a CUDA install, with
# NVIDIA's CUDA 13.0 compiler and libraries from PyPI (recipe verified on the lent H100/H200:
# specs/embed.md §2.2). Writes dist/cuda/lakeops(.xz), the fused kernels' GPU check
# dist/cuda/kernel_check(.xz) (bench/gpu/run.sh runs both), and dist/cuda/ptxas.txt: registers,
# shared memory and spills of every fused kernel, read without a GPU.
#
#   scripts/build-cuda.sh            # CUDA_COMPUTE_CAP=90 (H100/H200); set it for other GPUs
#
# Why these pins: nvcc 13.0.x writes PTX ISA 9.0, which the GPU machine's driver (580, CUDA 13.0)
# can JIT; nvcc 13.1+ writes PTX that driver rejects. The wheels (~680 MB) go to a scratch folder
# outside the repository, never committed. At run time the binary needs libcuda.so.1 (driver) and
# the CUDA 13 libcublas/libcurand/libcudart (e.g. PyTorch's nvidia/cu13/lib on LD_LIBRARY_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${LAKEOPS_CUDA_SCRATCH:-${XDG_CACHE_HOME:-$HOME/.cache}/lakeops-cuda}"
export CUDA_COMPUTE_CAP="${CUDA_COMPUTE_CAP:-90}"
mkdir -p "$scratch/wheels" "$scratch/toolkit"
cuda="$scratch/toolkit/nvidia/cu13"
if [ ! -x "$cuda/bin/nvcc" ]; then
    python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$scratch/wheels" \
        nvidia-cuda-nvcc==13.0.88 nvidia-nvvm==13.0.88 nvidia-cuda-crt==13.0.88 \
        nvidia-cuda-runtime==13.0.96 nvidia-cuda-cccl==13.0.85 nvidia-cuda-nvrtc==13.0.88 \
        nvidia-curand==10.4.0.35 nvidia-cublas==13.0.0.19
    for w in "$scratch"/wheels/*.whl; do unzip -q -o "$w" 'nvidia/*' -d "$scratch/toolkit"; done
    (cd "$cuda/lib" && for l in cublas cublasLt nvrtc cudart; do ln -sf "lib$l.so.13" "lib$l.so"; done \
        && ln -sf libcurand.so.10 libcurand.so)
fi
export CUDA_HOME="$cuda" CUDA_PATH="$cuda" PATH="$cuda/bin:$PATH"
nvcc --version | grep -q "release 13.0" || { echo "nvcc is not 13.0" >&2; exit 1; }

# The driver library is in no wheel: link against a stub exporting cudarc's driver symbols. It is
# used at link time only and never shipped; the real libcuda.so.1 comes from the GPU's driver.
cargo fetch --locked
cudarc="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.19.* | head -1)"
mkdir -p "$cuda/lib/stubs"
grep -hoE '^\s+fn (cu[A-Za-z0-9_]+)\(' "$cudarc/src/driver/sys/mod.rs" \
    | sed -E 's/^\s+fn (cu[A-Za-z0-9_]+)\(/\1/' | sort -u \
    | sed 's/.*/int &(void){return 999;}/' > "$cuda/lib/stubs/cuda_stub.c"
gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$cuda/lib/stubs/libcuda.so" "$cuda/lib/stubs/cuda_stub.c"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$scratch/target}"
cargo build --locked --release --features cuda --bin lakeops --example kernel_check
mkdir -p dist/cuda
cp "$CARGO_TARGET_DIR/release/lakeops" dist/cuda/lakeops
cp "$CARGO_TARGET_DIR/release/examples/kernel_check" dist/cuda/kernel_check
strip dist/cuda/lakeops dist/cuda/kernel_check
xz -9 -T2 -k -f dist/cuda/lakeops
xz -9 -T2 -k -f dist/cuda/kernel_check
ptx="$(ls -t "$CARGO_TARGET_DIR"/release/build/lakeops-*/out/kernels.ptx | head -1)"
ptxas -arch="sm_$CUDA_COMPUTE_CAP" -v "$ptx" -o /dev/null 2> dist/cuda/ptxas.txt
grep -E 'Compiling entry|registers|spill' dist/cuda/ptxas.txt
ls -l dist/cuda
