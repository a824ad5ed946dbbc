package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

class LightGCNTest {
    private static final int USERS = 40;
    private static final int ITEMS = 30;
    private static final int DIM = 5;

    @ParameterizedTest(name = "layers={0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void forwardIsTheMeanOfPropagatedLayers(int layers) {
        try (TestGraph graph = TestGraph.uniform(2, USERS, ITEMS, 4, 3);
             LightGCN model = new LightGCN(graph.backend(), graph.onBackend(), USERS, ITEMS, DIM, layers, 0.1f, 11);
             HostMatrix e0 = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix got = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix expected = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix cur = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix next = HostMatrix.zeros(USERS + ITEMS, DIM)) {
            graph.backend().download(model.egoEmbeddings(), e0);
            model.forward();
            graph.backend().download(model.finalEmbeddings(), got);
            cur.copyFrom(e0);
            ReferenceOps.axpby(1f / (layers + 1), e0, 0f, expected);
            for (int k = 1; k <= layers; k++) {
                ReferenceOps.spmm(graph.adjacency(), cur, next);
                ReferenceOps.axpby(1f / (layers + 1), next, 1f, expected);
                cur.copyFrom(next);
            }
            Assertions2.assertClose(expected, got, null, 1e-5, 1e-7, "LightGCN forward, K=" + layers);
        }
    }

    /** Gradient check: for L = Σ W ⊙ F, ∂L/∂E⁰ = backward(W); compare with finite differences. */
    @Test
    void backwardMatchesFiniteDifferences() {
        int layers = 3;
        try (TestGraph graph = TestGraph.uniform(1, USERS, ITEMS, 4, 5);
             LightGCN model = new LightGCN(graph.backend(), graph.onBackend(), USERS, ITEMS, DIM, layers, 0.1f, 12);
             HostMatrix w = TestMatrices.dense(USERS + ITEMS, DIM, 13);
             Matrix dw = graph.backend().upload(w);
             Matrix grad = graph.backend().allocate(USERS + ITEMS, DIM);
             HostMatrix g = HostMatrix.zeros(USERS + ITEMS, DIM)) {
            model.backward(dw, java.util.List.of(grad));
            graph.backend().download(grad, g);
            HostMatrix e0 = (HostMatrix) model.egoEmbeddings();
            HostMatrix f = (HostMatrix) model.finalEmbeddings();
            int[][] probes = {{0, 0}, {7, 3}, {USERS + 2, 1}, {USERS + ITEMS - 1, 4}};
            for (int[] p : probes) {
                // L is linear in E⁰, so central differences are exact up to float rounding.
                assertEquals(GradientCheck.central(model, w, f, e0, p[0], p[1], 1e-2), g.get(p[0], p[1]), 2e-3,
                        "d L / d E0" + java.util.Arrays.toString(p));
            }
        }
    }

    @Test
    void rejectsAdjacencyOfTheWrongSize() {
        try (TestGraph graph = TestGraph.uniform(1, USERS, ITEMS, 2, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LightGCN(graph.backend(), graph.onBackend(), USERS, ITEMS + 1, DIM, 2, 0.1f, 1));
            assertEquals(true, e.getMessage().contains("71"), e.getMessage());
        }
    }
}
