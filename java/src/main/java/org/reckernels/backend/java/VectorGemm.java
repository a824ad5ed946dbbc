package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.reckernels.tensor.HostMatrix;

/**
 * The Java backend's dense GEMM with the Vector API, {@code C = alpha·op(A)·op(B) + beta·C}:
 * <pre>
 *   op(A): (m x k), op(B): (k x n), C: (m x n), all float32 row-major; op = identity or transpose
 * </pre>
 * Blocked for the cache the way BLIS blocks (without packing A):
 * <ul>
 *   <li>op(B) is read in place when it is B itself and n is a whole number of vectors; otherwise (Bᵀ, or a
 *       column tail) it is first copied once into a scratch k x n' matrix, n' = n rounded up to a vector, the
 *       extra columns zero — so the inner loops never need a masked load (masked MemorySegment loads are not
 *       intrinsified on JDK 25);</li>
 *   <li>the rows of C are split into tasks (threads); inside a task, blocks of {@link #KC} rows p of op(B), by
 *       blocks of {@link #MC} rows of C (their A block stays in L2), by panels of four (or a last five) vectors of
 *       columns (a {@code KC x 4L} panel, 128 KiB at L = 16), by tiles of rows;</li>
 *   <li>the micro-kernels hold a tile of C in registers: 6 rows x 4 vectors (24 accumulators of the 32 AVX-512
 *       registers; measured 10-20% faster than 4 x 4 on the DeepFM shapes), and for the last panel of n 4 rows x 5,
 *       3 or 2 vectors or 8 rows x 1 vector, so that at least eight FMA chains are in flight; a row tail re-uses the
 *       tile with its missing rows aliased to the last row, whose results are not stored;</li>
 *   <li>n = 1 (a layer with one output) is a matrix-vector product: dot products of A's rows, or, for Aᵀ, a sum of
 *       scaled rows of A.</li>
 * </ul>
 * Every element of C is computed by one task in the same order (p ascending, in blocks of {@link #KC}) whatever
 * the thread count, so results do not depend on it. The packing scratch is kept between calls (no allocation per
 * call at a steady shape).
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final long VB = (long) L * Float.BYTES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Rows p of op(B) per block: a KC x 4L panel of B (128 KiB at L = 16) stays in L2 while the row tiles pass (measured on the DeepFM shapes: 512 beat 128, 256 and 1024). */
    static final int KC = 512;
    /**
     * Rows of C per block inside a task: a 96 x KC block of A (192 KiB) stays in L2 while every panel of B passes
     * over it (the GEMM alone at 4096 x 624 x 400 on one core: 140-146 GFLOP/s against 118 with the task's rows
     * unblocked; in the whole DeepFM step the difference is within the run-to-run noise of a shared machine;
     * 48-72 about as good, 192 and up no better than none). A multiple of the 6-, 4- and 8-row tiles.
     */
    static final int MC = 96;
    /** Below this many multiply-adds a GEMM runs on the calling thread alone. */
    private static final long SERIAL_WORK = 1L << 16;
    /** Rows of C per task at least (a few tiles, so a task amortises its fork). */
    private static final int MIN_TASK_ROWS = 32;

    private final Parallel parallel;
    private final AtomicReference<HostMatrix> scratch = new AtomicReference<>();

    VectorGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * What a GEMM applies to each finished tile of C while the tile is still in L1 (a dense layer's epilogue, in one
     * pass over memory with the product):
     * <pre>
     *   bias != null:  C = leaky(C + bias)              bias: n floats, added to every row
     *   mask != null:  C = mask > 0 ? C : slope·C       mask: m x n, C's layout (ReLU backward through y = mask)
     * </pre>
     * leaky(v) = v > 0 ? v : slope·v (slope 0: ReLU, 1: identity). Each element is rounded as the separate ops
     * (addBiasLeakyRelu, leakyReluBackward) round it, so the fused result equals theirs bit for bit.
     */
    record Epilogue(MemorySegment bias, MemorySegment mask, float slope) {
    }

    /** {@code C = alpha·op(A)·op(B) + beta·C} for checked shapes (m, n, k); beta = 0 ignores C (NaN included). */
    void gemm(boolean transA, boolean transB, float alpha, HostMatrix a, HostMatrix b, float beta, HostMatrix c,
              int m, int n, int k) {
        gemm(transA, transB, alpha, a, b, beta, c, m, n, k, null);
    }

    /** As {@link #gemm(boolean, boolean, float, HostMatrix, HostMatrix, float, HostMatrix, int, int, int)}, then the epilogue (null: none). */
    void gemm(boolean transA, boolean transB, float alpha, HostMatrix a, HostMatrix b, float beta, HostMatrix c,
              int m, int n, int k, Epilogue epilogue) {
        if (m == 0 || n == 0) {
            return;
        }
        MemorySegment cs = c.segment();
        if (k == 0) {
            scale(cs, (long) m * n, beta);
            if (epilogue != null) {
                finish(epilogue, cs, 0, m, 0, n, n);
            }
            return;
        }
        long aRowStride = transA ? 1 : k;   // element (i, p) of op(A) at i·aRowStride + p·aColStride
        long aColStride = transA ? m : 1;
        MemorySegment as = a.segment();
        long work = (long) m * n * k;
        if (n == 1) {
            gemv(as, transA, m, k, b.segment(), alpha, beta, cs, work);
            if (epilogue != null) {
                finish(epilogue, cs, 0, m, 0, 1, 1);
            }
            return;
        }
        boolean pack = transB || n % L != 0;
        HostMatrix packed = null;
        try {
            MemorySegment bs;
            int ldb;
            if (pack) {
                ldb = (n + L - 1) / L * L;
                packed = take((long) k * ldb);
                packB(b.segment(), transB, k, n, ldb, packed.segment());
                bs = packed.segment();
            } else {
                ldb = n;
                bs = b.segment();
            }
            int tasks = work < SERIAL_WORK ? 1 : Math.max(1, Math.min(parallel.threads() * 8, m / MIN_TASK_ROWS));
            final MemorySegment bseg = bs;
            final int ld = ldb;
            parallel.forEach(tasks, t -> {
                int i0 = (int) ((long) m * t / tasks);
                int i1 = (int) ((long) m * (t + 1) / tasks);
                rows(as, aRowStride, aColStride, k, bseg, ld, n, alpha, beta, cs, i0, i1, epilogue);
            });
        } finally {
            if (packed != null) {
                give(packed);
            }
        }
    }

    /** Rows [i0, i1) of C, blocked over p and over panels of columns. */
    private static void rows(MemorySegment a, long ars, long acs, int k, MemorySegment b, int ldb, int n, float alpha,
                             float beta, MemorySegment c, int i0, int i1, Epilogue epilogue) {
        int vecs = ldb / L;
        for (int pc = 0; pc < k; pc += KC) {
            int pe = Math.min(k, pc + KC);
            boolean first = pc == 0;
            for (int ib = i0; ib < i1; ib += MC) {
                int ie = Math.min(i1, ib + MC);
                for (int v0 = 0; v0 < vecs; ) {
                    int w = panelWidth(vecs - v0);
                    int j0 = v0 * L;
                    v0 += w;
                    int mr = w == 1 ? 8 : w == 4 ? 6 : 4;
                    for (int i = ib; i < ie; i += mr) {
                        int valid = Math.min(mr, ie - i);
                        switch (w) {
                            case 5 -> tile4x5(a, ars, acs, i, valid, pc, pe, b, ldb, j0, n, alpha, beta, first, c);
                            case 4 -> tile6x4(a, ars, acs, i, valid, pc, pe, b, ldb, j0, n, alpha, beta, first, c);
                            case 3 -> tile4x3(a, ars, acs, i, valid, pc, pe, b, ldb, j0, n, alpha, beta, first, c);
                            case 2 -> tile4x2(a, ars, acs, i, valid, pc, pe, b, ldb, j0, n, alpha, beta, first, c);
                            default -> tile8x1(a, ars, acs, i, valid, pc, pe, b, ldb, j0, n, alpha, beta, first, c);
                        }
                        if (epilogue != null && pe == k) { // the tile is final and still in L1
                            finish(epilogue, c, i, valid, j0, Math.min(n, j0 + w * L), n);
                        }
                    }
                }
            }
        }
    }

    /**
     * Vectors in the next panel of columns when {@code left} remain: 4, except that a last 5 goes as one panel
     * (4 rows x 5 vectors) rather than 4 + a 1-vector panel (8 rows x 1, one B load per 8 broadcasts: slow).
     */
    static int panelWidth(int left) {
        return left == 5 ? 5 : Math.min(4, left);
    }

    /** Element offset of row {@code i + r} of op(A), or of the tile's last valid row when r is past it. */
    private static long rowBase(int i, int r, int valid, long ars) {
        return (long) (i + Math.min(r, valid - 1)) * ars;
    }

    private static void tile6x4(MemorySegment a, long ars, long acs, int i, int valid, int pc, int pe, MemorySegment b,
                                int ldb, int j0, int n, float alpha, float beta, boolean first, MemorySegment c) {
        long r0 = rowBase(i, 0, valid, ars);
        long r1 = rowBase(i, 1, valid, ars);
        long r2 = rowBase(i, 2, valid, ars);
        long r3 = rowBase(i, 3, valid, ars);
        long r4 = rowBase(i, 4, valid, ars);
        long r5 = rowBase(i, 5, valid, ars);
        long ldbBytes = (long) ldb * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        long bo = pc * ldbBytes + (long) j0 * Float.BYTES;
        for (int p = pc; p < pe; p++, bo += ldbBytes) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + VB, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bo + 2 * VB, LE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bo + 3 * VB, LE);
            long po = p * acs;
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, r0 + po));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r1 + po));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r2 + po));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r3 + po));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r4 + po));
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            c42 = b2.fma(x, c42);
            c43 = b3.fma(x, c43);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r5 + po));
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            c52 = b2.fma(x, c52);
            c53 = b3.fma(x, c53);
        }
        long row = (long) i * n + j0;
        int cols = n - j0;
        put(c00, c, row, 0, cols, alpha, beta, first);
        put(c01, c, row, L, cols, alpha, beta, first);
        put(c02, c, row, 2 * L, cols, alpha, beta, first);
        put(c03, c, row, 3 * L, cols, alpha, beta, first);
        if (valid > 1) {
            put(c10, c, row + 1L * n, 0, cols, alpha, beta, first);
            put(c11, c, row + 1L * n, L, cols, alpha, beta, first);
            put(c12, c, row + 1L * n, 2 * L, cols, alpha, beta, first);
            put(c13, c, row + 1L * n, 3 * L, cols, alpha, beta, first);
        }
        if (valid > 2) {
            put(c20, c, row + 2L * n, 0, cols, alpha, beta, first);
            put(c21, c, row + 2L * n, L, cols, alpha, beta, first);
            put(c22, c, row + 2L * n, 2 * L, cols, alpha, beta, first);
            put(c23, c, row + 2L * n, 3 * L, cols, alpha, beta, first);
        }
        if (valid > 3) {
            put(c30, c, row + 3L * n, 0, cols, alpha, beta, first);
            put(c31, c, row + 3L * n, L, cols, alpha, beta, first);
            put(c32, c, row + 3L * n, 2 * L, cols, alpha, beta, first);
            put(c33, c, row + 3L * n, 3 * L, cols, alpha, beta, first);
        }
        if (valid > 4) {
            put(c40, c, row + 4L * n, 0, cols, alpha, beta, first);
            put(c41, c, row + 4L * n, L, cols, alpha, beta, first);
            put(c42, c, row + 4L * n, 2 * L, cols, alpha, beta, first);
            put(c43, c, row + 4L * n, 3 * L, cols, alpha, beta, first);
        }
        if (valid > 5) {
            put(c50, c, row + 5L * n, 0, cols, alpha, beta, first);
            put(c51, c, row + 5L * n, L, cols, alpha, beta, first);
            put(c52, c, row + 5L * n, 2 * L, cols, alpha, beta, first);
            put(c53, c, row + 5L * n, 3 * L, cols, alpha, beta, first);
        }
    }

    private static void tile4x5(MemorySegment a, long ars, long acs, int i, int valid, int pc, int pe, MemorySegment b,
                                int ldb, int j0, int n, float alpha, float beta, boolean first, MemorySegment c) {
        long r0 = rowBase(i, 0, valid, ars);
        long r1 = rowBase(i, 1, valid, ars);
        long r2 = rowBase(i, 2, valid, ars);
        long r3 = rowBase(i, 3, valid, ars);
        long ldbBytes = (long) ldb * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c04 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00, c14 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c24 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00, c34 = c00;
        long bo = pc * ldbBytes + (long) j0 * Float.BYTES;
        for (int p = pc; p < pe; p++, bo += ldbBytes) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + VB, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bo + 2 * VB, LE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bo + 3 * VB, LE);
            FloatVector b4 = FloatVector.fromMemorySegment(S, b, bo + 4 * VB, LE);
            long po = p * acs;
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, r0 + po));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            c04 = b4.fma(x, c04);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r1 + po));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            c14 = b4.fma(x, c14);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r2 + po));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            c24 = b4.fma(x, c24);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r3 + po));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
            c34 = b4.fma(x, c34);
        }
        long row = (long) i * n + j0;
        int cols = n - j0;
        put(c00, c, row, 0, cols, alpha, beta, first);
        put(c01, c, row, L, cols, alpha, beta, first);
        put(c02, c, row, 2 * L, cols, alpha, beta, first);
        put(c03, c, row, 3 * L, cols, alpha, beta, first);
        put(c04, c, row, 4 * L, cols, alpha, beta, first);
        if (valid > 1) {
            put(c10, c, row + 1L * n, 0, cols, alpha, beta, first);
            put(c11, c, row + 1L * n, L, cols, alpha, beta, first);
            put(c12, c, row + 1L * n, 2 * L, cols, alpha, beta, first);
            put(c13, c, row + 1L * n, 3 * L, cols, alpha, beta, first);
            put(c14, c, row + 1L * n, 4 * L, cols, alpha, beta, first);
        }
        if (valid > 2) {
            put(c20, c, row + 2L * n, 0, cols, alpha, beta, first);
            put(c21, c, row + 2L * n, L, cols, alpha, beta, first);
            put(c22, c, row + 2L * n, 2 * L, cols, alpha, beta, first);
            put(c23, c, row + 2L * n, 3 * L, cols, alpha, beta, first);
            put(c24, c, row + 2L * n, 4 * L, cols, alpha, beta, first);
        }
        if (valid > 3) {
            put(c30, c, row + 3L * n, 0, cols, alpha, beta, first);
            put(c31, c, row + 3L * n, L, cols, alpha, beta, first);
            put(c32, c, row + 3L * n, 2 * L, cols, alpha, beta, first);
            put(c33, c, row + 3L * n, 3 * L, cols, alpha, beta, first);
            put(c34, c, row + 3L * n, 4 * L, cols, alpha, beta, first);
        }
    }

    private static void tile4x3(MemorySegment a, long ars, long acs, int i, int valid, int pc, int pe, MemorySegment b,
                                int ldb, int j0, int n, float alpha, float beta, boolean first, MemorySegment c) {
        long r0 = rowBase(i, 0, valid, ars);
        long r1 = rowBase(i, 1, valid, ars);
        long r2 = rowBase(i, 2, valid, ars);
        long r3 = rowBase(i, 3, valid, ars);
        long ldbBytes = (long) ldb * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        long bo = pc * ldbBytes + (long) j0 * Float.BYTES;
        for (int p = pc; p < pe; p++, bo += ldbBytes) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + VB, LE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bo + 2 * VB, LE);
            long po = p * acs;
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, r0 + po));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r1 + po));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r2 + po));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r3 + po));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
        }
        long row = (long) i * n + j0;
        int cols = n - j0;
        put(c00, c, row, 0, cols, alpha, beta, first);
        put(c01, c, row, L, cols, alpha, beta, first);
        put(c02, c, row, 2 * L, cols, alpha, beta, first);
        if (valid > 1) {
            row += n;
            put(c10, c, row, 0, cols, alpha, beta, first);
            put(c11, c, row, L, cols, alpha, beta, first);
            put(c12, c, row, 2 * L, cols, alpha, beta, first);
        }
        if (valid > 2) {
            row += n;
            put(c20, c, row, 0, cols, alpha, beta, first);
            put(c21, c, row, L, cols, alpha, beta, first);
            put(c22, c, row, 2 * L, cols, alpha, beta, first);
        }
        if (valid > 3) {
            row += n;
            put(c30, c, row, 0, cols, alpha, beta, first);
            put(c31, c, row, L, cols, alpha, beta, first);
            put(c32, c, row, 2 * L, cols, alpha, beta, first);
        }
    }

    private static void tile4x2(MemorySegment a, long ars, long acs, int i, int valid, int pc, int pe, MemorySegment b,
                                int ldb, int j0, int n, float alpha, float beta, boolean first, MemorySegment c) {
        long r0 = rowBase(i, 0, valid, ars);
        long r1 = rowBase(i, 1, valid, ars);
        long r2 = rowBase(i, 2, valid, ars);
        long r3 = rowBase(i, 3, valid, ars);
        long ldbBytes = (long) ldb * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        long bo = pc * ldbBytes + (long) j0 * Float.BYTES;
        for (int p = pc; p < pe; p++, bo += ldbBytes) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + VB, LE);
            long po = p * acs;
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(F, r0 + po));
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r1 + po));
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r2 + po));
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a.getAtIndex(F, r3 + po));
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
        }
        long row = (long) i * n + j0;
        int cols = n - j0;
        put(c00, c, row, 0, cols, alpha, beta, first);
        put(c01, c, row, L, cols, alpha, beta, first);
        if (valid > 1) {
            row += n;
            put(c10, c, row, 0, cols, alpha, beta, first);
            put(c11, c, row, L, cols, alpha, beta, first);
        }
        if (valid > 2) {
            row += n;
            put(c20, c, row, 0, cols, alpha, beta, first);
            put(c21, c, row, L, cols, alpha, beta, first);
        }
        if (valid > 3) {
            row += n;
            put(c30, c, row, 0, cols, alpha, beta, first);
            put(c31, c, row, L, cols, alpha, beta, first);
        }
    }

    private static void tile8x1(MemorySegment a, long ars, long acs, int i, int valid, int pc, int pe, MemorySegment b,
                                int ldb, int j0, int n, float alpha, float beta, boolean first, MemorySegment c) {
        long r0 = rowBase(i, 0, valid, ars);
        long r1 = rowBase(i, 1, valid, ars);
        long r2 = rowBase(i, 2, valid, ars);
        long r3 = rowBase(i, 3, valid, ars);
        long r4 = rowBase(i, 4, valid, ars);
        long r5 = rowBase(i, 5, valid, ars);
        long r6 = rowBase(i, 6, valid, ars);
        long r7 = rowBase(i, 7, valid, ars);
        long ldbBytes = (long) ldb * Float.BYTES;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        long bo = pc * ldbBytes + (long) j0 * Float.BYTES;
        for (int p = pc; p < pe; p++, bo += ldbBytes) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, LE);
            long po = p * acs;
            c0 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r0 + po)), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r1 + po)), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r2 + po)), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r3 + po)), c3);
            c4 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r4 + po)), c4);
            c5 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r5 + po)), c5);
            c6 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r6 + po)), c6);
            c7 = b0.fma(FloatVector.broadcast(S, a.getAtIndex(F, r7 + po)), c7);
        }
        long row = (long) i * n + j0;
        int cols = n - j0;
        put(c0, c, row, 0, cols, alpha, beta, first);
        if (valid > 1) {
            put(c1, c, row + n, 0, cols, alpha, beta, first);
        }
        if (valid > 2) {
            put(c2, c, row + 2L * n, 0, cols, alpha, beta, first);
        }
        if (valid > 3) {
            put(c3, c, row + 3L * n, 0, cols, alpha, beta, first);
        }
        if (valid > 4) {
            put(c4, c, row + 4L * n, 0, cols, alpha, beta, first);
        }
        if (valid > 5) {
            put(c5, c, row + 5L * n, 0, cols, alpha, beta, first);
        }
        if (valid > 6) {
            put(c6, c, row + 6L * n, 0, cols, alpha, beta, first);
        }
        if (valid > 7) {
            put(c7, c, row + 7L * n, 0, cols, alpha, beta, first);
        }
    }

    /** The epilogue on rows [i, i + rows) x columns [j0, j1) of C (row length n). */
    private static void finish(Epilogue e, MemorySegment c, int i, int rows, int j0, int j1, int n) {
        MemorySegment bias = e.bias();
        MemorySegment mask = e.mask();
        float slope = e.slope();
        for (int r = i; r < i + rows; r++) {
            long row = (long) r * n;
            int j = j0;
            for (; j + L <= j1; j += L) {
                long o = (row + j) * Float.BYTES;
                FloatVector v = FloatVector.fromMemorySegment(S, c, o, LE);
                FloatVector gate;
                if (bias != null) {
                    v = v.add(FloatVector.fromMemorySegment(S, bias, (long) j * Float.BYTES, LE));
                    gate = v;
                } else {
                    gate = FloatVector.fromMemorySegment(S, mask, o, LE);
                }
                v.mul(slope).blend(v, gate.compare(VectorOperators.GT, 0f)).intoMemorySegment(c, o, LE);
            }
            for (; j < j1; j++) { // the row's partial vector, element by element (same roundings)
                long o = (row + j) * Float.BYTES;
                float v = c.get(F, o);
                float gate;
                if (bias != null) {
                    v = v + bias.getAtIndex(F, j);
                    gate = v;
                } else {
                    gate = mask.get(F, o);
                }
                c.set(F, o, gate > 0f ? v : v * slope);
            }
        }
    }

    /**
     * Stores one accumulator vector at element {@code row + off} of C: {@code alpha·acc + beta·C} on the first block
     * of p (beta = 0 ignores C), {@code C + alpha·acc} on later ones; only the {@code cols − off} columns that exist
     * when the vector passes the end of the row (scalar stores there: masked stores are not intrinsified).
     */
    private static void put(FloatVector acc, MemorySegment c, long row, int off, int cols, float alpha, float beta,
                            boolean first) {
        int left = cols - off;
        if (left <= 0) {
            return;
        }
        long o = (row + off) * Float.BYTES;
        if (left >= L) {
            FloatVector r = acc.mul(alpha);
            if (!first) {
                r = r.add(FloatVector.fromMemorySegment(S, c, o, LE));
            } else if (beta != 0f) {
                r = FloatVector.fromMemorySegment(S, c, o, LE).fma(FloatVector.broadcast(S, beta), r);
            }
            r.intoMemorySegment(c, o, LE);
            return;
        }
        for (int j = 0; j < left; j++) {
            long e = o + (long) j * Float.BYTES;
            float r = alpha * acc.lane(j);
            if (!first) {
                r += c.get(F, e);
            } else if (beta != 0f) {
                r = Math.fma(c.get(F, e), beta, r);
            }
            c.set(F, e, r);
        }
    }

    /** Copies op(B) (k x n) into {@code dst} as k x ldb row-major, columns n..ldb zero. */
    private static void packB(MemorySegment b, boolean transB, int k, int n, int ldb, MemorySegment dst) {
        if (!transB) {
            for (long p = 0; p < k; p++) {
                MemorySegment.copy(b, p * n * Float.BYTES, dst, p * ldb * Float.BYTES, (long) n * Float.BYTES);
                dst.asSlice((p * ldb + n) * Float.BYTES, (long) (ldb - n) * Float.BYTES).fill((byte) 0);
            }
            return;
        }
        // B is (n x k): op(B)(p, j) = B[j·k + p]. Blocks of 16 x 16 keep both sides' lines in L1.
        for (int j0 = 0; j0 < n; j0 += 16) {
            int j1 = Math.min(n, j0 + 16);
            for (int p0 = 0; p0 < k; p0 += 16) {
                int p1 = Math.min(k, p0 + 16);
                for (int j = j0; j < j1; j++) {
                    long src = (long) j * k;
                    for (int p = p0; p < p1; p++) {
                        dst.setAtIndex(F, (long) p * ldb + j, b.getAtIndex(F, src + p));
                    }
                }
            }
        }
        if (ldb > n) {
            for (long p = 0; p < k; p++) {
                dst.asSlice((p * ldb + n) * Float.BYTES, (long) (ldb - n) * Float.BYTES).fill((byte) 0);
            }
        }
    }

    /**
     * n = 1: {@code c[i] = alpha·Σ_p op(A)(i, p)·b[p] + beta·c[i]}, b the k floats of B (k x 1 or, transposed, 1 x k:
     * the same memory). op(A) = A: a dot product per row; op(A) = Aᵀ (A is k x m): c = Σ_p b[p]·A[p, :], vectors
     * across i.
     */
    private void gemv(MemorySegment a, boolean transA, int m, int k, MemorySegment b, float alpha, float beta,
                      MemorySegment c, long work) {
        if (!transA) {
            int tasks = work < SERIAL_WORK ? 1 : Math.max(1, Math.min(parallel.threads() * 4, m / MIN_TASK_ROWS));
            parallel.forEach(tasks, t -> {
                for (int i = (int) ((long) m * t / tasks), e = (int) ((long) m * (t + 1) / tasks); i < e; i++) {
                    float dot = alpha * dot(a, (long) i * k, b, k);
                    float old = beta == 0f ? 0f : c.getAtIndex(F, i);
                    c.setAtIndex(F, i, beta == 0f ? dot : Math.fma(old, beta, dot));
                }
            });
            return;
        }
        int blocks = (m + 4 * L - 1) / (4 * L);
        int tasks = work < SERIAL_WORK ? 1 : Math.max(1, Math.min(parallel.threads() * 4, blocks));
        parallel.forEach(tasks, t -> {
            for (int blk = blocks * t / tasks, e = blocks * (t + 1) / tasks; blk < e; blk++) {
                int i0 = blk * 4 * L;
                int i1 = Math.min(m, i0 + 4 * L);
                scaledRowSums(a, m, k, b, i0, i1, alpha, beta, c);
            }
        });
    }

    /** Σ_{p<k} a[ao + p]·b[p], four vector chains then a scalar tail. */
    private static float dot(MemorySegment a, long ao, MemorySegment b, int k) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        long aoBytes = ao * Float.BYTES;
        for (; p + 4 * L <= k; p += 4 * L) {
            long pb = (long) p * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(S, a, aoBytes + pb, LE).fma(FloatVector.fromMemorySegment(S, b, pb, LE), s0);
            s1 = FloatVector.fromMemorySegment(S, a, aoBytes + pb + VB, LE)
                    .fma(FloatVector.fromMemorySegment(S, b, pb + VB, LE), s1);
            s2 = FloatVector.fromMemorySegment(S, a, aoBytes + pb + 2 * VB, LE)
                    .fma(FloatVector.fromMemorySegment(S, b, pb + 2 * VB, LE), s2);
            s3 = FloatVector.fromMemorySegment(S, a, aoBytes + pb + 3 * VB, LE)
                    .fma(FloatVector.fromMemorySegment(S, b, pb + 3 * VB, LE), s3);
        }
        for (; p + L <= k; p += L) {
            long pb = (long) p * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(S, a, aoBytes + pb, LE).fma(FloatVector.fromMemorySegment(S, b, pb, LE), s0);
        }
        float s = LaneSum.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) {
            s = Math.fma(a.getAtIndex(F, ao + p), b.getAtIndex(F, p), s);
        }
        return s;
    }

    /** Columns [i0, i1) of {@code c = alpha·Σ_p b[p]·A[p, :] + beta·c}, A (k x m); at most 4 vectors wide. */
    private static void scaledRowSums(MemorySegment a, int m, int k, MemorySegment b, int i0, int i1, float alpha,
                                      float beta, MemorySegment c) {
        int full = (i1 - i0) / L;   // whole vectors; the rest scalar
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        float[] tail = new float[L];
        int tailFrom = i0 + full * L;
        long rowBytes = (long) m * Float.BYTES;
        long ib = (long) i0 * Float.BYTES;
        for (int p = 0; p < k; p++) {
            FloatVector x = FloatVector.broadcast(S, b.getAtIndex(F, p));
            long o = p * rowBytes + ib;
            if (full > 0) {
                s0 = FloatVector.fromMemorySegment(S, a, o, LE).fma(x, s0);
            }
            if (full > 1) {
                s1 = FloatVector.fromMemorySegment(S, a, o + VB, LE).fma(x, s1);
            }
            if (full > 2) {
                s2 = FloatVector.fromMemorySegment(S, a, o + 2 * VB, LE).fma(x, s2);
            }
            if (full > 3) {
                s3 = FloatVector.fromMemorySegment(S, a, o + 3 * VB, LE).fma(x, s3);
            }
            float bp = b.getAtIndex(F, p);
            for (int i = tailFrom; i < i1; i++) {
                tail[i - tailFrom] = Math.fma(a.getAtIndex(F, (long) p * m + i), bp, tail[i - tailFrom]);
            }
        }
        FloatVector[] s = {s0, s1, s2, s3};
        for (int v = 0; v < full; v++) {
            put(s[v], c, i0, v * L, i1 - i0, alpha, beta, true);
        }
        for (int i = tailFrom; i < i1; i++) {
            float r = alpha * tail[i - tailFrom];
            c.setAtIndex(F, i, beta == 0f ? r : Math.fma(c.getAtIndex(F, i), beta, r));
        }
    }

    /** {@code c[0..n) *= beta} (beta = 0 writes zeros, NaN included). */
    private static void scale(MemorySegment c, long n, float beta) {
        for (long i = 0; i < n; i++) {
            c.setAtIndex(F, i, beta == 0f ? 0f : c.getAtIndex(F, i) * beta);
        }
    }

    /** A scratch matrix of at least {@code floats} floats (kept between calls; a concurrent caller gets its own). */
    private HostMatrix take(long floats) {
        HostMatrix s = scratch.getAndSet(null);
        if (s != null && s.cols() >= floats) {
            return s;
        }
        if (s != null) {
            s.close();
        }
        return HostMatrix.scratch(1, Math.max(floats, 1));
    }

    private void give(HostMatrix s) {
        HostMatrix old = scratch.getAndSet(s);
        if (old != null) {
            old.close();
        }
    }
}
