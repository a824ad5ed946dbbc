package org.reckernels.eval;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot-product scores of users against one item tile stored transposed ({@code d} rows of
 * {@code w} floats). Lanes run over items, and each lane sums {@code u[c] * item[c]} for
 * {@code c = 0..d-1} in order with separate multiply and add, so every score is bit-identical to
 * the scalar loop {@code s = 0f; for c: s += u[c] * v[c]}.
 */
final class ScoreKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ScoreKernel() {
    }

    /** Scores of 4 consecutive users (rows at {@code uOff}, stride d) into {@code s[j*w + i]}. */
    static void score4(float[] u, int uOff, int d, float[] it, int base, int w, float[] s) {
        int lanes = S.length();
        int i = 0;
        for (; i + lanes <= w; i += lanes) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int c = 0; c < d; c++) {
                FloatVector x = FloatVector.fromArray(S, it, base + c * w + i);
                a0 = a0.add(x.mul(u[uOff + c]));
                a1 = a1.add(x.mul(u[uOff + d + c]));
                a2 = a2.add(x.mul(u[uOff + 2 * d + c]));
                a3 = a3.add(x.mul(u[uOff + 3 * d + c]));
            }
            a0.intoArray(s, i);
            a1.intoArray(s, w + i);
            a2.intoArray(s, 2 * w + i);
            a3.intoArray(s, 3 * w + i);
        }
        for (int j = 0; j < 4; j++) {
            scalar(u, uOff + j * d, d, it, base, w, i, s, j * w);
        }
    }

    /** Scores of one user into {@code s[0..w)}. */
    static void score1(float[] u, int uOff, int d, float[] it, int base, int w, float[] s) {
        int lanes = S.length();
        int i = 0;
        for (; i + lanes <= w; i += lanes) {
            FloatVector a = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                a = a.add(FloatVector.fromArray(S, it, base + c * w + i).mul(u[uOff + c]));
            }
            a.intoArray(s, i);
        }
        scalar(u, uOff, d, it, base, w, i, s, 0);
    }

    /** Items {@code [from, w)} of the tile, one at a time. */
    private static void scalar(float[] u, int uOff, int d, float[] it, int base, int w, int from, float[] s, int sOff) {
        for (int i = from; i < w; i++) {
            float acc = 0f;
            for (int c = 0; c < d; c++) {
                acc += u[uOff + c] * it[base + c * w + i];
            }
            s[sOff + i] = acc;
        }
    }
}
