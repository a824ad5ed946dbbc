package org.reckernels.ann;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * CPU "fast-scan" ADC for 4-bit PQ (FAISS PQ4 fast scan, Quick ADC): the 16-entry table of a
 * subspace is quantised to 8 bits and fits one 128-bit register, so one byte shuffle
 * ({@code ByteVector.selectFrom}, pshufb) looks up 16 vectors' codes at once.
 *
 * <p>Layout: a list's vectors in blocks of 32; per block and subspace s, 16 bytes where byte b
 * holds the code of vector b in its low nibble and of vector b+16 in its high nibble
 * ({@code [block][s][16]}, M·16 bytes per block, 0.5 byte per code).
 *
 * <p>Tables: per probed list (L2) the exact sub-distances of the query's residual,
 * {@code T[s][j] = ||(q - c)_s - C_s[j]||^2}, so {@code sum_s T[s][code_s] = ||q - c - r||^2}
 * with no per-vector term; for inner product {@code T[s][j] = -<q_s, C_s[j]>} plus the list's
 * {@code -<q, c>}. Quantisation: {@code Q = round((T - min_s) * a)} with one scale
 * {@code a = 255 / max_s(max_s - min_s)}, so every entry is in [0, 255] and a sum of M ≤ 128 of
 * them fits a signed 16-bit lane. The shuffled bytes are reinterpreted as 16-bit lanes and split
 * into even/odd bytes (and, shift), giving four 8-lane accumulators per block of 32. A lane is
 * offered to the heap only when its quantised sum is within the heap's current threshold; the
 * offered distance is the dequantised estimate {@code base + sum_s min_s + sum / a}. Exact
 * re-ranking of the best candidates (the index's {@code rerank}) removes the quantisation error.
 */
final class FastScan {
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> SH = ShortVector.SPECIES_128;
    static final int BLOCK = 32;

    private FastScan() {
    }

    /** A list's codes in the fast-scan layout. */
    record Packed(int n, int m, byte[] data) {
        long bytes() {
            return data.length;
        }
    }

    /** Per-thread buffers. */
    static final class Work {
        final float[] lutF;
        final byte[] lutQ;
        final float[] mins;
        float[] resid;

        Work(int m) {
            lutF = new float[m * 16];
            lutQ = new byte[m * 16];
            mins = new float[m];
        }
    }

    static Packed pack(byte[] codes, int n, int m) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        byte[] data = new byte[blocks * m * 16];
        for (int i = 0; i < n; i++) {
            int b = i / BLOCK;
            int w = i % BLOCK;
            for (int s = 0; s < m; s++) {
                int o = (b * m + s) * 16 + (w & 15);
                int code = codes[i * m + s] & 0x0F;
                data[o] |= (byte) (w < 16 ? code : code << 4);
            }
        }
        return new Packed(n, m, data);
    }

    static Packed packed(IvfPqIndex index, IvfPqIndex.InvList l) {
        Packed p = l.packed;
        if (p == null || p.n() != l.size) {
            p = pack(l.codes, l.size, index.m);
            l.packed = p;
        }
        return p;
    }

    /**
     * Scans the probed lists for the query {@code q[qo..qo+d)} into {@code heap} (user ids, or
     * {@code list<<32 | row} locations when {@code byLocation}). {@code coarse[li]} is the list's
     * coarse term (used for inner product); {@code globalLut} the query's M x 16 inner-product LUT.
     */
    static void scan(IvfPqIndex index, float[] q, int qo, int[] probeLists, float[] coarse, float[] globalLut,
                     TopK heap, boolean byLocation, Work w) {
        int m = index.m;
        int d = index.d;
        ProductQuantizer pq = index.pq;
        if (m > 128) {
            throw new IllegalArgumentException("fast scan supports M <= 128 (M=" + m + ")");
        }
        boolean l2 = index.metric == Metric.L2;
        if (w.resid == null || w.resid.length != d) {
            w.resid = new float[d];
        }
        float[] lutF = w.lutF;
        for (int li : probeLists) {
            IvfPqIndex.InvList list = index.lists[li];
            if (list.size == 0) {
                continue;
            }
            Packed p = packed(index, list);
            float base;
            if (l2) { // T[s][j] = ||r_q,s||^2 - 2 <r_q,s, C_s[j]> + ||C_s[j]||^2 with r_q = q - c
                float[] r = w.resid;
                int co = li * d;
                for (int t = 0; t < d; t++) {
                    r[t] = q[qo + t] - index.centroids[co + t];
                }
                pq.lut(r, 0, -2f, lutF);
                int dsub = pq.dsub;
                for (int s = 0; s < m; s++) {
                    float rn = VecMath.dot(r, s * dsub, r, s * dsub, dsub);
                    for (int j = 0; j < 16; j++) {
                        lutF[s * 16 + j] += rn + pq.norms[s * 16 + j];
                    }
                }
                base = 0f;
            } else {
                System.arraycopy(globalLut, 0, lutF, 0, m * 16);
                base = coarse[li];
            }
            // quantise: Q = round((T - min_s) * a), a = 255 / max_s span_s
            float span = 0f;
            float sumMin = 0f;
            for (int s = 0; s < m; s++) {
                float mn = Float.POSITIVE_INFINITY;
                float mx = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < 16; j++) {
                    float v = lutF[s * 16 + j];
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                }
                w.mins[s] = mn;
                sumMin += mn;
                span = Math.max(span, mx - mn);
            }
            float a = span > 0f ? 255f / span : 0f;
            for (int s = 0; s < m; s++) {
                float mn = w.mins[s];
                for (int j = 0; j < 16; j++) {
                    int v = Math.round((lutF[s * 16 + j] - mn) * a);
                    w.lutQ[s * 16 + j] = (byte) Math.min(255, Math.max(0, v));
                }
            }
            float offset = base + sumMin;
            float inv = a > 0f ? 1f / a : 0f;
            scanBlocks(p, w.lutQ, m, offset, a, inv, list, li, heap, byLocation);
        }
    }

    private static short quantThreshold(float thr, float offset, float a) {
        if (thr == Float.POSITIVE_INFINITY) {
            return Short.MAX_VALUE;
        }
        float t = (thr - offset) * a;
        if (!(t >= 0f)) {
            return -1;
        }
        return t >= Short.MAX_VALUE ? Short.MAX_VALUE : (short) t; // floor: sum <= t  <=>  sum <= floor(t)
    }

    private static void scanBlocks(Packed p, byte[] lutQ, int m, float offset, float a, float inv,
                                   IvfPqIndex.InvList list, int li, TopK heap, boolean byLocation) {
        byte[] data = p.data();
        int n = p.n();
        int blocks = (n + BLOCK - 1) / BLOCK;
        short thrQ = quantThreshold(heap.threshold(), offset, a);
        if (thrQ < 0) {
            return;
        }
        ShortVector lowByte = ShortVector.broadcast(SH, (short) 0xFF);
        for (int b = 0; b < blocks; b++) {
            ShortVector a0 = ShortVector.zero(SH); // vectors 0,2,..,14
            ShortVector a1 = ShortVector.zero(SH); // vectors 1,3,..,15
            ShortVector a2 = ShortVector.zero(SH); // vectors 16,18,..,30
            ShortVector a3 = ShortVector.zero(SH); // vectors 17,19,..,31
            int o = b * m * 16;
            for (int s = 0; s < m; s++, o += 16) {
                ByteVector codes = ByteVector.fromArray(B, data, o);
                ByteVector lut = ByteVector.fromArray(B, lutQ, s * 16);
                ByteVector lo = codes.and((byte) 0x0F);
                ByteVector hi = codes.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
                ShortVector rl = lo.selectFrom(lut).reinterpretAsShorts();
                ShortVector rh = hi.selectFrom(lut).reinterpretAsShorts();
                a0 = a0.add(rl.and(lowByte));
                a1 = a1.add(rl.lanewise(VectorOperators.LSHR, 8));
                a2 = a2.add(rh.and(lowByte));
                a3 = a3.add(rh.lanewise(VectorOperators.LSHR, 8));
            }
            int start = b * BLOCK;
            VectorMask<Short> m0 = a0.compare(VectorOperators.LE, thrQ);
            VectorMask<Short> m1 = a1.compare(VectorOperators.LE, thrQ);
            VectorMask<Short> m2 = a2.compare(VectorOperators.LE, thrQ);
            VectorMask<Short> m3 = a3.compare(VectorOperators.LE, thrQ);
            if (!(m0.anyTrue() || m1.anyTrue() || m2.anyTrue() || m3.anyTrue())) {
                continue;
            }
            thrQ = offerLanes(a0, m0.toLong(), start, 0, n, offset, inv, a, list, li, heap, byLocation, thrQ);
            thrQ = offerLanes(a1, m1.toLong(), start, 1, n, offset, inv, a, list, li, heap, byLocation, thrQ);
            thrQ = offerLanes(a2, m2.toLong(), start, 16, n, offset, inv, a, list, li, heap, byLocation, thrQ);
            thrQ = offerLanes(a3, m3.toLong(), start, 17, n, offset, inv, a, list, li, heap, byLocation, thrQ);
            if (thrQ < 0) {
                return;
            }
        }
    }

    private static short offerLanes(ShortVector acc, long bits, int start, int first, int n, float offset, float inv,
                                    float a, IvfPqIndex.InvList list, int li, TopK heap, boolean byLocation, short thrQ) {
        while (bits != 0) {
            int lane = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            int row = start + first + 2 * lane;
            if (row >= n) {
                continue;
            }
            short sum = acc.lane(lane);
            if (sum > thrQ) {
                continue;
            }
            float est = offset + sum * inv;
            heap.offer(byLocation ? ((long) li << 32) | row : list.ids[row], est);
            thrQ = quantThreshold(heap.threshold(), offset, a);
        }
        return thrQ;
    }
}
