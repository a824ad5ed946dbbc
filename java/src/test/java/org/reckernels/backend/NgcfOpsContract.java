package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * The NGCF layer ops (hadamard, LeakyReLU, bias, column sums, row L2 normalisation, dropout,
 * column-block copy) on one backend against {@link ReferenceOps}: odd widths and float4 tails,
 * empty matrices, in-place calls, zero rows and signed zeros, hub-sized magnitudes, and the
 * dropout mask bit for bit.
 */
public abstract class NgcfOpsContract {

    protected abstract Backend backend();

    private HostMatrix download(Matrix m) {
        HostMatrix h = HostMatrix.zeros(m.rows(), m.cols());
        backend().download(m, h);
        return h;
    }

    /** Random entries with adversarial ones planted: ±0, exact zeros rows, large and tiny magnitudes. */
    private static HostMatrix adversarial(long rows, int cols, long seed) {
        HostMatrix m = TestMatrices.dense(rows, cols, seed);
        for (long r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long k = r * cols + c;
                if (k % 11 == 0) {
                    m.set(r, c, 0f);
                } else if (k % 13 == 0) {
                    m.set(r, c, -0f);
                } else if (k % 17 == 0) {
                    m.set(r, c, m.get(r, c) * 1e6f);
                } else if (k % 19 == 0) {
                    m.set(r, c, m.get(r, c) * 1e-6f);
                }
            }
        }
        if (rows > 2) {
            for (int c = 0; c < cols; c++) {
                m.set(1, c, 0f); // an all-zero row (normalisation's eps branch)
                m.set(2, c, 1e-14f); // a row below eps
            }
        }
        return m;
    }

    @ParameterizedTest(name = "shape {0}")
    @ValueSource(ints = {0, 1, 3, 7, 64, 100, 1031})
    void elementwiseOpsMatchReference(int rows) {
        Backend b = backend();
        int d = rows % 2 == 0 ? 64 : 5;
        try (HostMatrix x = adversarial(rows, d, 1 + rows);
             HostMatrix y = TestMatrices.dense(rows, d, 2 + rows);
             HostMatrix c0 = TestMatrices.dense(rows, d, 3 + rows);
             HostMatrix expected = HostMatrix.zeros(rows, d);
             Matrix dx = b.upload(x);
             Matrix dy = b.upload(y);
             Matrix dc = b.upload(c0);
             Matrix out = b.allocate(rows, d)) {
            expected.copyFrom(c0);
            ReferenceOps.hadamard(0.5f, x, y, -2f, expected);
            b.hadamard(0.5f, dx, dy, -2f, dc);
            try (HostMatrix got = download(dc)) {
                Assertions2.assertClose(expected, got, null, 1e-6, 1e-7, "hadamard on " + b.name());
            }
            b.fill(out, Float.NaN);
            b.hadamard(1f, dx, dy, 0f, out); // beta = 0 ignores NaN
            ReferenceOps.hadamard(1f, x, y, 0f, expected);
            try (HostMatrix got = download(out)) {
                Assertions2.assertClose(expected, got, null, 1e-6, 0, "hadamard beta=0 on " + b.name());
            }
            ReferenceOps.leakyRelu(x, 0.2f, expected);
            b.leakyRelu(dx, 0.2f, out);
            try (HostMatrix got = download(out)) {
                assertArrayEquals(expected.toArray(), got.toArray(), "leakyRelu on " + b.name());
            }
            ReferenceOps.leakyReluBackward(x, y, 0.2f, expected);
            b.leakyReluBackward(dx, dy, 0.2f, out);
            try (HostMatrix got = download(out)) {
                assertArrayEquals(expected.toArray(), got.toArray(), "leakyReluBackward on " + b.name());
            }
            b.leakyReluBackward(dx, dy, 0.2f, dy); // in place over the gradient
            b.leakyRelu(dx, 0.2f, dx);              // in place
            ReferenceOps.leakyRelu(x, 0.2f, x);
            try (HostMatrix gotG = download(dy); HostMatrix gotX = download(dx)) {
                assertArrayEquals(expected.toArray(), gotG.toArray(), "leakyReluBackward in place on " + b.name());
                assertArrayEquals(x.toArray(), gotX.toArray(), "leakyRelu in place on " + b.name());
            }
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 32, 33, 64, 100})
    void biasAddAndColumnSumsMatchReference(int d) {
        Backend b = backend();
        int rows = 3001;
        try (HostMatrix x = adversarial(rows, d, 10 + d);
             HostMatrix bias = TestMatrices.dense(1, d, 11 + d);
             HostMatrix sums0 = TestMatrices.dense(1, d, 12 + d);
             HostMatrix expectedSums = HostMatrix.zeros(1, d);
             HostMatrix magnitude = HostMatrix.zeros(1, d);
             HostMatrix absX = HostMatrix.zeros(rows, d);
             Matrix dx = b.upload(x);
             Matrix db = b.upload(bias);
             Matrix ds = b.upload(sums0)) {
            ReferenceOps.addBias(x, bias);
            b.addBias(dx, db);
            try (HostMatrix got = download(dx)) {
                assertArrayEquals(x.toArray(), got.toArray(), "addBias on " + b.name());
            }
            expectedSums.copyFrom(sums0);
            ReferenceOps.columnSums(x, expectedSums);
            for (long r = 0; r < rows; r++) {
                for (int c = 0; c < d; c++) {
                    absX.set(r, c, Math.abs(x.get(r, c)));
                }
            }
            ReferenceOps.columnSums(absX, magnitude);
            b.columnSums(dx, ds);
            try (HostMatrix got = download(ds)) {
                Assertions2.assertClose(expectedSums, got, magnitude, 1e-5, 1e-5, "columnSums on " + b.name());
            }
        }
    }

    @Test
    void columnSumsOfEmptyMatrixAddNothing() {
        Backend b = backend();
        try (Matrix x = b.allocate(0, 4); HostMatrix o = HostMatrix.of(1, 4, new float[] {1, 2, 3, 4});
             Matrix d = b.upload(o)) {
            b.columnSums(x, d);
            b.addBias(x, d);
            try (HostMatrix got = download(d)) {
                assertArrayEquals(o.toArray(), got.toArray());
            }
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 4, 31, 64, 100})
    void rowNormalizeForwardAndBackwardMatchReference(int d) {
        Backend b = backend();
        int rows = 517;
        float eps = 1e-12f;
        try (HostMatrix x = adversarial(rows, d, 20 + d);
             HostMatrix gy = TestMatrices.dense(rows, d, 21 + d);
             HostMatrix gx0 = TestMatrices.dense(rows, d, 22 + d);
             HostMatrix expected = HostMatrix.zeros(rows, d);
             Matrix dx = b.upload(x);
             Matrix dgy = b.upload(gy);
             Matrix dgx = b.upload(gx0);
             Matrix dy = b.allocate(rows, d)) {
            ReferenceOps.rowL2Normalize(x, eps, expected);
            b.rowL2Normalize(dx, eps, dy);
            try (HostMatrix got = download(dy)) {
                Assertions2.assertClose(expected, got, null, 1e-5, 1e-7, "rowL2Normalize on " + b.name());
                for (int r = 3; r < rows; r++) { // unit rows where the norm is above eps
                    double s = 0;
                    double in = 0;
                    for (int c = 0; c < d; c++) {
                        s += (double) got.get(r, c) * got.get(r, c);
                        in += Math.abs(x.get(r, c));
                    }
                    if (in == 0) {
                        continue; // an all-zero row stays zero
                    }
                    assertEquals(1.0, s, 1e-5, "row " + r + " norm² after normalising");
                }
            }
            // Backward with beta = 1 onto a non-zero gradient; the tolerance scales with ‖gy‖/‖x‖.
            expected.copyFrom(gx0);
            ReferenceOps.rowL2NormalizeBackward(x, gy, eps, 1f, expected);
            b.rowL2NormalizeBackward(dx, dgy, eps, 1f, dgx);
            try (HostMatrix got = download(dgx); HostMatrix mag = HostMatrix.zeros(rows, d)) {
                for (int r = 0; r < rows; r++) {
                    double n = 0;
                    double g = 0;
                    for (int c = 0; c < d; c++) {
                        n += (double) x.get(r, c) * x.get(r, c);
                        g += (double) gy.get(r, c) * gy.get(r, c);
                    }
                    double scale = Math.sqrt(g) / Math.max(Math.sqrt(n), eps) + 1;
                    for (int c = 0; c < d; c++) {
                        mag.set(r, c, (float) scale);
                    }
                }
                Assertions2.assertClose(expected, got, mag, 1e-5, 1e-6, "rowL2NormalizeBackward on " + b.name());
            }
            b.rowL2Normalize(dx, eps, dx); // in place
            ReferenceOps.rowL2Normalize(x, eps, expected);
            try (HostMatrix got = download(dx)) {
                Assertions2.assertClose(expected, got, null, 1e-5, 1e-7, "rowL2Normalize in place on " + b.name());
            }
            // beta = 0 ignores NaN in gradX.
            b.fill(dgx, Float.NaN);
            b.rowL2NormalizeBackward(dx, dgy, eps, 0f, dgx);
            try (HostMatrix got = download(dgx)) {
                for (float v : got.toArray()) {
                    assertTrue(Float.isFinite(v), "beta=0 must ignore gradX's NaN on " + b.name());
                }
            }
        }
    }

    @ParameterizedTest(name = "rate={0}")
    @ValueSource(floats = {0f, 0.1f, 0.5f, 0.9f})
    void dropoutMatchesReferenceBitForBit(float rate) {
        Backend b = backend();
        int rows = 1001;
        int d = 7; // 7007 elements: float4 chunks and a tail
        try (HostMatrix x = adversarial(rows, d, 30);
             HostMatrix expected = HostMatrix.zeros(rows, d);
             Matrix dx = b.upload(x);
             Matrix dy = b.allocate(rows, d)) {
            ReferenceOps.dropout(x, rate, 42L, 7L, expected);
            b.dropout(dx, rate, 42L, 7L, dy);
            try (HostMatrix got = download(dy)) {
                assertArrayEquals(expected.toArray(), got.toArray(), "dropout rate " + rate + " on " + b.name());
                long dropped = 0;
                long nonZero = 0;
                for (int i = 0; i < x.elements(); i++) {
                    if (x.toArray()[i] != 0f) {
                        nonZero++;
                        if (got.toArray()[i] == 0f) {
                            dropped++;
                        }
                    }
                }
                double frac = (double) dropped / nonZero;
                assertEquals(rate, frac, 0.03, "fraction dropped at rate " + rate);
            }
            // Another step draws another mask; in place equals out of place.
            if (rate > 0f) {
                b.dropout(dx, rate, 42L, 8L, dy);
                try (HostMatrix got = download(dy); HostMatrix again = HostMatrix.zeros(rows, d)) {
                    ReferenceOps.dropout(x, rate, 42L, 8L, again);
                    assertArrayEquals(again.toArray(), got.toArray());
                    assertTrue(!java.util.Arrays.equals(expected.toArray(), got.toArray()), "step 8 repeated step 7's mask");
                }
            }
            b.dropout(dx, rate, 42L, 7L, dx);
            try (HostMatrix got = download(dx)) {
                assertArrayEquals(expected.toArray(), got.toArray(), "dropout in place on " + b.name());
            }
        }
    }

    @Test
    void dropoutMaskIsAFunctionOfTheElementIndexOnly() {
        // The hash of element i must not depend on how the work is split: compare one long call
        // against the reference, with an index range long enough for several vector/thread chunks.
        Backend b = backend();
        int n = 100_003;
        try (HostMatrix x = TestMatrices.dense(n, 1, 31);
             HostMatrix expected = HostMatrix.zeros(n, 1);
             Matrix dx = b.upload(x);
             Matrix dy = b.allocate(n, 1)) {
            ReferenceOps.dropout(x, 0.1f, -5L, Long.MAX_VALUE, expected);
            b.dropout(dx, 0.1f, -5L, Long.MAX_VALUE, dy);
            try (HostMatrix got = download(dy)) {
                assertArrayEquals(expected.toArray(), got.toArray());
            }
        }
    }

    @Test
    void dropoutRejectsRatesOutsideZeroToOne() {
        Backend b = backend();
        try (Matrix x = b.allocate(2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.dropout(x, 1f, 1, 1, x));
            assertTrue(e.getMessage().contains("1.0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.dropout(x, -0.1f, 1, 1, x));
            assertThrows(IllegalArgumentException.class, () -> b.dropout(x, Float.NaN, 1, 1, x));
        }
    }

    @ParameterizedTest(name = "width={0}")
    @ValueSource(ints = {0, 1, 3, 5, 64})
    void copyColumnsRoundTripsABlock(int width) {
        Backend b = backend();
        int rows = 301;
        int wide = 3 * width + 2;
        try (HostMatrix small = TestMatrices.dense(rows, width, 40);
             HostMatrix big = TestMatrices.dense(rows, wide, 41);
             HostMatrix expected = HostMatrix.zeros(rows, wide);
             Matrix ds = b.upload(small);
             Matrix db = b.upload(big);
             Matrix back = b.allocate(rows, width)) {
            expected.copyFrom(big);
            ReferenceOps.copyColumns(small, 0, expected, width + 1, width);
            b.copyColumns(ds, 0, db, width + 1, width);
            b.copyColumns(db, width + 1, back, 0, width);
            try (HostMatrix got = download(db); HostMatrix gotBack = download(back)) {
                assertArrayEquals(expected.toArray(), got.toArray(), "copyColumns into the block on " + b.name());
                assertArrayEquals(small.toArray(), gotBack.toArray(), "copyColumns back out on " + b.name());
            }
        }
    }

    @Test
    void shapeErrorsNameTheShapes() {
        Backend b = backend();
        try (Matrix x = b.allocate(4, 3); Matrix y = b.allocate(4, 2); Matrix row = b.allocate(1, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.hadamard(1f, x, y, 0f, x));
            assertTrue(e.getMessage().contains("4x3") && e.getMessage().contains("4x2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.addBias(x, row));
            assertTrue(e.getMessage().contains("1x2") && e.getMessage().contains("1x3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.copyColumns(y, 0, x, 2, 2));
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.copyColumns(x, 0, x, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> b.rowL2Normalize(x, 0f, x));
            assertThrows(IllegalArgumentException.class, () -> b.rowL2NormalizeBackward(x, x, 1e-12f, 0f, x));
            assertThrows(IllegalArgumentException.class, () -> b.columnSums(x, row));
        }
    }
}
