package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.Interactions;
import org.reckernels.data.SequenceCorpus;
import org.reckernels.data.SyntheticSequences;
import org.reckernels.graph.NormalizedAdjacency;
import org.reckernels.model.Item2Vec;
import org.reckernels.model.LightGCN;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * The retriever against brute force: with every list probed and every candidate re-ranked, the
 * top-N unseen items by inner product, exactly; seen items never come back, heavy users get fewer
 * only when the catalogue runs out; graph-model and Item2Vec paths; bad input.
 */
class CandidateRetrieverTest {
    static final int USERS = 60;
    static final int ITEMS = 400;
    static final int D = 16;

    static float[] table(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] t = new float[(USERS + ITEMS) * D];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) r.nextGaussian();
        }
        return t;
    }

    /** Random histories with power-law sizes; user 0 has seen all but three items, user 1 nothing. */
    static Interactions seen(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> us = new ArrayList<>();
        List<Integer> is = new ArrayList<>();
        for (int u = 2; u < USERS; u++) {
            int deg = (int) Math.min(ITEMS - 1, Math.floor(2 / Math.pow(r.nextDouble() + 1e-3, 0.9)));
            for (int j = 0; j < deg; j++) {
                us.add(u);
                is.add(r.nextInt(ITEMS));
            }
        }
        for (int i = 3; i < ITEMS; i++) {
            us.add(0);
            is.add(i);
        }
        return Interactions.fromPairs(USERS, ITEMS, us.stream().mapToInt(Integer::intValue).toArray(),
                is.stream().mapToInt(Integer::intValue).toArray());
    }

    static IvfPqIndex.Params params() {
        return IvfPqIndex.Params.of(8, 4, 8, Metric.INNER_PRODUCT).withIterations(6, 6);
    }

    /** Brute force: the n largest inner products among unseen items, ties to the lower item. */
    static int[] bruteForce(float[] t, int u, Interactions seen, int n) {
        List<Integer> cand = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            if (!seen.contains(u, i)) {
                cand.add(i);
            }
        }
        cand.sort((a, b) -> {
            int c = Float.compare(VecMath.dot(t, u * D, t, (USERS + b) * D, D), VecMath.dot(t, u * D, t, (USERS + a) * D, D));
            return c != 0 ? c : Integer.compare(a, b);
        });
        return cand.subList(0, Math.min(n, cand.size())).stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void fullProbeAndReRankGiveTheExactTopNUnseen() {
        float[] t = table(1);
        Interactions seen = seen(2);
        CandidateRetriever r = CandidateRetriever.ofUserItemTable(t, USERS, ITEMS, D, params(), s -> { });
        IvfPqIndex.SearchParams exact = IvfPqIndex.SearchParams.of(1, 8).withRerank(ITEMS);
        for (int u = 0; u < USERS; u++) {
            CandidateRetriever.Candidates c = r.forUser(u, seen, 20, exact);
            assertArrayEquals(bruteForce(t, u, seen, 20), c.items(), "user " + u);
            for (int j = 0; j < c.size(); j++) {
                assertEquals(VecMath.dot(t, u * D, t, (USERS + c.items()[j]) * D, D), c.scores()[j], 1e-4f);
            }
        }
        assertEquals(3, r.forUser(0, seen, 20, exact).size(), "user 0 has only three unseen items");
        assertEquals(20, r.forUser(1, seen, 20, exact).size());
    }

    @Test
    void approximateSearchNeverReturnsSeenItemsAndParallelMatchesSerial() {
        float[] t = table(3);
        Interactions seen = seen(4);
        CandidateRetriever r = CandidateRetriever.ofUserItemTable(t, USERS, ITEMS, D, params(), s -> { });
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(1, 2);
        int[] users = new int[USERS];
        for (int u = 0; u < USERS; u++) {
            users[u] = u;
        }
        CandidateRetriever.Candidates[] all = r.forUsers(users, seen, 15, sp);
        for (int u = 0; u < USERS; u++) {
            CandidateRetriever.Candidates one = r.forUser(u, seen, 15, sp);
            assertArrayEquals(one.items(), all[u].items());
            assertTrue(one.size() <= 15);
            for (int i : one.items()) {
                assertTrue(!seen.contains(u, i), "user " + u + " got seen item " + i);
            }
        }
    }

    @Test
    void graphModelPathEqualsItsDownloadedTable() {
        Interactions seen = seen(5);
        try (JavaBackend backend = new JavaBackend(2);
             CsrMatrix adj = NormalizedAdjacency.build(seen.toCsr());
             SparseMatrix onBackend = backend.upload(adj);
             LightGCN model = new LightGCN(backend, onBackend, USERS, ITEMS, D, 2, 0.1f, 7)) {
            CandidateRetriever fromModel = CandidateRetriever.ofEmbeddingModel(backend, model, params(), s -> { });
            IvfPqIndex.SearchParams exact = IvfPqIndex.SearchParams.of(1, 8).withRerank(ITEMS);
            assertEquals(USERS, fromModel.users());
            assertEquals(ITEMS, fromModel.items());
            for (int u = 1; u < USERS; u += 7) {
                CandidateRetriever.Candidates c = fromModel.forUser(u, seen, 10, exact);
                assertEquals(10, c.size());
                for (int j = 1; j < c.size(); j++) {
                    assertTrue(c.scores()[j - 1] >= c.scores()[j], "best first");
                }
            }
            assertThrows(IllegalStateException.class, () -> fromModel.queryFromHistory(new int[]{1}));
        }
    }

    @Test
    void item2VecUsersAreTheMeanOfTheirHistory() {
        SyntheticSequences syn = SyntheticSequences.generate(SyntheticSequences.Config.defaults(3).withItems(20, 600, 100)
                .withSessions(3000));
        SequenceCorpus corpus = syn.corpus(1);
        Item2Vec.Params p = Item2Vec.Params.defaults().withVectorSize(16).withEpochs(1).withWorkers(1).withMinCount(1);
        try (JavaBackend b = new JavaBackend(1); Item2Vec m = Item2Vec.train(b, corpus, p, null).model()) {
            CandidateRetriever r = CandidateRetriever.ofItem2Vec(m, IvfPqIndex.Params.of(4, 4, 8, Metric.INNER_PRODUCT), s -> { });
            float[] v = m.vectors().toArray();
            int d = m.dim();
            int[] history = {0, 5, 9};
            float[] q = r.queryFromHistory(history);
            for (int t = 0; t < d; t++) {
                assertEquals((v[t] + v[5 * d + t] + v[9 * d + t]) / 3f, q[t], 1e-6f);
            }
            CandidateRetriever.Candidates c = r.forVector(q, 0, history, 5, IvfPqIndex.SearchParams.of(1, 4).withRerank(r.items()));
            assertEquals(5, c.size());
            for (int i : c.items()) {
                assertTrue(i != 0 && i != 5 && i != 9, "history item " + i + " returned");
            }
            assertThrows(IllegalStateException.class, () -> r.forUser(0, Interactions.empty(0, r.items()), 5,
                    IvfPqIndex.SearchParams.of(1, 1)));
            assertThrows(IllegalArgumentException.class, () -> r.queryFromHistory(new int[0]));
            assertThrows(IllegalArgumentException.class, () -> r.queryFromHistory(new int[]{r.items()}));
        }
    }

    @Test
    void badInputIsRejectedWithTheValueNamed() {
        float[] t = table(6);
        Interactions seen = seen(7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CandidateRetriever.ofUserItemTable(new float[10], USERS, ITEMS, D, params(), s -> { }));
        assertTrue(e.getMessage().contains("10 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CandidateRetriever.ofUserItemTable(t, USERS, ITEMS, D,
                IvfPqIndex.Params.of(8, 4, 8, Metric.L2), s -> { }));
        assertTrue(e.getMessage().contains("L2"), e.getMessage());
        float[] nan = t.clone();
        nan[(USERS + 3) * D + 1] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> CandidateRetriever.ofUserItemTable(nan, USERS, ITEMS, D, params(), s -> { }));
        CandidateRetriever r = CandidateRetriever.ofUserItemTable(t, USERS, ITEMS, D, params(), s -> { });
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(1, 2);
        e = assertThrows(IllegalArgumentException.class, () -> r.forUser(USERS, seen, 5, sp));
        assertTrue(e.getMessage().contains("user " + USERS), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.forUser(0, seen, 0, sp));
        assertTrue(e.getMessage().contains("n=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.forUser(0, Interactions.empty(USERS, ITEMS + 1), 5, sp));
        assertTrue(e.getMessage().contains(Integer.toString(ITEMS + 1)), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.forVector(t, 0, new int[]{4, 2}, 5, sp));
        assertTrue(e.getMessage().contains("sorted"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.forVector(new float[D - 1], 0, new int[0], 5, sp));
    }
}
