package org.reckernels.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reckernels.data.Interactions;
import org.reckernels.tensor.HostMatrix;

class ExactTopKTest {

    private static HostMatrix random(int rows, int cols, Random rnd, boolean coarse) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            // coarse values (multiples of 0.5 in [-1, 1]) make many exact ties
            v[i] = coarse ? (rnd.nextInt(5) - 2) * 0.5f : rnd.nextFloat() * 2f - 1f;
        }
        return HostMatrix.of(rows, cols, v);
    }

    /** Score every item with a scalar dot, drop masked ones, sort by (score desc, id asc). */
    private static void assertMatchesBruteForce(HostMatrix users, HostMatrix items, Interactions train, int k) {
        TopKResult got = ExactTopK.topK(users, items, train, k);
        int d = (int) users.cols();
        for (int u = 0; u < users.rows(); u++) {
            float[] uv = users.row(u);
            List<float[]> cand = new ArrayList<>(); // {score, item}
            for (int i = 0; i < items.rows(); i++) {
                if (train != null && train.contains(u, i)) {
                    continue;
                }
                float[] iv = items.row(i);
                float s = 0f;
                for (int c = 0; c < d; c++) {
                    s += uv[c] * iv[c];
                }
                cand.add(new float[] {s, i});
            }
            cand.sort(Comparator.<float[]>comparingDouble(x -> -x[0]).thenComparingDouble(x -> x[1]));
            int[] wantItems = new int[k];
            float[] wantScores = new float[k];
            for (int r = 0; r < k; r++) {
                wantItems[r] = r < cand.size() ? (int) cand.get(r)[1] : -1;
                wantScores[r] = r < cand.size() ? cand.get(r)[0] : Float.NEGATIVE_INFINITY;
            }
            assertArrayEquals(wantItems, got.itemsOf(u), "items of user " + u);
            assertArrayEquals(wantScores, got.scoresOf(u), "scores of user " + u);
        }
    }

    private static Interactions randomMask(int users, int items, double p, Random rnd) {
        int[][] lists = new int[users][];
        for (int u = 0; u < users; u++) {
            lists[u] = java.util.stream.IntStream.range(0, items).filter(i -> rnd.nextDouble() < p).toArray();
        }
        return Interactions.fromLists(items, lists);
    }

    @Test
    void matchesBruteForceOnRandomInputs() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 6; trial++) {
            int users = 1 + rnd.nextInt(80);
            int items = 1 + rnd.nextInt(2500); // crosses item tiles
            int d = 1 + rnd.nextInt(20);
            int k = 1 + rnd.nextInt(Math.min(items, 30));
            try (HostMatrix u = random(users, d, rnd, trial % 2 == 0); HostMatrix it = random(items, d, rnd, trial % 2 == 0)) {
                assertMatchesBruteForce(u, it, randomMask(users, items, 0.1, rnd), k);
                assertMatchesBruteForce(u, it, null, k);
            }
        }
    }

    @Test
    void dimensionOneAndTiesGoToLowerIds() {
        try (HostMatrix u = HostMatrix.of(2, 1, new float[] {1f, -1f});
                HostMatrix it = HostMatrix.of(5, 1, new float[] {2f, 3f, 3f, 1f, 3f})) {
            TopKResult r = ExactTopK.topK(u, it, 4);
            assertArrayEquals(new int[] {1, 2, 4, 0}, r.itemsOf(0));
            assertArrayEquals(new int[] {3, 0, 1, 2}, r.itemsOf(1));
            assertArrayEquals(new float[] {-1f, -2f, -3f, -3f}, r.scoresOf(1));
            assertMatchesBruteForce(u, it, null, 5);
        }
    }

    @Test
    void fewerCandidatesThanKArePaddedWithMinusOne() {
        Random rnd = new Random(3);
        int items = 40;
        try (HostMatrix u = random(3, 4, rnd, false); HostMatrix it = random(items, 4, rnd, false)) {
            int[][] lists = new int[3][];
            lists[0] = java.util.stream.IntStream.range(0, items).filter(i -> i != 17 && i != 5).toArray(); // 2 left
            lists[1] = java.util.stream.IntStream.range(0, items).toArray(); // none left
            lists[2] = new int[] {0};
            Interactions train = Interactions.fromLists(items, lists);
            TopKResult r = ExactTopK.topK(u, it, train, 5);
            int[] row0 = r.itemsOf(0);
            assertTrue((row0[0] == 5 && row0[1] == 17) || (row0[0] == 17 && row0[1] == 5));
            assertArrayEquals(new int[] {-1, -1, -1}, java.util.Arrays.copyOfRange(row0, 2, 5));
            assertArrayEquals(new int[] {-1, -1, -1, -1, -1}, r.itemsOf(1));
            assertEquals(Float.NEGATIVE_INFINITY, r.scoresOf(1)[0]);
            assertMatchesBruteForce(u, it, train, 5);
        }
    }

    @Test
    void badInputs() {
        try (HostMatrix u = HostMatrix.of(2, 2, new float[] {1, 2, 3, 4}); HostMatrix it = HostMatrix.of(3, 2, new float[6]);
                HostMatrix it3 = HostMatrix.of(3, 3, new float[9])) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExactTopK.topK(u, it, 4));
            assertTrue(e.getMessage().contains("k=4 outside [1, 3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ExactTopK.topK(u, it, 0));
            e = assertThrows(IllegalArgumentException.class, () -> ExactTopK.topK(u, it3, 1));
            assertTrue(e.getMessage().contains("dimensions differ"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ExactTopK.topK(u, it, Interactions.empty(3, 3), 1));
            assertTrue(e.getMessage().contains("does not match 2 users x 3 items"), e.getMessage());
            u.set(1, 0, Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> ExactTopK.topK(u, it, 1));
            assertEquals("ExactTopK: user embedding row 1 column 0 is NaN", e.getMessage());
        }
    }

    @Test
    void resultFeedsRankingMetrics() {
        // Items whose embedding equals the user's direction rank first: a perfect recommender.
        try (HostMatrix u = HostMatrix.of(2, 2, new float[] {1, 0, 0, 1});
                HostMatrix it = HostMatrix.of(4, 2, new float[] {1, 0, 0, 1, 0.9f, 0, 0, 0.8f})) {
            Interactions train = Interactions.fromLists(4, new int[][] {{0}, {1}});
            Interactions test = Interactions.fromLists(4, new int[][] {{2}, {3}});
            TopKResult r = ExactTopK.topK(u, it, train, 2);
            RankingReport rep = RankingMetrics.evaluate(r.items(), r.k(), test, 1, 2);
            assertEquals(1.0, rep.recall(1));
            assertEquals(1.0, rep.ndcg(2));
        }
    }
}
