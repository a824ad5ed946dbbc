#!/usr/bin/env bash
# After a GPU run: takes the all-logs.tgz that ci/gpu-check.sh left in $OUT (the device tool's
# files_at folder), copies its results/*.json and *.md and the summary into bench/results/, and
# regenerates the README's results table. Usage: bash ci/gpu-import.sh FILES_AT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: ci/gpu-import.sh FILES_AT_DIR (holding all-logs.tgz and summary.txt)}
[[ -f "$src/all-logs.tgz" ]] || { echo "gpu-import: no $src/all-logs.tgz" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xzf "$src/all-logs.tgz"
shopt -s nullglob
n=0
for f in "$tmp"/results/*.json "$tmp"/results/*.md; do cp "$f" bench/results/; n=$((n + 1)); done
stamp=$(date +%Y-%m-%d)
[[ -f "$src/summary.txt" ]] && cp "$src/summary.txt" "bench/results/gpu-check-summary-$stamp.txt"
[[ -f "$tmp/nvidia-smi.txt" ]] && cp "$tmp/nvidia-smi.txt" "bench/results/gpu-check-nvidia-smi-$stamp.txt"
echo "gpu-import: copied $n result files into bench/results/"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
"$JAVA_HOME/bin/java" -cp "bench/target/reckernels-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*:java/target/reckernels-0.1.0-SNAPSHOT.jar" \
    org.reckernels.bench.ResultsTable bench/results README.md
