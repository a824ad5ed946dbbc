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

    /** {@code c[off] = alpha·acc + beta·c[off]} for one vector (beta = 0 ignores c). */
    private static void put(FloatVector acc, MemorySegment c, long off, float alpha, float beta, VectorMask<Float> m) {
        FloatVector r = acc.mul(alpha);
        if (beta != 0f) {
            r = load(c, off, m).fma(FloatVector.broadcast(S, beta), r);
        }
        store(r, c, off, m);
    }

    /** {@code c[off] += acc} for one vector. */
    private static void addTo(FloatVector acc, MemorySegment c, long off, VectorMask<Float> m) {
        store(load(c, off, m).add(acc), c, off, m);
    }

    /**
     * Register tiles of 4 rows x 4 vectors of C (16 accumulators; B's 4 vectors of row p loaded
     * once per tile and reused for the 4 rows), then single rows x 4 vectors; the column tail
     * (n not a multiple of 4 vectors) goes one (masked) vector at a time. One store per element.
     */
    @Override
    public void gemmRows(MemorySegment a, long aRowStride, long aColStride, int k, MemorySegment b, int n, float alpha,
                         float beta, MemorySegment c, long i0, long i1) {
        long rowBytes = (long) n * Float.BYTES;
        int c0 = 0;
        for (; c0 + 4 * L <= n; c0 += 4 * L) {
            long cb = (long) c0 * Float.BYTES;
            long i = i0;
            for (; i + 4 <= i1; i += 4) {
                rows4x4(a, i * aRowStride, aRowStride, aColStride, k, b, rowBytes, cb, alpha, beta, c,
                        i * rowBytes + cb);
            }
            for (; i < i1; i++) {
                rows1x4(a, i * aRowStride, aColStride, k, b, rowBytes, cb, alpha, beta, c, i * rowBytes + cb);
            }
        }
        for (; c0 < n; c0 += L) {
            VectorMask<Float> m = tailMask(c0, n);
            long cb = (long) c0 * Float.BYTES;
            for (long i = i0; i < i1; i++) {
                long aBase = i * aRowStride;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, aBase + p * aColStride));
                    acc = load(b, p * rowBytes + cb, m).fma(x, acc);
                }
                put(acc, c, i * rowBytes + cb, alpha, beta, m);
            }
        }
    }

    private static void rows4x4(MemorySegment a, long aBase, long ars, long acs, int k, MemorySegment b, long rowBytes,
                                long cb, float alpha, float beta, MemorySegment c, long co) {
        final long vb = (long) L * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        long a0 = aBase;
        long a1 = aBase + ars;
        long a2 = a1 + ars;
        long a3 = a2 + ars;
        for (int p = 0; p < k; p++) {
            long bo = p * rowBytes + cb;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + vb, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bo + 2 * vb, LE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bo + 3 * vb, LE);
            long po = p * acs;
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, a0 + po));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a.getAtIndex(F, a1 + po));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a.getAtIndex(F, a2 + po));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a.getAtIndex(F, a3 + po));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        long o = co;
        put(c00, c, o, alpha, beta, null);
        put(c01, c, o + vb, alpha, beta, null);
        put(c02, c, o + 2 * vb, alpha, beta, null);
        put(c03, c, o + 3 * vb, alpha, beta, null);
        o += rowBytes;
        put(c10, c, o, alpha, beta, null);
        put(c11, c, o + vb, alpha, beta, null);
        put(c12, c, o + 2 * vb, alpha, beta, null);
        put(c13, c, o + 3 * vb, alpha, beta, null);
        o += rowBytes;
        put(c20, c, o, alpha, beta, null);
        put(c21, c, o + vb, alpha, beta, null);
        put(c22, c, o + 2 * vb, alpha, beta, null);
        put(c23, c, o + 3 * vb, alpha, beta, null);
        o += rowBytes;
        put(c30, c, o, alpha, beta, null);
        put(c31, c, o + vb, alpha, beta, null);
        put(c32, c, o + 2 * vb, alpha, beta, null);
        put(c33, c, o + 3 * vb, alpha, beta, null);
    }

    private static void rows1x4(MemorySegment a, long aBase, long acs, int k, MemorySegment b, long rowBytes, long cb,
                                float alpha, float beta, MemorySegment c, long co) {
        final long vb = (long) L * Float.BYTES;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < k; p++) {
            long bo = p * rowBytes + cb;
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, aBase + p * acs));
            c0 = FloatVector.fromMemorySegment(S, b, bo, LE).fma(x, c0);
            c1 = FloatVector.fromMemorySegment(S, b, bo + vb, LE).fma(x, c1);
            c2 = FloatVector.fromMemorySegment(S, b, bo + 2 * vb, LE).fma(x, c2);
            c3 = FloatVector.fromMemorySegment(S, b, bo + 3 * vb, LE).fma(x, c3);
        }
        put(c0, c, co, alpha, beta, null);
        put(c1, c, co + vb, alpha, beta, null);
        put(c2, c, co + 2 * vb, alpha, beta, null);
        put(c3, c, co + 3 * vb, alpha, beta, null);
    }

    /**
     * Tiles of 4 rows (i) x 4 vectors (j) of the m x n output in 16 accumulators, streaming
     * p0..p1 once per tile (the caller keeps p1 − p0 small enough for A and B rows to stay in L2);
     * then single rows; the column tail one (masked) vector at a time.
     */
    @Override
    public void gemmTransAAcc(MemorySegment a, int m, MemorySegment b, int n, long p0, long p1, MemorySegment c,
                              long cBase) {
        final long vb = (long) L * Float.BYTES;
        long rowBytes = (long) n * Float.BYTES;
        long cOff = cBase * Float.BYTES;
        int j0 = 0;
        for (; j0 + 4 * L <= n; j0 += 4 * L) {
            long jb = (long) j0 * Float.BYTES;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
                FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
                FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                for (long p = p0; p < p1; p++) {
                    long bo = p * rowBytes + jb;
                    FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
                    FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + vb, LE);
                    FloatVector b2 = FloatVector.fromMemorySegment(S, b, bo + 2 * vb, LE);
                    FloatVector b3 = FloatVector.fromMemorySegment(S, b, bo + 3 * vb, LE);
                    long ao = p * m + i;
                    FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, ao));
                    c00 = b0.fma(x, c00);
                    c01 = b1.fma(x, c01);
                    c02 = b2.fma(x, c02);
                    c03 = b3.fma(x, c03);
                    x = FloatVector.broadcast(S, a.getAtIndex(F, ao + 1));
                    c10 = b0.fma(x, c10);
                    c11 = b1.fma(x, c11);
                    c12 = b2.fma(x, c12);
                    c13 = b3.fma(x, c13);
                    x = FloatVector.broadcast(S, a.getAtIndex(F, ao + 2));
                    c20 = b0.fma(x, c20);
                    c21 = b1.fma(x, c21);
                    c22 = b2.fma(x, c22);
                    c23 = b3.fma(x, c23);
                    x = FloatVector.broadcast(S, a.getAtIndex(F, ao + 3));
                    c30 = b0.fma(x, c30);
                    c31 = b1.fma(x, c31);
                    c32 = b2.fma(x, c32);
                    c33 = b3.fma(x, c33);
                }
                long o = cOff + i * rowBytes + jb;
                addTo(c00, c, o, null);
                addTo(c01, c, o + vb, null);
                addTo(c02, c, o + 2 * vb, null);
                addTo(c03, c, o + 3 * vb, null);
                o += rowBytes;
                addTo(c10, c, o, null);
                addTo(c11, c, o + vb, null);
                addTo(c12, c, o + 2 * vb, null);
                addTo(c13, c, o + 3 * vb, null);
                o += rowBytes;
                addTo(c20, c, o, null);
                addTo(c21, c, o + vb, null);
                addTo(c22, c, o + 2 * vb, null);
                addTo(c23, c, o + 3 * vb, null);
                o += rowBytes;
                addTo(c30, c, o, null);
                addTo(c31, c, o + vb, null);
                addTo(c32, c, o + 2 * vb, null);
                addTo(c33, c, o + 3 * vb, null);
            }
            for (; i < m; i++) {
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (long p = p0; p < p1; p++) {
                    long bo = p * rowBytes + jb;
                    FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, p * m + i));
                    c0 = FloatVector.fromMemorySegment(S, b, bo, LE).fma(x, c0);
                    c1 = FloatVector.fromMemorySegment(S, b, bo + vb, LE).fma(x, c1);
                    c2 = FloatVector.fromMemorySegment(S, b, bo + 2 * vb, LE).fma(x, c2);
                    c3 = FloatVector.fromMemorySegment(S, b, bo + 3 * vb, LE).fma(x, c3);
                }
                long o = cOff + i * rowBytes + jb;
                addTo(c0, c, o, null);
                addTo(c1, c, o + vb, null);
                addTo(c2, c, o + 2 * vb, null);
                addTo(c3, c, o + 3 * vb, null);
            }
        }
        for (; j0 < n; j0 += L) {
            VectorMask<Float> msk = tailMask(j0, n);
            long jb = (long) j0 * Float.BYTES;
            for (int i = 0; i < m; i++) {
                FloatVector acc = FloatVector.zero(S);
                for (long p = p0; p < p1; p++) {
                    FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, p * m + i));
                    acc = load(b, p * rowBytes + jb, msk).fma(x, acc);
                }
                addTo(acc, c, cOff + i * rowBytes + jb, msk);
            }
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
        return LaneSum.sum(acc);
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
            float dx = LaneSum.sum(acc);
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
        return LaneSum.sum(acc);
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
