package org.reckernels.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * The blocked Vector API GEMM ({@link VectorGemm}) against the double-precision reference on shapes built around
 * its blocking: every panel width (1–4 vectors and a partial vector, n = L·w ± 1), row tails of its 6-, 4- and
 * 8-row tiles, p blocks of {@link VectorGemm#KC} (k = KC ± 1, 2·KC + 1), row blocks of {@link VectorGemm#MC}, the n = 1 matrix-vector paths (m below, at and
 * past a vector), batch 1, dimension 1, k = 0, every transpose, alpha/beta (beta = 0 over NaN); and its result
 * not depending on the thread count (bit for bit).
 */
class VectorGemmTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    private static final JavaBackend ONE = new JavaBackend(1, new VectorKernels());
    private static final JavaBackend THREE = new JavaBackend(3, new VectorKernels());

    static Stream<Arguments> shapes() {
        int kc = VectorGemm.KC;
        int[][] mnk = {
            {1, 1, 1}, {1, 2, 1}, {2, 1, 1}, {1, 1, 7}, {1, 5, 3}, {5, 1, 3},             // batch 1, dim 1, tiny
            {37, L - 1, 9}, {37, L, 9}, {37, L + 1, 9}, {9, 2 * L, 33}, {11, 2 * L + 3, 17}, // panel widths 1..2
            {13, 3 * L, 40}, {7, 3 * L - 5, 19}, {30, 4 * L, 65}, {31, 4 * L + 1, 64},      // 3, 4, 4 + partial
            {45, 7 * L + 2, 20}, {70, 9 * L, 12}, {8, 4 * L, 5}, {5, 8 * L, 7},               // panels, 6-row tails
            {3, 4 * L, kc - 1}, {6, 2 * L, kc}, {9, 3 * L, kc + 1}, {17, L, 2 * kc + 1},      // p blocks
            {1, 4 * L, 2 * kc + 3},                                                           // one row, blocks
            {L - 1, 1, 50}, {L, 1, 50}, {4 * L + 3, 1, 300}, {129, 1, 2}, {33, 1, kc + 9},    // n = 1 paths
            {64, 64, 64}, {100, 3, 257}, {130, 70, 64},                                        // the contract's
            {2 * VectorGemm.MC + 5, 6 * L + 1, 21},                                             // row blocks of MC
            {3, 7, 0},                                                                          // k = 0
        };
        float[][] ab = {{1f, 0f}, {0.5f, 2f}, {-1f, -0.5f}};
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                float[] coef = ab[(i++) % ab.length];
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, coef[0], coef[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} tA={3} tB={4} alpha={5} beta={6}")
    @MethodSource("shapes")
    void matchesTheReference(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
        long seed = 1000003L * m + 1009L * n + k + (transA ? 7 : 0) + (transB ? 13 : 0);
        try (HostMatrix a = transA ? TestMatrices.dense(k, m, seed) : TestMatrices.dense(m, k, seed);
             HostMatrix b = transB ? TestMatrices.dense(n, k, seed + 1) : TestMatrices.dense(k, n, seed + 1);
             HostMatrix c0 = TestMatrices.dense(m, n, seed + 2);
             HostMatrix expected = HostMatrix.zeros(m, n);
             HostMatrix one = HostMatrix.zeros(m, n);
             HostMatrix three = HostMatrix.zeros(m, n);
             HostMatrix magnitude = HostMatrix.zeros(m, n)) {
            if (beta == 0f) {
                c0.fill(Float.NaN); // beta = 0 must ignore C entirely
            }
            expected.copyFrom(c0);
            ReferenceOps.gemm(transA, transB, alpha, a, b, beta, expected);
            one.copyFrom(c0);
            ONE.gemm(transA, transB, alpha, a, b, beta, one);
            three.copyFrom(c0);
            THREE.gemm(transA, transB, alpha, a, b, beta, three);
            // |alpha|·|A|·|B| + |beta·C|: the size of the sum, which float32 rounding scales with.
            try (HostMatrix absA = abs(a); HostMatrix absB = abs(b)) {
                ReferenceOps.gemm(transA, transB, Math.abs(alpha), absA, absB, 0f, magnitude);
            }
            for (long r = 0; r < m; r++) {
                for (long col = 0; col < n; col++) {
                    float prev = beta == 0f ? 0f : Math.abs(beta * c0.get(r, col));
                    magnitude.set(r, col, magnitude.get(r, col) + prev);
                }
            }
            Assertions2.assertClose(expected, one, magnitude, 2e-6 * Math.sqrt(k + 1.0), 1e-6, "1 thread");
            assertArrayEquals(one.toArray(), three.toArray(), "3 threads give the same bits as 1");
        }
    }

    private static HostMatrix abs(HostMatrix x) {
        HostMatrix y = HostMatrix.zeros(x.rows(), x.cols());
        for (long r = 0; r < x.rows(); r++) {
            for (long c = 0; c < x.cols(); c++) {
                y.set(r, c, Math.abs(x.get(r, c)));
            }
        }
        return y;
    }

    /** The MLP shapes of DeepFM (39 fields x d 16 = 624 inputs) at an odd batch, every product a layer takes. */
    @Test
    void deepFmLayerShapesAtAnOddBatch() {
        int batch = 203;
        int[] sizes = {624, 64, 32, 1};
        Random rnd = new Random(3);
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            try (HostMatrix x = TestMatrices.dense(batch, in, rnd.nextLong());
                 HostMatrix w = TestMatrices.dense(in, out, rnd.nextLong());
                 HostMatrix g = TestMatrices.dense(batch, out, rnd.nextLong())) {
                check(false, false, x, w, batch, out);   // forward  y = x·W
                check(true, false, x, g, in, out);       // weights  gW = xᵀ·g
                check(false, true, g, w, batch, in);     // input    gX = g·Wᵀ
            }
        }
    }

    private static void check(boolean tA, boolean tB, HostMatrix a, HostMatrix b, int m, int n) {
        try (HostMatrix expected = HostMatrix.zeros(m, n); HostMatrix actual = HostMatrix.zeros(m, n)) {
            ReferenceOps.gemm(tA, tB, 1f, a, b, 0f, expected);
            THREE.gemm(tA, tB, 1f, a, b, 0f, actual);
            long k = tA ? a.rows() : a.cols();
            Assertions2.assertClose(expected, actual, null, 1e-4, 1e-4 * Math.sqrt(k), m + "x" + n + "x" + k);
        }
    }

    @Test
    void scratchIsReusedAcrossShapes() {
        // Packed B of a large then a small then a large shape: the kept scratch must not leak stale columns.
        for (int[] s : new int[][] {{9, 5 * L + 3, 70}, {4, L + 1, 3}, {9, 5 * L + 3, 70}}) {
            try (HostMatrix a = TestMatrices.dense(s[0], s[2], s[1]);
                 HostMatrix b = TestMatrices.dense(s[1], s[2], s[0]);
                 HostMatrix expected = HostMatrix.zeros(s[0], s[1]);
                 HostMatrix actual = HostMatrix.zeros(s[0], s[1])) {
                ReferenceOps.gemm(false, true, 1f, a, b, 0f, expected);
                ONE.gemm(false, true, 1f, a, b, 0f, actual);
                Assertions2.assertClose(expected, actual, null, 1e-4, 1e-4, "shape " + s[0] + "x" + s[1] + "x" + s[2]);
            }
        }
    }
}
