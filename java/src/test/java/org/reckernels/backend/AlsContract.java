package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * {@link Backend#alsConjugateGradientStep} on one backend against {@link ReferenceOps}: the same
 * CG recurrences in double ({@code alsConjugateGradient}) for a few steps, the exact Cholesky
 * solution ({@code alsDirectSolve}) for many; with empty rows, a row holding every item, valued
 * (count) confidences, frequency-scaled λ, zero factors and widths 1, 3, 16, 64.
 */
public abstract class AlsContract {

    protected abstract Backend backend();

    /** Widths the backend supports beyond the common ones (CUDA stops at 256). */
    protected int maxWidth() {
        return 512;
    }

    /**
     * rows x cols interactions without repeated columns: row 0 empty, row 1 holds every column,
     * the others a random subset of mean size {@code mean}; values 1 (unit) or counts in [1, 5].
     */
    static CsrMatrix interactions(int rows, int cols, int mean, boolean counts, long seed) {
        Random rnd = new Random(seed);
        long[] ptr = new long[rows + 1];
        java.util.List<Integer> ci = new java.util.ArrayList<>();
        java.util.List<Float> vs = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                boolean take = r == 1 || (r != 0 && rnd.nextInt(cols) < mean);
                if (take) {
                    ci.add(c);
                    vs.add((float) (1 + rnd.nextInt(5)));
                }
            }
            ptr[r + 1] = ci.size();
        }
        int[] cia = ci.stream().mapToInt(Integer::intValue).toArray();
        float[] vsa = new float[vs.size()];
        for (int i = 0; i < vsa.length; i++) {
            vsa[i] = vs.get(i);
        }
        return CsrMatrix.of(rows, cols, ptr, cia, counts ? vsa : null);
    }

    static HostMatrix scaled(HostMatrix m, float s) {
        for (long r = 0; r < m.rows(); r++) {
            for (long c = 0; c < m.cols(); c++) {
                m.set(r, c, m.get(r, c) * s);
            }
        }
        return m;
    }

    static HostMatrix gramian(HostMatrix v) {
        HostMatrix g = HostMatrix.zeros(v.cols(), v.cols());
        ReferenceOps.gemm(true, false, 1f, v, v, 0f, g);
        return g;
    }

    /** Each element's tolerance scale: the largest |value| of its row in {@code m} (at least 1e-3). */
    static HostMatrix rowScale(HostMatrix m) {
        HostMatrix s = HostMatrix.zeros(m.rows(), m.cols());
        for (long r = 0; r < m.rows(); r++) {
            float max = 1e-3f;
            for (long c = 0; c < m.cols(); c++) {
                max = Math.max(max, Math.abs(m.get(r, c)));
            }
            for (long c = 0; c < m.cols(); c++) {
                s.set(r, c, max);
            }
        }
        return s;
    }

    /** Runs the op on the backend from warm start x0 and returns the result on the host. */
    HostMatrix run(CsrMatrix r, HostMatrix v, HostMatrix g, HostMatrix x0, AlsParams p) {
        Backend b = backend();
        try (SparseMatrix dr = b.upload(r); Matrix dv = b.upload(v); Matrix dg = b.upload(g); Matrix dx = b.upload(x0)) {
            b.alsConjugateGradientStep(dr, dv, dg, dx, p);
            HostMatrix out = HostMatrix.zeros(x0.rows(), x0.cols());
            b.download(dx, out);
            return out;
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 16, 64})
    void fewStepsMatchReferenceConjugateGradient(int d) {
        int rows = 37;
        int items = 90;
        AlsParams p = AlsParams.of(4f, 0.5f, 0.1f, 3);
        try (CsrMatrix r = interactions(rows, items, 6, false, d);
             HostMatrix v = scaled(TestMatrices.dense(items, d, 100 + d), 0.3f);
             HostMatrix g = gramian(v);
             HostMatrix x0 = scaled(TestMatrices.dense(rows, d, 200 + d), 0.1f);
             HostMatrix expected = HostMatrix.zeros(rows, d)) {
            expected.copyFrom(x0);
            ReferenceOps.alsConjugateGradient(r, v, g, expected, p);
            try (HostMatrix got = run(r, v, g, x0, p); HostMatrix scale = rowScale(expected)) {
                Assertions2.assertClose(expected, got, scale, 2e-3, 1e-6, "iALS CG (3 steps) on " + backend().name());
            }
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 3, 16, 64})
    void enoughStepsReachTheDirectSolution(int d) {
        int rows = 29;
        int items = 120;
        AlsParams p = AlsParams.of(9f, 0.2f, 0.5f, Math.min(1024, 3 * d + 10));
        try (CsrMatrix r = interactions(rows, items, 10, true, 7L * d);
             HostMatrix v = scaled(TestMatrices.dense(items, d, 300 + d), 0.5f);
             HostMatrix g = gramian(v);
             HostMatrix x0 = TestMatrices.dense(rows, d, 400 + d);
             HostMatrix expected = HostMatrix.zeros(rows, d)) {
            ReferenceOps.alsDirectSolve(r, v, g, expected, p);
            // The double-precision CG oracle agrees with Cholesky (checks the oracle itself).
            try (HostMatrix cg = HostMatrix.zeros(rows, d); HostMatrix scale = rowScale(expected)) {
                cg.copyFrom(x0);
                ReferenceOps.alsConjugateGradient(r, v, g, cg, p);
                Assertions2.assertClose(expected, cg, scale, 1e-6, 1e-9, "reference CG vs Cholesky");
                try (HostMatrix got = run(r, v, g, x0, p)) {
                    Assertions2.assertClose(expected, got, scale, 2e-3, 1e-6, "iALS CG (many steps) vs direct on "
                            + backend().name());
                }
            }
        }
    }

    @Test
    void frequencyScaledRegularisationMatchesReference() {
        int d = 8;
        AlsParams p = new AlsParams(2f, 0.1f, 0.05f, 1f, 40);
        try (CsrMatrix r = interactions(20, 50, 5, false, 5);
             HostMatrix v = scaled(TestMatrices.dense(50, d, 6), 0.4f);
             HostMatrix g = gramian(v);
             HostMatrix x0 = HostMatrix.zeros(20, d);
             HostMatrix expected = HostMatrix.zeros(20, d)) {
            ReferenceOps.alsDirectSolve(r, v, g, expected, p);
            try (HostMatrix got = run(r, v, g, x0, p); HostMatrix scale = rowScale(expected)) {
                Assertions2.assertClose(expected, got, scale, 2e-3, 1e-6, "iALS nu=1 on " + backend().name());
            }
        }
    }

    /** A row without interactions solves (w0·G + λI) x = 0: x shrinks in the A-norm every step and reaches 0. */
    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {3, 64})
    void emptyRowsMoveTowardsAndReachZero(int d) {
        int items = 40;
        try (CsrMatrix r = CsrMatrix.of(2, items, new long[] {0, 0, 0}, new int[0], null);
             HostMatrix v = scaled(TestMatrices.dense(items, d, 11), 0.5f);
             HostMatrix g = gramian(v);
             HostMatrix x0 = TestMatrices.dense(2, d, 12)) {
            AlsParams one = AlsParams.of(1f, 0.5f, 0.1f, 1);
            try (HostMatrix x1 = run(r, v, g, x0, one)) {
                for (int u = 0; u < 2; u++) {
                    assertTrue(energy(g, x1, u, one) < energy(g, x0, u, one),
                            "row " + u + ": A-norm did not decrease after one CG step");
                }
            }
            AlsParams many = AlsParams.of(1f, 0.5f, 0.1f, 4 * d);
            try (HostMatrix xn = run(r, v, g, x0, many)) {
                for (float e : xn.toArray()) {
                    assertEquals(0f, e, 1e-4f, "empty row after " + 4 * d + " CG steps");
                }
            }
        }
    }

    private static double energy(HostMatrix g, HostMatrix x, int u, AlsParams p) {
        double s = 0;
        for (int a = 0; a < g.rows(); a++) {
            for (int c = 0; c < g.cols(); c++) {
                double aij = p.w0() * (double) g.get(a, c) + (a == c ? p.lambda() : 0);
                s += x.get(u, a) * aij * x.get(u, c);
            }
        }
        return s;
    }

    @Test
    void zeroFixedFactorsGiveZeroInOneStep() {
        int d = 5;
        try (CsrMatrix r = interactions(6, 10, 3, false, 2);
             HostMatrix v = HostMatrix.zeros(10, d);
             HostMatrix g = HostMatrix.zeros(d, d);
             HostMatrix x0 = TestMatrices.dense(6, d, 3);
             HostMatrix got = run(r, v, g, x0, AlsParams.of(10f, 1f, 0.3f, 1))) {
            for (float e : got.toArray()) {
                assertEquals(0f, e, 1e-6f);
            }
        }
    }

    @Test
    void wideRowsAndLargeConfidenceStayFinite() {
        int d = 32;
        int items = 700;
        // Row 1 holds all 700 items; alpha = 1000 and w0 = 0 make the system badly scaled.
        try (CsrMatrix r = interactions(4, items, 200, true, 9);
             HostMatrix v = TestMatrices.dense(items, d, 10);
             HostMatrix g = gramian(v);
             HostMatrix x0 = HostMatrix.zeros(4, d);
             HostMatrix expected = HostMatrix.zeros(4, d)) {
            AlsParams p = AlsParams.of(1000f, 0f, 1f, 3);
            expected.copyFrom(x0);
            ReferenceOps.alsConjugateGradient(r, v, g, expected, p);
            try (HostMatrix got = run(r, v, g, x0, p); HostMatrix scale = rowScale(expected)) {
                for (float e : got.toArray()) {
                    assertTrue(Float.isFinite(e), "non-finite factor");
                }
                Assertions2.assertClose(expected, got, scale, 5e-3, 1e-6, "iALS wide rows on " + backend().name());
            }
        }
    }

    @Test
    void resultIsReproducible() {
        int d = 16;
        try (CsrMatrix r = interactions(50, 80, 8, false, 13);
             HostMatrix v = scaled(TestMatrices.dense(80, d, 14), 0.3f);
             HostMatrix g = gramian(v);
             HostMatrix x0 = scaled(TestMatrices.dense(50, d, 15), 0.1f);
             HostMatrix a = run(r, v, g, x0, AlsParams.of(3f, 0.3f, 0.1f, 4));
             HostMatrix b = run(r, v, g, x0, AlsParams.of(3f, 0.3f, 0.1f, 4))) {
            assertArrayEquals(a.toArray(), b.toArray());
        }
    }

    @Test
    void noRowsIsANoOp() {
        Backend b = backend();
        try (CsrMatrix r = CsrMatrix.of(0, 4, new long[] {0}, new int[0], null);
             SparseMatrix dr = b.upload(r);
             Matrix v = b.allocate(4, 3);
             Matrix g = b.allocate(3, 3);
             Matrix x = b.allocate(0, 3)) {
            b.alsConjugateGradientStep(dr, v, g, x, AlsParams.of(1f, 1f, 1f, 2));
        }
    }

    @Test
    void rejectsMismatchedShapesNamingThem() {
        Backend b = backend();
        try (CsrMatrix r = interactions(3, 5, 2, false, 1);
             SparseMatrix dr = b.upload(r);
             Matrix v = b.allocate(5, 4);
             Matrix vBad = b.allocate(6, 4);
             Matrix g = b.allocate(4, 4);
             Matrix gBad = b.allocate(3, 3);
             Matrix x = b.allocate(3, 4);
             Matrix xBad = b.allocate(3, 5)) {
            AlsParams p = AlsParams.of(1f, 1f, 1f, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.alsConjugateGradientStep(dr, vBad, g, x, p));
            assertTrue(e.getMessage().contains("fixedFactors has 6 rows"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.alsConjugateGradientStep(dr, v, gBad, x, p));
            assertTrue(e.getMessage().contains("gramian is 3x3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.alsConjugateGradientStep(dr, v, g, xBad, p));
            assertTrue(e.getMessage().contains("factors is 3x5"), e.getMessage());
        }
    }

    @Test
    void badHyperParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AlsParams.of(-1f, 1f, 1f, 1));
        assertThrows(IllegalArgumentException.class, () -> AlsParams.of(1f, -0.1f, 1f, 1));
        assertThrows(IllegalArgumentException.class, () -> AlsParams.of(1f, 1f, 0f, 1));
        assertThrows(IllegalArgumentException.class, () -> AlsParams.of(1f, 1f, Float.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> AlsParams.of(1f, 1f, 1f, 0));
    }
}
