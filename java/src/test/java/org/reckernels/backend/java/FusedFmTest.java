package org.reckernels.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.FusedFmOps;
import org.reckernels.model.FactorizationMachine;
import org.reckernels.tensor.HostMatrix;

/**
 * The fused FM step ({@link FusedFmOps}, {@link FusedFm}) against the general ops it replaces (embedding bags,
 * fmForward, logisticLossGrad, fmBackward, axpby, embedding-bag backward + optimizer): the same losses, logits and
 * updated tables and optimizer state after several steps, on the vector and scalar kernels, for every sparse
 * optimizer, d = 1 / odd / one vector / past one vector, tiny fields (every sample the same row: maximal
 * duplicates), power-law ids, a shuffled sample order and a partial batch; and independence of the thread count.
 */
class FusedFmTest {

    /** Ids: field 0 has one row, field 1 two; the others power-law over their vocab (hot rows repeat). */
    private static int[][] data(int n, int[] vocab, long seed) {
        Random rnd = new Random(seed);
        int f = vocab.length;
        int[] ids = new int[n * f];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < f; t++) {
                double u = rnd.nextDouble();
                ids[s * f + t] = Math.min(vocab[t] - 1, (int) (vocab[t] * u * u * u));
            }
            labels[s] = rnd.nextInt(3) == 0 ? 1 : 0;
        }
        return new int[][] {ids, labels};
    }

    private static float[] floats(int[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        SparseOptimizer[] opts = {SparseOptimizer.sgd(0.3f), SparseOptimizer.adagrad(0.1f, 1e-6f),
            SparseOptimizer.rowwiseAdagrad(0.1f, 1e-6f), SparseOptimizer.adam(0.01f, 0.9f, 0.999f, 1e-8f)};
        int[] dims = {1, 5, 16, 17};
        for (int oi = 0; oi < opts.length; oi++) {
            for (int di = 0; di < dims.length; di++) {
                // each backend sees every d over the optimizers, with and without l2
                out.add(Arguments.of((oi + di) % 2 == 0 ? "vector" : "scalar", opts[oi], dims[di],
                        ((oi + di) / 2) % 2 == 0 ? 0.05f : 0f));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} d={2} l2={3}")
    @MethodSource("cases")
    void fusedStepEqualsTheGeneralOps(String kind, SparseOptimizer opt, int d, float l2) {
        JavaBackend backend = kind.equals("vector") ? TestBackends.VECTOR : TestBackends.SCALAR;
        int[] vocab = {1, 2, 7, 40, 300};
        int n = 700;
        int[][] data = data(n, vocab, 5 + d);
        float[] labels = floats(data[1]);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (i * 389 + 11) % n; // a permutation (389 is prime to 700)
        }
        try (FactorizationMachine fused = FactorizationMachine.create(backend, vocab, d, opt, l2, 0.1f, 3);
             FactorizationMachine general = FactorizationMachine.create(backend, vocab, d, opt, l2, 0.1f, 3)
                     .useFusedPath(false)) {
            assertTrue(fused.fusedPath());
            assertFalse(general.fusedPath());
            int[][] batches = {{0, 256}, {256, 256}, {512, 97}, {609, 1}, {0, 300}};
            for (int[] bt : batches) {
                double lf = fused.trainStep(data[0], order, bt[0], bt[1], labels);
                double lg = general.trainStep(data[0], order, bt[0], bt[1], labels);
                // the general op keeps the sum as a float
                assertEquals((float) lg, (float) lf, 1e-6 * Math.abs(lg), "loss of batch " + bt[0] + "+" + bt[1]);
            }
            Map<String, HostMatrix> pf = fused.parameters();
            Map<String, HostMatrix> pg = general.parameters();
            assertEquals(pg.keySet(), pf.keySet());
            for (String name : pg.keySet()) {
                assertArrayEquals(pg.get(name).toArray(), pf.get(name).toArray(), name + " after the steps (bitwise)");
            }
            // Predictions (contiguous samples, a partial last batch) agree too.
            assertArrayEquals(general.predictLogits(data[0], n, 128), fused.predictLogits(data[0], n, 128));
        }
    }

    @Test
    void fusedResultDoesNotDependOnTheThreadCount() {
        int[] vocab = new int[13];
        java.util.Arrays.fill(vocab, 50);
        int n = 1600;
        int[][] data = data(n, vocab, 9);
        float[] labels = floats(data[1]);
        Map<String, HostMatrix> ref = null;
        for (int threads : new int[] {1, 2, 5}) {
            try (JavaBackend backend = new JavaBackend(threads, new VectorKernels());
                 FactorizationMachine m = FactorizationMachine.create(backend, vocab, 16,
                         SparseOptimizer.adagrad(0.05f, 1e-6f), 0.02f, 0.01f, 1)) {
                for (int from = 0; from + 512 <= n; from += 512) {
                    m.trainStep(data[0], null, from, 512, labels);
                }
                Map<String, HostMatrix> p = m.parameters();
                if (ref == null) {
                    ref = p;
                } else {
                    for (String name : ref.keySet()) {
                        assertArrayEquals(ref.get(name).toArray(), p.get(name).toArray(), name + " with " + threads
                                + " threads");
                    }
                }
            }
        }
    }

    @Test
    void badIdsAndShapesAreRejectedClearly() {
        int[] vocab = {3, 4};
        try (FactorizationMachine m = FactorizationMachine.create(TestBackends.VECTOR, vocab, 4,
                SparseOptimizer.adagrad(0.1f, 1e-6f), 0.1f, 1)) {
            float[] labels = {1, 0, 1};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.trainStep(new int[] {0, 0, 1, 4, 2, 3}, null, 0, 3, labels));
            assertTrue(e.getMessage().contains("sample 1 field 1 id 4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> m.trainStep(new int[] {0, 0, 1, -1}, null, 0, 2, new float[] {1, 0}));
            assertTrue(e.getMessage().contains("id -1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> m.trainStep(new int[] {0, 0, 1, 1}, new int[] {1, 2}, 0, 2, new float[] {1, 0}));
            assertTrue(e.getMessage().contains("data-set row 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> m.trainStep(new int[] {0, 0, 1}, null, 0, 1, new float[] {1}));
            assertTrue(e.getMessage().contains("F = 2"), e.getMessage());
            // a rejected batch leaves the model usable
            m.trainStep(new int[] {0, 0, 1, 1}, null, 0, 2, new float[] {1, 0});
        }
    }
}
