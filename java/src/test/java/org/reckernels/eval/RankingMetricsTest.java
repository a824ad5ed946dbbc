package org.reckernels.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.reckernels.data.Interactions;

class RankingMetricsTest {
    private static final double EPS = 1e-12;

    private static double lg(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void handComputedHits() {
        // user 0: test {1,3,5}; user 1: no test items (skipped); user 2: test {0}
        Interactions test = Interactions.fromLists(8, new int[][] {{1, 3, 5}, {}, {0}});
        int[][] ranked = {{3, 2, 1, 7}, {1, 2, 3, 4}, {4, 6, 0, 2}};
        RankingReport r = RankingMetrics.evaluate(ranked, test, 4, 2);
        assertEquals(2, r.usersEvaluated());
        assertEquals(java.util.List.of(2, 4), java.util.List.copyOf(r.byK().keySet()));

        // K=2: user 0 hits item 3 at rank 0; user 2 no hit.
        double idcg0at2 = 1 + 1 / lg(3);
        assertEquals((1.0 / 3 + 0) / 2, r.recall(2), EPS);
        assertEquals((1.0 / 2 + 0) / 2, r.precision(2), EPS);
        assertEquals((1 / idcg0at2 + 0) / 2, r.ndcg(2), EPS);
        assertEquals(0.5, r.hit(2), EPS);

        // K=4: user 0 hits at ranks 0 and 2; user 2 hits at rank 2. IDCG over min(|T|, K) positions.
        double dcg0 = 1 + 1 / lg(4);
        double idcg0 = 1 + 1 / lg(3) + 1 / lg(4);
        double dcg2 = 1 / lg(4);
        assertEquals((2.0 / 3 + 1.0) / 2, r.recall(4), EPS);
        assertEquals((2.0 / 4 + 1.0 / 4) / 2, r.precision(4), EPS);
        assertEquals((dcg0 / idcg0 + dcg2 / 1.0) / 2, r.ndcg(4), EPS);
        assertEquals(1.0, r.hit(4), EPS);
        assertEquals(r.recall(4), r.asMap().get("recall@4"), 0);
    }

    @Test
    void perfectRankingScoresOne() {
        Interactions test = Interactions.fromLists(10, new int[][] {{2, 7}, {0, 1, 2, 3, 4}, {9}});
        int[] flat = {7, 2, 5, -1, 8, 4, 3, 2, 1, 0, 9, -1, -1, -1, -1}; // stride 5; user 2 padded
        RankingReport r = RankingMetrics.evaluate(flat, 5, test, 1, 2, 5);
        for (int k : new int[] {1, 2, 5}) {
            assertEquals(1.0, r.ndcg(k), EPS, "ndcg@" + k);
            assertEquals(1.0, r.hit(k), EPS, "hit@" + k);
        }
        assertEquals(1.0, r.recall(5), EPS);
        assertEquals((1.0 / 2 + 1.0 / 5 + 1.0) / 3, r.recall(1), EPS); // one hit each at K=1
        assertEquals((2.0 / 5 + 5.0 / 5 + 1.0 / 5) / 3, r.precision(5), EPS);
    }

    @Test
    void noEvaluableUsersGivesZeros() {
        Interactions test = Interactions.empty(2, 3);
        RankingReport r = RankingMetrics.evaluate(new int[][] {{0}, {1}}, test, 1);
        assertEquals(0, r.usersEvaluated());
        assertEquals(0.0, r.recall(1));
        assertEquals(0.0, r.ndcg(1));
    }

    @Test
    void badInputs() {
        Interactions test = Interactions.fromLists(4, new int[][] {{1}, {2}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new int[][] {{1, 2}, {2, 3}}, test, 3));
        assertTrue(e.getMessage().contains("K=3 outside [1, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RankingMetrics.evaluate(new int[][] {{1, 2}}, test, 1));
        assertTrue(e.getMessage().contains("1 ranked lists for 2 test users"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new int[][] {{1, 1}, {2, 3}}, test, 2));
        assertTrue(e.getMessage().contains("user 0 lists item 1 twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new int[] {1, 4, 2, 3}, 2, test, 2));
        assertTrue(e.getMessage().contains("user 0 rank 1 has item 4 outside [0, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.evaluate(new int[] {1, 2, 3}, 2, test, 1));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.evaluate(new int[][] {{1}, {2}}, test));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.evaluate(new int[][] {{1}, {2}}, test, 0));
    }
}
