package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/** Dense GEMM {@code C = alpha·op(A)·op(B) + beta·C} on one backend against the reference. */
public abstract class GemmContract {

    protected abstract Backend backend();

    @ParameterizedTest(name = "{0}x{1}x{2} tA={3} tB={4} alpha={5} beta={6}")
    @CsvSource({
        "1, 1, 1, false, false, 1.0, 0.0",
        "7, 5, 3, false, false, 1.0, 0.0",
        "33, 17, 65, false, false, 0.5, 2.0",
        "64, 64, 64, true, false, 1.0, 1.0",
        "31, 129, 9, false, true, -1.0, 0.0",
        "100, 3, 257, true, true, 1.0, -0.5",
        "5, 300, 1, false, false, 2.0, 0.0",
        "0, 4, 4, false, false, 1.0, 0.0",
        "4, 4, 0, false, false, 1.0, 1.0",
        "8, 16, 5000, true, false, 1.0, 0.5",
        "64, 64, 3001, true, false, 0.25, 0.0",
        "7, 9, 1000, true, true, -1.0, 2.0",
        // register-tiled row kernel: 4-row tiles with a row tail, n = 64 exact, n with a column tail
        "130, 64, 64, false, false, 1.0, 0.0",
        "131, 70, 64, false, true, 0.5, 1.5",
        "67, 64, 64, true, false, 1.0, 0.5",
        "45, 200, 33, false, false, -0.5, 0.0",
        // tiled Aᵀ·B: m with a row tail, n with a column tail, k not a multiple of the L2 block
        "66, 64, 2053, true, false, 1.0, 0.0",
        "64, 70, 5003, true, false, 0.5, 1.0",
        "9, 130, 1500, true, true, 1.0, 0.0",
        "3, 5, 777, true, false, 2.0, 0.0"})
    void matchesReference(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
        long seed = 31L * m + 7L * n + k;
        try (HostMatrix a = transA ? TestMatrices.dense(k, m, seed) : TestMatrices.dense(m, k, seed);
             HostMatrix bm = transB ? TestMatrices.dense(n, k, seed + 1) : TestMatrices.dense(k, n, seed + 1);
             HostMatrix c0 = TestMatrices.dense(m, n, seed + 2);
             HostMatrix expected = HostMatrix.zeros(m, n);
             HostMatrix actual = HostMatrix.zeros(m, n)) {
            expected.copyFrom(c0);
            ReferenceOps.gemm(transA, transB, alpha, a, bm, beta, expected);
            Backend b = backend();
            try (Matrix da = b.upload(a); Matrix db = b.upload(bm); Matrix dc = b.upload(c0)) {
                b.gemm(transA, transB, alpha, da, db, beta, dc);
                b.download(dc, actual);
            }
            Assertions2.assertClose(expected, actual, null, 1e-4, 1e-4 * Math.sqrt(k + 1.0),
                    "gemm on " + b.name());
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        Backend b = backend();
        try (HostMatrix a = TestMatrices.dense(6, 4, 1);
             HostMatrix bm = TestMatrices.dense(4, 5, 2);
             HostMatrix c0 = HostMatrix.zeros(6, 5);
             HostMatrix expected = HostMatrix.zeros(6, 5);
             HostMatrix actual = HostMatrix.zeros(6, 5)) {
            c0.fill(Float.NaN);
            ReferenceOps.gemm(false, false, 1f, a, bm, 0f, expected);
            try (Matrix da = b.upload(a); Matrix db = b.upload(bm); Matrix dc = b.upload(c0)) {
                b.gemm(false, false, 1f, da, db, 0f, dc);
                b.download(dc, actual);
            }
            Assertions2.assertClose(expected, actual, null, 1e-5, 1e-5, "gemm beta=0 over NaN");
        }
    }

    @Test
    void rejectsMismatchedInnerDimensions() {
        Backend b = backend();
        try (Matrix a = b.allocate(3, 4); Matrix bm = b.allocate(5, 6); Matrix c = b.allocate(3, 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.gemm(false, false, 1f, a, bm, 0f, c));
            assertTrue(e.getMessage().contains("3x4") && e.getMessage().contains("5x6"), e.getMessage());
        }
    }
}
