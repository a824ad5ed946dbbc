package org.reckernels.ann;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A half-size copy of the coarse centroids for the first pass of a large index's coarse step:
 * bfloat16 (the float's upper 16 bits, rounded to nearest even) in the same block-transposed layout
 * as {@link VecMath#blockTranspose}, so a query streams nlist·d·2 bytes instead of nlist·d·4 (at
 * 4096 × 128 the float copy is 2 MB, past L2, and the GEMV was a third of a query). The pass's dot
 * products differ from the float ones by at most {@link #dotError} (relative rounding of bfloat16,
 * 2^-8, plus both sums' float rounding), so the caller refines every centroid within twice that of
 * the nprobe-th approximate distance with {@link #exactDot} — bit-identical to
 * {@link VecMath#dotsBlocked} — and the selection is the float path's exactly.
 *
 * <p>Shapes: centroids k x d with k a multiple of {@link VecMath#COLUMN_BLOCK}; query d floats.
 */
final class CoarseBf16 {
    private static final VectorSpecies<Float> F = VecMath.S;
    private static final int L = VecMath.L;
    private static final int CB = VecMath.COLUMN_BLOCK;
    private static final VectorSpecies<Short> HS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, F.vectorShape());

    private final short[] blocked;
    private final float[] floatBlocked;
    private final int k;
    private final int d;
    private final float maxNorm;

    private CoarseBf16(short[] blocked, float[] floatBlocked, int k, int d, float maxNorm) {
        this.blocked = blocked;
        this.floatBlocked = floatBlocked;
        this.k = k;
        this.d = d;
        this.maxNorm = maxNorm;
    }

    /**
     * The bfloat16 copy of {@code floatBlocked} (k x d centroids laid out by
     * {@link VecMath#blockTranspose}), or null when k is not a multiple of the block width or a
     * value does not fit bfloat16.
     */
    static CoarseBf16 of(float[] floatBlocked, float[] centroidNorms, int k, int d) {
        if (k % CB != 0 || k == 0) {
            return null;
        }
        short[] h = new short[floatBlocked.length];
        for (int i = 0; i < h.length; i++) {
            int b = Float.floatToRawIntBits(floatBlocked[i]);
            int r = (b + 0x7FFF + ((b >>> 16) & 1)) >>> 16; // round to nearest even
            if (!Float.isFinite(Float.intBitsToFloat(r << 16))) {
                return null;
            }
            h[i] = (short) r;
        }
        float maxSq = 0f;
        for (int j = 0; j < k; j++) {
            maxSq = Math.max(maxSq, centroidNorms[j]);
        }
        return new CoarseBf16(h, floatBlocked, k, d, (float) Math.sqrt(maxSq));
    }

    /**
     * A bound on |approximate dot − float dot| for a query of Euclidean norm {@code qNorm}: the
     * bfloat16 rounding (≤ 2^-8 relative per element) and the float rounding of both d-term sums
     * (≤ d·2^-24 relative each), times ||q||·max||c|| (Cauchy–Schwarz), with 10% to spare.
     */
    float dotError(float qNorm) {
        return (float) (1.1 * (Math.scalb(1.0, -8) + 2.1 * d * Math.scalb(1.0, -24)) * qNorm * maxNorm);
    }

    float maxNorm() {
        return maxNorm;
    }

    /** {@code out[j]} ≈ <x, c_j> for all k centroids, from the bfloat16 copy. */
    void approxDots(float[] x, int xo, float[] out) {
        for (int j = 0; j < k; j += CB) {
            block(x, xo, j * d, out, j);
        }
    }

    private void block(float[] x, int xo, int bo, float[] out, int oo) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int t = 0, o = bo; t < d; t++, o += CB) {
            FloatVector xv = FloatVector.broadcast(F, x[xo + t]);
            a0 = widen(o).fma(xv, a0);
            a1 = widen(o + L).fma(xv, a1);
            a2 = widen(o + 2 * L).fma(xv, a2);
            a3 = widen(o + 3 * L).fma(xv, a3);
            a4 = widen(o + 4 * L).fma(xv, a4);
            a5 = widen(o + 5 * L).fma(xv, a5);
            a6 = widen(o + 6 * L).fma(xv, a6);
            a7 = widen(o + 7 * L).fma(xv, a7);
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

    /** L bfloat16 values at {@code blocked[o..]} as floats: sign-extend to 32 bits, shift into the upper half. */
    private FloatVector widen(int o) {
        return ((IntVector) ShortVector.fromArray(HS, blocked, o).convertShape(VectorOperators.S2I, IS, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * <x, c_j> from the float copy with exactly the operations {@link VecMath#dotsBlocked} applies
     * to column j (a fused multiply-add per row, in row order, from +0), so the same bits.
     */
    float exactDot(float[] x, int xo, int j) {
        int at = at(j);
        float s = 0f;
        for (int t = 0; t < d; t++, at += CB) {
            s = Math.fma(floatBlocked[at], x[xo + t], s);
        }
        return s;
    }

    /**
     * {@link #exactDot} for the n columns {@code js[0..n)} into {@code out[0..n)}, four at a time: four
     * independent chains of fused multiply-adds instead of one latency-bound chain (each chain in
     * row order from +0, so each result is exactDot's bits).
     */
    void exactDots(float[] x, int xo, int[] js, int n, float[] out) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int a0 = at(js[i]);
            int a1 = at(js[i + 1]);
            int a2 = at(js[i + 2]);
            int a3 = at(js[i + 3]);
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int t = 0, o = 0; t < d; t++, o += CB) {
                float xt = x[xo + t];
                s0 = Math.fma(floatBlocked[a0 + o], xt, s0);
                s1 = Math.fma(floatBlocked[a1 + o], xt, s1);
                s2 = Math.fma(floatBlocked[a2 + o], xt, s2);
                s3 = Math.fma(floatBlocked[a3 + o], xt, s3);
            }
            out[i] = s0;
            out[i + 1] = s1;
            out[i + 2] = s2;
            out[i + 3] = s3;
        }
        for (; i < n; i++) {
            out[i] = exactDot(x, xo, js[i]);
        }
    }

    /** Where column j's first row sits in the block-transposed copy. */
    private int at(int j) {
        return (j / CB) * CB * d + j % CB;
    }
}
