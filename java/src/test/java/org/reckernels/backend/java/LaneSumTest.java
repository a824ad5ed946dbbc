package org.reckernels.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The lane sum is one fixed pairwise tree (so interpreted and compiled code agree bit for bit),
 * and a dot product built on it gives the same bits cold and after the JIT has compiled it.
 */
class LaneSumTest {
    static final int L = LaneSum.S.length();

    /** The tree written out in scalar code: lane i += lane (i ^ h) for h = L/2, ..., 1; lane 0. */
    static float tree(float[] lanes) {
        float[] t = lanes.clone();
        for (int h = L / 2; h >= 1; h /= 2) {
            float[] next = new float[L];
            for (int i = 0; i < L; i++) {
                next[i] = t[i] + t[i ^ h];
            }
            t = next;
        }
        return t[0];
    }

    @Test
    void sumIsTheFixedPairwiseTree() {
        SplittableRandom r = new SplittableRandom(5);
        for (int rep = 0; rep < 2000; rep++) {
            float[] lanes = new float[L];
            for (int i = 0; i < L; i++) {
                // mixed magnitudes, so that the order of the additions shows in the bits
                lanes[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
            assertEquals(Float.floatToIntBits(tree(lanes)), Float.floatToIntBits(LaneSum.sum(FloatVector.fromArray(LaneSum.S, lanes, 0))),
                    "lanes " + java.util.Arrays.toString(lanes));
        }
    }

    @Test
    void dotProductsAreTheSameColdAndCompiled() {
        SplittableRandom r = new SplittableRandom(6);
        int d = 64;
        int n = 500;
        float[] a = new float[n * d];
        float[] b = new float[n * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) (r.nextGaussian() * 100);
        }
        VectorKernels k = new VectorKernels();
        float[] cold = new float[n];
        for (int i = 0; i < n; i++) {
            cold[i] = k.dot(java.util.Arrays.copyOfRange(a, i * d, (i + 1) * d), java.util.Arrays.copyOfRange(b, i * d, (i + 1) * d), d);
        }
        float[] x = java.util.Arrays.copyOfRange(a, 0, d);
        float[] y = java.util.Arrays.copyOfRange(b, 0, d);
        float sink = 0f;
        for (int rep = 0; rep < 200_000; rep++) { // long enough for C2 to compile dot
            sink += k.dot(x, y, d);
        }
        float[] warm = new float[n];
        for (int i = 0; i < n; i++) {
            warm[i] = k.dot(java.util.Arrays.copyOfRange(a, i * d, (i + 1) * d), java.util.Arrays.copyOfRange(b, i * d, (i + 1) * d), d);
        }
        assertArrayEquals(cold, warm, "sink " + sink);
    }
}
