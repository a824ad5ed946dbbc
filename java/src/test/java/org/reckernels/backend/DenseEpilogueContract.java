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

/** The fused dense-layer epilogue {@code x = leaky(x + bias)} on one backend against the reference and the unfused pair. */
public abstract class DenseEpilogueContract {

    protected abstract Backend backend();

    @ParameterizedTest(name = "{0}x{1} slope={2}")
    @CsvSource({
        "1, 1, 0.0",
        "7, 3, 0.0",
        "33, 64, 0.0",
        "130, 257, 0.2",
        "5, 1, 1.0",
        "0, 8, 0.0",
        "1000, 33, 0.0",
        "64, 16, -0.5"})
    void matchesReferenceAndTheUnfusedOpsBitForBit(int rows, int d, float slope) {
        long seed = 17L * rows + d;
        Backend b = backend();
        try (HostMatrix x = TestMatrices.dense(rows, d, seed);
             HostMatrix bias = TestMatrices.dense(1, d, seed + 1);
             HostMatrix expected = HostMatrix.zeros(rows, d);
             HostMatrix fused = HostMatrix.zeros(rows, d);
             HostMatrix pair = HostMatrix.zeros(rows, d);
             Matrix dx = b.upload(x);
             Matrix dx2 = b.upload(x);
             Matrix db = b.upload(bias)) {
            expected.copyFrom(x);
            ReferenceOps.addBiasLeakyRelu(expected, bias, slope);
            b.addBiasLeakyRelu(dx, db, slope);
            b.download(dx, fused);
            b.addBias(dx2, db);
            b.leakyRelu(dx2, slope, dx2);
            b.download(dx2, pair);
            Assertions2.assertClose(expected, fused, null, 0, 0, "addBiasLeakyRelu on " + b.name() + " vs reference");
            Assertions2.assertClose(pair, fused, null, 0, 0, "addBiasLeakyRelu on " + b.name() + " vs addBias + leakyRelu");
            if (slope == 0f && rows * d > 16) {
                float[] f = fused.toArray();
                int zeros = 0;
                for (float v : f) {
                    assertTrue(v >= 0f, "ReLU output " + v + " is negative");
                    zeros += v == 0f ? 1 : 0;
                }
                assertTrue(zeros > 0 && zeros < f.length, "random inputs give both clipped and passed values");
            }
        }
    }

    @Test
    void rejectsABiasOfTheWrongWidth() {
        Backend b = backend();
        try (Matrix x = b.allocate(4, 5); Matrix bias = b.allocate(1, 4); Matrix tall = b.allocate(2, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.addBiasLeakyRelu(x, bias, 0f));
            assertTrue(e.getMessage().contains("addBiasLeakyRelu"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.addBiasLeakyRelu(x, tall, 0f));
        }
    }
}
