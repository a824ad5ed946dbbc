package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.reckernels.ann.IvfPqIndex;
import org.reckernels.ann.Metric;
import org.reckernels.ann.SearchResult;
import org.reckernels.ann.SyntheticVectors;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;

/**
 * {@code reckernels index build|search}: builds an IVF-PQ index over synthetic clustered vectors
 * ({@link SyntheticVectors#standard}, seeded) and saves it; searches a saved index with fresh
 * queries from the same distribution and reports recall@k against exact search and QPS.
 */
final class IndexCommand {
    private IndexCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("index: expected 'build' or 'search'");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "build" -> build(new Options("index build", rest,
                    Set.of("out", "n", "nlist", "m", "nbits", "metric", "seed", "batch", "backend")), out);
            case "search" -> search(new Options("index search", rest,
                    Set.of("index", "queries", "k", "nprobe", "rerank", "fast-scan", "seed", "n")), out);
            default -> throw new IllegalArgumentException("index: unknown subcommand '" + args[0] + "' (build or search)");
        };
    }

    private static int build(Options o, PrintStream out) throws IOException {
        if (!o.has("out")) {
            throw new IllegalArgumentException("index build: --out FILE is required");
        }
        int n = o.integer("n", 200_000);
        int batch = o.integer("batch", 50_000);
        long seed = o.integer("seed", 7);
        SyntheticVectors gen = SyntheticVectors.standard(seed);
        int d = gen.dim();
        out.printf("generating %,d synthetic vectors (d=%d, seed %d)%n", n, d, seed);
        float[] x = gen.sample(n, 1);
        IvfPqIndex.Params p = IvfPqIndex.Params.of(o.integer("nlist", 1024), o.integer("m", 64), o.integer("nbits", 4),
                Metric.parse(o.string("metric", "l2"))).withSeed(seed);
        // java (the default): the CPU build; cuda: k-means, PQ training and encoding on the device
        Backends.Choice choice = Backends.open(o.string("backend", "java"));
        IvfPqIndex ix;
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ")");
            long t0 = System.nanoTime();
            ix = IvfPqIndex.build(x, d, p, backend, msg -> out.println("  " + msg));
            for (int b = 0; b < n; b += batch) {
                int e = Math.min(n, b + batch);
                long[] ids = new long[e - b];
                for (int i = b; i < e; i++) {
                    ids[i - b] = i;
                }
                ix.add(ids, java.util.Arrays.copyOfRange(x, b * d, e * d), backend);
                double s = (System.nanoTime() - t0) / 1e9;
                out.printf("  added %,d/%,d  %.1fs  ETA %s%n", e, n, s, ProgressPrinter.duration(s / e * (n - e)));
            }
        }
        ix.save(Path.of(o.string("out", "")));
        out.println(ix + "; " + ix.memory());
        out.println("saved " + o.string("out", ""));
        return 0;
    }

    private static int search(Options o, PrintStream out) throws IOException {
        if (!o.has("index")) {
            throw new IllegalArgumentException("index search: --index FILE is required");
        }
        IvfPqIndex ix = IvfPqIndex.load(Path.of(o.string("index", "")));
        int nq = o.integer("queries", 1000);
        int k = o.integer("k", 10);
        long seed = o.integer("seed", 7);
        SyntheticVectors gen = SyntheticVectors.standard(seed);
        float[] qs = gen.sample(nq, 2);
        boolean fast = Boolean.parseBoolean(o.string("fast-scan", Boolean.toString(ix.nbits() == 4)));
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(k, o.integer("nprobe", 16))
                .withRerank(ix.storesVectors() ? o.integer("rerank", 100) : 0).withFastScan(fast);
        out.println("loaded " + ix);
        long t0 = System.nanoTime();
        SearchResult r = ix.search(qs, sp);
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf("%d queries, %s: %.0f QPS (batch, all cores)%n", nq, sp, nq / s);
        if (ix.storesVectors()) {
            SearchResult truth = ix.searchExact(qs, k);
            out.printf("recall@%d vs exact search: %.4f%n", k, SyntheticVectors.recall(r, truth, k));
        }
        return 0;
    }

}
