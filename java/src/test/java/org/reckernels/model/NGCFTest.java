package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/** NGCF's forward against an explicit host computation, and its hand-written backward against finite differences. */
class NGCFTest {
    private static final int USERS = 12;
    private static final int ITEMS = 9;
    private static final int N = USERS + ITEMS;

    @ParameterizedTest(name = "layers={0}")
    @ValueSource(ints = {0, 1, 3})
    void forwardMatchesExplicitReferenceComputation(int layers) {
        int d = 6;
        try (TestGraph graph = TestGraph.uniform(2, USERS, ITEMS, 3, 3);
             NGCF model = new NGCF(graph.backend(), graph.onBackend(), USERS, ITEMS, d, layers, 0f, 11);
             HostMatrix expected = HostMatrix.zeros(N, (long) d * (layers + 1));
             HostMatrix got = HostMatrix.zeros(N, (long) d * (layers + 1));
             HostMatrix prev = HostMatrix.zeros(N, d);
             HostMatrix side = HostMatrix.zeros(N, d);
             HostMatrix sum = HostMatrix.zeros(N, d);
             HostMatrix bi = HostMatrix.zeros(N, d);
             HostMatrix pre = HostMatrix.zeros(N, d);
             HostMatrix norm = HostMatrix.zeros(N, d)) {
            assertEquals(1 + 4 * layers, model.parameters().size());
            model.setTraining(true); // dropout 0: training mode is deterministic too
            model.forward();
            graph.backend().download(model.finalEmbeddings(), got);
            List<HostMatrix> p = hostParams(model);
            prev.copyFrom(p.get(0));
            ReferenceOps.copyColumns(prev, 0, expected, 0, d);
            for (int l = 1; l <= layers; l++) {
                HostMatrix w1 = p.get(4 * l - 3);
                HostMatrix b1 = p.get(4 * l - 2);
                HostMatrix w2 = p.get(4 * l - 1);
                HostMatrix b2 = p.get(4 * l);
                ReferenceOps.spmm(graph.adjacency(), prev, side);
                ReferenceOps.axpby(1f, prev, 0f, sum);
                ReferenceOps.axpby(1f, side, 1f, sum);
                ReferenceOps.hadamard(1f, prev, side, 0f, bi);
                ReferenceOps.gemm(false, false, 1f, sum, w1, 0f, pre);
                ReferenceOps.gemm(false, false, 1f, bi, w2, 1f, pre);
                ReferenceOps.addBias(pre, b1);
                ReferenceOps.addBias(pre, b2);
                ReferenceOps.leakyRelu(pre, 0.2f, prev);
                ReferenceOps.rowL2Normalize(prev, 1e-12f, norm);
                ReferenceOps.copyColumns(norm, 0, expected, (long) l * d, d);
            }
            Assertions2.assertClose(expected, got, null, 1e-4, 1e-5, "NGCF forward, L=" + layers);
        }
    }

    @Test
    void dropoutActsOnlyInTrainingModeAndIsReproduced() {
        int d = 8;
        try (TestGraph graph = TestGraph.uniform(1, USERS, ITEMS, 3, 4);
             NGCF model = new NGCF(graph.backend(), graph.onBackend(), USERS, ITEMS, d, 2, 0.5f, 12)) {
            HostMatrix f = (HostMatrix) model.finalEmbeddings();
            model.forward();
            float[] eval1 = f.toArray();
            model.setTraining(true);
            model.forward();
            float[] train1 = f.toArray();
            model.forward();
            float[] train2 = f.toArray();
            model.setTraining(false);
            model.forward();
            assertArrayEquals(eval1, f.toArray(), "evaluation forward is deterministic");
            assertFalse(java.util.Arrays.equals(eval1, train1), "training forward drops messages");
            assertFalse(java.util.Arrays.equals(train1, train2), "each training forward draws a new mask");
            // The E⁰ block is never dropped.
            for (int i = 0; i < N; i++) {
                for (int c = 0; c < d; c++) {
                    assertEquals(eval1[i * 3 * d + c], train1[i * 3 * d + c]);
                }
            }
        }
    }

    /**
     * Gradient check: for L = Σ W ⊙ F, backward(W) against central differences of L w.r.t. entries of
     * E⁰, W1, b1, W2 and b2 of every layer (dropout 0). F is float32 and NGCF is nonlinear (LeakyReLU
     * kinks, normalisation), so the step is small and the tolerance allows float rounding / h.
     */
    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {4, 8})
    void backwardMatchesFiniteDifferences(int d) {
        int layers = 2;
        try (TestGraph graph = TestGraph.uniform(1, USERS, ITEMS, 3, 5 + d);
             NGCF model = new NGCF(graph.backend(), graph.onBackend(), USERS, ITEMS, d, layers, 0f, 13 + d);
             HostMatrix w = TestMatrices.dense(N, (long) d * (layers + 1), 14 + d)) {
            List<Matrix> grads = new ArrayList<>();
            try {
                for (Matrix p : model.parameters()) {
                    grads.add(graph.backend().allocate(p.rows(), p.cols()));
                }
                model.setTraining(true);
                model.forward();
                model.backward(w, grads);
                HostMatrix f = (HostMatrix) model.finalEmbeddings();
                List<HostMatrix> params = hostParams(model);
                String[] names = {"E0", "W1_1", "b1_1", "W2_1", "b2_1", "W1_2", "b1_2", "W2_2", "b2_2"};
                int checked = 0;
                for (int pi = 0; pi < params.size(); pi++) {
                    HostMatrix p = params.get(pi);
                    HostMatrix g = (HostMatrix) grads.get(pi);
                    long[][] probes = pi == 0
                            ? new long[][] {{0, 0}, {3, d - 1}, {USERS, 1}, {N - 1, d / 2}}
                            : p.rows() == 1 ? new long[][] {{0, 0}, {0, d - 1}} : new long[][] {{0, 1}, {d - 1, d / 2}, {2, 2}};
                    for (long[] at : probes) {
                        double an = g.get(at[0], at[1]);
                        // A LeakyReLU kink within ±h of some pre-activation bends the central
                        // difference; a smaller step then falls on one side of it. Accept the
                        // closer of two steps (both far apart from float rounding noise).
                        double fd = GradientCheck.central(model, w, f, p, at[0], at[1], 1e-3);
                        if (Math.abs(fd - an) > 3e-3 + 2e-2 * Math.abs(fd)) {
                            fd = GradientCheck.central(model, w, f, p, at[0], at[1], 2e-4);
                        }
                        assertEquals(fd, an, 3e-3 + 2e-2 * Math.abs(fd),
                                "dL/d" + names[pi] + java.util.Arrays.toString(at) + " (d=" + d + ")");
                        checked++;
                    }
                }
                assertTrue(checked >= 20, "probes checked: " + checked);
            } finally {
                for (Matrix m : grads) {
                    m.close();
                }
            }
        }
    }

    @Test
    void rejectsBadShapesAndRates() {
        try (TestGraph graph = TestGraph.uniform(1, USERS, ITEMS, 2, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NGCF(graph.backend(), graph.onBackend(), USERS, ITEMS + 1, 4, 2, 0f, 1));
            assertTrue(e.getMessage().contains(Integer.toString(N + 1)), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new NGCF(graph.backend(), graph.onBackend(), USERS, ITEMS, 4, 2, 1f, 1));
            assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        }
    }

    private static List<HostMatrix> hostParams(NGCF model) {
        List<HostMatrix> out = new ArrayList<>();
        for (Matrix m : model.parameters()) {
            out.add((HostMatrix) m);
        }
        return out;
    }
}
