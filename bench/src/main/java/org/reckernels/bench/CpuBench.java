package org.reckernels.bench;

import org.reckernels.io.Env;
import org.reckernels.io.ResultsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.bench.jmh.SpmmBenchmark;
import org.reckernels.bench.jmh.TriadBenchmark;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * Runs the CPU benchmarks with JMH (fork 1, 3 warm-up and 5 measured iterations of 1 s):
 * {@link SpmmBenchmark} on each available graph at d = 64, and {@link TriadBenchmark} for the
 * machine's memory bandwidth in the same run. Validates the Java backend's SpMM against the
 * reference before timing, then writes {@code spmm-<graph>-d64} results files (device
 * {@code cpu-<cores>c}) and a markdown table.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*' org.reckernels.bench.CpuBench [outDir]}
 * (outDir default {@code bench/results}).
 */
public final class CpuBench {
    static final int D = 64;
    static final String JMH_SETTINGS = "JMH fork 1, warmup 3 x 1 s, measurement 5 x 1 s, mode avgt";

    private CpuBench() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        List<String> graphs = BenchGraphs.available();
        for (String g : graphs) {
            validate(g);
        }
        Options opts = new OptionsBuilder()
                .include(SpmmBenchmark.class.getName() + ".spmm")
                .include(TriadBenchmark.class.getName() + ".triad")
                .param("graph", graphs.toArray(String[]::new))
                .param("d", Integer.toString(D))
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .timeUnit(TimeUnit.MILLISECONDS)
                .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        "-Xmx3g", "-Dreckernels.data=" + BenchGraphs.dataDir().toAbsolutePath())
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        report(results, out);
    }

    /** Checks the Java backend's SpMM on this graph against ReferenceOps; throws when wrong. */
    static void validate(String graph) throws IOException {
        try (CsrMatrix a = BenchGraphs.normalizedAdjacency(BenchGraphs.load(graph));
             HostMatrix x = SpmmBenchmark.randomMatrix(a.cols(), D, 7);
             HostMatrix ref = Validation.referenceSpmm(a, x);
             JavaBackend backend = new JavaBackend();
             SparseMatrix da = backend.upload(a);
             Matrix y = backend.allocate(a.rows(), D);
             HostMatrix got = HostMatrix.zeros(a.rows(), D)) {
            backend.spmm(da, x, y);
            backend.download(y, got);
            double err = Validation.requireClose("java spmm on " + graph, got, ref, Validation.SPMM_TOLERANCE);
            System.out.printf("validated java spmm on %s (%s, d=%d): relative error %.2e%n", graph, a, D, err);
        }
    }

    private static void report(Collection<RunResult> results, Path out) throws IOException {
        String device = "cpu-" + Runtime.getRuntime().availableProcessors() + "c";
        double triadGbps = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith(".triad")) {
                int n = Integer.parseInt(r.getParams().getParam("n"));
                triadGbps = SpmmBytes.gbps((long) TriadBenchmark.BYTES_PER_ELEMENT * n, r.getPrimaryResult().getScore());
            }
        }
        MarkdownTable table = new MarkdownTable("name", "device", "ms", "± ms", "GB/s (model)", "GB/s (compulsory)",
                "triad GB/s", "bw_fraction");
        List<Path> written = new ArrayList<>();
        for (RunResult r : results) {
            if (!r.getParams().getBenchmark().endsWith(".spmm")) {
                continue;
            }
            String graph = r.getParams().getParam("graph");
            int d = Integer.parseInt(r.getParams().getParam("d"));
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            SpmmBytes bytes;
            try (CsrMatrix a = BenchGraphs.normalizedAdjacency(BenchGraphs.load(graph))) {
                bytes = SpmmBytes.of(a, d);
            }
            double gbps = SpmmBytes.gbps(bytes.modelled(), ms);
            double floor = SpmmBytes.gbps(bytes.compulsory(), ms);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("graph", graph);
            settings.putAll(bytes.settings());
            settings.put("backend", new JavaBackend().info().details().toString());
            settings.put("timing", JMH_SETTINGS);
            settings.put("bandwidth_reference", "STREAM triad (TriadBenchmark, 24 B/element, all cores), same JMH run");
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("ms", ms);
            metrics.put("ms_error_999", err);
            metrics.put("gbps", gbps);
            metrics.put("gbps_compulsory", floor);
            metrics.put("triad_gbps", triadGbps);
            metrics.put("bw_fraction", gbps / triadGbps);
            metrics.put("bw_fraction_compulsory", floor / triadGbps);
            String name = "spmm-" + graph + "-d" + d;
            ResultsFile rf = ResultsFile.of(name, device, "java " + Runtime.version(),
                            "java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
                                    + " -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*'"
                                    + " org.reckernels.bench.CpuBench " + out)
                    .with(settings, metrics, List.of(), Map.of());
            written.add(rf.write(out));
            table.row(name, device, ms, err, gbps, floor, triadGbps, gbps / triadGbps);
        }
        String md = "CPU benchmarks, " + device + " (" + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores), " + LocalDate.now() + ", commit " + Env.commit()
                + "\n\n" + table.render() + "\nbyte model: " + SpmmBytes.MODEL + "\n";
        Path mdFile = out.resolve("cpu-bench-" + device + "-" + LocalDate.now() + ".md");
        Files.writeString(mdFile, md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(md);
        written.forEach(p -> System.out.println("wrote " + p));
        System.out.println("wrote " + mdFile);
    }
}
