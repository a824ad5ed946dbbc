#!/usr/bin/env bash
# Runs on the lent GPU machine from the project root, with .gpu/ carried (ci/gpu-bundle.sh):
# unpacks the runtime, finds cuBLAS/cuSPARSE, runs the @Tag("gpu") JUnit tests, then GpuBench and
# GpuAnnBench (IVF-PQ vs exact search, and the index build on the device vs the CPU; ANN_N vectors, default 1000000),
# SgnsGpuBench (SGNS words/s at window 5, negative 5, d = 128 against the 20M words/s bar), and
# GpuDeepFmBench (DeepFM training samples/s at 39 fields, d 16, MLP 400-400-400, batch 4096, vs PyTorch).
# Also runnable here as a rehearsal: without a GPU it ends with "no GPU: gpu tests skipped", exit 0.
# Logs and reports go to $OUT (default ./.gpu/out): nvidia-smi.txt, junit.log, junit/ (XML),
# gpubench.log, sgnsbench.log, deepfm*.log, results/*.json + *.md, train-*.log, summary.txt — all but summary.txt packed into
# all-logs.tgz at the end (the device tool returns at most 8 files).
# Exit status: non-zero only for real failures (failed tests, wrong results, a broken bundle).
# Stages (GPU_CHECK_STAGES, default all): tests spmm ann sgns train embedding ials fm deepfm — one device call
# allows 10 minutes, so a run that would take longer is split, e.g.
#   GPU_CHECK_STAGES="tests spmm ann sgns" bash ci/gpu-check.sh;  GPU_CHECK_STAGES="train embedding ials fm deepfm" bash ci/gpu-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/.gpu/out}
mkdir -p "$OUT/junit" "$OUT/results"
summary="$OUT/summary.txt"; : > "$summary"
say() { echo "$*" | tee -a "$summary"; }
STAGES=" ${GPU_CHECK_STAGES:-all} "
want() { [[ "$STAGES" == *" all "* || "$STAGES" == *" $1 "* ]]; }
say "gpu-check: stages${STAGES% }"

[[ -f .gpu/jre.txz && -d .gpu/lib ]] || { say "gpu-check: .gpu/jre.txz or .gpu/lib missing — run ci/gpu-bundle.sh first"; exit 2; }
export RECKERNELS_COMMIT=$(cat .gpu/commit.txt 2>/dev/null || echo unknown)
# GpuBench finds the Gowalla graph here (the bundle carries it; ../shared does not travel).
[[ -d .gpu/data ]] && export RECKERNELS_DATA=.gpu/data

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xJf .gpu/jre.txz || { say "gpu-check: cannot unpack .gpu/jre.txz"; exit 2; }
JAVA="$tmp/jre/bin/java"
"$JAVA" -version >/dev/null 2>&1 || { say "gpu-check: unpacked runtime does not start"; exit 2; }

# cuBLAS / cuSPARSE from the nvidia python wheels, when there
libdirs=""
if site=$(python3 -c "import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))" 2>/dev/null); then
    libdirs=$(find "$site" \( -name 'libcublas.so*' -o -name 'libcusparse.so*' -o -name 'libcublasLt.so*' \) \
              -printf '%h\n' 2>/dev/null | sort -u | paste -sd: -)
fi
export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
say "gpu-check: commit $RECKERNELS_COMMIT; vendor libs: ${libdirs:-none found}"

gpu=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1; then
    gpu=1
    say "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
fi

flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g)
CP=".gpu/lib/*"
launcher=$(ls .gpu/lib/junit-platform-console-standalone-*.jar | head -1)
testjar=$(ls .gpu/lib/reckernels-*-tests.jar | head -1)
failed=0

# 1. the gpu-tagged tests (they skip themselves without a GPU)
if want tests; then
"$JAVA" "${flags[@]}" -Dreckernels.cuda.sync=true -jar "$launcher" execute --class-path "$(ls .gpu/lib/*.jar | grep -v console-standalone | paste -sd: -)" \
    --scan-class-path "$testjar" --include-tag gpu --details=tree --disable-banner \
    --reports-dir "$OUT/junit" > "$OUT/junit.log" 2>&1
junit_rc=$?
counts=$(grep -E '^\[ +[0-9]+ tests (successful|failed|skipped|aborted|found) +\]' "$OUT/junit.log" | tr -s ' ' | paste -sd' ' -)
say "junit (gpu tag): rc=$junit_rc ${counts:-no summary — see junit.log}"
found=$(grep -oE '^\[ +[0-9]+ tests found' "$OUT/junit.log" | grep -oE '[0-9]+' | head -1)
if [[ "${found:-0}" -eq 0 ]]; then
    # The gpu-tagged classes must be discovered (then skipped without a GPU): 0 means a broken
    # bundle (missing jar, missing JRE module), never an acceptable outcome.
    say "junit: no gpu-tagged tests discovered — the bundle is broken"; failed=1; tail -40 "$OUT/junit.log"
elif [[ $junit_rc -ne 0 ]]; then
    failed=1; tail -40 "$OUT/junit.log"
fi
fi

# 2. the GPU benchmarks, each configuration validated before it is timed
# (GpuBench's "no GPU" line, when it ran, also turns the later stages off.)
if want spmm; then
"$JAVA" "${flags[@]}" -cp "$CP" org.reckernels.bench.GpuBench "$OUT/results" > "$OUT/gpubench.log" 2>&1
bench_rc=$?
grep -E '^(RESULT|WRONG|no GPU|baseline|device|GPU present)' "$OUT/gpubench.log" | tee -a "$summary"
if [[ $bench_rc -ne 0 ]]; then failed=1; say "gpubench: FAILED rc=$bench_rc"; tail -40 "$OUT/gpubench.log"; fi
fi
gpu_runs() { [[ $gpu -ne 0 ]] && ! grep -qs '^no GPU' "$OUT/gpubench.log"; }

# 2b. IVF-PQ on the GPU next to exact GEMM search (1M x 128 synthetic; recall@10 vs nprobe, QPS, scan GB/s,
#     GPU re-rank), and the build time on the device (k-means, PQ, encoding) next to the CPU's ("RESULT build ...")
if want ann && gpu_runs; then
    timeout 360 "$JAVA" "${flags[@]}" -Xmx16g -cp "$CP" org.reckernels.bench.GpuAnnBench "$OUT/results" ${ANN_N:-1000000} \
        > "$OUT/gpuannbench.log" 2>&1
    ann_rc=$?
    grep -E '^(RESULT|WRONG|device|bandwidth)' "$OUT/gpuannbench.log" | tee -a "$summary"
    if [[ $ann_rc -ne 0 ]]; then failed=1; say "gpuannbench: FAILED rc=$ann_rc (124: timed out)"; tail -40 "$OUT/gpuannbench.log"; fi
fi

# 2b. SGNS throughput (the issue's bar: >= 20M words/s at window 5, negative 5, d = 128), with
#     precision@10 on planted clusters checked against the Java backend in the same run
if want sgns && gpu_runs; then
    timeout 300 "$JAVA" "${flags[@]}" -Xmx24g -cp "$CP" org.reckernels.bench.SgnsGpuBench "$OUT/results" > "$OUT/sgnsbench.log" 2>&1
    sgns_rc=$?
    grep -E '^(RESULT|WRONG|no GPU|corpus|cuda run)' "$OUT/sgnsbench.log" | sed 's/^/sgns: /' | tee -a "$summary"
    if [[ $sgns_rc -ne 0 ]]; then failed=1; say "sgnsbench: FAILED rc=$sgns_rc (124: timed out)"; tail -40 "$OUT/sgnsbench.log"; fi
fi

# 3. training runs on Gowalla (carried in .gpu/data): CUDA and Java backends with the same seed
#    (their loss curves must agree), and the PyTorch reference recipe for the time per epoch.
if want train && gpu_runs && [[ -f .gpu/data/gowalla/train.txt ]]; then
    for kind in cuda java; do
        timeout 240 "$JAVA" "${flags[@]}" -cp "$CP" org.reckernels.bench.TrainRun lightgcn .gpu/data/gowalla 5 5 \
            "$OUT/results" "$kind" > "$OUT/train-$kind.log" 2>&1
        rc=$?
        say "train lightgcn ($kind): rc=$rc $(grep -E '^(epoch|  eval)' "$OUT/train-$kind.log" | tail -2 | paste -sd' ' -)"
        if [[ $rc -ne 0 ]]; then failed=1; tail -30 "$OUT/train-$kind.log"; fi
    done
    if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
        timeout 300 python3 bench/reference/lightgcn_torch.py .gpu/data/gowalla 3 "$OUT/results/lightgcn-gowalla-pytorch.json" \
            > "$OUT/train-torch.log" 2>&1
        say "train lightgcn (pytorch reference): rc=$? $(tail -2 "$OUT/train-torch.log" | paste -sd' ' -)"
    else
        say "train lightgcn (pytorch reference): skipped, no torch with CUDA"
    fi
fi

# 4. embedding bag forward / backward + row-wise Adagrad vs torch.nn.functional.embedding_bag
if want embedding && gpu_runs; then
    torch_json="$OUT/results/embedding-bag-torch.jsonl"
    if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
        timeout 200 python3 bench/reference/embedding_bag_torch.py "$torch_json" > "$OUT/embedding-torch.log" 2>&1
        say "embedding bag (pytorch): rc=$?"
    else
        say "embedding bag (pytorch): skipped, no torch with CUDA"
    fi
    timeout 200 "$JAVA" "${flags[@]}" -cp "$CP" org.reckernels.bench.GpuEmbeddingBench "$OUT/results" "$torch_json" \
        > "$OUT/embedding.log" 2>&1
    rc=$?
    grep -E '^(RESULT|WRONG|OK|device)' "$OUT/embedding.log" | tee -a "$summary"
    if [[ $rc -ne 0 ]]; then failed=1; say "embedding bench: FAILED rc=$rc"; tail -30 "$OUT/embedding.log"; fi
fi

# 5. iALS sweeps on Gowalla (the issue's "report the GPU time"), and FM training samples/s on CUDA
if want ials && gpu_runs && [[ -f .gpu/data/gowalla/train.txt ]]; then
    timeout 200 "$JAVA" "${flags[@]}" -cp "$CP" org.reckernels.bench.TrainRun ials .gpu/data/gowalla 10 0 \
        "$OUT/results" cuda > "$OUT/train-ials.log" 2>&1
    rc=$?
    say "train ials (cuda): rc=$rc $(tail -2 "$OUT/train-ials.log" | paste -sd' ' -)"
    if [[ $rc -ne 0 ]]; then failed=1; tail -30 "$OUT/train-ials.log"; fi
fi
if want fm && gpu_runs; then
    timeout 200 "$JAVA" "${flags[@]}" -cp "$CP" org.reckernels.bench.CtrBench 1000000 3 "$OUT/results" cuda \
        > "$OUT/train-fm.log" 2>&1
    rc=$?
    say "train fm (cuda): rc=$rc $(tail -2 "$OUT/train-fm.log" | paste -sd' ' -)"
    if [[ $rc -ne 0 ]]; then failed=1; tail -30 "$OUT/train-fm.log"; fi
fi

# 6. DeepFM training at the issue's setting (39 fields, d 16, MLP 400-400-400 on the shared embeddings, batch
#    4096) on CUDA, validated against the Java backend first, next to the same model in PyTorch (same run)
if want deepfm && gpu_runs; then
    torch_json="$OUT/results/deepfm-torch.jsonl"
    if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
        timeout 200 python3 bench/reference/deepfm_torch.py "$torch_json" > "$OUT/deepfm-torch.log" 2>&1
        say "deepfm (pytorch): rc=$? $(tail -1 "$OUT/deepfm-torch.log" | cut -c1-160)"
    else
        say "deepfm (pytorch): skipped, no torch with CUDA"
    fi
    timeout 240 "$JAVA" "${flags[@]}" -cp "$CP" org.reckernels.bench.GpuDeepFmBench "$OUT/results" "$torch_json" \
        > "$OUT/deepfm.log" 2>&1
    rc=$?
    grep -E '^(RESULT|WRONG|OK|no GPU)' "$OUT/deepfm.log" | tee -a "$summary"
    if [[ $rc -ne 0 ]]; then failed=1; say "deepfm bench: FAILED rc=$rc (124: timed out)"; tail -30 "$OUT/deepfm.log"; fi
fi

# The device tool brings back at most 8 files from $OUT: pack everything but the summary into one.
finish() {
    (cd "$OUT" && tar -czf all-logs.tgz --exclude=all-logs.tgz --exclude=summary.txt . 2>/dev/null \
        && find . -mindepth 1 ! -name all-logs.tgz ! -name summary.txt -delete 2>/dev/null)
}
if [[ $failed -ne 0 ]]; then say "gpu-check: FAILED"; finish; exit 1; fi
finish
if ! gpu_runs; then
    say "no GPU: gpu tests skipped"
    exit 0
fi
say "gpu-check: OK"
