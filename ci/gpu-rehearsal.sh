#!/usr/bin/env bash
# CPU rehearsal of the GPU run (CI runs this): builds the bundle, runs ci/gpu-check.sh here and
# checks that it exits 0 and ends with "no GPU: gpu tests skipped", so that the scripts cannot rot
# between the rare GPU draws. On a machine with a GPU, it accepts "gpu-check: OK" instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/gpu-bundle.sh
export OUT=$(mktemp -d)
log=$(mktemp)   # outside $OUT: gpu-check packs and clears $OUT at the end
set +e
bash ci/gpu-check.sh > "$log" 2>&1
rc=$?
set -e
cat "$log"
last=$(tail -n 1 "$log")
rm -f "$log"
[[ -f "$OUT/all-logs.tgz" ]] || { echo "gpu-rehearsal: FAILED: gpu-check left no $OUT/all-logs.tgz" >&2; exit 1; }
if [[ $rc -eq 0 && ( "$last" == "no GPU: gpu tests skipped" || "$last" == "gpu-check: OK" ) ]]; then
    echo "gpu-rehearsal: OK (exit $rc, last line: $last)"
    rm -rf "$OUT"
    exit 0
fi
echo "gpu-rehearsal: FAILED (exit $rc, last line: $last; logs in $OUT)" >&2
exit 1
