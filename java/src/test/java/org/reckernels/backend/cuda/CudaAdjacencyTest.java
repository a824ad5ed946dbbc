package org.reckernels.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reckernels.graph.NormalizedAdjacency;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.GpuTest;
import org.reckernels.testing.TestMatrices;

/**
 * {@link CudaBackend#normalizedAdjacency} (kernels/adjacency.cu + CUB sort/scan) against the host
 * builder: the same row pointers, columns and values, bit for bit.
 */
@GpuTest
class CudaAdjacencyTest {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    private static void assertSameAsHost(CsrMatrix r, String what) {
        try (CsrMatrix expected = NormalizedAdjacency.build(r);
             SparseMatrix onDevice = backend.normalizedAdjacency(r);
             CsrMatrix actual = ((DeviceCsr) onDevice).toHost()) {
            assertEquals(expected.rows(), actual.rows(), what);
            assertEquals(expected.nnz(), actual.nnz(), what);
            for (long row = 0; row <= expected.rows(); row++) {
                assertEquals(expected.rowPtrSegment().getAtIndex(JAVA_LONG, row),
                        actual.rowPtrSegment().getAtIndex(JAVA_LONG, row), what + ": rowPtr " + row);
            }
            for (long k = 0; k < expected.nnz(); k++) {
                assertEquals(expected.col(k), actual.col(k), what + ": col at " + k);
                assertEquals(Float.floatToIntBits(expected.value(k)), Float.floatToIntBits(actual.value(k)),
                        what + ": value at " + k + " (" + expected.value(k) + " vs " + actual.value(k) + ")");
            }
        }
    }

    @Test
    void randomAndPowerLawGraphs() {
        try (CsrMatrix r = TestMatrices.uniform(500, 300, 6, true, 1)) {
            assertSameAsHost(r, "uniform");
        }
        try (CsrMatrix r = TestMatrices.powerLaw(3000, 2000, 1500, 7)) {
            assertSameAsHost(r, "power law");
        }
        try (CsrMatrix r = TestMatrices.powerLaw(200_000, 50_000, 20_000, 11)) {
            assertSameAsHost(r, "large power law");
        }
    }

    @Test
    void emptyRowsDuplicatesAndUnsortedRows() {
        // u0 {2, 0, 2} (unsorted, duplicate), u1 {}, u2 {1}, u3 {}; item 3 isolated.
        try (CsrMatrix r = CsrMatrix.of(4, 4, new long[] {0, 3, 3, 4, 4}, new int[] {2, 0, 2, 1}, null)) {
            assertSameAsHost(r, "adversarial");
        }
    }

    @Test
    void degenerateShapes() {
        try (CsrMatrix r = CsrMatrix.of(3, 5, new long[] {0, 0, 0, 0}, new int[0], null)) {
            assertSameAsHost(r, "no interactions");
        }
        try (CsrMatrix r = CsrMatrix.of(1, 1, new long[] {0, 1}, new int[] {0}, null)) {
            assertSameAsHost(r, "1 x 1");
        }
        Random rnd = new Random(3);
        int[] deg = new int[64];
        deg[0] = 5000; // one user with every item of a wide catalogue, the rest tiny
        for (int i = 1; i < deg.length; i++) {
            deg[i] = rnd.nextInt(3);
        }
        try (CsrMatrix r = TestMatrices.withDegrees(deg, 5000, true, rnd)) {
            assertSameAsHost(r, "one heavy user");
        }
    }
}
