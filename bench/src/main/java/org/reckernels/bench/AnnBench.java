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
import org.apache.lucene.index.VectorSimilarityFunction;
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
 * IVF-PQ vs exact search, JVector (graph, Panama provider) and Lucene HNSW on the same base
 * vectors and the same queries, recall@10 against exact search. QPS: queries split over
 * {@code threads} worker threads, one query at a time per thread (no batching for anyone), best of
 * 3 timed passes after at least 0.4 s of warm-up passes. Each method sweeps its search-time knob; QPS at equal recall
 * is the best measured QPS among the settings reaching the recall (no interpolation).
 *
 * <p>Data sets ({@code --dataset}):
 * <ul>
 *   <li>{@code synthetic} (default): {@link SyntheticVectors#standard} clustered vectors, L2;</li>
 *   <li>{@code learned}: {@link LearnedVectors#gowalla} (iALS item factors as the base, test users'
 *       factors as queries), inner product (MIPS). Lucene HNSW runs with its own
 *       MAXIMUM_INNER_PRODUCT and, as a second variant, on the {@link MipsToL2} transform; JVector has
 *       no inner-product metric for unnormalised vectors (its DOT_PRODUCT is documented for unit
 *       vectors), so it runs on the transform, and with DOT_PRODUCT on the raw vectors as an
 *       off-contract variant; each peer is credited with its best variant.</li>
 *   <li>{@code learned-lightgcn}: {@link LearnedVectors#gowallaLightGcn} (LightGCN trained for
 *       {@code epochs} epochs on Gowalla; its final, layer-averaged item embeddings as the base, test
 *       users' as queries), inner product; the same plan and peers as {@code learned}.</li>
 *   <li>{@code learned-large}: {@link LearnedVectors#syntheticInteractions} (iALS on synthetic
 *       interactions of {@code items} items), inner product, peers on their native metrics only; IVF-friendly (one planted community per user).</li>
 * </ul>
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -Djvector.vectorization_provider=panama -Xmx8g -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*'
 * org.reckernels.bench.AnnBench [--dataset synthetic] [n=200000] [queries=1000] [threads=2] [outDir=bench/results]}
 * (n = 1000000: -Xmx16g, nlist 4096; the graph peers then take ~10 min each to build on 2 cores)
 * or {@code ... AnnBench --dataset learned [dataDir=../shared/data/gowalla] [queries=5000] [threads=2] [outDir=bench/results]}
 * or {@code ... AnnBench --dataset learned-lightgcn [dataDir=../shared/data/gowalla] [queries=5000] [threads=2] [outDir=bench/results] [epochs=10]}
 * or {@code ... AnnBench --dataset learned-large [items=250000] [queries=5000] [threads=2] [outDir=bench/results]} (-Xmx12g).
 */
public final class AnnBench {
    static final int K = 10;
    static final double TARGET = 0.9;
    static final String JAVA = "java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
            + " -Djvector.vectorization_provider=panama -Xmx8g -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*'"
            + " org.reckernels.bench.AnnBench";

    private AnnBench() {
    }

    record Point(String method, String setting, double recall, double qps) {
    }

    /** Base (n x d) and queries (nq x d), row-major, with how they were made. */
    record Data(String name, String description, int d, Metric metric, float[] base, float[] queries,
                Map<String, Object> provenance) {
        int n() {
            return base.length / d;
        }

        int nq() {
            return queries.length / d;
        }
    }

    /** One IVF-PQ build; every build is swept over nprobe for each re-rank depth of the plan. */
    record IvfConfig(int nlist, int m, int nbits) {
        String method() {
            return "ivfpq-nl" + nlist + "-pq" + nbits + "x" + m;
        }
    }

    /**
     * What to run: the IVF-PQ builds, the re-rank depths each is swept with, and for inner-product
     * data whether the peers also run on the {@link MipsToL2} transform (off for the large learned
     * set, where the transform lost clearly on Gowalla and the graph builds are the long part).
     */
    record Plan(List<IvfConfig> ivf, int[] reranks, int maxTrainPoints, boolean augmentedPeers) {
    }

    interface QueryFn {
        /** Searches query q and writes its K ids into out[q*K ..]. */
        void search(int q, long[] out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String dataset = "synthetic";
        if (args.length >= 2 && args[0].equals("--dataset")) {
            dataset = args[1];
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        switch (dataset) {
            case "synthetic" -> {
                int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
                int nq = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
                int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
                Path out = Path.of(args.length > 3 ? args[3] : "bench/results");
                SyntheticVectors gen = SyntheticVectors.standard(7);
                Data data = new Data("ivfpq-synthetic-" + (n / 1000) + "k", "SyntheticVectors.standard(seed 7): " + n + " x "
                        + gen.dim() + " base (stream 1), " + nq + " queries (stream 2); 20 topics x 500 overlapping skewed"
                        + " clusters on 48-d anisotropic pancakes + isotropic noise", gen.dim(), Metric.L2, gen.sample(n, 1),
                        gen.sample(nq, 2), Map.of());
                // ~200 vectors per list at 200k; from 800k on, 4096 lists (~250 per list at 1M) trained on 200k points
                int nlist = n >= 800_000 ? 4096 : 1024;
                Plan plan = new Plan(List.of(new IvfConfig(nlist, 64, 4), new IvfConfig(nlist, 32, 8)), new int[]{20, 40, 100},
                        n >= 800_000 ? 200_000 : 50_000, false);
                run(data, plan, threads, out, (n >= 800_000 ? JAVA.replace("-Xmx8g", "-Xmx16g") : JAVA) + " " + n + " " + nq + " "
                        + threads + " " + out);
            }
            case "learned", "learned-lightgcn" -> {
                Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/gowalla");
                int nq = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
                int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
                Path out = Path.of(args.length > 3 ? args[3] : "bench/results");
                boolean lightGcn = dataset.equals("learned-lightgcn");
                int epochs = args.length > 4 ? Integer.parseInt(args[4]) : 10;
                Data data = lightGcn ? LearnedVectors.gowallaLightGcn(dir, epochs, nq, 2026) : LearnedVectors.gowalla(dir, nq, 2026);
                // ~40k items: lists of ~40-160 vectors; 4-bit fast-scan and 8-bit ADC, exact re-rank off and on
                Plan plan = new Plan(List.of(new IvfConfig(256, 32, 4), new IvfConfig(1024, 32, 4), new IvfConfig(256, 16, 8),
                        new IvfConfig(1024, 32, 8)), new int[]{0, 20, 40, 100}, 64 * 1024, true);
                run(data, plan, threads, out, JAVA + " --dataset " + dataset + " " + dir + " " + nq + " " + threads + " " + out
                        + (lightGcn ? " " + epochs : ""));
            }
            case "learned-large" -> {
                int items = args.length > 0 ? Integer.parseInt(args[0]) : 250_000;
                int nq = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
                int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
                Path out = Path.of(args.length > 3 ? args[3] : "bench/results");
                Data data = LearnedVectors.syntheticInteractions(items, nq, 2026);
                int nlist = items >= 1_000_000 ? 4096 : 2048;
                Plan plan = new Plan(List.of(new IvfConfig(nlist / 2, 16, 8), new IvfConfig(nlist, 16, 8), new IvfConfig(nlist, 32, 4),
                        new IvfConfig(nlist / 2, 32, 8)), new int[]{0, 20, 40, 100}, 64 * 1024, false);
                run(data, plan, threads, out, JAVA.replace("-Xmx8g", "-Xmx12g") + " --dataset learned-large " + items + " " + nq
                        + " " + threads + " " + out);
            }
            default -> throw new IllegalArgumentException("--dataset " + dataset + ": expected synthetic, learned, learned-lightgcn or learned-large");
        }
    }

    static void run(Data data, Plan plan, int threads, Path out, String command) throws Exception {
        int d = data.d();
        int n = data.n();
        int nq = data.nq();
        float[] base = data.base();
        float[] queries = data.queries();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ann-bench");
            t.setDaemon(true);
            return t;
        });
        List<Point> points = new ArrayList<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", data.description());
        settings.putAll(data.provenance());
        settings.put("k", K);
        settings.put("threads", threads);
        settings.put("metric", data.metric() == Metric.L2 ? "L2" : "inner product");
        settings.put("timing", "queries split over " + threads + " threads, one query per call, best of 3 passes after >= 0.4 s of warm-up passes");
        settings.put("loadavg_start", loadAverage());

        // ---- exact ground truth and exact-search QPS
        ExactSearch exact = new ExactSearch(base, null, d, data.metric());
        long t0 = System.nanoTime();
        SearchResult truth = exact.search(queries, K);
        double gtSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("ground truth: %.1f s%n", gtSeconds);
        long[] truthIds = truth.ids();
        double exactQps = nq / gtSeconds; // the batch over all queries, parallel on the common pool (2 cores)
        points.add(new Point("exact", "brute force, batch of all queries", 1.0, exactQps));
        System.out.printf("exact: %.0f QPS%n", exactQps);
        Map<String, Double> hardness = hardness(truthIds, nq, n);
        System.out.println("ground-truth spread: " + hardness);

        // ---- IVF-PQ
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        for (IvfConfig c : plan.ivf()) {
            t0 = System.nanoTime();
            IvfPqIndex ix = IvfPqIndex.build(base, d, IvfPqIndex.Params.of(c.nlist(), c.m(), c.nbits(), data.metric())
                    .withMaxTrainPoints(plan.maxTrainPoints()), System.out::println);
            ix.add(ids, base);
            double buildS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s built in %.1f s; %s%n", c.method(), buildS, ix.memory());
            settings.put(c.method() + "_build_s", buildS);
            for (int rerank : plan.reranks()) {
                double previous = -1;
                for (int nprobe : new int[]{1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128}) {
                    if (nprobe > c.nlist()) {
                        break;
                    }
                    IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(K, nprobe).withRerank(rerank)
                            .withFastScan(c.nbits() == 4);
                    Point p = measure(c.method(), "nprobe=" + nprobe + " rerank=" + rerank, pool, threads, nq,
                            (q, o) -> {
                                long[] ri = new long[K];
                                ix.searchOne(queries, q * d, sp, ri, new float[K], 0);
                                System.arraycopy(ri, 0, o, q * K, K);
                            }, truthIds);
                    points.add(p);
                    if (p.recall() > 0.995 || p.recall() - previous < 0.001) {
                        break; // done, or at the ceiling of the PQ without (enough) re-rank
                    }
                    previous = p.recall();
                }
            }
        }

        // ---- peers on the same data and queries
        if (data.metric() == Metric.L2) {
            points.addAll(lucene("lucene-hnsw", base, queries, d, VectorSimilarityFunction.EUCLIDEAN, pool, threads, truthIds,
                    settings));
            points.addAll(jvector("jvector", base, queries, d,
                    io.github.jbellis.jvector.vector.VectorSimilarityFunction.EUCLIDEAN, pool, threads, truthIds, settings));
        } else {
            float[] augBase = plan.augmentedPeers() ? MipsToL2.items(base, d) : null;
            float[] augQueries = plan.augmentedPeers() ? MipsToL2.queries(queries, d) : null;
            settings.put("mips_to_l2", !plan.augmentedPeers() ? "not run (the l2aug variants lost clearly on Gowalla)" : "variants marked l2aug run L2 search on [x, sqrt(max||x||^2 - ||x||^2)] / [q, 0]"
                    + " (Bachrach et al. 2014), d + 1 dimensions; recall is against the same inner-product ground truth");
            points.addAll(lucene("lucene-hnsw", base, queries, d, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, pool, threads,
                    truthIds, settings));
            if (plan.augmentedPeers()) {
                points.addAll(lucene("lucene-hnsw-l2aug", augBase, augQueries, d + 1, VectorSimilarityFunction.EUCLIDEAN, pool,
                        threads, truthIds, settings));
                points.addAll(jvector("jvector-l2aug", augBase, augQueries, d + 1,
                        io.github.jbellis.jvector.vector.VectorSimilarityFunction.EUCLIDEAN, pool, threads, truthIds, settings));
            }
            points.addAll(jvector("jvector-dot-raw", base, queries, d,
                    io.github.jbellis.jvector.vector.VectorSimilarityFunction.DOT_PRODUCT, pool, threads, truthIds, settings));
        }
        pool.shutdown();
        settings.put("loadavg_end", loadAverage());
        report(data, points, exactQps, hardness, settings, out, command);
    }

    /** Lucene HNSW, in-memory graph (no Lucene index/query overhead), M 16, beam 100, swept over ef. */
    static List<Point> lucene(String method, float[] base, float[] queries, int d, VectorSimilarityFunction sim,
                              ExecutorService pool, int threads, long[] truthIds, Map<String, Object> settings) throws Exception {
        int n = base.length / d;
        int nq = queries.length / d;
        List<float[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(java.util.Arrays.copyOfRange(base, i * d, (i + 1) * d));
        }
        FloatVectorValues fvv = FloatVectorValues.fromFloats(rows, d);
        FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
        int luceneM = 16;
        int luceneBeam = 100;
        long t0 = System.nanoTime();
        OnHeapHnswGraph hnsw = HnswGraphBuilder.create(scorer.getRandomVectorScorerSupplier(sim, fvv), luceneM, luceneBeam, 42)
                .build(n);
        double luceneBuild = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %s M=%d beam=%d built in %.1f s (1 thread)%n", method, sim, luceneM, luceneBeam, luceneBuild);
        settings.put(method, sim + " M=" + luceneM + " beamWidth=" + luceneBeam + ", build " + luceneBuild + " s");
        List<Point> points = new ArrayList<>();
        for (int ef : new int[]{10, 16, 24, 32, 48, 64, 96, 128, 192, 256}) {
            Point p = measure(method, "ef=" + ef, pool, threads, nq, (q, o) -> {
                FloatVectorValues view = fvv.copy();
                TopDocs td = HnswGraphSearcher.search(scorer.getRandomVectorScorer(sim, view,
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
        return points;
    }

    /** JVector graph (M 32, beam 100, overflow 1.2, alpha 1.2, hierarchy), exact scores, swept over rerankK. */
    static List<Point> jvector(String method, float[] base, float[] queries, int d,
                               io.github.jbellis.jvector.vector.VectorSimilarityFunction sim, ExecutorService pool, int threads,
                               long[] truthIds, Map<String, Object> settings) throws Exception {
        int n = base.length / d;
        int nq = queries.length / d;
        VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        List<VectorFloat<?>> jv = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            jv.add(vts.createFloatVector(java.util.Arrays.copyOfRange(base, i * d, (i + 1) * d)));
        }
        ListRandomAccessVectorValues ravv = new ListRandomAccessVectorValues(jv, d);
        int jvM = 32;
        int jvBeam = 100;
        long t0 = System.nanoTime();
        ImmutableGraphIndex graph;
        try (GraphIndexBuilder b = new GraphIndexBuilder(ravv, sim, jvM, jvBeam, 1.2f, 1.2f, true)) {
            graph = b.build(ravv);
        }
        double jvBuild = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %s M=%d beam=%d built in %.1f s (%s)%n", method, sim, jvM, jvBeam, jvBuild,
                VectorizationProvider.getInstance().getClass().getSimpleName());
        settings.put(method, sim + " M=" + jvM + " beamWidth=" + jvBeam + " overflow 1.2 alpha 1.2 hierarchy, "
                + VectorizationProvider.getInstance().getClass().getSimpleName() + ", build " + jvBuild + " s");
        List<VectorFloat<?>> jq = new ArrayList<>(nq);
        for (int q = 0; q < nq; q++) {
            jq.add(vts.createFloatVector(java.util.Arrays.copyOfRange(queries, q * d, (q + 1) * d)));
        }
        ThreadLocal<GraphSearcher> searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
        List<Point> points = new ArrayList<>();
        for (int ef : new int[]{10, 16, 24, 32, 48, 64, 96, 128, 192, 256}) {
            Point p = measure(method, "rerankK=" + ef, pool, threads, nq, (q, o) -> {
                var sr = searchers.get().search(DefaultSearchScoreProvider.exact(jq.get(q), sim, ravv), K, ef, 0f, 0f,
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
        return points;
    }

    static void report(Data data, List<Point> points, double exactQps, Map<String, Double> hardness,
                       Map<String, Object> settings, Path out, String command) throws Exception {
        MarkdownTable table = new MarkdownTable("method", "setting", "recall@10", "QPS");
        for (Point p : points) {
            table.row(p.method(), p.setting(), p.recall(), p.qps());
        }
        System.out.println(table.render());
        double ours = atRecall(points, "ivfpq", TARGET);
        double jvq = atRecall(points, "jvector", TARGET);
        double luq = atRecall(points, "lucene-hnsw", TARGET);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("qps", ours);
        metrics.put("recall@10", TARGET);
        metrics.put("qps_pq4_fastscan", atRecall(points, "ivfpq", "-pq4", TARGET));
        metrics.put("qps_pq8_adc", atRecall(points, "ivfpq", "-pq8", TARGET));
        metrics.put("qps_at_recall_0.95", atRecall(points, "ivfpq", 0.95));
        metrics.putAll(hardness);
        Map<String, Double> cheapest = cheapestRecall(points);
        double easiest = cheapest.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        metrics.put("min_recall_at_cheapest_setting", easiest);
        settings.put("recall_at_cheapest_setting", cheapest);
        settings.put("trivially_easy", easiest >= 0.999
                ? "YES: every method reaches recall 1.0 at its cheapest setting" : "no: some method's cheapest setting gives recall "
                + String.format("%.3f", easiest));
        List<ResultsFile.Baseline> baselines = List.of(
                new ResultsFile.Baseline("jvector", Map.of("qps", jvq, "recall@10", TARGET,
                        "qps_at_recall_0.95", atRecall(points, "jvector", 0.95))),
                new ResultsFile.Baseline("lucene-hnsw", Map.of("qps", luq, "recall@10", TARGET,
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
        settings.put("equal_recall", "best measured QPS among settings with recall@10 >= " + TARGET + " (no interpolation);"
                + " ours over every IVF-PQ build, each peer over its variants");
        String device = "cpu-" + Runtime.getRuntime().availableProcessors() + "c";
        ResultsFile rf = ResultsFile.of(data.name(), device, "java " + Runtime.version(), command)
                .with(settings, metrics, baselines, ratios);
        System.out.println("wrote " + rf.write(out));
        System.out.printf("at recall@10 %.2f: ivfpq %.0f QPS, jvector %.0f, lucene-hnsw %.0f, exact %.0f (load %s -> %s)%n",
                TARGET, ours, jvq, luq, exactQps, settings.get("loadavg_start"), settings.get("loadavg_end"));
    }

    /**
     * How spread out the exact top-10 lists are: the number of distinct items in them, and the
     * recall@10 of one constant answer (the 10 items most often in the ground truth) for every
     * query; a high value means a popularity list would do and the data set is trivially easy.
     */
    static Map<String, Double> hardness(long[] truth, int nq, int n) {
        Map<Long, Integer> count = new java.util.HashMap<>();
        for (long id : truth) {
            count.merge(id, 1, Integer::sum);
        }
        List<Map.Entry<Long, Integer>> byCount = new ArrayList<>(count.entrySet());
        byCount.sort((a, b) -> b.getValue() != a.getValue().intValue() ? Integer.compare(b.getValue(), a.getValue())
                : Long.compare(a.getKey(), b.getKey()));
        long[] constant = new long[nq * K];
        for (int q = 0; q < nq; q++) {
            for (int r = 0; r < K; r++) {
                constant[q * K + r] = r < byCount.size() ? byCount.get(r).getKey() : -1;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("truth_distinct_items", (double) count.size());
        m.put("truth_distinct_fraction", count.size() / (double) n);
        m.put("constant_top10_recall", recall(constant, truth, nq));
        return m;
    }

    /** Each method's recall at its first (cheapest) setting. */
    static Map<String, Double> cheapestRecall(List<Point> points) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Point p : points) {
            if (!p.method().equals("exact")) {
                m.putIfAbsent(p.method(), p.recall());
            }
        }
        return m;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static Point measure(String method, String setting, ExecutorService pool, int threads, int nq, QueryFn fn,
                         long[] truth) throws Exception {
        long[] got = new long[nq * K];
        double qps = qps(pool, threads, nq, fn, got, 3);
        double rec = recall(got, truth, nq);
        System.out.printf("%-24s %-22s recall@10 %.4f  %,8.0f QPS%n", method, setting, rec, qps);
        return new Point(method, setting, rec, qps);
    }

    /** Minimum warm-up time per setting before the timed passes. */
    static final long WARM_UP_NANOS = 400_000_000L;

    static double qps(ExecutorService pool, int threads, int nq, QueryFn fn, long[] out, int passes) throws Exception {
        // Warm-up by time, not by one pass: a pass of 1000 queries takes ~10-50 ms, less than the JIT needs
        // to finish compiling a method's search path, which would under-time each sweep's first (cheapest)
        // setting — the one a graph peer is credited with when it already reaches the recall target.
        long warmEnd = System.nanoTime() + WARM_UP_NANOS;
        do {
            run(pool, threads, nq, fn, out);
        } while (System.nanoTime() < warmEnd);
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

    /** Best measured QPS among the settings of methods starting with {@code prefix} with recall >= target; NaN if never reached. */
    static double atRecall(List<Point> points, String prefix, double target) {
        return atRecall(points, prefix, "", target);
    }

    /** As {@link #atRecall(List, String, double)}, over methods that also contain {@code part}. */
    static double atRecall(List<Point> points, String prefix, String part, double target) {
        double best = Double.NaN;
        for (Point p : points) {
            if (p.method().startsWith(prefix) && p.method().contains(part) && p.recall() >= target) {
                best = Double.isNaN(best) ? p.qps() : Math.max(best, p.qps());
            }
        }
        return best;
    }
}
