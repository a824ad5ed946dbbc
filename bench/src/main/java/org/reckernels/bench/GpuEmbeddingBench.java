package org.reckernels.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.io.ResultsFile;
import org.reckernels.reference.CtrReferenceOps;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * GPU runner for the table-batched embedding bag (kernels/embedding.cu): forward (sum pooling) and
 * backward fused with row-wise Adagrad, on FBGEMM's benchmark shapes, next to
 * torch.nn.functional.embedding_bag measured in the same session (bench/reference/embedding_bag_torch.py,
 * whose JSON this runner reads when given).
 * <ol>
 *   <li>validates both ops against {@link CtrReferenceOps} on a small adversarial case (duplicate
 *       rows, empty bags, odd d) — WRONG is printed and the exit status is 1;</li>
 *   <li>times each configuration with CUDA events (warm-up 10, 50 reps, median);</li>
 *   <li>reports GB/s under the byte model below and the fraction of the measured device copy
 *       bandwidth, and writes {@code embedding-bag-<config>} results files.</li>
 * </ol>
 * Byte model (what the op must move, as FBGEMM counts it): forward = the gathered rows
 * (nnz·d·4) + indices (nnz·4) + offsets + the pooled output (T·B·d·4); backward = gradOut (T·B·d·4)
 * + indices + each distinct touched row read and written (2·d·4) with its Adagrad state (2·4).
 * Indices are uniform over each table (FBGEMM's default), bag size fixed.
 *
 * <p>Usage: {@code GpuEmbeddingBench [outDir] [torch.json]}. Without a GPU it prints {@code no GPU: <reason>}.
 */
public final class GpuEmbeddingBench {
    static final int WARMUP = 10;
    static final int REPS = 50;

    /** One benchmark shape: T tables of E rows, d, batch B, L lookups per bag. */
    record Config(String name, int tables, int rowsPerTable, int dim, int batch, int bag) {
        long nnz() {
            return (long) tables * batch * bag;
        }
    }

    static final List<Config> CONFIGS = List.of(
            new Config("fbgemm-default", 32, 100_000, 128, 512, 20),
            new Config("large-batch", 32, 100_000, 128, 8192, 20),
            new Config("ctr-39x16", 39, 100_000, 16, 4096, 1));

    private GpuEmbeddingBench() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        Path torchJson = args.length > 1 ? Path.of(args[1]) : null;
        if (!GpuStats.gpuOrSayWhyNot()) {
            return;
        }
        Map<String, double[]> torch = readTorch(torchJson);
        try (CudaBackend backend = CudaBackend.open(0)) {
            if (!validate(backend)) {
                System.exit(1);
            }
            DeviceCopyBandwidth.Result bw = DeviceCopyBandwidth.measure(backend, backend);
            System.out.printf("device %s, bandwidth %.0f GB/s (%s)%n", backend.deviceName(), bw.gbps(), bw.source());
            for (Config c : CONFIGS) {
                run(backend, bw, c, torch.get(c.name()), out);
            }
        }
    }

    /** Small adversarial case on both ops: CUDA against the float64 reference. */
    static boolean validate(Backend backend) {
        Random rnd = new Random(5);
        int tables = 3;
        int rows = 50;
        int d = 5;
        int batch = 16;
        long[] tableOffsets = {0, rows, 2L * rows, 3L * rows};
        List<Integer> idx = new ArrayList<>();
        int[] offsets = new int[tables * batch + 1];
        for (int g = 0; g < tables * batch; g++) {
            int len = g % 7 == 0 ? 0 : 1 + rnd.nextInt(6); // empty bags, and duplicates from 50 rows
            for (int k = 0; k < len; k++) {
                idx.add(rnd.nextInt(rows));
            }
            offsets[g + 1] = idx.size();
        }
        int[] indices = idx.stream().mapToInt(Integer::intValue).toArray();
        SparseOptimizer opt = SparseOptimizer.rowwiseAdagrad(0.1f, 1e-6f);
        try (HostMatrix w = random(tables * rows, d, rnd);
             HostMatrix gradOut = random(batch, (long) tables * d, rnd);
             HostMatrix state = HostMatrix.zeros(tables * rows, 1);
             HostIndexVector hi = HostIndexVector.of(indices);
             HostIndexVector ho = HostIndexVector.of(offsets);
             HostMatrix refOut = HostMatrix.zeros(batch, (long) tables * d);
             HostMatrix gotOut = HostMatrix.zeros(batch, (long) tables * d);
             HostMatrix gotW = HostMatrix.zeros(tables * rows, d);
             Matrix dw = backend.upload(w);
             Matrix dGrad = backend.upload(gradOut);
             Matrix dState = backend.upload(state);
             Matrix dOut = backend.allocate(batch, (long) tables * d);
             IndexVector di = backend.upload(indices);
             IndexVector dOff = backend.upload(offsets)) {
            CtrReferenceOps.embeddingBagForward(w, tableOffsets, hi, ho, null, Pooling.SUM, refOut);
            backend.embeddingBagForward(dw, tableOffsets, di, dOff, null, Pooling.SUM, dOut);
            backend.download(dOut, gotOut);
            double fwdErr = Validation.relativeError(gotOut, refOut);
            CtrReferenceOps.embeddingBagBackward(w, tableOffsets, hi, ho, null, Pooling.SUM, gradOut, opt, state, null, 1);
            backend.embeddingBagBackward(dw, tableOffsets, di, dOff, null, Pooling.SUM, dGrad, opt, dState, null, 1);
            backend.download(dw, gotW);
            double bwdErr = Validation.relativeError(gotW, w);
            boolean ok = fwdErr <= 1e-5 && bwdErr <= 1e-5;
            System.out.printf("%s embedding-bag validation: forward rel. error %.1e, backward+row-wise Adagrad %.1e%n",
                    ok ? "OK" : "WRONG", fwdErr, bwdErr);
            return ok;
        }
    }

    private static HostMatrix random(long rows, long cols, Random rnd) {
        HostMatrix m = HostMatrix.zeros(rows, cols);
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < cols; c++) {
                m.set(r, c, rnd.nextFloat() * 2f - 1f);
            }
        }
        return m;
    }

    private static void run(CudaBackend backend, DeviceCopyBandwidth.Result bw, Config c, double[] torchMs, Path out)
            throws IOException {
        Random rnd = new Random(42);
        int bags = c.tables() * c.batch();
        int[] indices = new int[Math.toIntExact(c.nnz())];
        int[] offsets = new int[bags + 1];
        long distinct = 0;
        for (int t = 0; t < c.tables(); t++) {
            Set<Integer> seen = new HashSet<>();
            for (int b = 0; b < c.batch(); b++) {
                int g = t * c.batch() + b;
                for (int k = 0; k < c.bag(); k++) {
                    int row = rnd.nextInt(c.rowsPerTable());
                    indices[g * c.bag() + k] = row;
                    seen.add(row);
                }
                offsets[g + 1] = (g + 1) * c.bag();
            }
            distinct += seen.size();
        }
        long[] tableOffsets = new long[c.tables() + 1];
        for (int t = 0; t <= c.tables(); t++) {
            tableOffsets[t] = (long) t * c.rowsPerTable();
        }
        long rows = tableOffsets[c.tables()];
        long outFloats = (long) bags * c.dim();
        double fwdBytes = 4.0 * c.nnz() * c.dim() + 4.0 * c.nnz() + 4.0 * (bags + 1) + 4.0 * outFloats;
        double bwdBytes = 4.0 * outFloats + 4.0 * c.nnz() + 4.0 * (bags + 1) + distinct * (2.0 * 4 * c.dim() + 2.0 * 4);
        SparseOptimizer opt = SparseOptimizer.rowwiseAdagrad(0.01f, 1e-6f);
        try (Matrix w = backend.allocate(rows, c.dim());
             Matrix state = backend.allocate(rows, 1);
             Matrix pooled = backend.allocate(c.batch(), (long) c.tables() * c.dim());
             Matrix grad = backend.allocate(c.batch(), (long) c.tables() * c.dim());
             IndexVector di = backend.upload(indices);
             IndexVector dOff = backend.upload(offsets)) {
            backend.fill(w, 0.01f);
            backend.fill(state, 0f);
            backend.fill(grad, 1e-3f);
            float[] fwd = backend.timeWithEvents(
                    () -> backend.embeddingBagForward(w, tableOffsets, di, dOff, null, Pooling.SUM, pooled), WARMUP, REPS);
            long[] step = {1};
            float[] bwd = backend.timeWithEvents(() -> backend.embeddingBagBackward(w, tableOffsets, di, dOff, null,
                    Pooling.SUM, grad, opt, state, null, step[0]++), WARMUP, REPS);
            double fwdMs = GpuStats.median(fwd);
            double bwdMs = GpuStats.median(bwd);
            double fwdGbps = fwdBytes / (fwdMs * 1e6);
            double bwdGbps = bwdBytes / (bwdMs * 1e6);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("tables", c.tables());
            settings.put("rows_per_table", c.rowsPerTable());
            settings.put("dim", c.dim());
            settings.put("batch", c.batch());
            settings.put("bag_size", c.bag());
            settings.put("indices", "uniform per table, seed 42; distinct rows touched " + distinct + " of " + c.nnz());
            settings.put("pooling", "sum");
            settings.put("optimizer", "row-wise Adagrad (fused into backward)");
            settings.put("timing", "CUDA events, warm-up " + WARMUP + ", " + REPS + " reps, median");
            settings.put("byte_model", "fwd: rows gathered + indices + offsets + output; bwd: gradOut + indices + offsets"
                    + " + distinct rows read+written + their state");
            settings.put("bandwidth_reference", bw.source());
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("fwd_ms", fwdMs);
            metrics.put("fwd_gbps", fwdGbps);
            metrics.put("fwd_bw_fraction", fwdGbps / bw.gbps());
            metrics.put("bwd_ms", bwdMs);
            metrics.put("bwd_gbps", bwdGbps);
            metrics.put("bwd_bw_fraction", bwdGbps / bw.gbps());
            metrics.put("device_gbps", bw.gbps());
            List<ResultsFile.Baseline> baselines = new ArrayList<>();
            Map<String, Double> ratios = new LinkedHashMap<>();
            if (torchMs != null) {
                baselines.add(new ResultsFile.Baseline("torch-embedding_bag", Map.of("fwd_ms", torchMs[0], "bwd_ms", torchMs[1])));
                ratios.put("fwd_speedup_vs_torch", torchMs[0] / fwdMs);
                ratios.put("bwd_speedup_vs_torch", torchMs[1] / bwdMs);
            }
            ResultsFile.of("embedding-bag-" + c.name(), backend.deviceName(), backend.driverVersion(),
                    "bash ci/gpu-check.sh (java ... org.reckernels.bench.GpuEmbeddingBench " + out + ")")
                    .with(settings, metrics, baselines, ratios).write(out);
            System.out.printf("RESULT embedding-bag-%s: fwd %.3f ms %.0f GB/s (%.2f of copy bw), bwd+rowwise-adagrad %.3f ms"
                            + " %.0f GB/s (%.2f)%s%n", c.name(), fwdMs, fwdGbps, fwdGbps / bw.gbps(), bwdMs, bwdGbps,
                    bwdGbps / bw.gbps(), torchMs == null ? ", torch: not measured"
                            : String.format(", torch fwd %.3f ms, bwd %.3f ms", torchMs[0], torchMs[1]));
        }
    }

    /** {config name → [fwd_ms, bwd_ms]} from the torch script's JSON lines ({"config": ..., "fwd_ms": ..., "bwd_ms": ...}). */
    static Map<String, double[]> readTorch(Path json) throws IOException {
        Map<String, double[]> m = new LinkedHashMap<>();
        if (json == null || !Files.isRegularFile(json)) {
            return m;
        }
        Pattern p = Pattern.compile("\"config\":\\s*\"([^\"]+)\".*?\"fwd_ms\":\\s*([0-9.eE+-]+).*?\"bwd_ms\":\\s*([0-9.eE+-]+)");
        for (String line : Files.readAllLines(json)) {
            Matcher mt = p.matcher(line);
            if (mt.find()) {
                m.put(mt.group(1), new double[] {Double.parseDouble(mt.group(2)), Double.parseDouble(mt.group(3))});
            }
        }
        return m;
    }
}
