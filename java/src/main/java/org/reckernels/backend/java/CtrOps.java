package org.reckernels.backend.java;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;
import org.reckernels.backend.EmbeddingBags;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;

/**
 * The Java backend's embedding-bag, FM and logistic-loss ops (arguments already shape-checked by
 * {@link EmbeddingBags}; this class checks what needs the data: per-table index ranges, monotone offsets).
 *
 * <p>Backward without a sort: bags are table-major, so the indices of table t are one contiguous range
 * and no row is shared between tables. Each table is one task: a small open-addressing map from row to
 * slot, gradients accumulated per slot in ascending k (the order a stable sort of (row, k) pairs gives),
 * then one optimizer update per slot. The sums therefore do not depend on the thread count, and a row's
 * update is computed exactly once (duplicates inside a batch never race).
 */
final class CtrOps {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final long SERIAL_WORK = 1L << 15;

    private final Parallel parallel;
    private final CtrKernels k;
    /** Reused gradient scratch (grown as needed); taken by one backward call at a time. */
    private final AtomicReference<Scratch> scratch = new AtomicReference<>();

    private record Scratch(Arena arena, MemorySegment seg) {
    }

    CtrOps(Parallel parallel, CtrKernels kernels) {
        this.parallel = parallel;
        this.k = kernels;
    }

    String describe() {
        return k.describe();
    }

    CtrKernels kernels() {
        return k;
    }

    /**
     * Checks offsets (monotone, [0, nnz], first 0, last nnz) and every index against its own table: a
     * parallel pass per table (offsets monotone over the table's bags, then one min/max scan over its
     * contiguous index range); only if some table fails does the serial pass run, to report exactly the
     * first bad entry as before.
     */
    private void checkData(String op, long[] tableOffsets, HostIndexVector indices, HostIndexVector offsets,
                           long batch) {
        int tables = tableOffsets.length - 1;
        long nnz = indices.length();
        MemorySegment off = offsets.segment();
        MemorySegment idx = indices.segment();
        long bags = tables * batch;
        if (off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0) != 0 || offsets.get(bags) != nnz) {
            checkDataSerial(op, tableOffsets, indices, offsets, batch);
            return;
        }
        int chunks = (nnz + bags) < SERIAL_WORK ? 1 : Math.min(tables, parallel.threads() * 4);
        boolean[] bad = new boolean[chunks];
        parallel.forEach(chunks, c -> {
            int t0 = tables * c / chunks;
            int t1 = tables * (c + 1) / chunks;
            for (int t = t0; t < t1 && !bad[c]; t++) {
                long rows = tableOffsets[t + 1] - tableOffsets[t];
                int prev = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, t * batch);
                boolean mono = true;
                for (long g = t * batch + 1; g <= (t + 1) * batch; g++) {
                    int e = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g);
                    mono &= e >= prev;
                    prev = e;
                }
                if (!mono) {
                    bad[c] = true;
                    break;
                }
                int s = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, t * batch);
                int e = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, (t + 1) * batch);
                int lo = 0;
                int hi = 0;
                for (int p = s; p < e; p++) {
                    int i = idx.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, p);
                    lo = Math.min(lo, i);
                    hi = Math.max(hi, i);
                }
                if (lo < 0 || (e > s && hi >= rows)) {
                    bad[c] = true;
                }
            }
        });
        for (boolean b : bad) {
            if (b) {
                checkDataSerial(op, tableOffsets, indices, offsets, batch);
                return;
            }
        }
    }

    /** The serial check: throws for the first bad offset or index. */
    private static void checkDataSerial(String op, long[] tableOffsets, HostIndexVector indices, HostIndexVector offsets,
                                  long batch) {
        int tables = tableOffsets.length - 1;
        long nnz = indices.length();
        MemorySegment off = offsets.segment();
        MemorySegment idx = indices.segment();
        if (off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0) != 0) {
            throw new IllegalArgumentException(op + ": offsets[0] = " + offsets.get(0) + ", must be 0");
        }
        long bags = tables * batch;
        if (offsets.get(bags) != nnz) {
            throw new IllegalArgumentException(op + ": offsets[T·B] = offsets[" + bags + "] = " + offsets.get(bags)
                    + ", must equal nnz = " + nnz);
        }
        for (int t = 0; t < tables; t++) {
            long rows = tableOffsets[t + 1] - tableOffsets[t];
            for (long g = t * batch; g < (t + 1) * batch; g++) {
                int s = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g);
                int e = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g + 1);
                if (e < s) {
                    throw new IllegalArgumentException(op + ": offsets decrease at bag " + g + " (" + s + " -> " + e + ")");
                }
                for (int p = s; p < e; p++) {
                    int i = idx.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, p);
                    if (i < 0 || i >= rows) {
                        throw new IllegalArgumentException(op + ": indices[" + p + "] = " + i + " (bag " + g + ", table " + t
                                + ") outside [0, " + rows + ")");
                    }
                }
            }
        }
    }

    void forward(HostMatrix w, long[] tableOffsets, HostIndexVector indices, HostIndexVector offsets, HostMatrix psw,
                 Pooling pooling, HostMatrix out, EmbeddingBags.Shape shape) {
        long batch = shape.batch();
        checkData("embeddingBagForward", tableOffsets, indices, offsets, batch);
        int d = shape.dim();
        int tables = shape.tables();
        long bags = shape.bags();
        MemorySegment ws = w.segment();
        MemorySegment os = out.segment();
        MemorySegment idx = indices.segment();
        MemorySegment off = offsets.segment();
        MemorySegment pw = psw == null ? null : psw.segment();
        long outCols = out.cols();
        // Sample-major chunks: sample b's T bags write one contiguous output row.
        long work = (shape.nnz() + bags) * d;
        int chunks = work < SERIAL_WORK || batch < 2 ? 1 : (int) Math.min(batch, parallel.threads() * 8L);
        parallel.forEach(chunks, c -> {
            long b0 = batch * c / chunks;
            long b1 = batch * (c + 1) / chunks;
            for (long b = b0; b < b1; b++) {
                for (int t = 0; t < tables; t++) {
                    long g = t * batch + b;
                    int s = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g);
                    int e = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g + 1);
                    long base = tableOffsets[t];
                    if (pooling == Pooling.NONE) {
                        for (int p = s; p < e; p++) {
                            long row = (base + idx.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, p)) * d;
                            float c1 = pw == null ? 1f : pw.getAtIndex(F, p);
                            k.scaleCopy(c1, ws, row, os, (long) p * d, d);
                        }
                        continue;
                    }
                    long o = b * outCols + (long) t * d;
                    if (e == s) {
                        k.zero(os, o, d);
                        continue;
                    }
                    for (int p = s; p < e; p++) {
                        long row = (base + idx.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, p)) * d;
                        float c1 = pw == null ? 1f : pw.getAtIndex(F, p);
                        if (p == s) {
                            k.scaleCopy(c1, ws, row, os, o, d);
                        } else {
                            k.axpy(c1, ws, row, os, o, d);
                        }
                    }
                    if (pooling == Pooling.MEAN && e - s > 1) {
                        k.scaleCopy(1f / (e - s), os, o, os, o, d);
                    }
                }
            }
        });
    }

    void backward(HostMatrix w, long[] tableOffsets, HostIndexVector indices, HostIndexVector offsets, HostMatrix psw,
                  Pooling pooling, HostMatrix gradOut, SparseOptimizer opt, HostMatrix state1, HostMatrix state2, long step,
                  EmbeddingBags.Shape shape) {
        long batch = shape.batch();
        checkData("embeddingBagBackward", tableOffsets, indices, offsets, batch);
        int d = shape.dim();
        int tables = shape.tables();
        long nnz = shape.nnz();
        if (nnz == 0) {
            return;
        }
        Scratch sc = scratch.getAndSet(null);
        long need = nnz * d * Float.BYTES;
        if (sc == null || sc.seg.byteSize() < need) {
            if (sc != null) {
                sc.arena.close();
            }
            Arena a = Arena.ofShared();
            sc = new Scratch(a, a.allocate(Math.max(need, 1L << 16), 64));
        }
        MemorySegment acc = sc.seg;
        float c1 = opt.kind() == EmbeddingBags.OptimizerKind.ADAM ? opt.adamC1(step) : 0f;
        float c2 = opt.kind() == EmbeddingBags.OptimizerKind.ADAM ? opt.adamC2(step) : 0f;
        int chunks = nnz * d < SERIAL_WORK ? 1 : tables;
        try {
            parallel.forEach(chunks, c -> {
                int t0 = tables * c / chunks;
                int t1 = tables * (c + 1) / chunks;
                for (int t = t0; t < t1; t++) {
                    backwardTable(t, w, tableOffsets, indices, offsets, psw, pooling, gradOut, opt, state1, state2, batch,
                            d, acc, c1, c2);
                }
            });
        } finally {
            Scratch old = scratch.getAndSet(sc);
            if (old != null) {
                old.arena.close();
            }
        }
    }

    private void backwardTable(int t, HostMatrix w, long[] tableOffsets, HostIndexVector indices, HostIndexVector offsets,
                               HostMatrix psw, Pooling pooling, HostMatrix gradOut, SparseOptimizer opt, HostMatrix state1,
                               HostMatrix state2, long batch, int d, MemorySegment acc, float c1, float c2) {
        MemorySegment off = offsets.segment();
        MemorySegment idx = indices.segment();
        MemorySegment pw = psw == null ? null : psw.segment();
        MemorySegment go = gradOut.segment();
        long goCols = gradOut.cols();
        int p0 = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, t * batch);
        int p1 = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, (t + 1) * batch);
        int count = p1 - p0;
        if (count == 0) {
            return;
        }
        // Slots of this table live in acc at [p0·d, p1·d): at most one slot per position.
        long accBase = (long) p0 * d;
        long tableRows = tableOffsets[t + 1] - tableOffsets[t];
        int[] rowOfSlot = new int[count];
        int slots;
        if (tableRows <= 4L * count + 1024) {
            // Small table: a dense row -> slot array instead of the hash map (same slots, same order).
            int[] slotOfRow = new int[(int) tableRows];
            java.util.Arrays.fill(slotOfRow, -1);
            slots = 0;
            boolean unit = pooling == Pooling.SUM && pw == null;
            for (long g = t * batch; g < (t + 1) * batch; g++) {
                int s = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g);
                int e = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g + 1);
                long b = g - t * batch;
                float inv = pooling == Pooling.MEAN ? 1f / (e - s) : 1f;
                for (int p = s; p < e; p++) {
                    int row = idx.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, p);
                    float coef = unit ? 1f : pooling == Pooling.MEAN ? inv : pw == null ? 1f : pw.getAtIndex(F, p);
                    long gro = pooling == Pooling.NONE ? (long) p * d : b * goCols + (long) t * d;
                    int slot = slotOfRow[row];
                    if (slot < 0) {
                        slotOfRow[row] = slots;
                        rowOfSlot[slots] = row;
                        k.scaleCopy(coef, go, gro, acc, accBase + (long) slots * d, d);
                        slots++;
                    } else {
                        k.axpy(coef, go, gro, acc, accBase + (long) slot * d, d);
                    }
                }
            }
        } else {
            slots = hashSlots(t, idx, off, pw, pooling, go, goCols, batch, d, acc, accBase, count, rowOfSlot);
        }
        MemorySegment ws = w.segment();
        long base = tableOffsets[t];
        MemorySegment s1 = state1 == null ? null : state1.segment();
        MemorySegment s2 = state2 == null ? null : state2.segment();
        for (int s = 0; s < slots; s++) {
            updateRow(k, opt, ws, s1, s2, base + rowOfSlot[s], d, acc, accBase + (long) s * d, c1, c2);
        }
    }

    /**
     * One sparse-optimizer update of row r (d wide) of ws with its reduced gradient at acc[ao ..] (state s1/s2
     * as the optimizer needs; c1/c2 Adam's bias corrections). Shared with {@link FusedFm}.
     */
    static void updateRow(CtrKernels k, SparseOptimizer opt, MemorySegment ws, MemorySegment s1, MemorySegment s2, long r,
                          int d, MemorySegment acc, long ao, float c1, float c2) {
        long wo = r * d;
        switch (opt.kind()) {
            case SGD -> k.stepRow(ws, wo, acc, ao, d, opt.lr());
            case ADAGRAD -> k.adagradRow(ws, wo, s1, wo, acc, ao, d, opt.lr(), opt.eps());
            case ROWWISE_ADAGRAD -> {
                float hr = s1.getAtIndex(F, r) + k.sumSquares(acc, ao, d) / d;
                s1.setAtIndex(F, r, hr);
                k.stepRow(ws, wo, acc, ao, d, opt.lr() / ((float) Math.sqrt(hr) + opt.eps()));
            }
            case ADAM -> k.adamRow(ws, wo, s1, s2, wo, acc, ao, d, opt.beta1(), opt.beta2(), opt.eps(), c1, c2);
        }
    }

    private int hashSlots(int t, MemorySegment idx, MemorySegment off, MemorySegment pw, Pooling pooling, MemorySegment go,
                          long goCols, long batch, int d, MemorySegment acc, long accBase, int count, int[] rowOfSlot) {
        int cap = Integer.highestOneBit(Math.max(2, count) * 2 - 1) << 1;
        int mask = cap - 1;
        int[] keys = new int[cap];
        java.util.Arrays.fill(keys, -1);
        int[] slotOfKey = new int[cap];
        int slots = 0;
        for (long g = t * batch; g < (t + 1) * batch; g++) {
            int s = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g);
            int e = off.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g + 1);
            long b = g - t * batch;
            float inv = pooling == Pooling.MEAN ? 1f / (e - s) : 1f;
            for (int p = s; p < e; p++) {
                int row = idx.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, p);
                int hx = row * 0x9E3779B1;
                int h = (hx ^ (hx >>> 15)) & mask;
                while (keys[h] != row && keys[h] != -1) {
                    h = (h + 1) & mask;
                }
                float coef = pooling == Pooling.MEAN ? inv : pw == null ? 1f : pw.getAtIndex(F, p);
                long gro = pooling == Pooling.NONE ? (long) p * d : b * goCols + (long) t * d;
                if (keys[h] == -1) {
                    keys[h] = row;
                    slotOfKey[h] = slots;
                    rowOfSlot[slots] = row;
                    k.scaleCopy(coef, go, gro, acc, accBase + (long) slots * d, d);
                    slots++;
                } else {
                    k.axpy(coef, go, gro, acc, accBase + (long) slotOfKey[h] * d, d);
                }
            }
        }
        return slots;
    }

    void fmForward(HostMatrix v, int fields, HostMatrix linear, HostMatrix logits) {
        int d = (int) (v.cols() / fields);
        long n = v.rows();
        long vc = v.cols();
        long lc = linear == null ? 0 : linear.cols();
        MemorySegment vs = v.segment();
        MemorySegment ls = linear == null ? null : linear.segment();
        MemorySegment out = logits.segment();
        rows(n, vc + lc, (r0, r1) -> {
            for (long b = r0; b < r1; b++) {
                float z = k.fmInteraction(vs, b * vc, fields, d);
                for (long l = 0; l < lc; l++) {
                    z += ls.getAtIndex(F, b * lc + l);
                }
                out.setAtIndex(F, b, z);
            }
        });
    }

    void fmBackward(HostMatrix v, int fields, HostMatrix gradLogits, HostMatrix gradV, HostMatrix gradLinear) {
        int d = (int) (v.cols() / fields);
        long n = v.rows();
        long vc = v.cols();
        long lc = gradLinear == null ? 0 : gradLinear.cols();
        MemorySegment vs = v.segment();
        MemorySegment gs = gradLogits.segment();
        MemorySegment gv = gradV.segment();
        MemorySegment gl = gradLinear == null ? null : gradLinear.segment();
        rows(n, vc + lc, (r0, r1) -> {
            for (long b = r0; b < r1; b++) {
                float g = gs.getAtIndex(F, b);
                k.fmGrad(vs, b * vc, fields, d, g, gv, b * vc);
                for (long l = 0; l < lc; l++) {
                    gl.setAtIndex(F, b * lc + l, g);
                }
            }
        });
    }

    void logisticLossGrad(HostMatrix logits, HostMatrix labels, float scale, HostMatrix grad, HostMatrix lossSum) {
        long n = logits.rows();
        MemorySegment zs = logits.segment();
        MemorySegment ys = labels.segment();
        MemorySegment gs = grad.segment();
        double loss = 0;
        for (long b = 0; b < n; b++) {
            float z = zs.getAtIndex(F, b);
            float y = ys.getAtIndex(F, b);
            float e = (float) Math.exp(-Math.abs(z));
            loss += Math.max(z, 0f) + Math.log1p(e) - (double) y * z;   // softplus(z) − y·z
            float sig = z >= 0 ? 1f / (1f + e) : e / (1f + e);
            gs.setAtIndex(F, b, scale * (sig - y));
        }
        lossSum.set(0, 0, (float) (lossSum.get(0, 0) + loss));
    }

    private interface RowRange {
        void run(long r0, long r1);
    }

    private void rows(long n, long width, RowRange body) {
        int chunks = n * Math.max(1, width) < SERIAL_WORK ? 1 : (int) Math.min(n, parallel.threads() * 8L);
        parallel.forEach(chunks, t -> body.run(n * t / chunks, n * (t + 1) / chunks));
    }

    void close() {
        Scratch s = scratch.getAndSet(null);
        if (s != null) {
            s.arena.close();
        }
    }
}
