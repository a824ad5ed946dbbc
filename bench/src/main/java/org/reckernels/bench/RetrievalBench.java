package org.reckernels.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.reckernels.ann.CandidateRetriever;
import org.reckernels.ann.IvfPqIndex;
import org.reckernels.ann.Metric;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.ExactTopK;
import org.reckernels.eval.RankingMetrics;
import org.reckernels.eval.RankingReport;
import org.reckernels.eval.TopKResult;
import org.reckernels.io.ResultsFile;
import org.reckernels.tensor.HostMatrix;

/**
 * Two-stage retrieval on Gowalla: a model (iALS, or LightGCN) is trained; the exact reference is
 * every test user's top-{@value #N} unseen items by inner product over all items ({@link ExactTopK},
 * training items masked); then {@link CandidateRetriever} over IVF-PQ builds, swept over nprobe and
 * re-rank depth, returns each test user's top-{@value #N} unseen candidates, and for each setting:
 * <ul>
 *   <li>two-stage recall@20 / ndcg@20: the candidates re-scored by the same model (exact inner
 *       product, ties to the lower item, as ExactTopK) and the best 20 kept, against the test items;
 *       next to the same metrics in the retriever's own order (its first 20) and the exact ones;</li>
 *   <li>overlap@100: the fraction of the exact top-100 unseen items among the candidates;</li>
 *   <li>QPS of {@link CandidateRetriever#forUser} (n = 100) on {@code threads} threads, one user
 *       per call, over {@value #TIMED_USERS} test users, best of 3 passes after ≥ 0.4 s of warm-up
 *       ({@link AnnBench#qps}).</li>
 * </ul>
 * Headline: the best QPS among the settings with overlap@100 ≥ {@value #TARGET}, and the recall@20
 * gap to exact there. Without the Gowalla files it runs on {@link LearnedVectors#FALLBACK} and is
 * named so.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g
 * -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*' org.reckernels.bench.RetrievalBench
 * [ials | lightgcn EPOCHS] [dataDir=../shared/data/gowalla] [threads=2] [outDir=bench/results]}
 */
public final class RetrievalBench {
    /** Candidates per user (the retrieval stage's output) and the overlap cutoff. */
    static final int N = 100;
    /** The ranking metrics' cutoff. */
    static final int K = 20;
    static final double TARGET = 0.9;
    static final int TIMED_USERS = 5000;
    static final String JAVA = "java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g"
            + " -cp 'bench/target/reckernels-bench-*.jar:bench/target/lib/*' org.reckernels.bench.RetrievalBench";

    private RetrievalBench() {
    }

    /** One IVF-PQ build (4-bit ones are searched with fast scan). */
    record IvfConfig(int nlist, int m, int nbits) {
        String method() {
            return "ivfpq-nl" + nlist + "-pq" + nbits + "x" + m;
        }
    }

    /** The builds and the search settings each is swept over; QPS over at most {@code timedUsers} test users. */
    record Plan(List<IvfConfig> ivf, int[] nprobes, int[] reranks, int maxTrainPoints, int timedUsers) {
    }

    /** One setting's result: two-stage and retriever-order metrics at {@value #K}, overlap@{@value #N}, QPS. */
    record Point(String method, int nprobe, int rerank, double recall, double ndcg, double recallRetrieverOrder,
                 double ndcgRetrieverOrder, double overlap, double qps) {
        String setting() {
            return "nprobe=" + nprobe + " rerank=" + rerank;
        }
    }

    /** The exact reference: each user's top-{@value #N} unseen items (numUsers x N, -1 padded) and its metrics. */
    record Exact(int[] testUsers, int[] top, RankingReport report, double qps) {
    }

    public static void main(String[] args) throws Exception {
        String model = "ials";
        int epochs = 0;
        if (args.length > 0 && (args[0].equals("ials") || args[0].equals("lightgcn"))) {
            model = args[0];
            int shift = 1;
            if (model.equals("lightgcn")) {
                if (args.length < 2) {
                    throw new IllegalArgumentException("RetrievalBench lightgcn: the number of epochs must follow (e.g. lightgcn 10)");
                }
                epochs = Integer.parseInt(args[1]);
                shift = 2;
            }
            args = Arrays.copyOfRange(args, shift, args.length);
        }
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/gowalla");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results");
        String loadStart = AnnBench.loadAverage();
        LearnedVectors.Source src = LearnedVectors.load(dir, LearnedVectors.FALLBACK, "retrieval-" + model + "-gowalla",
                "retrieval-" + model + "-fallback-synthetic-40k");
        LearnedVectors.Trained trained = model.equals("lightgcn") ? LearnedVectors.trainLightGcn(src, epochs)
                : LearnedVectors.trainIals(src);
        // ~40k items: lists of ~40 (1024) to ~160 (256) items; 4-bit fast scan and 8-bit ADC
        Plan plan = new Plan(List.of(new IvfConfig(256, 32, 4), new IvfConfig(1024, 32, 8)), new int[]{4, 8, 16, 32},
                new int[]{0, 50, 200}, 64 * 1024, TIMED_USERS);
        String command = JAVA + " " + (model.equals("lightgcn") ? "lightgcn " + epochs : "ials") + " " + dir + " " + threads + " "
                + out;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("loadavg_start", loadStart);
        settings.put("data", "trained on " + src.description());
        settings.putAll(trained.provenance());
        Exact exact = exact(trained, System.out::println);
        List<Point> points = sweep(trained, exact, plan, threads, settings, System.out::println);
        settings.put("loadavg_end", AnnBench.loadAverage());
        report(src.name(), trained, exact, points, plan, threads, settings, out, command);
    }

    /** The exact top-{@value #N} unseen items of every user (ExactTopK, train masked) and the model's metrics from them. */
    static Exact exact(LearnedVectors.Trained t, java.util.function.Consumer<String> progress) {
        TrainTestSplit data = t.source().data();
        LearnedVectors.Rows rows = t.rows();
        int users = data.numUsers();
        int items = data.numItems();
        int n = Math.min(N, items);
        long t0 = System.nanoTime();
        TopKResult top;
        try (HostMatrix u = HostMatrix.of(users, t.d(), rows.users()); HostMatrix v = HostMatrix.of(items, t.d(), rows.items())) {
            top = ExactTopK.topK(u, v, data.train(), n);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        RankingReport report = RankingMetrics.evaluate(top.items(), n, data.test(), K);
        int[] testUsers = java.util.stream.IntStream.range(0, users).filter(x -> data.test().degreeOfUser(x) > 0).toArray();
        progress.accept(String.format("exact top-%d of %d users: %.1f s; recall@%d %.4f ndcg@%d %.4f over %d test users", n, users,
                seconds, K, report.recall(K), K, report.ndcg(K), report.usersEvaluated()));
        return new Exact(testUsers, top.items(), report, users / seconds);
    }

    /** Builds each IVF-PQ config into a retriever and measures every (nprobe, rerank) setting of the plan. */
    static List<Point> sweep(LearnedVectors.Trained t, Exact exact, Plan plan, int threads, Map<String, Object> settings,
                             java.util.function.Consumer<String> progress) throws Exception {
        TrainTestSplit data = t.source().data();
        int[] timed = Arrays.copyOf(exact.testUsers(), Math.min(plan.timedUsers(), exact.testUsers().length));
        // a seeded shuffle, so the timed users are not the lowest ids only
        LearnedVectors.shuffle(timed, 2026);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "retrieval-bench");
            th.setDaemon(true);
            return th;
        });
        List<Point> points = new ArrayList<>();
        try {
            for (IvfConfig c : plan.ivf()) {
                long t0 = System.nanoTime();
                IvfPqIndex.Params params = IvfPqIndex.Params.of(c.nlist(), c.m(), c.nbits(), Metric.INNER_PRODUCT)
                        .withMaxTrainPoints(plan.maxTrainPoints());
                CandidateRetriever retriever = CandidateRetriever.ofUserItemTable(t.table(), data.numUsers(), data.numItems(),
                        t.d(), params, s -> { });
                double buildS = (System.nanoTime() - t0) / 1e9;
                progress.accept(String.format("%s built in %.1f s", c.method(), buildS));
                settings.put(c.method() + "_build_s", buildS);
                for (int rerank : plan.reranks()) {
                    for (int nprobe : plan.nprobes()) {
                        if (nprobe > c.nlist()) {
                            continue;
                        }
                        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(N, nprobe).withRerank(rerank)
                                .withFastScan(c.nbits() == 4);
                        CandidateRetriever.Candidates[] got = retriever.forUsers(exact.testUsers(), data.train(), N, sp);
                        double qps = AnnBench.qps(pool, threads, timed.length,
                                (q, o) -> retriever.forUser(timed[q], data.train(), N, sp), new long[0], 3);
                        Point p = quality(c.method(), nprobe, rerank, t, exact, got, qps);
                        progress.accept(String.format("%-20s %-20s recall@%d %.4f (retriever order %.4f) ndcg@%d %.4f"
                                        + " overlap@%d %.4f %,8.0f QPS", p.method(), p.setting(), K, p.recall(),
                                p.recallRetrieverOrder(), K, p.ndcg(), N, p.overlap(), p.qps()));
                        points.add(p);
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
        return points;
    }

    /**
     * The metrics of one setting from the candidates of each test user ({@code got[j]} answers
     * {@code exact.testUsers()[j]}): two-stage (candidates re-scored exactly), retriever order, and
     * overlap with the exact top-{@value #N}.
     */
    static Point quality(String method, int nprobe, int rerank, LearnedVectors.Trained t, Exact exact,
                         CandidateRetriever.Candidates[] got, double qps) {
        TrainTestSplit data = t.source().data();
        int users = data.numUsers();
        int d = t.d();
        float[] table = t.table();
        int n = exact.top().length / users;
        int[] none = new int[K];
        Arrays.fill(none, -1);
        int[][] twoStage = new int[users][];
        int[][] retrieverOrder = new int[users][];
        Arrays.fill(twoStage, none);
        Arrays.fill(retrieverOrder, none);
        double overlap = 0;
        int[] testUsers = exact.testUsers();
        for (int j = 0; j < testUsers.length; j++) {
            int u = testUsers[j];
            int[] cand = got[j].items();
            retrieverOrder[u] = firstK(cand);
            float[] exactScore = new float[cand.length];
            Integer[] order = new Integer[cand.length];
            for (int r = 0; r < cand.length; r++) {
                exactScore[r] = dot(table, u * d, table, (users + cand[r]) * d, d);
                order[r] = r;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Float.compare(exactScore[b], exactScore[a]);
                return c != 0 ? c : Integer.compare(cand[a], cand[b]);
            });
            int[] ranked = new int[cand.length];
            for (int r = 0; r < cand.length; r++) {
                ranked[r] = cand[order[r]];
            }
            twoStage[u] = firstK(ranked);
            int[] sorted = cand.clone();
            Arrays.sort(sorted);
            int truth = 0;
            int found = 0;
            for (int r = 0; r < n; r++) {
                int item = exact.top()[u * n + r];
                if (item >= 0) {
                    truth++;
                    if (Arrays.binarySearch(sorted, item) >= 0) {
                        found++;
                    }
                }
            }
            overlap += truth == 0 ? 1.0 : (double) found / truth;
        }
        RankingReport two = RankingMetrics.evaluate(twoStage, data.test(), K);
        RankingReport own = RankingMetrics.evaluate(retrieverOrder, data.test(), K);
        return new Point(method, nprobe, rerank, two.recall(K), two.ndcg(K), own.recall(K), own.ndcg(K),
                overlap / Math.max(1, testUsers.length), qps);
    }

    private static int[] firstK(int[] list) {
        int[] out = new int[K];
        Arrays.fill(out, -1);
        System.arraycopy(list, 0, out, 0, Math.min(K, list.length));
        return out;
    }

    /** The plain left-to-right float sum ExactTopK scores with, so equal candidates rank as there. */
    private static float dot(float[] a, int ao, float[] b, int bo, int d) {
        float s = 0;
        for (int c = 0; c < d; c++) {
            s += a[ao + c] * b[bo + c];
        }
        return s;
    }

    /** Best QPS among the points with overlap@{@value #N} ≥ target (and that point), or null if none reaches it. */
    static Point atOverlap(List<Point> points, String part, double target) {
        Point best = null;
        for (Point p : points) {
            if (p.method().contains(part) && p.overlap() >= target && (best == null || p.qps() > best.qps())) {
                best = p;
            }
        }
        return best;
    }

    static void report(String name, LearnedVectors.Trained t, Exact exact, List<Point> points, Plan plan, int threads,
                       Map<String, Object> settings, Path out, String command) throws Exception {
        MarkdownTable table = new MarkdownTable("method", "setting", "recall@" + K, "ndcg@" + K, "recall@" + K + " retriever order",
                "overlap@" + N, "QPS");
        List<String> curve = new ArrayList<>();
        for (Point p : points) {
            table.row(p.method(), p.setting(), String.format("%.4f", p.recall()), String.format("%.4f", p.ndcg()),
                    String.format("%.4f", p.recallRetrieverOrder()), String.format("%.4f", p.overlap()), String.format("%.0f", p.qps()));
            curve.add(String.format("%s %s: recall@%d %.4f ndcg@%d %.4f retriever-order recall@%d %.4f ndcg@%d %.4f overlap@%d %.4f"
                            + " qps %.0f", p.method(), p.setting(), K, p.recall(), K, p.ndcg(), K, p.recallRetrieverOrder(), K,
                    p.ndcgRetrieverOrder(), N, p.overlap(), p.qps()));
        }
        System.out.println(table.render());
        double exactRecall = exact.report().recall(K);
        double exactNdcg = exact.report().ndcg(K);
        Point head = atOverlap(points, "", TARGET);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("qps", head == null ? Double.NaN : head.qps());
        metrics.put("overlap@" + N, head == null ? Double.NaN : head.overlap());
        metrics.put("recall@" + K, head == null ? Double.NaN : head.recall());
        metrics.put("ndcg@" + K, head == null ? Double.NaN : head.ndcg());
        metrics.put("recall@" + K + "_gap_to_exact", head == null ? Double.NaN : exactRecall - head.recall());
        metrics.put("recall@" + K + "_retriever_order", head == null ? Double.NaN : head.recallRetrieverOrder());
        Point head95 = atOverlap(points, "", 0.95);
        metrics.put("qps_at_overlap_0.95", head95 == null ? Double.NaN : head95.qps());
        metrics.put("recall@" + K + "_gap_at_overlap_0.95", head95 == null ? Double.NaN : exactRecall - head95.recall());
        Point pq4 = atOverlap(points, "-pq4", TARGET);
        Point pq8 = atOverlap(points, "-pq8", TARGET);
        metrics.put("qps_pq4_fastscan", pq4 == null ? Double.NaN : pq4.qps());
        metrics.put("qps_pq8_adc", pq8 == null ? Double.NaN : pq8.qps());
        List<ResultsFile.Baseline> baselines = List.of(new ResultsFile.Baseline("exact", Map.of("recall@" + K, exactRecall,
                "ndcg@" + K, exactNdcg, "overlap@" + N, 1.0, "qps_batched", exact.qps())));
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("speedup_vs_exact_batched", head == null ? Double.NaN : head.qps() / exact.qps());
        settings.put("headline", head == null ? "no setting reached overlap@" + N + " >= " + TARGET
                : "best QPS with overlap@" + N + " >= " + TARGET + ": " + head.method() + " " + head.setting());
        settings.put("n_candidates", N);
        settings.put("k", K);
        settings.put("test_users", exact.testUsers().length);
        settings.put("threads", threads);
        settings.put("timing", "CandidateRetriever.forUser (n " + N + ", seen items removed) on " + threads + " threads, one user"
                + " per call, over " + Math.min(plan.timedUsers(), exact.testUsers().length) + " shuffled test users, best of 3"
                + " passes after >= 0.4 s of warm-up passes; quality over all test users");
        settings.put("two_stage", "recall/ndcg@" + K + ": the " + N + " candidates re-scored by the same model (exact inner"
                + " product) and the best " + K + " kept; *_retriever_order: the retriever's own first " + K);
        settings.put("overlap", "fraction of the exact top-" + N + " unseen items (ExactTopK, train masked) among the " + N
                + " candidates, averaged over test users");
        settings.put("rerank_note", "the index searches k = " + N + " + |seen| and re-ranks max(rerank, k) candidates exactly:"
                + " rerank 50 re-ranks exactly the k returned, rerank 200 a deeper pool when k < 200");
        settings.put("exact_qps_note", "baseline exact qps_batched: ExactTopK over all users at once (tiled, 2 cores), not"
                + " one user per call");
        settings.put("noise", "timings on a 2-core machine shared with other work; see loadavg_start / loadavg_end");
        settings.put("curve", curve);
        String device = "cpu-" + Runtime.getRuntime().availableProcessors() + "c";
        ResultsFile rf = ResultsFile.of(name, device, "java " + Runtime.version(), command)
                .with(settings, metrics, baselines, ratios);
        System.out.println("wrote " + rf.write(out));
        System.out.printf("exact recall@%d %.4f; at overlap@%d >= %.2f: %s (load %s -> %s)%n", K, exactRecall, N, TARGET,
                head == null ? "not reached" : String.format("%s %s, %.0f QPS, recall@%d %.4f (gap %.4f)", head.method(),
                        head.setting(), head.qps(), K, head.recall(), exactRecall - head.recall()),
                settings.get("loadavg_start"), settings.get("loadavg_end"));
    }
}
