package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * SpMM {@code Y = A·X} (and the fused {@code spmmAccumulate}) on one backend against
 * {@link ReferenceOps#spmm} / {@link ReferenceOps#spmmAccumulate}, on random and adversarial inputs. Each backend's test class extends this and supplies the backend.
 */
public abstract class SpmmContract {

    /** The backend under test; the subclass owns its lifecycle. */
    protected abstract Backend backend();

    /** Runs the op on the backend and compares with the reference (tolerance scales with |A|·|X|). */
    protected void check(CsrMatrix a, int d, long seed, String what) {
        try (HostMatrix x = TestMatrices.dense(a.cols(), d, seed);
             HostMatrix expected = HostMatrix.zeros(a.rows(), d);
             HostMatrix magnitude = HostMatrix.zeros(a.rows(), d);
             HostMatrix actual = HostMatrix.zeros(a.rows(), d)) {
            ReferenceOps.spmm(a, x, expected);
            try (CsrMatrix absA = abs(a); HostMatrix absX = abs(x)) {
                ReferenceOps.spmm(absA, absX, magnitude);
            }
            // Poison the output so that rows the op forgets to write are caught.
            actual.fill(Float.NaN);
            Backend b = backend();
            try (SparseMatrix da = b.upload(a); Matrix dx = b.upload(x); Matrix dy = b.upload(actual)) {
                b.spmm(da, dx, dy);
                b.download(dy, actual);
            }
            Assertions2.assertClose(expected, actual, magnitude, 1e-5 * Math.sqrt(maxDegree(a) + 1.0), 1e-6,
                    what + " [" + b.name() + ", " + a + ", d=" + d + ", seed=" + seed + "]");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 4, 8, 31, 32, 33, 64, 100, 128, 129, 257})
    void randomMatrices(int d) {
        long seed = 1000L + d;
        try (CsrMatrix a = TestMatrices.uniform(300, 211, 6.0, false, seed)) {
            check(a, d, seed, "random");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 64, 257})
    void unitValuesAndDuplicateColumns(int d) {
        long seed = 2000L + d;
        // Few columns, many entries per row: every row repeats columns, and values are implicit ones.
        try (CsrMatrix a = TestMatrices.uniform(97, 5, 12.0, true, seed)) {
            check(a, d, seed, "unit values with duplicates");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 64, 257})
    void emptyRowsEverywhere(int d) {
        Random rnd = new Random(3000L + d);
        int[] degrees = new int[400];
        for (int r = 0; r < degrees.length; r++) {
            degrees[r] = r % 3 == 0 ? rnd.nextInt(9) : 0; // two of three rows empty, incl. first and last
        }
        degrees[0] = 0;
        degrees[degrees.length - 1] = 0;
        try (CsrMatrix a = TestMatrices.withDegrees(degrees, 50, false, rnd)) {
            check(a, d, 3000L + d, "empty rows");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 64, 257})
    void oneRowWithHundredThousandNonZeros(int d) {
        Random rnd = new Random(4000L + d);
        int[] degrees = new int[64];
        for (int r = 0; r < degrees.length; r++) {
            degrees[r] = rnd.nextInt(4);
        }
        degrees[17] = 100_000;
        try (CsrMatrix a = TestMatrices.withDegrees(degrees, 1000, false, rnd)) {
            check(a, d, 4000L + d, "100k-nnz row");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 64, 257})
    void powerLawDegrees(int d) {
        try (CsrMatrix a = TestMatrices.powerLaw(5000, 3000, 3000, 5000L + d)) {
            check(a, d, 5000L + d, "power-law");
        }
    }

    @Test
    void allEmptyAndZeroSizedMatrices() {
        try (CsrMatrix empty = CsrMatrix.of(7, 9, new long[8], new int[0], new float[0])) {
            check(empty, 16, 1, "no non-zeros");
        }
        try (CsrMatrix noRows = CsrMatrix.of(0, 9, new long[1], new int[0], null)) {
            check(noRows, 16, 2, "zero rows");
        }
        try (CsrMatrix noCols = CsrMatrix.of(5, 0, new long[6], new int[0], null)) {
            check(noCols, 8, 3, "zero columns");
        }
    }

    @Test
    void rejectsShapeMismatchesNamingTheShapes() {
        Backend b = backend();
        try (CsrMatrix a = TestMatrices.uniform(10, 20, 2, false, 9);
             SparseMatrix da = b.upload(a);
             Matrix xWrong = b.allocate(19, 4);
             Matrix x = b.allocate(20, 4);
             Matrix yWrong = b.allocate(10, 5)) {
            IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> b.spmm(da, xWrong, yWrong));
            assertTrue(e1.getMessage().contains("10x20") && e1.getMessage().contains("19"), e1.getMessage());
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> b.spmm(da, x, yWrong));
            assertTrue(e2.getMessage().contains("10x5"), e2.getMessage());
            try (Matrix square = b.allocate(20, 20)) {
                assertThrows(IllegalArgumentException.class, () -> b.spmm(da, square, square));
            }
        }
    }

    @Test
    void rejectsForeignTensors() {
        Backend b = backend();
        try (CsrMatrix a = TestMatrices.uniform(4, 4, 2, false, 10);
             SparseMatrix da = b.upload(a);
             Matrix x = b.allocate(4, 2);
             Matrix y = b.allocate(4, 2)) {
            Matrix foreign = new Matrix() {
                public long rows() {
                    return 4;
                }

                public long cols() {
                    return 2;
                }

                public void close() {
                }
            };
            assertThrows(IllegalArgumentException.class, () -> b.spmm(da, foreign, y));
            assertThrows(IllegalArgumentException.class, () -> b.spmm(da, x, foreign));
        }
    }

    @Test
    void repeatedCallsOverwriteTheOutput() {
        Backend b = backend();
        try (CsrMatrix a = TestMatrices.uniform(50, 40, 3, false, 11);
             HostMatrix x = TestMatrices.dense(40, 8, 12);
             HostMatrix expected = HostMatrix.zeros(50, 8);
             HostMatrix first = HostMatrix.zeros(50, 8);
             HostMatrix second = HostMatrix.zeros(50, 8);
             SparseMatrix da = b.upload(a);
             Matrix dx = b.upload(x);
             Matrix dy = b.allocate(50, 8)) {
            b.spmm(da, dx, dy);
            b.download(dy, first);
            b.spmm(da, dx, dy);
            b.download(dy, second);
            ReferenceOps.spmm(a, x, expected);
            // Same inputs, same launch: the result is bitwise reproducible (no atomics in SpMM).
            assertEquals(java.util.Arrays.toString(first.toArray()), java.util.Arrays.toString(second.toArray()));
            Assertions2.assertClose(expected, second, null, 1e-5, 1e-5, "second call");
        }
    }

    // ---- spmmAccumulate: Y = A·X and ACC = ACC + alpha·Y in one pass ----

    /**
     * Runs spmmAccumulate with ACC pre-filled with random values acc0 and Y poisoned with NaN;
     * checks Y = A·X and ACC = acc0 + alpha·(A·X) against {@link ReferenceOps}.
     */
    protected void checkAccumulate(CsrMatrix a, int d, float alpha, long seed, String what) {
        try (HostMatrix x = TestMatrices.dense(a.cols(), d, seed);
             HostMatrix acc0 = TestMatrices.dense(a.rows(), d, seed + 1);
             HostMatrix expectedY = HostMatrix.zeros(a.rows(), d);
             HostMatrix expectedAcc = HostMatrix.zeros(a.rows(), d);
             HostMatrix magnitude = HostMatrix.zeros(a.rows(), d);
             HostMatrix actualY = HostMatrix.zeros(a.rows(), d);
             HostMatrix actualAcc = HostMatrix.zeros(a.rows(), d)) {
            expectedAcc.copyFrom(acc0);
            ReferenceOps.spmmAccumulate(a, x, expectedY, alpha, expectedAcc);
            try (CsrMatrix absA = abs(a); HostMatrix absX = abs(x)) {
                ReferenceOps.spmm(absA, absX, magnitude);
            }
            actualY.fill(Float.NaN);
            Backend b = backend();
            try (SparseMatrix da = b.upload(a); Matrix dx = b.upload(x); Matrix dy = b.upload(actualY);
                 Matrix dacc = b.upload(acc0)) {
                b.spmmAccumulate(da, dx, dy, alpha, dacc);
                b.download(dy, actualY);
                b.download(dacc, actualAcc);
            }
            String where = " [" + b.name() + ", " + a + ", d=" + d + ", alpha=" + alpha + ", seed=" + seed + "]";
            double rel = 1e-5 * Math.sqrt(maxDegree(a) + 1.0);
            Assertions2.assertClose(expectedY, actualY, magnitude, rel, 1e-6, what + ": Y" + where);
            // ACC's rounding room: that of alpha·Y plus one rounding of |acc0| + |alpha·Y|.
            float[] m = magnitude.toArray();
            float[] a0 = acc0.toArray();
            for (int i = 0; i < m.length; i++) {
                m[i] = Math.abs(alpha) * m[i] + Math.abs(a0[i]);
            }
            try (HostMatrix accMagnitude = HostMatrix.of(a.rows(), d, m)) {
                Assertions2.assertClose(expectedAcc, actualAcc, accMagnitude, rel, 1e-6, what + ": ACC" + where);
            }
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 4, 8, 31, 32, 33, 64, 100, 128, 129, 257})
    void accumulateRandomMatrices(int d) {
        long seed = 6000L + d;
        try (CsrMatrix a = TestMatrices.uniform(300, 211, 6.0, false, seed)) {
            checkAccumulate(a, d, 0.25f, seed, "accumulate random");
            checkAccumulate(a, d, -1f, seed + 7, "accumulate random");
        }
        try (CsrMatrix unit = TestMatrices.uniform(97, 5, 12.0, true, seed)) {
            checkAccumulate(unit, d, 0.25f, seed, "accumulate unit values");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 64, 257})
    void accumulateEmptyRowsLeaveAccUnchanged(int d) {
        Random rnd = new Random(6100L + d);
        int[] degrees = new int[400];
        for (int r = 0; r < degrees.length; r++) {
            degrees[r] = r % 3 == 0 ? rnd.nextInt(9) : 0;
        }
        degrees[0] = 0;
        degrees[degrees.length - 1] = 0;
        try (CsrMatrix a = TestMatrices.withDegrees(degrees, 50, false, rnd)) {
            checkAccumulate(a, d, 0.25f, 6100L + d, "accumulate empty rows");
            checkAccumulate(a, d, -1f, 6150L + d, "accumulate empty rows");
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 64, 257})
    void accumulateOneRowWithHundredThousandNonZeros(int d) {
        Random rnd = new Random(6200L + d);
        int[] degrees = new int[64];
        for (int r = 0; r < degrees.length; r++) {
            degrees[r] = rnd.nextInt(4);
        }
        degrees[17] = 100_000;
        try (CsrMatrix a = TestMatrices.withDegrees(degrees, 1000, false, rnd)) {
            checkAccumulate(a, d, 0.25f, 6200L + d, "accumulate 100k-nnz row");
            checkAccumulate(a, d, -1f, 6250L + d, "accumulate 100k-nnz row");
        }
    }

    @Test
    void accumulatePowerLawAndZeroSized() {
        try (CsrMatrix a = TestMatrices.powerLaw(5000, 3000, 3000, 6300L)) {
            checkAccumulate(a, 64, 0.25f, 6300L, "accumulate power-law");
        }
        try (CsrMatrix empty = CsrMatrix.of(7, 9, new long[8], new int[0], new float[0])) {
            checkAccumulate(empty, 16, -1f, 6301L, "accumulate no non-zeros");
        }
        try (CsrMatrix noRows = CsrMatrix.of(0, 9, new long[1], new int[0], null)) {
            checkAccumulate(noRows, 16, 0.25f, 6302L, "accumulate zero rows");
        }
        try (CsrMatrix noCols = CsrMatrix.of(5, 0, new long[6], new int[0], null)) {
            checkAccumulate(noCols, 8, 0.25f, 6303L, "accumulate zero columns");
        }
    }

    @Test
    void accumulateRejectsAliasingAndShapesNamingTheArguments() {
        Backend b = backend();
        try (CsrMatrix a = TestMatrices.uniform(20, 20, 2, false, 13);
             SparseMatrix da = b.upload(a);
             Matrix x = b.allocate(20, 4);
             Matrix y = b.allocate(20, 4);
             Matrix acc = b.allocate(20, 4);
             Matrix accWrong = b.allocate(20, 5)) {
            IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmAccumulate(da, x, y, 0.5f, y));
            assertTrue(e1.getMessage().contains("spmmAccumulate") && e1.getMessage().contains("ACC")
                    && e1.getMessage().contains("Y"), e1.getMessage());
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmAccumulate(da, x, y, 0.5f, x));
            assertTrue(e2.getMessage().contains("spmmAccumulate") && e2.getMessage().contains("ACC")
                    && e2.getMessage().contains("X"), e2.getMessage());
            IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmAccumulate(da, x, x, 0.5f, acc));
            assertTrue(e3.getMessage().contains("spmmAccumulate") && e3.getMessage().contains("X")
                    && e3.getMessage().contains("Y"), e3.getMessage());
            IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmAccumulate(da, x, y, 0.5f, accWrong));
            assertTrue(e4.getMessage().contains("ACC") && e4.getMessage().contains("20x5"), e4.getMessage());
        }
    }

    /**
     * spmmBiInteraction with SIDE, SUM and BI poisoned with NaN, against {@link ReferenceOps}:
     * SIDE = A·X, SUM = SIDE + X, BI = SIDE ⊙ X, each within the rounding room of |A|·|X|.
     */
    protected void checkBiInteraction(CsrMatrix a, int d, long seed, String what) {
        long n = a.rows();
        try (HostMatrix x = TestMatrices.dense(n, d, seed);
             HostMatrix side = HostMatrix.zeros(n, d);
             HostMatrix sum = HostMatrix.zeros(n, d);
             HostMatrix bi = HostMatrix.zeros(n, d);
             HostMatrix magnitude = HostMatrix.zeros(n, d);
             HostMatrix gotSide = HostMatrix.zeros(n, d);
             HostMatrix gotSum = HostMatrix.zeros(n, d);
             HostMatrix gotBi = HostMatrix.zeros(n, d)) {
            ReferenceOps.spmmBiInteraction(a, x, side, sum, bi);
            try (CsrMatrix absA = abs(a); HostMatrix absX = abs(x)) {
                ReferenceOps.spmm(absA, absX, magnitude);
            }
            gotSide.fill(Float.NaN);
            Backend b = backend();
            try (SparseMatrix da = b.upload(a); Matrix dx = b.upload(x); Matrix ds = b.upload(gotSide);
                 Matrix dsum = b.upload(gotSide); Matrix dbi = b.upload(gotSide)) {
                b.spmmBiInteraction(da, dx, ds, dsum, dbi);
                b.download(ds, gotSide);
                b.download(dsum, gotSum);
                b.download(dbi, gotBi);
            }
            String where = " [" + b.name() + ", " + a + ", d=" + d + ", seed=" + seed + "]";
            double rel = 1e-5 * Math.sqrt(maxDegree(a) + 1.0);
            Assertions2.assertClose(side, gotSide, magnitude, rel, 1e-6, what + ": SIDE" + where);
            float[] m = magnitude.toArray();
            float[] xs = x.toArray();
            float[] sumRoom = new float[m.length];
            float[] biRoom = new float[m.length];
            for (int i = 0; i < m.length; i++) {
                sumRoom[i] = m[i] + Math.abs(xs[i]);
                biRoom[i] = m[i] * Math.abs(xs[i]);
            }
            try (HostMatrix sumMagnitude = HostMatrix.of(n, d, sumRoom); HostMatrix biMagnitude = HostMatrix.of(n, d, biRoom)) {
                Assertions2.assertClose(sum, gotSum, sumMagnitude, rel, 1e-6, what + ": SUM" + where);
                Assertions2.assertClose(bi, gotBi, biMagnitude, rel, 1e-6, what + ": BI" + where);
            }
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 4, 32, 64, 65, 128, 257})
    void biInteractionOnSquareGraphs(int d) {
        long seed = 8000L + d;
        try (CsrMatrix a = TestMatrices.uniform(300, 300, 6.0, false, seed)) {
            checkBiInteraction(a, d, seed, "bi-interaction random");
        }
        try (CsrMatrix a = TestMatrices.powerLaw(500, 500, 400, seed)) {
            checkBiInteraction(a, d, seed + 1, "bi-interaction power law");
        }
        int[] degrees = new int[150]; // empty rows (SIDE = 0, SUM = X, BI = 0) and duplicate columns
        for (int r = 0; r < degrees.length; r += 3) {
            degrees[r] = 1 + r % 40;
        }
        try (CsrMatrix a = TestMatrices.withDegrees(degrees, 150, true, new Random(seed))) {
            checkBiInteraction(a, d, seed + 2, "bi-interaction empty rows, unit values");
        }
    }

    @Test
    void biInteractionRejectsNonSquareAndAliasing() {
        Backend b = backend();
        try (CsrMatrix rect = TestMatrices.uniform(20, 30, 3.0, false, 1);
             CsrMatrix square = TestMatrices.uniform(20, 20, 3.0, false, 2);
             SparseMatrix dr = b.upload(rect);
             SparseMatrix dq = b.upload(square);
             Matrix x30 = b.allocate(30, 4);
             Matrix x = b.allocate(20, 4);
             Matrix s = b.allocate(20, 4);
             Matrix sum = b.allocate(20, 4);
             Matrix bi = b.allocate(20, 4)) {
            IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmBiInteraction(dr, x30, s, sum, bi));
            assertTrue(e1.getMessage().contains("square"), e1.getMessage());
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmBiInteraction(dq, x, s, s, bi));
            assertTrue(e2.getMessage().contains("SIDE") && e2.getMessage().contains("SUM"), e2.getMessage());
            IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                    () -> b.spmmBiInteraction(dq, x, s, sum, x));
            assertTrue(e3.getMessage().contains("BI") && e3.getMessage().contains("X"), e3.getMessage());
        }
    }

    static CsrMatrix abs(CsrMatrix a) {
        long[] ptr = new long[Math.toIntExact(a.rows() + 1)];
        int[] ci = new int[Math.toIntExact(a.nnz())];
        float[] vs = new float[ci.length];
        for (int r = 0; r <= a.rows(); r++) {
            ptr[r] = a.rowStart(r);
        }
        for (int k = 0; k < ci.length; k++) {
            ci[k] = a.col(k);
            vs[k] = Math.abs(a.value(k));
        }
        return CsrMatrix.of(a.rows(), a.cols(), ptr, ci, vs);
    }

    static HostMatrix abs(HostMatrix x) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return HostMatrix.of(x.rows(), x.cols(), v);
    }

    static long maxDegree(CsrMatrix a) {
        long max = 0;
        for (long r = 0; r < a.rows(); r++) {
            max = Math.max(max, a.rowEnd(r) - a.rowStart(r));
        }
        return max;
    }
}
