package org.reckernels.bench;

import org.reckernels.io.Env;
import org.reckernels.io.ResultsFile;
import org.reckernels.backend.cuda.CudaBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.bench.jmh.SpmmBenchmark;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * The GPU side-by-side runner for SpMM: for each graph ({@link BenchGraphs}: synthetic, and
 * gowalla when present) and d in {32, 64, 128, 256} it
 * <ol>
 *   <li>validates our SpMM against {@link org.reckernels.reference.ReferenceOps} on fresh random X
 *       with Y poisoned by NaN (a wrong result is printed as WRONG, not timed, and makes the exit
 *       status 1);</li>
 *   <li>times it with the backend's CUDA events (warm-up 10, 50 reps, median);</li>
 *   <li>runs, validates and times cuSPARSE on the same A, X and stream ({@link CusparseSpmmBaseline});</li>
 *   <li>writes a results file {@code spmm-<graph>-d<d>} with GB/s under {@link SpmmBytes}'s model,
 *       bw_fraction over the measured device copy bandwidth ({@link DeviceCopyBandwidth}) and
 *       {@code speedup_vs_cusparse-spmm}.</li>
 * </ol>
 * Then it prints and writes a markdown summary. Without a GPU it prints {@code no GPU: <reason>}
 * and exits 0.
 *
 * <p>Usage: {@code GpuBench [outDir]} (default bench/results).
 */
public final class GpuBench {
    static final int[] DIMS = {32, 64, 128, 256};
    static final int WARMUP = 10;
    static final int REPS = 50;
    static final String TIMING = "CUDA events on the backend stream, warm-up " + WARMUP + ", " + REPS + " reps, median";

    private GpuBench() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        if (!GpuStats.gpuOrSayWhyNot()) {
            return;
        }
        int failures;
        try (CudaBackend backend = CudaBackend.open(0)) {
            failures = run(backend, backend, out);
        }
        if (failures > 0) {
            System.out.println("GpuBench: " + failures + " configuration(s) FAILED validation");
            System.exit(1);
        }
    }

    private static int run(Backend backend, CudaBackend timing, Path out) throws IOException {
        String device = timing.deviceName();
        DeviceCopyBandwidth.Result bw = DeviceCopyBandwidth.measure(backend, timing);
        System.out.printf("device %s, driver %s, bandwidth %.0f GB/s (%s)%n", device, timing.driverVersion(), bw.gbps(),
                bw.source());
        Object opened = CusparseSpmmBaseline.open(backend, timing);
        CusparseSpmmBaseline cusparse = opened instanceof CusparseSpmmBaseline c ? c : null;
        String cusparseDown = cusparse == null ? (String) opened : null;
        if (cusparseDown != null) {
            System.out.println("baseline " + cusparseDown);
        }
        MarkdownTable table = new MarkdownTable("name", "ms", "GB/s (model)", "GB/s (compulsory)", "bw_fraction",
                "cusparse-spmm ms", "speedup_vs_cusparse-spmm", "rel. error");
        int failures = 0;
        try {
            for (String graph : BenchGraphs.available()) {
                try (CsrMatrix host = BenchGraphs.normalizedAdjacency(BenchGraphs.load(graph));
                     SparseMatrix a = backend.upload(host)) {
                    for (int d : DIMS) {
                        Row row = measure(backend, timing, cusparse, cusparseDown, bw, graph, host, a, d, out);
                        failures += row.failed ? 1 : 0;
                        table.row(row.cells());
                        System.out.println(row.line());
                    }
                }
            }
        } finally {
            if (cusparse != null) {
                cusparse.close();
            }
        }
        String md = "GPU SpMM, " + device + " (driver " + timing.driverVersion() + "), " + LocalDate.now() + ", commit "
                + Env.commit() + "\n\n" + table.render() + "\ntiming: " + TIMING + "\nbandwidth: "
                + MarkdownTable.num(bw.gbps()) + " GB/s, " + bw.source() + "\nbyte model: " + SpmmBytes.MODEL + "\n"
                + (cusparseDown == null ? "" : "baseline: " + cusparseDown + "\n");
        Files.createDirectories(out);
        Path mdFile = out.resolve("gpu-bench-" + device.replaceAll("[^A-Za-z0-9._-]+", "-") + "-" + LocalDate.now() + ".md");
        Files.writeString(mdFile, md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(md);
        System.out.println("wrote " + mdFile);
        return failures;
    }

    /** One configuration's outcome, for the summary table. */
    private record Row(String name, boolean failed, double ms, double gbps, double floor, double frac, double cusMs,
                       double speedup, double err, String note) {
        Object[] cells() {
            return new Object[] {name + (failed ? " (WRONG)" : ""), ms, gbps, floor, frac, cusMs, speedup, err};
        }

        String line() {
            return String.format("RESULT %s: %s ms, %s GB/s, bw_fraction %s, cusparse %s ms, speedup %s, err %.1e%s",
                    name, MarkdownTable.num(ms), MarkdownTable.num(gbps), MarkdownTable.num(frac),
                    MarkdownTable.num(cusMs), MarkdownTable.num(speedup), err, note == null ? "" : " (" + note + ")");
        }
    }

    private static Row measure(Backend backend, CudaBackend timing, CusparseSpmmBaseline cusparse, String cusparseDown,
                               DeviceCopyBandwidth.Result bw, String graph, CsrMatrix host, SparseMatrix a, int d,
                               Path out) throws IOException {
        String name = "spmm-" + graph + "-d" + d;
        SpmmBytes bytes = SpmmBytes.of(host, d);
        try (HostMatrix hx = SpmmBenchmark.randomMatrix(host.cols(), d, 1000L + d);
             HostMatrix ref = Validation.referenceSpmm(host, hx);
             Matrix x = backend.upload(hx);
             Matrix y = backend.allocate(host.rows(), d);
             HostMatrix got = HostMatrix.zeros(host.rows(), d)) {
            DeviceRaw.fillNaN(timing, y);
            backend.spmm(a, x, y);
            backend.download(y, got);
            double err = Validation.relativeError(got, ref);
            if (!(err <= Validation.SPMM_TOLERANCE)) {
                System.out.printf("WRONG %s: relative error %.3e > %.0e — not timed%n", name, err, Validation.SPMM_TOLERANCE);
                return new Row(name, true, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, err,
                        "validation failed");
            }
            float[] times = timing.timeWithEvents(() -> backend.spmm(a, x, y), WARMUP, REPS);
            double ms = GpuStats.median(times);
            double gbps = SpmmBytes.gbps(bytes.modelled(), ms);
            double floor = SpmmBytes.gbps(bytes.compulsory(), ms);

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("graph", graph);
            settings.putAll(bytes.settings());
            settings.put("timing", TIMING);
            settings.put("bandwidth_reference", bw.source());
            settings.put("validation", "relative Frobenius error vs ReferenceOps (float64) = " + err);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("ms", ms);
            metrics.put("ms_min", GpuStats.min(times));
            metrics.put("gbps", gbps);
            metrics.put("gbps_compulsory", floor);
            metrics.put("device_gbps", bw.gbps());
            metrics.put("bw_fraction", gbps / bw.gbps());
            metrics.put("bw_fraction_compulsory", floor / bw.gbps());
            List<ResultsFile.Baseline> baselines = new ArrayList<>();
            Map<String, Double> ratios = new LinkedHashMap<>();
            double cusMs = Double.NaN;
            String note = cusparseDown;
            if (cusparse != null) {
                CusparseSpmmBaseline.Result c = cusparse.run(host, a, x, ref);
                settings.put("cusparse", c.available() ? "best of " + c.algs() + ": " + c.bestAlg()
                        + "; int32 row-offset copy (cuSPARSE CSR SpMM takes one index type)" : c.unavailable());
                if (c.available()) {
                    cusMs = c.bestMs();
                    baselines.add(new ResultsFile.Baseline("cusparse-spmm",
                            Map.of("ms", cusMs, "gbps", SpmmBytes.gbps(bytes.modelled(), cusMs))));
                    ratios.put("speedup_vs_cusparse-spmm", cusMs / ms);
                } else {
                    note = c.unavailable();
                }
            } else {
                settings.put("cusparse", cusparseDown);
            }
            ResultsFile rf = ResultsFile.of(name, timing.deviceName(), timing.driverVersion(),
                    "bash ci/gpu-check.sh (java ... org.reckernels.bench.GpuBench " + out + ")")
                    .with(settings, metrics, baselines, ratios);
            rf.write(out);
            return new Row(name, false, ms, gbps, floor, gbps / bw.gbps(), cusMs, cusMs / ms, err, note);
        }
    }
}
