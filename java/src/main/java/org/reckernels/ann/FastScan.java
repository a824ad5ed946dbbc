package org.reckernels.ann;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * CPU "fast-scan" ADC for 4-bit PQ (FAISS PQ4 fast scan, Quick ADC): the 16-entry table of a
 * subspace is quantised to 8 bits and held in one register, so one byte shuffle
 * ({@code ByteVector.selectFrom}: vpermb with AVX-512 VBMI, pshufb below) looks up as many
 * vectors' codes as the register has bytes.
 *
 * <p>Layout: with {@code W} = byte lanes of the preferred species (64 with AVX-512, 32 with AVX2,
 * 16 with SSE/NEON), a list's vectors in blocks of {@code 2W}; per block and subspace s, W bytes
 * where byte b holds the code of vector b in its low nibble and of vector b+W in its high nibble
 * ({@code [block][s][W]}, M·W bytes per block, 0.5 byte per code).
 *
 * <p>Tables: per probed list (L2) the sub-distances of the query's residual less its sub-norms,
 * {@code T[s][j] = ||C_s[j]||^2 - 2 <(q - c)_s, C_s[j]>}, so that the list's coarse distance
 * {@code ||q - c||^2} plus {@code sum_s T[s][code_s]} is {@code ||q - c - r||^2} with no per-vector
 * term; for inner product {@code T[s][j] = -<q_s, C_s[j]>} (one table per query) plus the list's
 * {@code -<q, c>}. Quantisation: {@code Q = round((T - min_s) * a)} with one
 * scale {@code a = 255 / max_s(max_s - min_s)}, so every entry is in [0, 255] and a sum of
 * M ≤ 128 of them fits a signed 16-bit lane. The looked-up bytes are reinterpreted as 16-bit
 * lanes: {@code acc += x} and {@code accHigh += x >>> 8} per subspace, and at the end of the block
 * the even vectors' sums are {@code acc - (accHigh << 8)} (exact modulo 2^16, and the true sum is
 * below 2^15), the odd vectors' are {@code accHigh}. A lane is offered to the heap only when its
 * quantised sum is within the heap's current threshold; the offered distance is the dequantised
 * estimate {@code base + sum_s min_s + sum / a}. Exact re-ranking of the best candidates (the
 * index's {@code rerank}) removes the quantisation error.
 */
final class FastScan {
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> SH = ShortVector.SPECIES_PREFERRED;
    /** Byte lanes of one code register. */
    static final int W = B.length();
    /** Vectors per block: low and high nibbles of one register. */
    static final int BLOCK = 2 * W;
    /** Entries of a 4-bit subspace table. */
    static final int KSUB = 16;
    private static final VectorSpecies<Float> F = VecMath.S;
    private static final int FL = F.length();
    /** Bytes as many as the float lanes, for narrowing a quantised table row; null below 8 lanes (no 32-bit shape). */
    private static final VectorSpecies<Byte> FB = FL >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(FL * 8)) : null;

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
        /** [m][W] quantised tables; entries 0..15 of each row are used, the rest stay 0. */
        final byte[] lutQ;
        final float[] mins;
        /** The four accumulators of one block, when some lane passes the threshold. */
        final short[] sums = new short[2 * W];
        float[] resid;
        /** Offset and scale of the table now in {@link #lutQ}. */
        float sumMin;
        float scale;

        Work(int m) {
            lutF = new float[m * KSUB];
            lutQ = new byte[m * W];
            mins = new float[m];
        }
    }

    static Packed pack(byte[] codes, int n, int m) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        byte[] data = new byte[blocks * m * W];
        for (int i = 0; i < n; i++) {
            int b = i / BLOCK;
            int w = i % BLOCK;
            for (int s = 0; s < m; s++) {
                int o = (b * m + s) * W + (w % W);
                int code = codes[i * m + s] & 0x0F;
                data[o] |= (byte) (w < W ? code : code << 4);
            }
        }
        return new Packed(n, m, data);
    }

    /** The code of row i, subspace s, read back from the packed layout (for tests and references). */
    static int code(Packed p, int i, int s) {
        int b = i / BLOCK;
        int w = i % BLOCK;
        int v = p.data()[(b * p.m() + s) * W + (w % W)] & 0xFF;
        return w < W ? v & 0x0F : v >>> 4;
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
     * coarse distance ({@code ||q - c||^2}, or {@code -<q, c>}); {@code globalLut} the query's M x 16
     * inner-product LUT.
     */
    static void scan(IvfPqIndex index, float[] q, int qo, int[] probeLists, int np, float[] coarse, float[] globalLut,
                     TopKBuffer heap, boolean byLocation, Work w) {
        int m = index.m;
        if (m > 128) {
            throw new IllegalArgumentException("fast scan supports M <= 128 (M=" + m + ")");
        }
        boolean l2 = index.metric == Metric.L2;
        if (!l2) { // one table for every list: only the list's base -<q, c> differs
            quantize(globalLut, m, w);
        }
        for (int i = 0; i < np; i++) {
            int li = probeLists[i];
            IvfPqIndex.InvList list = index.lists[li];
            if (list.size == 0) {
                continue;
            }
            Packed p = packed(index, list);
            if (l2) {
                residualTable(index, q, qo, li, w);
                quantize(w.lutF, m, w);
            }
            scanBlocks(p, w, m, coarse[li] + w.sumMin, list, li, heap, byLocation);
        }
    }

    /**
     * {@code w.lutF[s][j] = ||C_s[j]||^2 - 2 <r_s, C_s[j]>} with r = q - c_li: the residual's
     * sub-distances {@code ||r_s - C_s[j]||^2} less {@code ||r_s||^2}, whose sum over s is the list's
     * coarse distance {@code ||q - c||^2}, which the caller adds as the list's base.
     */
    static void residualTable(IvfPqIndex index, float[] q, int qo, int li, Work w) {
        int d = index.d;
        ProductQuantizer pq = index.pq;
        int dsub = pq.dsub;
        if (w.resid == null || w.resid.length != d) {
            w.resid = new float[d];
        }
        float[] r = w.resid;
        float[] c = index.centroids;
        int co = li * d;
        int t0 = 0;
        for (; t0 + FL <= d; t0 += FL) {
            FloatVector.fromArray(F, q, qo + t0).sub(FloatVector.fromArray(F, c, co + t0)).intoArray(r, t0);
        }
        for (; t0 < d; t0++) {
            r[t0] = q[qo + t0] - c[co + t0];
        }
        float[] cbT = pq.codebooksT; // [m][dsub][16]
        float[] norms = pq.norms;
        float[] out = w.lutF;
        for (int s = 0; s < index.m; s++) {
            for (int j = 0; j < KSUB; j += FL) {
                FloatVector v = FloatVector.fromArray(F, norms, s * KSUB + j);
                for (int t = 0, cb = s * KSUB * dsub + j; t < dsub; t++, cb += KSUB) {
                    v = FloatVector.fromArray(F, cbT, cb).fma(FloatVector.broadcast(F, -2f * r[s * dsub + t]), v);
                }
                v.intoArray(out, s * KSUB + j);
            }
        }
    }

    /**
     * Quantises the float tables {@code t} ([m][16]) into {@code w.lutQ}, setting {@code w.sumMin}
     * (the sum of the per-subspace minima) and {@code w.scale} (a).
     */
    static void quantize(float[] t, int m, Work w) {
        float span = 0f;
        float sumMin = 0f;
        for (int s = 0; s < m; s++) {
            FloatVector mn = FloatVector.fromArray(F, t, s * KSUB);
            FloatVector mx = mn;
            for (int j = FL; j < KSUB; j += FL) {
                FloatVector v = FloatVector.fromArray(F, t, s * KSUB + j);
                mn = mn.min(v);
                mx = mx.max(v);
            }
            float lo = mn.reduceLanes(VectorOperators.MIN);
            w.mins[s] = lo;
            sumMin += lo;
            span = Math.max(span, mx.reduceLanes(VectorOperators.MAX) - lo);
        }
        float a = span > 0f ? 255f / span : 0f;
        byte[] out = w.lutQ;
        for (int s = 0; s < m; s++) {
            float mn = w.mins[s];
            int j = 0;
            if (FB != null) { // round half up (the values are >= 0), clamp, narrow to bytes: FL entries at a time
                for (; j < KSUB; j += FL) {
                    ((IntVector) FloatVector.fromArray(F, t, s * KSUB + j).sub(mn).mul(a).add(0.5f)
                            .convert(VectorOperators.F2I, 0)).min(255).castShape(FB, 0).reinterpretAsBytes()
                            .intoArray(out, s * W + j);
                }
            }
            for (; j < KSUB; j++) {
                int v = (int) ((t[s * KSUB + j] - mn) * a + 0.5f);
                out[s * W + j] = (byte) Math.min(255, v);
            }
        }
        w.sumMin = sumMin;
        w.scale = a;
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

    private static void scanBlocks(Packed p, Work w, int m, float offset, IvfPqIndex.InvList list, int li, TopKBuffer heap,
                                   boolean byLocation) {
        byte[] data = p.data();
        byte[] lutQ = w.lutQ;
        float a = w.scale;
        int n = p.n();
        int blocks = (n + BLOCK - 1) / BLOCK;
        short thrQ = quantThreshold(heap.threshold(), offset, a);
        if (thrQ < 0) {
            return;
        }
        for (int b = 0, o = 0; b < blocks; b++) {
            ShortVector lo = ShortVector.zero(SH); // low nibbles: even vectors' sums mixed with odd ones' << 8
            ShortVector loHigh = lo;               // low nibbles: odd vectors' sums (bytes >>> 8)
            ShortVector hi = lo;                   // high nibbles, likewise
            ShortVector hiHigh = lo;
            for (int s = 0; s < m; s++, o += W) {
                ByteVector codes = ByteVector.fromArray(B, data, o);
                ByteVector lut = ByteVector.fromArray(B, lutQ, s * W);
                // nibble split on 16-bit lanes: x86 has no byte shift
                ByteVector cl = codes.and((byte) 0x0F);
                ByteVector ch = codes.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                        .and((byte) 0x0F);
                ShortVector rl = cl.selectFrom(lut).reinterpretAsShorts();
                ShortVector rh = ch.selectFrom(lut).reinterpretAsShorts();
                lo = lo.add(rl);
                loHigh = loHigh.add(rl.lanewise(VectorOperators.LSHR, 8));
                hi = hi.add(rh);
                hiHigh = hiHigh.add(rh.lanewise(VectorOperators.LSHR, 8));
            }
            ShortVector loEven = lo.sub(loHigh.lanewise(VectorOperators.LSHL, 8));
            ShortVector hiEven = hi.sub(hiHigh.lanewise(VectorOperators.LSHL, 8));
            long b0 = loEven.compare(VectorOperators.LE, thrQ).toLong();
            long b1 = loHigh.compare(VectorOperators.LE, thrQ).toLong();
            long b2 = hiEven.compare(VectorOperators.LE, thrQ).toLong();
            long b3 = hiHigh.compare(VectorOperators.LE, thrQ).toLong();
            int start = b * BLOCK;
            if (start + BLOCK > n) { // the padding rows of the last block hold code 0: never offer them
                b0 &= rowsBelow(n - start);
                b1 &= rowsBelow(n - start - 1);
                b2 &= rowsBelow(n - start - W);
                b3 &= rowsBelow(n - start - W - 1);
            }
            if ((b0 | b1 | b2 | b3) == 0) {
                continue;
            }
            // rare path: the sums go through memory, so no vector is passed to (and boxed for) a call
            short[] sums = w.sums;
            int h = W / 2;
            loEven.intoArray(sums, 0);
            loHigh.intoArray(sums, h);
            hiEven.intoArray(sums, 2 * h);
            hiHigh.intoArray(sums, 3 * h);
            thrQ = offerLanes(sums, 0, b0, start, offset, list, li, heap, byLocation, thrQ, a);
            thrQ = offerLanes(sums, h, b1, start + 1, offset, list, li, heap, byLocation, thrQ, a);
            thrQ = offerLanes(sums, 2 * h, b2, start + W, offset, list, li, heap, byLocation, thrQ, a);
            thrQ = offerLanes(sums, 3 * h, b3, start + W + 1, offset, list, li, heap, byLocation, thrQ, a);
            if (thrQ < 0) {
                return;
            }
        }
    }

    /** Lane bits of the accumulator whose lane i is row {@code first + 2i}, for the rows below n: {@code rest = n - first}. */
    private static long rowsBelow(int rest) {
        int lanes = rest <= 0 ? 0 : (rest + 1) / 2;
        return lanes >= 64 ? -1L : (1L << lanes) - 1;
    }

    /** Offers the lanes set in {@code bits} of the sums at {@code sums[at..]}; lane i is row {@code first + 2i}. */
    private static short offerLanes(short[] sums, int at, long bits, int first, float offset,
                                    IvfPqIndex.InvList list, int li, TopKBuffer heap, boolean byLocation, short thrQ, float a) {
        float inv = a > 0f ? 1f / a : 0f;
        while (bits != 0) {
            int lane = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            int row = first + 2 * lane;
            short sum = sums[at + lane];
            if (sum > thrQ) {
                continue;
            }
            heap.offer(byLocation ? ((long) li << 32) | row : list.ids[row], offset + sum * inv);
            thrQ = quantThreshold(heap.threshold(), offset, a);
        }
        return thrQ;
    }
}
