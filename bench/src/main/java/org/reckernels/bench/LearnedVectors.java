package org.reckernels.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.reckernels.ann.Metric;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.Interactions;
import org.reckernels.data.SyntheticInteractions;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.FullRankingEvaluator;
import org.reckernels.model.ImplicitALS;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.train.BprConfig;
import org.reckernels.train.GraphModelConfig;
import org.reckernels.train.GraphTraining;
import org.reckernels.train.IalsConfig;
import org.reckernels.train.IalsTraining;
import org.reckernels.train.TrainingListener;

/**
 * The learned-embedding ANN data set: implicit ALS ({@link IalsConfig#gowallaDefaults()}: d 64,
 * 10 sweeps, Java backend) trained on Gowalla; the item factors are the base vectors and the
 * user factors of sampled test users (users with at least one test item) the queries, ranked by
 * inner product (the retrieval stage's MIPS). Without the Gowalla files it trains on
 * {@link SyntheticInteractions} of a Gowalla-like size instead and says so (name and description
 * change with it, so a results file never passes one for the other). {@link #gowallaLightGcn} does
 * the same with the graph model's embeddings (LightGCN, BPR), {@link #syntheticInteractions} with
 * iALS on a larger synthetic set.
 */
final class LearnedVectors {
    private LearnedVectors() {
    }

    /** Gowalla-like fallback: 30k users, 40k items, 400 communities, 30 interactions per user, Zipf 1. */
    static final SyntheticInteractions.Config FALLBACK = new SyntheticInteractions.Config(30_000, 40_000, 400, 30, 0.8, 1.0,
            0.2, 11);

    static AnnBench.Data gowalla(Path dir, int nq, long seed) throws IOException {
        Source src = load(dir, FALLBACK, "ann-learned-gowalla", "ann-learned-fallback-synthetic-40k");
        Trained t = trainIals(src);
        Rows rows = t.rows();
        return assemble(src.name(), "iALS", "factors", "trained on " + src.description(), t.provenance(), src.data(), t.d(),
                rows.users(), rows.items(), nq, seed);
    }

    /** A model trained on a source's interactions: its users-then-items table ((users + items) x d) and how it was made. */
    record Trained(Source source, int d, float[] table, Map<String, Object> provenance) {
        Rows rows() {
            return Rows.of(table, source.data().numUsers(), d);
        }
    }

    /** iALS ({@link IalsConfig#gowallaDefaults()}, Java backend) on {@code src}'s training interactions. */
    static Trained trainIals(Source src) {
        TrainTestSplit data = src.data();
        IalsConfig config = IalsConfig.gowallaDefaults();
        System.out.printf("training iALS on %s: %,d users, %,d items, %,d train interactions; %s%n", src.description(),
                data.numUsers(), data.numItems(), data.train().size(), config);
        IalsTraining.Outcome o;
        try (Backend backend = Backends.open("java").backend()) {
            o = IalsTraining.run(backend, data, config, false, TrainingListener.NONE, 20);
        }
        float[] table = take(o.embeddings());
        System.out.printf("iALS: %.3f s/sweep, recall@20 %.4f%n", o.secondsPerSweep(), o.finalEval().recall(20));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("model", "iALS " + config + " on the Java backend, " + String.format("%.3f", o.secondsPerSweep())
                + " s/sweep");
        provenance.put("model_recall@20", o.finalEval().recall(20));
        return new Trained(src, config.dim(), table, provenance);
    }

    /** The table's values, and the table closed. */
    private static float[] take(HostMatrix table) {
        try (table) {
            return table.toArray();
        }
    }

    /** The users' rows and the items' rows of a users-then-items embedding table. */
    record Rows(float[] users, float[] items) {
        static Rows of(float[] all, int users, int d) {
            return new Rows(java.util.Arrays.copyOfRange(all, 0, users * d), java.util.Arrays.copyOfRange(all, users * d, all.length));
        }
    }

    /**
     * The learned set from the graph model: LightGCN ({@link GraphModelConfig#lightgcn()}: d 64, 3
     * layers; BPR with {@link BprConfig#paperDefaults}: lr 1e-3, L2 1e-4, batch 2048, Adam; no
     * evaluation or early stopping during the {@code epochs} epochs) trained on Gowalla on the Java
     * backend by {@link GraphTraining#run}. The vectors are the final embeddings, the mean of the
     * layer-0 to layer-3 propagated embeddings (what LightGCN scores with): the items' rows are the
     * base, sampled test users' rows the queries, inner product. Without the Gowalla files it trains
     * on {@code fallback} instead and says so, as {@link #gowalla} does.
     */
    static AnnBench.Data gowallaLightGcn(Path dir, int epochs, int nq, long seed) throws IOException {
        return gowallaLightGcn(dir, epochs, nq, seed, FALLBACK);
    }

    /** {@link #gowallaLightGcn(Path, int, int, long)} with another fallback (tests use a small one). */
    static AnnBench.Data gowallaLightGcn(Path dir, int epochs, int nq, long seed, SyntheticInteractions.Config fallback)
            throws IOException {
        int n = fallback.numItems();
        Source src = load(dir, fallback, "ann-learned-lightgcn-gowalla", "ann-learned-lightgcn-fallback-synthetic-"
                + (n % 1000 == 0 ? n / 1000 + "k" : Integer.toString(n)));
        Trained t = trainLightGcn(src, epochs);
        Rows rows = t.rows();
        return assemble(src.name(), "LightGCN", "final embeddings (mean over layers 0-" + GraphModelConfig.lightgcn().layers()
                + ")", "trained on " + src.description(), t.provenance(), src.data(), t.d(), rows.users(), rows.items(), nq, seed);
    }

    /**
     * LightGCN ({@link GraphModelConfig#lightgcn()}, BPR {@link BprConfig#paperDefaults}, no
     * evaluation during the {@code epochs} epochs, Java backend) on {@code src}'s training
     * interactions; the table is the final embeddings (users then items).
     */
    static Trained trainLightGcn(Source src, int epochs) {
        TrainTestSplit data = src.data();
        GraphModelConfig model = GraphModelConfig.lightgcn();
        BprConfig config = BprConfig.paperDefaults(epochs).withEvalEvery(0);
        System.out.printf("training LightGCN on %s: %,d users, %,d items, %,d train interactions; %s, %s%n", src.description(),
                data.numUsers(), data.numItems(), data.train().size(), model, config);
        GraphTraining.Outcome o;
        try (Backend backend = Backends.open("java").backend()) {
            o = GraphTraining.run(backend, data, model, config, TrainingListener.NONE, 20);
        }
        float[] table = take(o.embeddings());
        double secondsPerEpoch = o.training().secondsPerEpoch();
        double recall20 = o.finalEval().recall(20);
        System.out.printf("LightGCN: %d epochs, %.2f s/epoch, recall@20 %.4f (random ranking about %.5f)%n",
                o.training().epochsRun(), secondsPerEpoch, recall20, 20.0 / data.numItems());
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("model", "LightGCN " + model + ", BPR " + config + " on the Java backend, "
                + o.training().epochsRun() + " epochs, " + String.format("%.2f", secondsPerEpoch) + " s/epoch");
        provenance.put("model_epochs", o.training().epochsRun());
        provenance.put("model_s_per_epoch", secondsPerEpoch);
        provenance.put("model_final_loss", o.training().lastLoss());
        provenance.put("model_recall@20", recall20);
        return new Trained(src, model.dim(), table, provenance);
    }

    /** The interactions a learned set trains on, the set's name and where the data came from. */
    record Source(TrainTestSplit data, String name, String description) {
    }

    /** Gowalla from {@code dir} when its train.txt and test.txt are there, else {@code fallback} (named {@code fallbackName}). */
    static Source load(Path dir, SyntheticInteractions.Config fallback, String name, String fallbackName)
            throws IOException {
        if (Files.isRegularFile(dir.resolve("train.txt")) && Files.isRegularFile(dir.resolve("test.txt"))) {
            return new Source(TrainTestSplit.load(dir), name, "Gowalla (" + dir + ")");
        }
        System.out.println("LearnedVectors: no Gowalla train.txt/test.txt in " + dir.toAbsolutePath()
                + ": FALLING BACK to synthetic interactions " + fallback + " (the results are named " + fallbackName
                + ", not gowalla)");
        return new Source(SyntheticInteractions.generate(fallback).split(), fallbackName, "SyntheticInteractions " + fallback
                + " (Gowalla files missing in " + dir + ")");
    }

    /**
     * A larger learned set: iALS (the Gowalla setting, but 5 sweeps: a 1M-item sweep takes ~14 min
     * on 2 shared cores, the factor tables no longer fit in cache) on {@link SyntheticInteractions} with
     * {@code numItems} items, numItems / 2 users, communities of 500 items, 40 interactions per user
     * (80% in the user's community, Zipf 1 inside it). Every user lives in one planted community, so
     * the factors cluster by community and k-means cells follow them: IVF finds most neighbours in
     * the first list (recall@10 0.97 at nprobe 1 on 250k items) while graphs still have to walk. It
     * favours IVF and says little about real learned embeddings; it is here for scale. The model is checked by
     * recall@20 on 2000 sampled test users (full ranking over all items), next to a random ranking.
     */
    static AnnBench.Data syntheticInteractions(int numItems, int nq, long seed) {
        SyntheticInteractions.Config gen = new SyntheticInteractions.Config(numItems / 2, numItems, Math.max(1, numItems / 500), 40,
                0.8, 1.0, 0.2, 13);
        TrainTestSplit data = SyntheticInteractions.generate(gen).split();
        IalsConfig config = IalsConfig.gowallaDefaults().withSweeps(5);
        int d = config.dim();
        System.out.printf("training iALS on synthetic interactions %s: %,d train interactions; %s%n", gen, data.train().size(),
                config);
        Map<String, Object> provenance = new LinkedHashMap<>();
        float[] users;
        float[] items;
        double secondsPerSweep;
        try (Backend backend = Backends.open("java").backend();
             CsrMatrix r = data.train().toCsr();
             CsrMatrix rT = data.train().transposeCsr();
             ImplicitALS model = new ImplicitALS(backend, r, rT, d, config.params(), config.initStd(), config.seed())) {
            long t0 = System.nanoTime();
            for (int s = 1; s <= config.sweeps(); s++) {
                model.sweep();
                backend.synchronize();
                System.out.printf("  sweep %d/%d, %.0f s so far%n", s, config.sweeps(), (System.nanoTime() - t0) / 1e9);
            }
            secondsPerSweep = (System.nanoTime() - t0) / 1e9 / config.sweeps();
            try (HostMatrix u = model.downloadUsers(); HostMatrix v = model.downloadItems()) {
                users = u.toArray();
                items = v.toArray();
            }
            double recall20 = sampledRecall20(backend, data, users, items, d, 2000, seed);
            System.out.printf("iALS: %.1f s/sweep, recall@20 %.4f on 2000 sampled test users (random ranking about %.5f)%n",
                    secondsPerSweep, recall20, 20.0 / numItems);
            provenance.put("model_recall@20_2000_users", recall20);
        }
        provenance.put("model", "iALS " + config + " on the Java backend, " + String.format("%.1f", secondsPerSweep) + " s/sweep");
        return assemble("ann-learned-synthetic-interactions-" + (numItems / 1000) + "k", "iALS", "factors",
                "trained on SyntheticInteractions " + gen + " (synthetic interactions; the embeddings are learned, the data is not"
                + " real)", provenance, data, d, users, items, nq, seed);
    }

    /** recall@20 (full ranking, train masked) of the factors over {@code sample} random users with test items. */
    private static double sampledRecall20(Backend backend, TrainTestSplit data, float[] users, float[] items, int d, int sample,
                                          long seed) {
        int[] testUsers = usersWithTest(data, seed);
        int s = Math.min(sample, testUsers.length);
        int[][] train = new int[s][];
        int[][] test = new int[s][];
        float[] u = new float[s * d];
        for (int i = 0; i < s; i++) {
            train[i] = data.train().itemArray(testUsers[i]);
            test[i] = data.test().itemArray(testUsers[i]);
            System.arraycopy(users, testUsers[i] * d, u, i * d, d);
        }
        FullRankingEvaluator eval = new FullRankingEvaluator(backend, Interactions.fromLists(data.numItems(), train),
                Interactions.fromLists(data.numItems(), test), 20);
        try (HostMatrix um = HostMatrix.of(s, d, u); HostMatrix vm = HostMatrix.of(data.numItems(), d, items)) {
            return eval.report(um, vm).recall(20);
        }
    }

    /**
     * Base = the vectors of the items with at least one training interaction (the others keep
     * iALS's zero solution or LightGCN's untrained initialisation: ties or noise, not neighbours),
     * queries = the vectors of up to {@code nq} test users (users with at least one test item) in a
     * seeded random order. {@code model} and {@code vectors} say what they are ("iALS", "factors").
     */
    private static AnnBench.Data assemble(String name, String model, String vectors, String trainedOn,
                                          Map<String, Object> provenance, TrainTestSplit data, int d, float[] users, float[] items,
                                          int nq, long seed) {
        int[] keptItems = java.util.stream.IntStream.range(0, data.numItems()).filter(i -> data.train().degreeOfItem(i) > 0)
                .toArray();
        provenance.put("items_kept", "items with >= 1 training interaction: " + keptItems.length + " of " + data.numItems());
        float[] base = new float[keptItems.length * d];
        for (int i = 0; i < keptItems.length; i++) {
            System.arraycopy(items, keptItems[i] * d, base, i * d, d);
        }
        int[] testUsers = usersWithTest(data, seed);
        int q = Math.min(nq, testUsers.length);
        float[] queries = new float[q * d];
        for (int i = 0; i < q; i++) {
            System.arraycopy(users, testUsers[i] * d, queries, i * d, d);
        }
        System.out.printf("learned vectors: %,d items x %d, %d query users of %d with test items%n", keptItems.length, d, q,
                testUsers.length);
        String description = "learned embeddings: " + model + " item " + vectors + " (" + keptItems.length + " x " + d
                + ") as the base, user " + vectors + " of " + q + " test users (seed " + seed + ") as queries; " + trainedOn;
        return new AnnBench.Data(name, description, d, Metric.INNER_PRODUCT, base, queries, provenance);
    }

    /** Users with at least one test item, shuffled with {@code seed}. */
    static int[] usersWithTest(TrainTestSplit data, long seed) {
        int[] testUsers = java.util.stream.IntStream.range(0, data.numUsers()).filter(u -> data.test().degreeOfUser(u) > 0)
                .toArray();
        shuffle(testUsers, seed);
        return testUsers;
    }

    static void shuffle(int[] a, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
