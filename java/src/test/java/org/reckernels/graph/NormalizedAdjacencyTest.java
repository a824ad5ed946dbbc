package org.reckernels.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.TestMatrices;

class NormalizedAdjacencyTest {

    @Test
    void valuesAreInverseSqrtDegreesAndTheMatrixIsSymmetric() {
        // 3 users, 4 items: u0 {0, 1}, u1 {1}, u2 {} (isolated), item 3 isolated.
        try (CsrMatrix r = CsrMatrix.of(3, 4, new long[] {0, 2, 3, 3}, new int[] {0, 1, 1}, null);
             CsrMatrix a = NormalizedAdjacency.build(r)) {
            assertEquals(7, a.rows());
            assertEquals(6, a.nnz());
            double[][] dense = dense(a);
            assertEquals(1 / Math.sqrt(2 * 1), dense[0][3], 1e-7);  // u0 - i0: deg 2, 1
            assertEquals(1 / Math.sqrt(2 * 2), dense[0][4], 1e-7);  // u0 - i1: deg 2, 2
            assertEquals(1 / Math.sqrt(1 * 2), dense[1][4], 1e-7);  // u1 - i1: deg 1, 2
            assertEquals(0, a.rowEnd(2) - a.rowStart(2));           // isolated user: empty row
            assertEquals(0, a.rowEnd(6) - a.rowStart(6));           // isolated item: empty row
            assertSymmetric(dense);
        }
    }

    @Test
    void randomGraphIsSymmetricWithSortedRows() {
        try (CsrMatrix r = TestMatrices.powerLaw(300, 200, 150, 7); CsrMatrix a = NormalizedAdjacency.build(r)) {
            assertEquals(2 * r.nnz(), a.nnz());
            assertSymmetric(dense(a));
            for (long row = 300; row < a.rows(); row++) { // item rows receive users in order
                for (long k = a.rowStart(row) + 1; k < a.rowEnd(row); k++) {
                    assertEquals(true, a.col(k - 1) <= a.col(k), "row " + row);
                }
            }
        }
    }

    @Test
    void javaBackendBuildsTheSameMatrixAndHandsOverOwnership() {
        try (CsrMatrix r = TestMatrices.powerLaw(400, 250, 200, 3);
             CsrMatrix expected = NormalizedAdjacency.build(r);
             org.reckernels.backend.java.JavaBackend backend = new org.reckernels.backend.java.JavaBackend();
             SparseMatrix a = backend.normalizedAdjacency(r)) {
            CsrMatrix actual = (CsrMatrix) a;
            assertEquals(expected.nnz(), actual.nnz());
            for (long k = 0; k < expected.nnz(); k++) {
                assertEquals(expected.col(k), actual.col(k));
                assertEquals(expected.value(k), actual.value(k));
            }
        }
    }

    static double[][] dense(CsrMatrix a) {
        double[][] m = new double[(int) a.rows()][(int) a.cols()];
        for (int r = 0; r < a.rows(); r++) {
            for (long k = a.rowStart(r); k < a.rowEnd(r); k++) {
                m[r][a.col(k)] += a.value(k);
            }
        }
        return m;
    }

    static void assertSymmetric(double[][] m) {
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(m[i][j], m[j][i], 1e-7, "(" + i + ", " + j + ")");
            }
        }
    }
}
