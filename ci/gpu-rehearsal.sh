#!/usr/bin/env bash
# CPU rehearsal of the GPU run (CI runs this): builds the bundle, runs ci/gpu-check.sh here and
# checks that it exits 0 and ends with "no GPU: gpu tests skipped", so that the scripts cannot rot
# between the rare GPU draws. On a machine with a GPU, it accepts "gpu-check: OK" instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/gpu-bundle.sh
export OUT=$(mktemp -d)
set +e
bash ci/gpu-check.sh > "$OUT/rehearsal.log" 2>&1
rc=$?
set -e
cat "$OUT/rehearsal.log"
last=$(tail -n 1 "$OUT/rehearsal.log")
if [[ $rc -eq 0 && ( "$last" == "no GPU: gpu tests skipped" || "$last" == "gpu-check: OK" ) ]]; then
    echo "gpu-rehearsal: OK (exit $rc, last line: $last)"
    rm -rf "$OUT"
    exit 0
fi
echo "gpu-rehearsal: FAILED (exit $rc, last line: $last; logs in $OUT)" >&2
exit 1
