package org.reckernels.reference;

import org.reckernels.tensor.HostMatrix;

/**
 * Obviously-correct field-aware FM pair terms (the test oracle of {@code Backend.ffmForward/ffmBackward}),
 * accumulated in double:
 * <pre>
 *   v: (B x F·F·d), v[b, i, j, c] at column (i·F + j)·d + c: the latent vector of field i's feature towards field j
 *   logits[b] = Σ_l linear[b, l] + Σ_{i<j} Σ_c v[b,i,j,c] · v[b,j,i,c]
 *   gradV[b,i,j,c] = g_b · v[b,j,i,c]  (i ≠ j),  gradV[b,i,i,c] = 0;   gradLinear[b, l] = g_b
 * </pre>
 */
public final class FfmReferenceOps {
    private FfmReferenceOps() {
    }

    private static long col(int fields, int d, int i, int j, int c) {
        return ((long) i * fields + j) * d + c;
    }

    public static void ffmForward(HostMatrix v, int fields, HostMatrix linear, HostMatrix logits) {
        int d = (int) (v.cols() / ((long) fields * fields));
        for (long b = 0; b < v.rows(); b++) {
            double z = 0;
            if (linear != null) {
                for (long l = 0; l < linear.cols(); l++) {
                    z += linear.get(b, l);
                }
            }
            for (int i = 0; i < fields; i++) {
                for (int j = i + 1; j < fields; j++) {
                    for (int c = 0; c < d; c++) {
                        z += (double) v.get(b, col(fields, d, i, j, c)) * v.get(b, col(fields, d, j, i, c));
                    }
                }
            }
            logits.set(b, 0, (float) z);
        }
    }

    public static void ffmBackward(HostMatrix v, int fields, HostMatrix gradLogits, HostMatrix gradV,
                                   HostMatrix gradLinear) {
        int d = (int) (v.cols() / ((long) fields * fields));
        for (long b = 0; b < v.rows(); b++) {
            double g = gradLogits.get(b, 0);
            for (int i = 0; i < fields; i++) {
                for (int j = 0; j < fields; j++) {
                    for (int c = 0; c < d; c++) {
                        gradV.set(b, col(fields, d, i, j, c), i == j ? 0f : (float) (g * v.get(b, col(fields, d, j, i, c))));
                    }
                }
            }
            if (gradLinear != null) {
                for (long l = 0; l < gradLinear.cols(); l++) {
                    gradLinear.set(b, l, (float) g);
                }
            }
        }
    }
}
