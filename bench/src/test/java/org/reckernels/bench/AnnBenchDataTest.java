package org.reckernels.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.ann.ExactSearch;
import org.reckernels.ann.Metric;
import org.reckernels.data.SyntheticInteractions;
import org.reckernels.data.TrainTestSplit;

class AnnBenchDataTest {
    @Test
    void mipsToL2KeepsTheInnerProductOrderForVectorsOfVeryDifferentNorms() {
        int n = 500;
        int d = 7;
        int nq = 20;
        SplittableRandom r = new SplittableRandom(5);
        float[] base = new float[n * d];
        for (int i = 0; i < n; i++) {
            double scale = Math.exp(2 * r.nextDouble()); // norms over ~e^2, as popularity gives learned factors
            for (int j = 0; j < d; j++) {
                base[i * d + j] = (float) (scale * r.nextGaussian());
            }
        }
        float[] queries = new float[nq * d];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = (float) r.nextGaussian();
        }
        long[] ip = new ExactSearch(base, null, d, Metric.INNER_PRODUCT).search(queries, 10).ids();
        long[] l2 = new ExactSearch(base, null, d, Metric.L2).search(queries, 10).ids();
        long[] aug = new ExactSearch(MipsToL2.items(base, d), null, d + 1, Metric.L2).search(MipsToL2.queries(queries, d), 10).ids();
        assertArrayEquals(ip, aug);
        assertTrue(!java.util.Arrays.equals(ip, l2), "plain L2 should differ from inner product on this data");
        float[] items = MipsToL2.items(base, d);
        double maxSq = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j <= d; j++) {
                s += items[i * (d + 1) + j] * items[i * (d + 1) + j];
            }
            maxSq = Math.max(maxSq, s);
            assertEquals(maxSq, s, 1e-3 * maxSq, "every augmented item has the same norm");
        }
    }

    @Test
    void hardnessCountsDistinctTruthItemsAndTheConstantAnswersRecall() {
        int k = AnnBench.K;
        int nq = 4;
        long[] truth = new long[nq * k];
        for (int q = 0; q < nq; q++) {
            for (int i = 0; i < k; i++) {
                truth[q * k + i] = q < 2 ? i : 100 + q * k + i; // two queries share items 0..9, two have their own
            }
        }
        Map<String, Double> h = AnnBench.hardness(truth, nq, 1000);
        assertEquals(30.0, h.get("truth_distinct_items"));
        assertEquals(0.03, h.get("truth_distinct_fraction"), 1e-12);
        assertEquals(0.5, h.get("constant_top10_recall"), 1e-12);
    }

    @Test
    void equalRecallTakesTheBestQpsAmongAMethodFamilysSettingsThatReachTheTarget() {
        List<AnnBench.Point> points = List.of(new AnnBench.Point("jvector-l2aug", "a", 0.95, 100),
                new AnnBench.Point("jvector-dot-raw", "b", 0.91, 300), new AnnBench.Point("jvector-dot-raw", "c", 0.85, 900),
                new AnnBench.Point("ivfpq-nl256-pq8x16", "d", 0.92, 500), new AnnBench.Point("ivfpq-nl256-pq4x32", "e", 0.97, 400));
        assertEquals(300, AnnBench.atRecall(points, "jvector", 0.9));
        assertEquals(100, AnnBench.atRecall(points, "jvector", 0.95));
        assertEquals(500, AnnBench.atRecall(points, "ivfpq", 0.9));
        assertEquals(400, AnnBench.atRecall(points, "ivfpq", "-pq4", 0.9));
        assertTrue(Double.isNaN(AnnBench.atRecall(points, "lucene-hnsw", 0.9)));
        assertEquals(Map.of("jvector-l2aug", 0.95, "jvector-dot-raw", 0.91, "ivfpq-nl256-pq8x16", 0.92, "ivfpq-nl256-pq4x32", 0.97),
                AnnBench.cheapestRecall(points));
    }

    @Test
    void lightGcnSetFallsBackToSyntheticInteractionsAndTakesItemRowsAsBaseAndTestUsersAsQueries(@TempDir Path noGowalla)
            throws Exception {
        SyntheticInteractions.Config tiny = new SyntheticInteractions.Config(300, 400, 8, 20, 0.8, 1.0, 0.2, 3);
        TrainTestSplit split = SyntheticInteractions.generate(tiny).split();
        long itemsWithTrain = java.util.stream.IntStream.range(0, split.numItems()).filter(i -> split.train().degreeOfItem(i) > 0)
                .count();
        long usersWithTest = java.util.stream.IntStream.range(0, split.numUsers()).filter(u -> split.test().degreeOfUser(u) > 0)
                .count();
        int nq = 50;

        AnnBench.Data data = LearnedVectors.gowallaLightGcn(noGowalla, 1, nq, 9, tiny);

        assertEquals("ann-learned-lightgcn-fallback-synthetic-400", data.name());
        assertTrue(data.description().contains("LightGCN item final embeddings"), data.description());
        assertEquals(Metric.INNER_PRODUCT, data.metric());
        assertEquals(64, data.d());
        assertEquals(itemsWithTrain, data.n());
        assertEquals(Math.min(nq, usersWithTest), data.nq());
        assertEquals(1, data.provenance().get("model_epochs"));
        assertTrue((double) data.provenance().get("model_s_per_epoch") > 0);
        double recall = (double) data.provenance().get("model_recall@20");
        assertTrue(recall >= 0 && recall <= 1, "recall@20 " + recall);
        for (float[] m : List.of(data.base(), data.queries())) {
            for (float x : m) {
                assertTrue(Float.isFinite(x));
            }
        }
        float[] q0 = java.util.Arrays.copyOfRange(data.queries(), 0, data.d());
        float[] q1 = java.util.Arrays.copyOfRange(data.queries(), data.d(), 2 * data.d());
        assertTrue(!java.util.Arrays.equals(q0, q1), "distinct users should have distinct embeddings");
    }
}
