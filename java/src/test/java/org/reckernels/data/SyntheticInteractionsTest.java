package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.reckernels.eval.RankingMetrics;
import org.reckernels.eval.RankingReport;

class SyntheticInteractionsTest {
    private static final SyntheticInteractions DATA = SyntheticInteractions.generate(SyntheticInteractions.Config.defaults());

    @Test
    void deterministicBySeed() {
        SyntheticInteractions again = SyntheticInteractions.generate(42);
        assertEquals(DATA.train(), again.train());
        assertEquals(DATA.test(), again.test());
        assertEquals(DATA.communityLabels()[0].length, again.communityLabels()[0].length);
        assertTrue(java.util.Arrays.equals(DATA.communityLabels()[1], again.communityLabels()[1]));
        assertNotEquals(DATA.train(), SyntheticInteractions.generate(43).train());
    }

    @Test
    void shapeAndSplit() {
        Interactions train = DATA.train();
        Interactions test = DATA.test();
        assertEquals(2000, train.numUsers());
        assertEquals(1500, train.numItems());
        long total = train.size() + test.size();
        assertTrue(Math.abs(total / 2000.0 - 30) < 1.5, "mean interactions " + total / 2000.0);
        assertEquals(0, DATA.split().overlap());
        for (int u = 0; u < 2000; u++) {
            assertTrue(train.degreeOfUser(u) >= 1, "user " + u + " has no train item");
            double share = (double) test.degreeOfUser(u) / (train.degreeOfUser(u) + test.degreeOfUser(u));
            assertTrue(share > 0.1 && share < 0.3, "user " + u + " test share " + share);
        }
    }

    @Test
    void communitiesArePlanted() {
        Interactions train = DATA.train();
        long inside = 0;
        for (int u = 0; u < train.numUsers(); u++) {
            for (long k = train.start(u); k < train.end(u); k++) {
                inside += DATA.itemCommunity(train.itemAt(k)) == DATA.userCommunity(u) ? 1 : 0;
            }
        }
        // 80% drawn inside, plus ~1/10 of the 20% uniform draws land inside by chance.
        double share = (double) inside / train.size();
        assertTrue(share > 0.78 && share < 0.86, "in-community share " + share);
        // Popularity skew: rank-0 items (near saturation: most users of the community) far above mid ranks.
        int[] byRank = new int[150];
        for (int i = 0; i < train.numItems(); i++) {
            byRank[DATA.itemRank(i)] += train.degreeOfItem(i);
        }
        assertTrue(byRank[0] > 5 * byRank[75], "rank 0: " + byRank[0] + ", rank 75: " + byRank[75]);
    }

    @Test
    void randomVersusPlantedStructureVersusOracle() {
        Interactions train = DATA.train();
        Interactions test = DATA.test();
        int users = train.numUsers();
        int items = train.numItems();
        int k = 20;
        int[][] random = new int[users][];
        int[][] planted = new int[users][];
        int[][] oracle = new int[users][];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int u = 0; u < users; u++) {
            final int user = u;
            planted[u] = java.util.stream.IntStream.range(0, items)
                    .filter(i -> DATA.itemCommunity(i) == DATA.userCommunity(user) && !train.contains(user, i)).boxed()
                    .sorted(java.util.Comparator.comparingInt(DATA::itemRank)).limit(k).mapToInt(Integer::intValue).toArray();
            int[] t = test.itemArray(u);
            oracle[u] = java.util.stream.IntStream.concat(java.util.Arrays.stream(t),
                    java.util.stream.IntStream.generate(() -> -1)).limit(k).toArray();
            random[u] = randomUnseen(train, u, rnd, k);
        }
        RankingReport r = RankingMetrics.evaluate(random, test, k);
        RankingReport p = RankingMetrics.evaluate(planted, test, k);
        RankingReport o = RankingMetrics.evaluate(oracle, test, k);
        System.out.printf("synthetic defaults, recall@20 / ndcg@20: random %.4f / %.4f, planted %.4f / %.4f, oracle %.4f / %.4f%n",
                r.recall(k), r.ndcg(k), p.recall(k), p.ndcg(k), o.recall(k), o.ndcg(k));
        assertEquals(1.0, o.recall(k), 1e-12);
        assertEquals(1.0, o.ndcg(k), 1e-12);
        assertTrue(Math.abs(r.recall(k) - 20.0 / (items - 24)) < 0.006, "random recall " + r.recall(k));
        assertTrue(p.recall(k) > 10 * r.recall(k), "planted " + p.recall(k) + " vs random " + r.recall(k));
    }

    /** k distinct random items outside u's train set. */
    private static int[] randomUnseen(Interactions train, int u, SplittableRandom rnd, int k) {
        return rnd.ints(0, train.numItems()).filter(i -> !train.contains(u, i)).distinct().limit(k).toArray();
    }

    @Test
    void badConfigs() {
        assertThrows(IllegalArgumentException.class,
                () -> new SyntheticInteractions.Config(10, 10, 20, 3, 0.8, 1, 0.2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SyntheticInteractions.Config(10, 10, 2, 9, 0.8, 1, 0.2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SyntheticInteractions.Config(10, 10, 2, 3, 1.5, 1, 0.2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SyntheticInteractions.Config(10, 10, 2, 3, 0.8, 1, 1.0, 1));
    }

    @Test
    void tinyConfigStillSplitsEveryUser() {
        SyntheticInteractions s = SyntheticInteractions.generate(new SyntheticInteractions.Config(50, 6, 3, 2, 1.0, 2.0, 0.5, 5));
        for (int u = 0; u < 50; u++) {
            assertTrue(s.train().degreeOfUser(u) >= 1);
            assertTrue(s.train().degreeOfUser(u) + s.test().degreeOfUser(u) >= 2);
        }
    }
}
