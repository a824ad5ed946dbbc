package org.reckernels.bench;

import org.reckernels.io.ResultsFile;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.reckernels.ann.ExactSearch;
import org.reckernels.ann.IvfPqIndex;
import org.reckernels.ann.Metric;
import org.reckernels.ann.SearchResult;
import org.reckernels.ann.SyntheticVectors;

/**
 * IVF-PQ vs exact search, JVector (graph, Panama provider) and Lucene HNSW on the same
 * synthetic clustered vectors ({@link SyntheticVectors#standard}) and the same queries, L2,
 * recall@10 against exact search. QPS: queries split over {@code threads} worker threads, one
 * query at a time per thread (no batching for anyone), best of 3 timed passes after a warm-up pass.
 * Each method sweeps its search-time knob; QPS at equal recall is interpolated on each curve
 * (the best measured QPS among settings reaching the recall; no interpolation).
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -Djvector.vectorization_provider=panama -Xmx8g -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*'
 * org.reckernels.bench.AnnBench [n=200000] [queries=1000] [threads=2] [outDir=bench/results]}
 */
public final class AnnBench {
    static final int K = 10;

    private AnnBench() {
    }

    record Point(String method, String setting, double recall, double qps) {
    }

    interface QueryFn {
        /** Searches query q and writes its K ids into out[q*K ..]. */
        void search(int q, long[] out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int nq = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path out = Path.of(args.length > 3 ? args[3] : "bench/results");
        SyntheticVectors gen = SyntheticVectors.standard(7);
        int d = gen.dim();
        float[] base = gen.sample(n, 1);
        float[] queries = gen.sample(nq, 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ann-bench");
            t.setDaemon(true);
            return t;
        });
        List<Point> points = new ArrayList<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", "SyntheticVectors.standard(seed 7): " + n + " x " + d + " base (stream 1), " + nq
                + " queries (stream 2); 20 topics x 500 overlapping skewed clusters on 48-d anisotropic pancakes + isotropic noise");
        settings.put("k", K);
        settings.put("threads", threads);
        settings.put("metric", "L2");
        settings.put("timing", "queries split over " + threads + " threads, one query per call, best of 3 passes after 1 warm-up");

        // ---- exact ground truth and exact-search QPS
        ExactSearch exact = new ExactSearch(base, null, d, Metric.L2);
        long t0 = System.nanoTime();
        SearchResult truth = exact.search(queries, K);
        double gtSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("ground truth: %.1f s%n", gtSeconds);
        long[] truthIds = truth.ids();
        double exactQps = nq / gtSeconds; // the batch over all queries, parallel on the common pool (2 cores)
        points.add(new Point("exact", "brute force, batch of all queries", 1.0, exactQps));
        System.out.printf("exact: %.0f QPS%n", exactQps);

        // ---- IVF-PQ
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        int nlist = 1024;
        for (int nbits : new int[]{4, 8}) {
            int m = nbits == 4 ? 64 : 32;
            t0 = System.nanoTime();
            IvfPqIndex ix = IvfPqIndex.build(base, d, IvfPqIndex.Params.of(nlist, m, nbits, Metric.L2).withMaxTrainPoints(50_000),
                    System.out::println);
            ix.add(ids, base);
            double buildS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ivfpq nbits=%d M=%d nlist=%d built in %.1f s; %s%n", nbits, m, nlist, buildS, ix.memory());
            settings.put("ivfpq_pq" + nbits + "_build_s", buildS);
            for (int rerank : new int[]{40, 100}) {
                for (int nprobe : new int[]{1, 2, 4, 8, 12, 16, 24, 32, 48, 64}) {
                    IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(K, nprobe).withRerank(rerank).withFastScan(nbits == 4);
                    Point p = measure("ivfpq-pq" + nbits, "nprobe=" + nprobe + " rerank=" + rerank, pool, threads, nq,
                            (q, o) -> {
                                long[] ri = new long[K];
                                ix.searchOne(queries, q * d, sp, ri, new float[K], 0);
                                System.arraycopy(ri, 0, o, q * K, K);
                            }, truthIds);
                    points.add(p);
                    if (p.recall() > 0.995) {
                        break;
                    }
                }
            }
        }

        // ---- Lucene HNSW (in-memory graph, no Lucene index/query overhead)
        List<float[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(java.util.Arrays.copyOfRange(base, i * d, (i + 1) * d));
        }
        FloatVectorValues fvv = FloatVectorValues.fromFloats(rows, d);
        FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
        int luceneM = 16;
        int luceneBeam = 100;
        t0 = System.nanoTime();
        OnHeapHnswGraph hnsw = HnswGraphBuilder.create(
                scorer.getRandomVectorScorerSupplier(org.apache.lucene.index.VectorSimilarityFunction.EUCLIDEAN, fvv),
                luceneM, luceneBeam, 42).build(n);
        double luceneBuild = (System.nanoTime() - t0) / 1e9;
        System.out.printf("lucene hnsw M=%d beam=%d built in %.1f s (1 thread)%n", luceneM, luceneBeam, luceneBuild);
        settings.put("lucene_hnsw", "M=" + luceneM + " beamWidth=" + luceneBeam + ", build " + luceneBuild + " s");
        for (int ef : new int[]{10, 16, 24, 32, 48, 64, 96, 128, 192, 256}) {
            Point p = measure("lucene-hnsw", "ef=" + ef, pool, threads, nq, (q, o) -> {
                FloatVectorValues view = fvv.copy();
                TopDocs td = HnswGraphSearcher.search(scorer.getRandomVectorScorer(
                                org.apache.lucene.index.VectorSimilarityFunction.EUCLIDEAN, view,
                                java.util.Arrays.copyOfRange(queries, q * d, (q + 1) * d)),
                        ef, hnsw, null, Integer.MAX_VALUE).topDocs();
                ScoreDoc[] sd = td.scoreDocs;
                for (int r = 0; r < K; r++) {
                    o[q * K + r] = r < sd.length ? sd[r].doc : -1;
                }
            }, truthIds);
            points.add(p);
            if (p.recall() > 0.995) {
                break;
            }
        }

        // ---- JVector (graph, exact scores)
        VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        List<VectorFloat<?>> jv = new ArrayList<>(n);
        for (float[] r : rows) {
            jv.add(vts.createFloatVector(r));
        }
        ListRandomAccessVectorValues ravv = new ListRandomAccessVectorValues(jv, d);
        int jvM = 32;
        int jvBeam = 100;
        t0 = System.nanoTime();
        ImmutableGraphIndex graph;
        try (GraphIndexBuilder b = new GraphIndexBuilder(ravv, io.github.jbellis.jvector.vector.VectorSimilarityFunction.EUCLIDEAN,
                jvM, jvBeam, 1.2f, 1.2f, true)) {
            graph = b.build(ravv);
        }
        double jvBuild = (System.nanoTime() - t0) / 1e9;
        System.out.printf("jvector M=%d beam=%d built in %.1f s (%s)%n", jvM, jvBeam, jvBuild,
                VectorizationProvider.getInstance().getClass().getSimpleName());
        settings.put("jvector", "M=" + jvM + " beamWidth=" + jvBeam + " overflow 1.2 alpha 1.2 hierarchy, "
                + VectorizationProvider.getInstance().getClass().getSimpleName() + ", build " + jvBuild + " s");
        List<VectorFloat<?>> jq = new ArrayList<>(nq);
        for (int q = 0; q < nq; q++) {
            jq.add(vts.createFloatVector(java.util.Arrays.copyOfRange(queries, q * d, (q + 1) * d)));
        }
        ThreadLocal<GraphSearcher> searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
        for (int ef : new int[]{10, 16, 24, 32, 48, 64, 96, 128, 192, 256}) {
            Point p = measure("jvector", "rerankK=" + ef, pool, threads, nq, (q, o) -> {
                var sr = searchers.get().search(DefaultSearchScoreProvider.exact(jq.get(q),
                        io.github.jbellis.jvector.vector.VectorSimilarityFunction.EUCLIDEAN, ravv), K, ef, 0f, 0f,
                        io.github.jbellis.jvector.util.Bits.ALL);
                var nodes = sr.getNodes();
                for (int r = 0; r < K; r++) {
                    o[q * K + r] = r < nodes.length ? nodes[r].node : -1;
                }
            }, truthIds);
            points.add(p);
            if (p.recall() > 0.995) {
                break;
            }
        }
        pool.shutdown();

        // ---- report
        MarkdownTable table = new MarkdownTable("method", "setting", "recall@10", "QPS");
        for (Point p : points) {
            table.row(p.method(), p.setting(), p.recall(), p.qps());
        }
        System.out.println(table.render());
        double target = 0.9;
        double ours = Math.max(atRecall(points, "ivfpq-pq4", target), atRecall(points, "ivfpq-pq8", target));
        double jvq = atRecall(points, "jvector", target);
        double luq = atRecall(points, "lucene-hnsw", target);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("qps", ours);
        metrics.put("recall@10", target);
        metrics.put("qps_pq4_fastscan", atRecall(points, "ivfpq-pq4", target));
        metrics.put("qps_pq8_adc", atRecall(points, "ivfpq-pq8", target));
        metrics.put("qps_at_recall_0.95", Math.max(atRecall(points, "ivfpq-pq4", 0.95), atRecall(points, "ivfpq-pq8", 0.95)));
        List<ResultsFile.Baseline> baselines = List.of(
                new ResultsFile.Baseline("jvector", Map.of("qps", jvq, "recall@10", target,
                        "qps_at_recall_0.95", atRecall(points, "jvector", 0.95))),
                new ResultsFile.Baseline("lucene-hnsw", Map.of("qps", luq, "recall@10", target,
                        "qps_at_recall_0.95", atRecall(points, "lucene-hnsw", 0.95))),
                new ResultsFile.Baseline("exact", Map.of("qps", exactQps, "recall@10", 1.0)));
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("speedup_vs_jvector", ours / jvq);
        ratios.put("speedup_vs_lucene-hnsw", ours / luq);
        ratios.put("speedup_vs_exact", ours / exactQps);
        List<String> curve = new ArrayList<>();
        for (Point p : points) {
            curve.add(String.format("%s %s: recall %.4f qps %.0f", p.method(), p.setting(), p.recall(), p.qps()));
        }
        settings.put("curve", curve);
        settings.put("equal_recall", "best measured QPS among settings with recall@10 >= " + target + " (no interpolation)");
        String device = "cpu-" + Runtime.getRuntime().availableProcessors() + "c";
        ResultsFile rf = ResultsFile.of("ivfpq-synthetic-" + (n / 1000) + "k", device, "java " + Runtime.version(),
                "java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djvector.vectorization_provider=panama"
                        + " -Xmx8g -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*' org.reckernels.bench.AnnBench "
                        + n + " " + nq + " " + threads + " " + out).with(settings, metrics, baselines, ratios);
        System.out.println("wrote " + rf.write(out));
        System.out.printf("at recall@10 %.2f: ivfpq %.0f QPS, jvector %.0f, lucene-hnsw %.0f, exact %.0f%n", target, ours, jvq,
                luq, exactQps);
    }

    static Point measure(String method, String setting, ExecutorService pool, int threads, int nq, QueryFn fn,
                         long[] truth) throws Exception {
        long[] got = new long[nq * K];
        double qps = qps(pool, threads, nq, fn, got, 3);
        double rec = recall(got, truth, nq);
        System.out.printf("%-12s %-24s recall@10 %.4f  %,8.0f QPS%n", method, setting, rec, qps);
        return new Point(method, setting, rec, qps);
    }

    static double qps(ExecutorService pool, int threads, int nq, QueryFn fn, long[] out, int passes) throws Exception {
        run(pool, threads, nq, fn, out); // warm-up
        double best = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            run(pool, threads, nq, fn, out);
            best = Math.max(best, nq / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }

    private static void run(ExecutorService pool, int threads, int nq, QueryFn fn, long[] out) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            fs.add(pool.submit(() -> {
                for (int q = tt; q < nq; q += threads) {
                    fn.search(q, out);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }

    static double recall(long[] got, long[] truth, int nq) {
        double s = 0;
        for (int q = 0; q < nq; q++) {
            int hit = 0;
            for (int i = 0; i < K; i++) {
                for (int j = 0; j < K; j++) {
                    if (got[q * K + i] == truth[q * K + j]) {
                        hit++;
                        break;
                    }
                }
            }
            s += hit / (double) K;
        }
        return s / nq;
    }

    /** Best measured QPS among the method's settings with recall >= target (no interpolation); NaN if never reached. */
    static double atRecall(List<Point> points, String method, double target) {
        double best = Double.NaN;
        for (Point p : points) {
            if (p.method().equals(method) && p.recall() >= target) {
                best = Double.isNaN(best) ? p.qps() : Math.max(best, p.qps());
            }
        }
        return best;
    }
}
