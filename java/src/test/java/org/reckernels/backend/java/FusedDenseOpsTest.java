package org.reckernels.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.backend.FusedDenseOps;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * The fused dense-layer epilogues ({@link FusedDenseOps}) against the separate ops they replace (gemm, then
 * addBiasLeakyRelu or leakyReluBackward) on the same backend: equal bit for bit, on the vector kernels (epilogue per
 * tile of the blocked GEMM, across p blocks) and the scalar ones (the separate ops), for ReLU, leaky and identity
 * slopes, odd widths, batch 1, one output, and masks with zeros (ReLU passes no gradient at 0).
 */
class FusedDenseOpsTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @ParameterizedTest(name = "{0}: {1}x{2} -> {3}, slope {4}")
    @CsvSource({"vector, 1, 1, 1, 0", "vector, 1, 7, 3, 0", "vector, 37, 5, 1, 1", "vector, 41, 624, 64, 0",
        "vector, 20, 600, 80, 0.2", "vector, 9, 33, 17, 0", "vector, 30, 40, 400, 0", "vector, 13, 1, 5, 1",
        "scalar, 1, 3, 2, 0", "scalar, 29, 17, 33, 0.2", "vector, 7, 1100, 5, 0"})
    void fusedEqualsTheSeparateOps(String kind, int rows, int in, int out, float slope) {
        JavaBackend b = kind.equals("vector") ? TestBackends.VECTOR : TestBackends.SCALAR;
        long seed = 7L * rows + 13L * in + out;
        try (HostMatrix x = TestMatrices.dense(rows, in, seed);
             HostMatrix w = TestMatrices.dense(in, out, seed + 1);
             HostMatrix bias = TestMatrices.dense(1, out, seed + 2);
             HostMatrix fused = HostMatrix.zeros(rows, out);
             HostMatrix separate = HostMatrix.zeros(rows, out)) {
            fused.fill(Float.NaN); // the output is overwritten, never read
            b.gemmBiasLeakyRelu(x, w, bias, slope, fused);
            b.gemm(false, false, 1f, x, w, 0f, separate);
            b.addBiasLeakyRelu(separate, bias, slope);
            assertArrayEquals(separate.toArray(), fused.toArray(), "forward");
            if (slope == 0f && rows * out > 4) {
                long negatives = java.util.Arrays.stream(box(fused.toArray())).filter(v -> v == 0f).count();
                assertTrue(negatives > 0, "ReLU clips something: the epilogue is exercised");
            }
            // Backward through the layer below, whose output x (zeros planted) gates the gradient.
            try (HostMatrix g = TestMatrices.dense(rows, out, seed + 3);
                 HostMatrix y = TestMatrices.dense(rows, in, seed + 4);
                 HostMatrix gxFused = HostMatrix.zeros(rows, in);
                 HostMatrix gxSeparate = HostMatrix.zeros(rows, in);
                 HostMatrix expected = HostMatrix.zeros(rows, in)) {
                for (long r = 0; r < rows; r++) {
                    y.set(r, r % in, 0f);
                }
                b.gemmNtLeakyReluBackward(g, w, y, slope, gxFused);
                b.gemm(false, true, 1f, g, w, 0f, gxSeparate);
                b.leakyReluBackward(y, gxSeparate, slope, gxSeparate);
                assertArrayEquals(gxSeparate.toArray(), gxFused.toArray(), "backward");
                ReferenceOps.gemm(false, true, 1f, g, w, 0f, expected);
                for (long r = 0; r < rows; r++) {
                    for (long c = 0; c < in; c++) {
                        if (!(y.get(r, c) > 0f)) {
                            expected.set(r, c, expected.get(r, c) * slope);
                        }
                    }
                }
                Assertions2.assertClose(expected, gxFused, null, 1e-4, 1e-4 * Math.sqrt(out), "backward vs reference");
            }
        }
    }

    private static Float[] box(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    @Test
    void badShapesAreRejected() {
        JavaBackend b = TestBackends.VECTOR;
        try (HostMatrix x = HostMatrix.zeros(4, 3); HostMatrix w = HostMatrix.zeros(3, 2 * L + 1);
             HostMatrix bias = HostMatrix.zeros(1, 2 * L); HostMatrix y = HostMatrix.zeros(4, 2 * L + 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.gemmBiasLeakyRelu(x, w, bias, 0f, y));
            assertTrue(e.getMessage().contains("gemmBiasLeakyRelu"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.gemmNtLeakyReluBackward(y, w, HostMatrix.zeros(4, 2), 0f, x));
            assertThrows(IllegalArgumentException.class, () -> b.gemmNtLeakyReluBackward(y, w, x, 0f, x));
        }
    }
}
