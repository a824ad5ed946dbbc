package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.reckernels.tensor.CsrMatrix;

/**
 * Vector API kernels. SpMM keeps a block of four accumulator vectors in registers per output
 * row and streams the row's non-zeros through it, so each X row slice is loaded once per block
 * and Y is written once; the column tail uses a masked vector. The accumulating form adds
 * alpha·Y into ACC from the same registers, so the layer combination costs no extra pass over Y.
 */
final class VectorKernels implements HostKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Int lanes matching the float lanes one to one (dropout's hash). */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    /**
     * The mask for the vector at {@code i} of {@code n} elements: null for a full vector. Masked
     * MemorySegment loads and stores take a slow, non-intrinsified path on JDK 25 (profiled: ~90% of
     * an NGCF step in checkValidStateRaw), so only the tail vector uses one.
     */
    private static VectorMask<Float> tailMask(long i, long n) {
        return i + L <= n ? null : S.indexInRange(i, n);
    }

    private static FloatVector load(MemorySegment seg, long byteOffset, VectorMask<Float> m) {
        return m == null ? FloatVector.fromMemorySegment(S, seg, byteOffset, LE)
                : FloatVector.fromMemorySegment(S, seg, byteOffset, LE, m);
    }

    private static void store(FloatVector v, MemorySegment seg, long byteOffset, VectorMask<Float> m) {
        if (m == null) {
            v.intoMemorySegment(seg, byteOffset, LE);
        } else {
            v.intoMemorySegment(seg, byteOffset, LE, m);
        }
    }

    @Override
    public String describe() {
        return "vector(" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public void spmmRows(CsrMatrix a, MemorySegment x, MemorySegment y, int d, long r0, long r1, float alpha,
                         MemorySegment out) {
        MemorySegment rp = a.rowPtrSegment();
        MemorySegment ci = a.colIdxSegment();
        MemorySegment vs = a.valuesSegment();
        long rowBytes = (long) d * Float.BYTES;
        FloatVector alphaV = FloatVector.broadcast(S, alpha);
        for (long r = r0; r < r1; r++) {
            long s = rp.getAtIndex(LONG, r);
            long e = rp.getAtIndex(LONG, r + 1);
            long yo = r * rowBytes;
            int c = 0;
            for (; c + 4 * L <= d; c += 4 * L) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                long cb = (long) c * Float.BYTES;
                for (long k = s; k < e; k++) {
                    long xo = ci.getAtIndex(INT, k) * rowBytes + cb;
                    FloatVector v = FloatVector.broadcast(S, vs == null ? 1f : vs.getAtIndex(F, k));
                    a0 = FloatVector.fromMemorySegment(S, x, xo, LE).fma(v, a0);
                    a1 = FloatVector.fromMemorySegment(S, x, xo + (long) L * 4, LE).fma(v, a1);
                    a2 = FloatVector.fromMemorySegment(S, x, xo + (long) L * 8, LE).fma(v, a2);
                    a3 = FloatVector.fromMemorySegment(S, x, xo + (long) L * 12, LE).fma(v, a3);
                }
                long o = yo + cb;
                a0.intoMemorySegment(y, o, LE);
                a1.intoMemorySegment(y, o + (long) L * 4, LE);
                a2.intoMemorySegment(y, o + (long) L * 8, LE);
                a3.intoMemorySegment(y, o + (long) L * 12, LE);
                if (out != null) { // fused layer combination while the sums are in registers
                    a0.fma(alphaV, FloatVector.fromMemorySegment(S, out, o, LE)).intoMemorySegment(out, o, LE);
                    long o1 = o + (long) L * 4;
                    a1.fma(alphaV, FloatVector.fromMemorySegment(S, out, o1, LE)).intoMemorySegment(out, o1, LE);
                    long o2 = o + (long) L * 8;
                    a2.fma(alphaV, FloatVector.fromMemorySegment(S, out, o2, LE)).intoMemorySegment(out, o2, LE);
                    long o3 = o + (long) L * 12;
                    a3.fma(alphaV, FloatVector.fromMemorySegment(S, out, o3, LE)).intoMemorySegment(out, o3, LE);
                }
            }
            for (; c < d; c += L) {
                VectorMask<Float> m = tailMask(c, d);
                FloatVector acc = FloatVector.zero(S);
                long cb = (long) c * Float.BYTES;
                for (long k = s; k < e; k++) {
                    long xo = ci.getAtIndex(INT, k) * rowBytes + cb;
                    FloatVector v = FloatVector.broadcast(S, vs == null ? 1f : vs.getAtIndex(F, k));
                    acc = load(x, xo, m).fma(v, acc);
                }
                store(acc, y, yo + cb, m);
                if (out != null) {
                    store(acc.fma(alphaV, load(out, yo + cb, m)), out, yo + cb, m);
                }
            }
        }
    }

    @Override
    public void gemvRow(MemorySegment a, long aBase, long aStride, int k, MemorySegment b, int n, float alpha, float beta,
                        MemorySegment y, long yBase) {
        long rowBytes = (long) n * Float.BYTES;
        long yo = yBase * Float.BYTES;
        for (int c = 0; c < n; c += L) {
            VectorMask<Float> m = tailMask(c, n);
            long cb = (long) c * Float.BYTES;
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                FloatVector av = FloatVector.broadcast(S, a.getAtIndex(F, aBase + p * aStride));
                acc = load(b, p * rowBytes + cb, m).fma(av, acc);
            }
            acc = acc.mul(alpha);
            if (beta != 0f) {
                acc = load(y, yo + cb, m).fma(FloatVector.broadcast(S, beta), acc);
            }
            store(acc, y, yo + cb, m);
        }
    }

    @Override
    public void axpby(float alpha, MemorySegment x, float beta, MemorySegment y, long from, long to) {
        for (long i = from; i < to; i += L) {
            VectorMask<Float> m = tailMask(i, to);
            long o = i * Float.BYTES;
            FloatVector r = load(x, o, m).mul(alpha);
            if (beta != 0f) {
                r = load(y, o, m).fma(FloatVector.broadcast(S, beta), r);
            }
            store(r, y, o, m);
        }
    }

    @Override
    public void fill(MemorySegment seg, float value, long from, long to) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (long i = from; i < to; i += L) {
            store(v, seg, i * Float.BYTES, tailMask(i, to));
        }
    }

    @Override
    public float dot(MemorySegment a, long ao, MemorySegment b, long bo, int d) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = tailMask(j, d);
            acc = load(a, (ao + j) * Float.BYTES, m)
                    .fma(load(b, (bo + j) * Float.BYTES, m), acc);
        }
        return acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Override
    public void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int d) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = tailMask(j, d);
            long yb = (yo + j) * Float.BYTES;
            store(load(x, (xo + j) * Float.BYTES, m).fma(av, load(y, yb, m)), y, yb, m);
        }
    }

    @Override
    public void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, float beta1, float beta2,
                     float eps, float c1, float c2, long from, long to) {
        for (long i = from; i < to; i += L) {
            VectorMask<Float> k = tailMask(i, to);
            long o = i * Float.BYTES;
            FloatVector gi = load(g, o, k);
            FloatVector mi = load(m, o, k).mul(beta1).add(gi.mul(1f - beta1));
            FloatVector vi = load(v, o, k).mul(beta2).add(gi.mul(gi).mul(1f - beta2));
            store(mi, m, o, k);
            store(vi, v, o, k);
            FloatVector step = mi.mul(c1).div(vi.sqrt().mul(c2).add(eps));
            store(load(p, o, k).sub(step), p, o, k);
        }
    }

    @Override
    public void hadamard(float alpha, MemorySegment a, MemorySegment b, float beta, MemorySegment c, long from, long to) {
        for (long i = from; i < to; i += L) {
            VectorMask<Float> m = tailMask(i, to);
            long o = i * Float.BYTES;
            FloatVector r = load(a, o, m).mul(load(b, o, m))
                    .mul(alpha);
            if (beta != 0f) {
                r = load(c, o, m).fma(FloatVector.broadcast(S, beta), r);
            }
            store(r, c, o, m);
        }
    }

    @Override
    public void leakyRelu(MemorySegment x, float slope, MemorySegment y, long from, long to) {
        for (long i = from; i < to; i += L) {
            VectorMask<Float> m = tailMask(i, to);
            long o = i * Float.BYTES;
            FloatVector v = load(x, o, m);
            store(v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)), y, o, m);
        }
    }

    @Override
    public void leakyReluBackward(MemorySegment x, MemorySegment gy, float slope, MemorySegment gx, long from, long to) {
        for (long i = from; i < to; i += L) {
            VectorMask<Float> m = tailMask(i, to);
            long o = i * Float.BYTES;
            FloatVector g = load(gy, o, m);
            VectorMask<Float> pos = load(x, o, m).compare(VectorOperators.GT, 0f);
            store(g.mul(slope).blend(g, pos), gx, o, m);
        }
    }

    @Override
    public void dropout(MemorySegment x, MemorySegment y, int k0, int k1, int threshold, float scale, long from, long to) {
        IntVector iota = IntVector.zero(IS).addIndex(1);
        FloatVector zero = FloatVector.zero(S);
        for (long i = from; i < to; i += L) {
            VectorMask<Float> m = tailMask(i, to);
            long o = i * Float.BYTES;
            // The lanes' element indices i + lane share hi32 unless the block straddles 2^32.
            int hi = (int) (i >>> 32);
            boolean straddles = (int) ((i + L - 1) >>> 32) != hi;
            VectorMask<Float> keep;
            if (straddles) {
                boolean[] k = new boolean[L];
                for (int j = 0; j < L; j++) {
                    k[j] = org.reckernels.backend.DropoutMask.keep(k0, k1, threshold, i + j);
                }
                keep = VectorMask.fromArray(S, k, 0);
            } else {
                IntVector h = iota.add((int) i).lanewise(VectorOperators.XOR, k0);
                h = mix32(h).lanewise(VectorOperators.XOR, hi ^ k1);
                h = mix32(h).lanewise(VectorOperators.LSHR, 8);
                keep = h.compare(VectorOperators.GE, threshold).cast(S);
            }
            FloatVector v = load(x, o, m).mul(scale);
            store(zero.blend(v, keep), y, o, m);
        }
    }

    private static IntVector mix32(IntVector x) {
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
        return x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
    }

    @Override
    public void alsApply(CsrMatrix r, long u, MemorySegment fixed, float[] gram, int d, float alpha, float w0, float reg,
                         float[] x, float[] out, boolean residual) {
        // Dense part, one register block of columns at a time: reg·x + w0·Σ_m x_m G[m, :].
        float sign = residual ? -1f : 1f;
        for (int c = 0; c < d; c += L) {
            VectorMask<Float> mk = S.indexInRange(c, d);
            FloatVector acc = FloatVector.fromArray(S, x, c, mk).mul(reg);
            for (int m = 0, g = c; m < d; m++, g += d) {
                acc = FloatVector.fromArray(S, gram, g, mk).fma(FloatVector.broadcast(S, w0 * x[m]), acc);
            }
            acc.mul(sign).intoArray(out, c, mk);
        }
        // Sparse part: per interaction one dot and one axpy over the fixed row.
        MemorySegment ci = r.colIdxSegment();
        MemorySegment vs = r.valuesSegment();
        long rowBytes = (long) d * Float.BYTES;
        for (long k = r.rowStart(u), e = r.rowEnd(u); k < e; k++) {
            long vo = ci.getAtIndex(INT, k) * rowBytes;
            float conf = 1f + alpha * (vs == null ? 1f : vs.getAtIndex(F, k));
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < d; c += L) {
                VectorMask<Float> mk = S.indexInRange(c, d);
                acc = FloatVector.fromMemorySegment(S, fixed, vo + (long) c * Float.BYTES, LE, mk)
                        .fma(FloatVector.fromArray(S, x, c, mk), acc);
            }
            float dx = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            FloatVector coef = FloatVector.broadcast(S, residual ? conf - (conf - w0) * dx : (conf - w0) * dx);
            for (int c = 0; c < d; c += L) {
                VectorMask<Float> mk = S.indexInRange(c, d);
                FloatVector.fromMemorySegment(S, fixed, vo + (long) c * Float.BYTES, LE, mk)
                        .fma(coef, FloatVector.fromArray(S, out, c, mk)).intoArray(out, c, mk);
            }
        }
    }

    @Override
    public float dot(float[] a, float[] b, int d) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            acc = FloatVector.fromArray(S, a, j, m).fma(FloatVector.fromArray(S, b, j, m), acc);
        }
        return acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int d) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector.fromArray(S, x, j, m).fma(av, FloatVector.fromArray(S, y, j, m)).intoArray(y, j, m);
        }
    }

    @Override
    public void xpby(float[] x, float beta, float[] y, int d) {
        FloatVector bv = FloatVector.broadcast(S, beta);
        for (int j = 0; j < d; j += L) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector.fromArray(S, y, j, m).fma(bv, FloatVector.fromArray(S, x, j, m)).intoArray(y, j, m);
        }
    }
}
