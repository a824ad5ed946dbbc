#!/usr/bin/env bash
# Builds the CUDA side of reckernels and copies it into the Java module's classes:
#
#   OUTDIR/org/reckernels/cuda/reckernels.fatbin                        (kernels/*.cu)
#   OUTDIR/org/reckernels/cuda/linux-x86_64/libreckernels_native.so     (native/*.cu)
#
# Usage: ci/build-kernels.sh OUTDIR      (Maven: exec plugin, generate-resources, OUTDIR =
#                                         the module's target/classes)
#
# Without nvcc or cmake, or with RECKERNELS_SKIP_KERNELS=1, prints one line and exits 0: the CUDA
# backend then reports "kernels not built" (with RECKERNELS_REQUIRE_KERNELS=1, as in CI, a missing
# nvcc or cmake fails instead). A compile error fails with a non-zero exit.
# The CMake build tree is $(dirname OUTDIR)/cmake-build (under target/, so `mvn clean` removes
# it); rebuilding with unchanged sources does nothing.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi

skip() {
    # CI sets RECKERNELS_REQUIRE_KERNELS=1: there a kernel build that cannot run is a failure.
    if [[ "${RECKERNELS_REQUIRE_KERNELS:-0}" == "1" ]]; then
        echo "build-kernels: $1, but RECKERNELS_REQUIRE_KERNELS=1 — failing" >&2
        exit 1
    fi
    echo "build-kernels: $1 — CUDA kernels not built; the CUDA backend will report 'kernels not built'"
    exit 0
}

if [[ "${RECKERNELS_SKIP_KERNELS:-0}" == "1" ]]; then
    skip "RECKERNELS_SKIP_KERNELS=1"
fi

# nvcc: PATH, then $CUDA_HOME, then the usual install folder.
NVCC="$(command -v nvcc || true)"
for candidate in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
    if [[ -z "$NVCC" && -x "$candidate" ]]; then NVCC="$candidate"; fi
done
[[ -n "$NVCC" ]] || skip "nvcc not found"
command -v cmake >/dev/null 2>&1 || skip "cmake not found"

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
OUT_DIR="$(cd "$1" && pwd)"
BUILD_DIR="$(dirname "$OUT_DIR")/cmake-build"
DEST="$OUT_DIR/org/reckernels/cuda"
START=$(date +%s.%N)

# A build tree configured for another source folder (a moved or copied checkout) is stale.
if [[ -f "$BUILD_DIR/CMakeCache.txt" ]] &&
    ! grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$SRC_DIR" "$BUILD_DIR/CMakeCache.txt"; then
    rm -rf "$BUILD_DIR"
fi

if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    GENERATOR=()
    if command -v ninja >/dev/null 2>&1; then GENERATOR=(-G Ninja); fi
    echo "build-kernels: configuring $BUILD_DIR (nvcc: $NVCC)"
    cmake -S "$SRC_DIR" -B "$BUILD_DIR" "${GENERATOR[@]}" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_COMPILER="$NVCC" >"$BUILD_DIR.configure.log" 2>&1 || {
        cat "$BUILD_DIR.configure.log" >&2
        echo "build-kernels: cmake configure failed" >&2
        exit 1
    }
fi

# Re-runs configure by itself when CMakeLists.txt or the set of kernels/*.cu changes.
cmake --build "$BUILD_DIR" --parallel

copy_if_changed() {  # SRC DST
    mkdir -p "$(dirname "$2")"
    if ! cmp -s "$1" "$2"; then cp -f "$1" "$2"; fi
}
copy_if_changed "$BUILD_DIR/reckernels.fatbin" "$DEST/reckernels.fatbin"
copy_if_changed "$BUILD_DIR/libreckernels_native.so" "$DEST/linux-x86_64/libreckernels_native.so"

ELAPSED=$(awk -v s="$START" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
echo "build-kernels: done in ${ELAPSED}s:" \
    "reckernels.fatbin $(stat -c %s "$DEST/reckernels.fatbin") bytes," \
    "libreckernels_native.so $(stat -c %s "$DEST/linux-x86_64/libreckernels_native.so") bytes"
