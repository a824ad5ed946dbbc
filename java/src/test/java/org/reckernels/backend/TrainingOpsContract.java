package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * The graph-CF training ops (fill, axpby, BPR, L2 rows, Adam) on one backend against
 * {@link ReferenceOps}, with repeated (hot) rows in batches, empty batches and odd widths.
 */
public abstract class TrainingOpsContract {

    protected abstract Backend backend();

    private static int[] indices(int b, int bound, long seed, int hot) {
        Random rnd = new Random(seed);
        int[] out = new int[b];
        for (int i = 0; i < b; i++) {
            out[i] = i % 3 == 0 ? hot : rnd.nextInt(bound); // a third of the batch hits one hot row
        }
        return out;
    }

    private HostMatrix download(Matrix m) {
        HostMatrix h = HostMatrix.zeros(m.rows(), m.cols());
        backend().download(m, h);
        return h;
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 16, 64, 100})
    void bprLossGradMatchesReference(int d) {
        Backend b = backend();
        int n = 57;
        int batch = 301;
        int[] u = indices(batch, n, d, 5);
        int[] p = indices(batch, n, d + 1L, 5);  // the hot row is user and positive at once
        int[] q = indices(batch, n, d + 2L, 7);
        try (HostMatrix f = TestMatrices.dense(n, d, 40 + d);
             HostMatrix g0 = TestMatrices.dense(n, d, 41 + d);
             HostMatrix expectedGrad = HostMatrix.zeros(n, d);
             HostMatrix expectedLoss = HostMatrix.of(1, 1, new float[] {2.5f});
             HostIndexVector hu = HostIndexVector.of(u);
             HostIndexVector hp = HostIndexVector.of(p);
             HostIndexVector hq = HostIndexVector.of(q);
             Matrix df = b.upload(f);
             Matrix dg = b.upload(g0);
             Matrix dl = b.upload(expectedLoss);
             IndexVector du = b.upload(u);
             IndexVector dp = b.upload(p);
             IndexVector dq = b.upload(q)) {
            expectedGrad.copyFrom(g0);
            ReferenceOps.bprLossGrad(f, hu, hp, hq, 1f / batch, expectedGrad, expectedLoss);
            b.bprLossGrad(df, du, dp, dq, 1f / batch, dg, dl);
            try (HostMatrix grad = download(dg); HostMatrix loss = download(dl)) {
                Assertions2.assertClose(expectedGrad, grad, null, 1e-4, 1e-5, "bpr grad on " + b.name());
                Assertions2.assertClose(expectedLoss, loss, null, 1e-5, 1e-4, "bpr loss on " + b.name());
            }
        }
    }

    @Test
    void bprWithEmptyBatchChangesNothing() {
        Backend b = backend();
        try (HostMatrix f = TestMatrices.dense(5, 4, 1);
             Matrix df = b.upload(f);
             Matrix dg = b.allocate(5, 4);
             Matrix dl = b.allocate(1, 1);
             IndexVector empty = b.upload(new int[0])) {
            b.bprLossGrad(df, empty, empty, empty, 1f, dg, dl);
            try (HostMatrix grad = download(dg); HostMatrix loss = download(dl)) {
                assertEquals(0f, loss.get(0, 0));
                for (float v : grad.toArray()) {
                    assertEquals(0f, v);
                }
            }
        }
    }

    @Test
    void bprRejectsOutOfRangeRowsNamingTheValue() {
        Backend b = backend();
        try (Matrix df = b.allocate(5, 4);
             Matrix dg = b.allocate(5, 4);
             Matrix dl = b.allocate(1, 1);
             IndexVector ok = b.upload(new int[] {0, 1});
             IndexVector bad = b.upload(new int[] {2, 5})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.bprLossGrad(df, ok, bad, ok, 1f, dg, dl));
            assertTrue(e.getMessage().contains("pos") && e.getMessage().contains("5") && e.getMessage().contains("[0, 5)"),
                    e.getMessage());
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 7, 64})
    void l2RowsMatchesReference(int d) {
        Backend b = backend();
        int n = 40;
        int[] rows = indices(97, n, 50 + d, 3);
        try (HostMatrix e = TestMatrices.dense(n, d, 60 + d);
             HostMatrix g0 = TestMatrices.dense(n, d, 61 + d);
             HostMatrix expectedGrad = HostMatrix.zeros(n, d);
             HostMatrix expectedLoss = HostMatrix.zeros(1, 1);
             HostIndexVector hr = HostIndexVector.of(rows);
             Matrix de = b.upload(e);
             Matrix dg = b.upload(g0);
             Matrix dl = b.allocate(1, 1);
             IndexVector dr = b.upload(rows)) {
            expectedGrad.copyFrom(g0);
            ReferenceOps.l2RowsLossGrad(e, hr, 1e-2f, expectedGrad, expectedLoss);
            b.l2RowsLossGrad(de, dr, 1e-2f, dg, dl);
            try (HostMatrix grad = download(dg); HostMatrix loss = download(dl)) {
                Assertions2.assertClose(expectedGrad, grad, null, 1e-5, 1e-6, "l2 grad on " + b.name());
                Assertions2.assertClose(expectedLoss, loss, null, 1e-5, 1e-6, "l2 loss on " + b.name());
            }
        }
    }

    @ParameterizedTest(name = "shape {0}")
    @ValueSource(ints = {1, 13, 1000, 70001})
    void adamMatchesReferenceOverSeveralSteps(int rows) {
        Backend b = backend();
        int d = 3;
        try (HostMatrix p = TestMatrices.dense(rows, d, 70);
             HostMatrix m = HostMatrix.zeros(rows, d);
             HostMatrix v = HostMatrix.zeros(rows, d);
             Matrix dp = b.upload(p);
             Matrix dm = b.allocate(rows, d);
             Matrix dv = b.allocate(rows, d)) {
            for (int step = 1; step <= 3; step++) {
                try (HostMatrix g = TestMatrices.dense(rows, d, 71 + step); Matrix dg = b.upload(g)) {
                    ReferenceOps.adam(p, g, m, v, 1e-2f, 0.9f, 0.999f, 1e-8f, step);
                    b.adam(dp, dg, dm, dv, 1e-2f, 0.9f, 0.999f, 1e-8f, step);
                }
            }
            try (HostMatrix got = download(dp); HostMatrix gotM = download(dm); HostMatrix gotV = download(dv)) {
                Assertions2.assertClose(p, got, null, 1e-5, 1e-6, "adam param on " + b.name());
                Assertions2.assertClose(m, gotM, null, 1e-5, 1e-7, "adam m on " + b.name());
                Assertions2.assertClose(v, gotV, null, 1e-4, 1e-9, "adam v on " + b.name());
            }
        }
    }

    @Test
    void adamRejectsBadHyperParameters() {
        Backend b = backend();
        try (Matrix p = b.allocate(2, 2); Matrix g = b.allocate(2, 2); Matrix m = b.allocate(2, 2); Matrix v = b.allocate(2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.adam(p, g, m, v, 1e-3f, 1.0f, 0.999f, 1e-8f, 1));
            assertTrue(e.getMessage().contains("beta1=1.0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0));
            assertThrows(IllegalArgumentException.class, () -> b.adam(p, p, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 1));
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 100_003})
    void fillAndAxpbyMatchReference(int n) {
        Backend b = backend();
        try (HostMatrix x = TestMatrices.dense(n, 1, 80);
             HostMatrix y = TestMatrices.dense(n, 1, 81);
             HostMatrix expected = HostMatrix.zeros(n, 1);
             Matrix dx = b.upload(x);
             Matrix dy = b.upload(y)) {
            expected.copyFrom(y);
            ReferenceOps.axpby(0.5f, x, -2f, expected);
            b.axpby(0.5f, dx, -2f, dy);
            try (HostMatrix got = download(dy)) {
                Assertions2.assertClose(expected, got, null, 1e-6, 1e-7, "axpby on " + b.name());
            }
            b.fill(dy, Float.NaN);
            b.axpby(3f, dx, 0f, dy); // beta = 0 ignores NaN
            ReferenceOps.axpby(3f, x, 0f, expected);
            b.fill(dx, 0.25f);
            try (HostMatrix got = download(dy); HostMatrix filled = download(dx)) {
                Assertions2.assertClose(expected, got, null, 1e-6, 1e-7, "axpby beta=0 on " + b.name());
                for (float v : filled.toArray()) {
                    assertEquals(0.25f, v);
                }
            }
        }
    }
}
