package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.graph.NormalizedAdjacency;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

class LightGCNTest {
    private static final int USERS = 40;
    private static final int ITEMS = 30;
    private static final int DIM = 5;

    @ParameterizedTest(name = "layers={0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void forwardIsTheMeanOfPropagatedLayers(int layers) {
        try (JavaBackend backend = new JavaBackend(2);
             CsrMatrix r = TestMatrices.uniform(USERS, ITEMS, 4, true, 3);
             CsrMatrix adj = NormalizedAdjacency.build(r);
             SparseMatrix a = backend.upload(adj);
             LightGCN model = new LightGCN(backend, a, USERS, ITEMS, DIM, layers, 0.1f, 11);
             HostMatrix e0 = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix got = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix expected = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix cur = HostMatrix.zeros(USERS + ITEMS, DIM);
             HostMatrix next = HostMatrix.zeros(USERS + ITEMS, DIM)) {
            backend.download(model.egoEmbeddings(), e0);
            model.forward();
            backend.download(model.finalEmbeddings(), got);
            cur.copyFrom(e0);
            ReferenceOps.axpby(1f / (layers + 1), e0, 0f, expected);
            for (int k = 1; k <= layers; k++) {
                ReferenceOps.spmm(adj, cur, next);
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
        try (JavaBackend backend = new JavaBackend(1);
             CsrMatrix r = TestMatrices.uniform(USERS, ITEMS, 4, true, 5);
             CsrMatrix adj = NormalizedAdjacency.build(r);
             SparseMatrix a = backend.upload(adj);
             LightGCN model = new LightGCN(backend, a, USERS, ITEMS, DIM, layers, 0.1f, 12);
             HostMatrix w = TestMatrices.dense(USERS + ITEMS, DIM, 13);
             Matrix dw = backend.upload(w);
             Matrix grad = backend.allocate(USERS + ITEMS, DIM);
             HostMatrix g = HostMatrix.zeros(USERS + ITEMS, DIM)) {
            model.backward(dw, java.util.List.of(grad));
            backend.download(grad, g);
            HostMatrix e0 = (HostMatrix) model.egoEmbeddings();
            HostMatrix f = (HostMatrix) model.finalEmbeddings();
            int[][] probes = {{0, 0}, {7, 3}, {USERS + 2, 1}, {USERS + ITEMS - 1, 4}};
            for (int[] p : probes) {
                float old = e0.get(p[0], p[1]);
                double h = 1e-2;
                e0.set(p[0], p[1], (float) (old + h));
                model.forward();
                double plus = dot(w, f);
                e0.set(p[0], p[1], (float) (old - h));
                model.forward();
                double minus = dot(w, f);
                e0.set(p[0], p[1], old);
                // L is linear in E⁰, so central differences are exact up to float rounding.
                assertEquals((plus - minus) / (2 * h), g.get(p[0], p[1]), 2e-3, "d L / d E0" + java.util.Arrays.toString(p));
            }
        }
    }

    @Test
    void rejectsAdjacencyOfTheWrongSize() {
        try (JavaBackend backend = new JavaBackend(1);
             CsrMatrix r = TestMatrices.uniform(USERS, ITEMS, 2, true, 1);
             CsrMatrix adj = NormalizedAdjacency.build(r);
             SparseMatrix a = backend.upload(adj)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LightGCN(backend, a, USERS, ITEMS + 1, DIM, 2, 0.1f, 1));
            assertEquals(true, e.getMessage().contains("71"), e.getMessage());
        }
    }

    private static double dot(HostMatrix a, HostMatrix b) {
        double s = 0;
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }
}
