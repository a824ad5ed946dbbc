package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bfloat16 coarse pass: exact refine bit-identical to the float GEMV, approximate dots within the stated bound. */
class CoarseBf16Test {
    @Test
    void exactDotIsTheFloatGemvAndApproximateDotsStayWithinTheBound() {
        int k = 2 * VecMath.COLUMN_BLOCK;
        for (int d : new int[]{1, 7, 64, 130}) {
            SplittableRandom r = new SplittableRandom(d);
            float[] c = new float[k * d];
            for (int i = 0; i < c.length; i++) { // magnitudes over six decades
                c[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(6) - 3));
            }
            float[] cB = VecMath.blockTranspose(c, k, d);
            CoarseBf16 h = CoarseBf16.of(cB, VecMath.norms(c, k, d), k, d);
            float[] q = new float[d + 2];
            for (int t = 0; t < q.length; t++) {
                q[t] = (float) (r.nextGaussian() * 3);
            }
            float[] exact = new float[k];
            VecMath.dotsBlocked(q, 2, d, cB, k, exact, 0);
            float[] approx = new float[k];
            h.approxDots(q, 2, approx);
            float bound = h.dotError((float) Math.sqrt(VecMath.dot(q, 2, q, 2, d)));
            int[] some = {k - 1, 0, 5, VecMath.COLUMN_BLOCK, 17, 3, k / 2}; // four at a time, then a tail of three
            float[] four = new float[some.length];
            h.exactDots(q, 2, some, some.length, four);
            for (int i = 0; i < some.length; i++) {
                assertEquals(Float.floatToIntBits(exact[some[i]]), Float.floatToIntBits(four[i]), "d=" + d + " exactDots " + i);
            }
            for (int j = 0; j < k; j++) {
                assertEquals(Float.floatToIntBits(exact[j]), Float.floatToIntBits(h.exactDot(q, 2, j)), "d=" + d + " column " + j);
                assertTrue(Math.abs(approx[j] - exact[j]) <= bound, "d=" + d + " column " + j + ": |" + approx[j] + " - "
                        + exact[j] + "| > " + bound);
            }
        }
    }

    @Test
    void onlyWholeBlocksOfFiniteValues() {
        int k = VecMath.COLUMN_BLOCK;
        assertNull(CoarseBf16.of(new float[(k + 1) * 4], new float[k + 1], k + 1, 4), "not a multiple of the block");
        float[] huge = new float[k * 2];
        huge[3] = Float.MAX_VALUE;
        assertNull(CoarseBf16.of(huge, new float[k], k, 2), "rounds to infinity in bfloat16");
    }
}
