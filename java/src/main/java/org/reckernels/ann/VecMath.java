package org.reckernels.ann;

import jdk.incubator.vector.FloatVector;
import org.reckernels.backend.java.LaneSum;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API dot products and squared distances over slices of row-major float arrays, and the
 * "GEMM + argmin" form of nearest-centroid search: {@code ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2},
 * with the centroid norms computed once.
 */
final class VecMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private VecMath() {
    }

    static float dot(float[] a, int ao, float[] b, int bo, int d) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (; i + 2 * L <= d; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), acc1);
        }
        for (; i + L <= d; i += L) {
            acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
        }
        float s = LaneSum.sum(acc0.add(acc1));
        for (; i < d; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    static float l2sq(float[] a, int ao, float[] b, int bo, int d) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (; i + 2 * L <= d; i += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i));
            FloatVector x1 = FloatVector.fromArray(S, a, ao + i + L).sub(FloatVector.fromArray(S, b, bo + i + L));
            acc0 = x0.fma(x0, acc0);
            acc1 = x1.fma(x1, acc1);
        }
        for (; i + L <= d; i += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i));
            acc0 = x0.fma(x0, acc0);
        }
        float s = LaneSum.sum(acc0.add(acc1));
        for (; i < d; i++) {
            float t = a[ao + i] - b[bo + i];
            s += t * t;
        }
        return s;
    }

    /** Squared norms of the n rows of {@code x} (n x d). */
    static float[] norms(float[] x, int n, int d) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = dot(x, i * d, x, i * d, d);
        }
        return out;
    }

    /**
     * For every centroid j: {@code out[j] = ||c_j||^2 - 2 x.c_j} (L2, the query's own norm left
     * out: it does not change the ranking) or {@code -x.c_j} (inner product).
     */
    static void centroidDistances(float[] x, int xo, float[] centroids, float[] cnorms, int k, int d, Metric metric,
                                  float[] out) {
        if (metric == Metric.L2) {
            for (int j = 0; j < k; j++) {
                out[j] = cnorms[j] - 2f * dot(x, xo, centroids, j * d, d);
            }
        } else {
            for (int j = 0; j < k; j++) {
                out[j] = -dot(x, xo, centroids, j * d, d);
            }
        }
    }

    /** Index of the nearest centroid (L2) of row i; ties to the lower index. */
    static int argminL2(float[] x, int xo, float[] centroids, float[] cnorms, int k, int d) {
        int best = 0;
        float bd = Float.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            float dd = cnorms[j] - 2f * dot(x, xo, centroids, j * d, d);
            if (dd < bd) {
                bd = dd;
                best = j;
            }
        }
        return best;
    }

    /** {@code c} (k x d, row-major) transposed to d x k, the layout {@link #dotsT} reads. */
    static float[] transpose(float[] c, int k, int d) {
        float[] t = new float[k * d];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < d; i++) {
                t[i * k + j] = c[j * d + i];
            }
        }
        return t;
    }

    /** Columns per block of {@link #blockTranspose}: the eight registers of {@link #dotsT}'s widest loop. */
    static final int COLUMN_BLOCK = 8 * L;

    /**
     * {@code c} (k x d, row-major) laid out for {@link #dotsBlocked}: each full block of
     * {@link #COLUMN_BLOCK} rows of c transposed on its own ({@code [d][COLUMN_BLOCK]}, contiguous),
     * then the remaining {@code k % COLUMN_BLOCK} rows transposed ({@code [d][rest]}). A block's
     * columns are then one sequential stream instead of d strided rows of the whole transpose.
     */
    static float[] blockTranspose(float[] c, int k, int d) {
        float[] out = new float[k * d];
        int full = k / COLUMN_BLOCK * COLUMN_BLOCK;
        for (int j = 0; j < k; j++) {
            int width = j < full ? COLUMN_BLOCK : k - full;
            int start = j < full ? j / COLUMN_BLOCK * COLUMN_BLOCK : full;
            for (int t = 0; t < d; t++) {
                out[start * d + t * width + (j - start)] = c[j * d + t];
            }
        }
        return out;
    }

    /**
     * {@code out[oo + j] = <x, c_j>} for the k rows of c laid out by {@link #blockTranspose}: the
     * same sums in the same order as {@link #dotsT} over the plain transpose, so bit-identical.
     */
    static void dotsBlocked(float[] x, int xo, int d, float[] cB, int k, float[] out, int oo) {
        int full = k / COLUMN_BLOCK * COLUMN_BLOCK;
        for (int j = 0; j < full; j += COLUMN_BLOCK) {
            dotsBlock(x, xo, d, cB, j * d, COLUMN_BLOCK, out, oo + j);
        }
        if (full < k) {
            dotsT(x, xo, d, cB, full * d, k - full, out, oo + full);
        }
    }

    /**
     * {@link #COLUMN_BLOCK} columns at once: {@code out[oo + j] = sum_t x[xo + t] * c[co + t*stride + j]}
     * for j in [0, COLUMN_BLOCK), eight registers wide; a method of its own, small enough for the JIT
     * to compile with every vector operation intrinsified.
     */
    private static void dotsBlock(float[] x, int xo, int d, float[] cB, int cbo, int stride, float[] out, int oo) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int t = 0, o = cbo; t < d; t++, o += stride) {
            FloatVector xv = FloatVector.broadcast(S, x[xo + t]);
            a0 = FloatVector.fromArray(S, cB, o).fma(xv, a0);
            a1 = FloatVector.fromArray(S, cB, o + L).fma(xv, a1);
            a2 = FloatVector.fromArray(S, cB, o + 2 * L).fma(xv, a2);
            a3 = FloatVector.fromArray(S, cB, o + 3 * L).fma(xv, a3);
            a4 = FloatVector.fromArray(S, cB, o + 4 * L).fma(xv, a4);
            a5 = FloatVector.fromArray(S, cB, o + 5 * L).fma(xv, a5);
            a6 = FloatVector.fromArray(S, cB, o + 6 * L).fma(xv, a6);
            a7 = FloatVector.fromArray(S, cB, o + 7 * L).fma(xv, a7);
        }
        a0.intoArray(out, oo);
        a1.intoArray(out, oo + L);
        a2.intoArray(out, oo + 2 * L);
        a3.intoArray(out, oo + 3 * L);
        a4.intoArray(out, oo + 4 * L);
        a5.intoArray(out, oo + 5 * L);
        a6.intoArray(out, oo + 6 * L);
        a7.intoArray(out, oo + 7 * L);
    }

    /**
     * {@code out[j] = sum_t x[xo + t] * cT[cto + t*k + j]} for j in [0, k): one row against k
     * columns, vectorised across the columns (register-blocked by four vectors), so that short
     * rows (PQ sub-vectors of 4-16 floats) run as fast as long ones.
     */
    static void dotsT(float[] x, int xo, int d, float[] cT, int cto, int k, float[] out, int oo) {
        int j = 0;
        // eight vectors per broadcast for wide outputs (the coarse quantizer): fewer loop and broadcast overheads
        for (; j + COLUMN_BLOCK <= k; j += COLUMN_BLOCK) {
            dotsBlock(x, xo, d, cT, cto + j, k, out, oo + j);
        }
        for (; j + 4 * L <= k; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int o = cto + j;
            for (int t = 0; t < d; t++, o += k) {
                FloatVector xv = FloatVector.broadcast(S, x[xo + t]);
                a0 = FloatVector.fromArray(S, cT, o).fma(xv, a0);
                a1 = FloatVector.fromArray(S, cT, o + L).fma(xv, a1);
                a2 = FloatVector.fromArray(S, cT, o + 2 * L).fma(xv, a2);
                a3 = FloatVector.fromArray(S, cT, o + 3 * L).fma(xv, a3);
            }
            a0.intoArray(out, oo + j);
            a1.intoArray(out, oo + j + L);
            a2.intoArray(out, oo + j + 2 * L);
            a3.intoArray(out, oo + j + 3 * L);
        }
        for (; j + L <= k; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            int o = cto + j;
            for (int t = 0; t < d; t++, o += k) {
                a0 = FloatVector.fromArray(S, cT, o).fma(FloatVector.broadcast(S, x[xo + t]), a0);
            }
            a0.intoArray(out, oo + j);
        }
        for (; j < k; j++) {
            float s = 0f;
            for (int t = 0; t < d; t++) {
                s += x[xo + t] * cT[cto + t * k + j];
            }
            out[oo + j] = s;
        }
    }

    /** argmin_j (cnorms[j] - 2 dots[j]); ties to the lower index. */
    static int argminFromDots(float[] dots, float[] cnorms, int k) {
        int best = 0;
        float bd = Float.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            float dd = cnorms[j] - 2f * dots[j];
            if (dd < bd) {
                bd = dd;
                best = j;
            }
        }
        return best;
    }

    /** Rejects NaN or infinite entries, naming the row. */
    static void requireFinite(String what, float[] x, int d) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException(what + ": row " + (i / d) + " column " + (i % d) + " is " + x[i]
                        + " (vectors must be finite)");
            }
        }
    }
}
