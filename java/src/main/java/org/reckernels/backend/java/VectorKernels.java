package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.reckernels.tensor.CsrMatrix;

/**
 * Vector API kernels. SpMM keeps a block of four accumulator vectors in registers per output
 * row and streams the row's non-zeros through it, so each X row slice is loaded once per block
 * and Y is written once; the column tail uses a masked vector.
 */
final class VectorKernels implements HostKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    @Override
    public String describe() {
        return "vector(" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public void spmmRows(CsrMatrix a, MemorySegment x, MemorySegment y, int d, long r0, long r1) {
        MemorySegment rp = a.rowPtrSegment();
        MemorySegment ci = a.colIdxSegment();
        MemorySegment vs = a.valuesSegment();
        long rowBytes = (long) d * Float.BYTES;
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
                a0.intoMemorySegment(y, yo + cb, LE);
                a1.intoMemorySegment(y, yo + cb + (long) L * 4, LE);
                a2.intoMemorySegment(y, yo + cb + (long) L * 8, LE);
                a3.intoMemorySegment(y, yo + cb + (long) L * 12, LE);
            }
            for (; c < d; c += L) {
                VectorMask<Float> m = S.indexInRange(c, d);
                FloatVector acc = FloatVector.zero(S);
                long cb = (long) c * Float.BYTES;
                for (long k = s; k < e; k++) {
                    long xo = ci.getAtIndex(INT, k) * rowBytes + cb;
                    FloatVector v = FloatVector.broadcast(S, vs == null ? 1f : vs.getAtIndex(F, k));
                    acc = FloatVector.fromMemorySegment(S, x, xo, LE, m).fma(v, acc);
                }
                acc.intoMemorySegment(y, yo + cb, LE, m);
            }
        }
    }

    @Override
    public void gemvRow(MemorySegment a, long aBase, long aStride, int k, MemorySegment b, int n, float alpha, float beta,
                        MemorySegment y, long yBase) {
        long rowBytes = (long) n * Float.BYTES;
        long yo = yBase * Float.BYTES;
        for (int c = 0; c < n; c += L) {
            VectorMask<Float> m = S.indexInRange(c, n);
            long cb = (long) c * Float.BYTES;
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                FloatVector av = FloatVector.broadcast(S, a.getAtIndex(F, aBase + p * aStride));
                acc = FloatVector.fromMemorySegment(S, b, p * rowBytes + cb, LE, m).fma(av, acc);
            }
            acc = acc.mul(alpha);
            if (beta != 0f) {
                acc = FloatVector.fromMemorySegment(S, y, yo + cb, LE, m).fma(FloatVector.broadcast(S, beta), acc);
            }
            acc.intoMemorySegment(y, yo + cb, LE, m);
        }
    }
}
