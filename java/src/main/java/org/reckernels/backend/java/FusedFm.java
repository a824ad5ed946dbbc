package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.reckernels.backend.EmbeddingBags.OptimizerKind;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.FusedFmOps;
import org.reckernels.tensor.HostMatrix;

/**
 * The Java backend's fused FM step ({@link FusedFmOps}) in two parallel passes over a batch of B samples:
 * <ol>
 *   <li>per sample (chunks of samples): read the F ids, check them, gather the rows in place, S_b = Σ_f V[r_bf],
 *       the logit, loss and g_b; keep only S_b (d floats), g_b and the global rows (sample-major: a field-major array would put a
 *       sample's F writes B ints apart, the same L1 set for B a multiple of 1024);</li>
 *   <li>per field (chunks of fields): for b ascending, slot of r_bf (a dense row → slot map), accumulate
 *       g_b·(S_b − V[r_bf]) (+ l2 term) and g_b; then one optimizer update per touched row of V and W.</li>
 * </ol>
 * Pass 2 reads V rows before any row of the same field is updated, and fields own disjoint rows, so
 * workers never share a row: no locks, no atomics, no per-thread copies to reduce. Every sum runs in the
 * order of the general ops (S over f ascending, a row's gradient over b ascending, the loss over b), so
 * the result is the same, bit for bit, whatever the thread count. Scratch (about B·(F + d + 3) words plus
 * one int per table row) is allocated once per shape and reused.
 *
 * <p>With a deep part ({@link FusedFmOps.Deep}, DeepFM's MLP), pass 1 also copies each sample's rows into a
 * (B x F·d) pooled matrix while they are in registers, the deep part runs on it between the passes (adding to the
 * logits before the loss, and writing its input gradient), and pass 2 adds that gradient to each row's FM term.
 */
final class FusedFm {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Samples per pass-1 task (small enough to balance, large enough to amortise the fork). */
    private static final int SAMPLES_PER_TASK = 256;
    /** Keeps the prefetching reads alive (never read). */
    @SuppressWarnings("unused")
    private volatile int sink;

    private final Parallel parallel;
    private final CtrKernels k;
    private final AtomicReference<Workspace> workspace = new AtomicReference<>();

    FusedFm(Parallel parallel, CtrKernels kernels) {
        this.parallel = parallel;
        this.k = kernels;
    }

    /** Per-shape scratch, taken by one call at a time. */
    private static final class Workspace {
        final int batch;         // capacity: batches of up to this many samples
        final int fields;
        final int d;
        final int[] rows;        // B·F global rows, sample-major: rows[b·F + f] (contiguous per sample)
        final float[] sums;      // B x d: S_b
        final float[] grad;      // B: g_b
        final double[] loss;     // B
        final float[] acc;       // F·B x d: reduced V gradients, field f's slots from f·B
        final MemorySegment accSeg;
        final float[] accW;      // F·B: reduced W gradients
        final MemorySegment accWSeg;
        final int[] rowOfSlot;   // F·B
        final int[] slotOfRow;   // R, -1 = not in this batch (restored after each step)
        DeepBuffers deep;        // the deep part's matrices, made on first use (exactly B rows)

        Workspace(int batch, int fields, int d, long rowsTotal) {
            this.batch = batch;
            this.fields = fields;
            this.d = d;
            long fb = (long) fields * batch;
            if (fb * d > Integer.MAX_VALUE - 16 || (long) batch * d > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("fmFusedTrainStep: batch " + batch + " x " + fields + " fields x d " + d
                        + " is too large for one step; use smaller batches");
            }
            rows = new int[(int) fb];
            sums = new float[batch * d];
            grad = new float[batch];
            loss = new double[batch];
            acc = new float[(int) fb * d];
            accSeg = MemorySegment.ofArray(acc);
            accW = new float[(int) fb + 1];
            accWSeg = MemorySegment.ofArray(accW);
            rowOfSlot = new int[(int) fb];
            slotOfRow = new int[(int) rowsTotal];
            Arrays.fill(slotOfRow, -1);
        }

        boolean fits(int b, int f, int dim, long rowsTotal) {
            return batch >= b && fields == f && d == dim && slotOfRow.length == rowsTotal;
        }

        /** The deep part's buffers for a batch of exactly b samples (kept while b stays the same). */
        DeepBuffers deep(int b) {
            if (deep == null || deep.pooled.rows() != b) {
                deep = new DeepBuffers(b, (long) fields * d);
            }
            return deep;
        }
    }

    /**
     * What a deep part reads and writes (garbage-collected scratch matrices: no arena to close): pooled (B x F·d),
     * the logits (B x 1), dLoss/dlogit (B x 1) and its input gradient (B x F·d).
     */
    private static final class DeepBuffers {
        final HostMatrix pooled;
        final HostMatrix logits;
        final HostMatrix grad;
        final HostMatrix gradPooled;

        DeepBuffers(int b, long width) {
            pooled = HostMatrix.scratch(b, width);
            logits = HostMatrix.scratch(b, 1);
            grad = HostMatrix.scratch(b, 1);
            gradPooled = HostMatrix.scratch(b, width);
        }
    }

    private Workspace take(int b, int f, int d, long rowsTotal) {
        Workspace ws = workspace.getAndSet(null);
        return ws != null && ws.fits(b, f, d, rowsTotal) ? ws : new Workspace(b, f, d, rowsTotal);
    }

    private void give(Workspace ws) {
        workspace.set(ws);
    }

    /**
     * Pass 1 for samples [i0, i1) of the batch: rows, S_b, and the logit into z[zo + i]; with {@code pooled} (not null)
     * also sample i's gathered rows into pooled's row i.
     */
    private void forward(FusedFmOps.Batch batch, long[] tableOffsets, MemorySegment v, MemorySegment w, long biasRow,
                         int d, Workspace ws, int i0, int i1, float[] z, int zo, MemorySegment pooled) {
        int f = ws.fields;
        int[] ids = batch.ids();
        int n = ids.length / f;
        int[] rows = ws.rows;
        float bias = w.getAtIndex(F, biasRow);
        int[] tableBase = new int[f];
        int[] tableRows = new int[f];
        for (int t = 0; t < f; t++) {
            tableBase[t] = (int) tableOffsets[t];
            tableRows[t] = (int) (tableOffsets[t + 1] - tableOffsets[t]);
        }
        // Touch every cache line of the chunk's ids rows first, in a loop short enough per sample that the CPU keeps
        // many of these random reads (cache and TLB misses) in flight at once; the checked reads below then hit.
        int touched = 0;
        for (int i = i0; i < i1; i++) {
            int sample = batch.sample(i);
            if (sample >= 0 && sample < n) {
                int base = sample * f;
                for (int o = 0; o < f; o += 16) {
                    touched += ids[base + o];
                }
                touched += ids[base + f - 1];
            }
        }
        for (int i = i0; i < i1; i++) {
            int sample = batch.sample(i);
            if (sample < 0 || sample >= n) {
                throw new IllegalArgumentException("fmFused: batch sample " + i + " is data-set row " + sample
                        + ", outside [0, " + n + ")");
            }
            int base = sample * f;
            int base2 = i * f;
            for (int t = 0; t < f; t++) {
                int id = ids[base + t];
                if (Integer.compareUnsigned(id, tableRows[t]) >= 0) {
                    throw new IllegalArgumentException("fmFused: sample " + sample + " field " + t + " id " + id
                            + " outside [0, " + tableRows[t] + ")");
                }
                rows[base2 + t] = tableBase[t] + id;
            }
        }
        sink = touched;
        // The compute loop apart from the id reads: the ids rows are random reads from the whole data set, and
        // a tight loop of them lets the CPU overlap several samples' cache misses.
        long width = (long) f * d;
        for (int i = i0; i < i1; i++) {
            int base2 = i * f;
            float zi = pooled == null ? k.fmGatherSum(v, rows, base2, 1, f, d, ws.sums, i * d)
                    : k.fmGatherSumCopy(v, rows, base2, f, d, ws.sums, i * d, pooled, i * width);
            for (int t = 0; t < f; t++) {
                zi += w.getAtIndex(F, rows[base2 + t]);
            }
            z[zo + i] = zi + bias;
        }
    }

    private int sampleTasks(int b) {
        return parallel.threads() == 1 ? 1 : Math.max(1, Math.min(parallel.threads() * 8, (b + SAMPLES_PER_TASK - 1)
                / SAMPLES_PER_TASK));
    }

    double trainStep(FusedFmOps.Tables t, FusedFmOps.Batch batch, HostMatrix v, HostMatrix w, HostMatrix sv1,
                     HostMatrix sv2, HostMatrix sw1, HostMatrix sw2, int d, long step, FusedFmOps.Deep deepPart) {
        int f = t.fields();
        int b = batch.size();
        long rowsTotal = v.rows();
        long[] to = t.tableOffsets();
        Workspace ws = take(b, f, d, rowsTotal);
        try {
            MemorySegment vs = v.segment();
            MemorySegment wsg = w.segment();
            float[] labels = batch.labels();
            float scale = 1f / b;
            int tasks = sampleTasks(b);
            DeepBuffers deep = deepPart == null ? null : ws.deep(b);
            MemorySegment pooled = deep == null ? null : deep.pooled.segment();
            // Pass 1: forward, loss and g_b per sample; ws.grad holds the logits until overwritten below. With a deep
            // part the loss waits for its output.
            parallel.forEach(tasks, c -> {
                int i0 = (int) ((long) b * c / tasks);
                int i1 = (int) ((long) b * (c + 1) / tasks);
                forward(batch, to, vs, wsg, rowsTotal, d, ws, i0, i1, ws.grad, 0, pooled);
                if (deep == null) {
                    lossAndGrad(batch, labels, scale, ws, i0, i1);
                }
            });
            if (deep != null) {
                MemorySegment.copy(ws.grad, 0, deep.logits.segment(), F, 0, b);
                deepPart.forward(deep.pooled, deep.logits);
                MemorySegment.copy(deep.logits.segment(), F, 0, ws.grad, 0, b);
                parallel.forEach(tasks, c -> lossAndGrad(batch, labels, scale, ws, (int) ((long) b * c / tasks),
                        (int) ((long) b * (c + 1) / tasks)));
                MemorySegment.copy(ws.grad, 0, deep.grad.segment(), F, 0, b);
                deepPart.backward(deep.pooled, deep.grad, deep.gradPooled);
            }
            MemorySegment extra = deep == null ? null : deep.gradPooled.segment();
            SparseOptimizer opt = t.optimizer();
            float c1 = opt.kind() == OptimizerKind.ADAM ? opt.adamC1(step) : 0f;
            float c2 = opt.kind() == OptimizerKind.ADAM ? opt.adamC2(step) : 0f;
            float l2 = t.l2() / b; // as the general path's axpby coefficient (not l2·(1/b))
            MemorySegment v1 = sv1 == null ? null : sv1.segment();
            MemorySegment v2 = sv2 == null ? null : sv2.segment();
            MemorySegment w1 = sw1 == null ? null : sw1.segment();
            MemorySegment w2 = sw2 == null ? null : sw2.segment();
            // Pass 2: per field, reduce per row in ascending b, then update the touched rows.
            int fieldTasks = parallel.threads() == 1 ? 1 : f;
            parallel.forEach(fieldTasks, c -> {
                int f0 = (int) ((long) f * c / fieldTasks);
                int f1 = (int) ((long) f * (c + 1) / fieldTasks);
                for (int field = f0; field < f1; field++) {
                    backwardField(field, b, ws, vs, wsg, v1, v2, w1, w2, opt, d, l2, c1, c2, extra);
                }
            });
            // The bias: every sample's g_b, summed in ascending b, one update.
            float gb = ws.grad[0];
            for (int i = 1; i < b; i++) {
                gb = ws.grad[i] + gb;
            }
            ws.accW[f * ws.batch] = gb;
            CtrOps.updateRow(k, opt, wsg, w1, w2, rowsTotal, 1, ws.accWSeg, (long) f * ws.batch, c1, c2);
            double loss = 0;
            for (int i = 0; i < b; i++) {
                loss += ws.loss[i];
            }
            return loss;
        } finally {
            give(ws);
        }
    }

    /** z_b (in ws.grad) → the loss and g_b = scale·(σ(z_b) − y_b) for samples [i0, i1). */
    private static void lossAndGrad(FusedFmOps.Batch batch, float[] labels, float scale, Workspace ws, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            float z = ws.grad[i];
            float y = labels[batch.sample(i)];
            float e = (float) Math.exp(-Math.abs(z));
            ws.loss[i] = Math.max(z, 0f) + Math.log1p(e) - (double) y * z; // softplus(z) − y·z
            float sig = z >= 0 ? 1f / (1f + e) : e / (1f + e);
            ws.grad[i] = scale * (sig - y);
        }
    }

    private void backwardField(int field, int b, Workspace ws, MemorySegment vs, MemorySegment wsg, MemorySegment v1,
                               MemorySegment v2, MemorySegment w1, MemorySegment w2, SparseOptimizer opt, int d, float l2,
                               float c1, float c2, MemorySegment extra) {
        int first = field * ws.batch;
        int[] slotOfRow = ws.slotOfRow;
        int[] rowOfSlot = ws.rowOfSlot;
        int slots = extra == null
                ? k.fmAccumulateField(vs, ws.rows, field, ws.fields, b, ws.sums, ws.grad, l2, slotOfRow, rowOfSlot, first,
                        ws.acc, ws.accW, d)
                : k.fmAccumulateFieldExtra(vs, ws.rows, field, ws.fields, b, ws.sums, ws.grad, l2, slotOfRow, rowOfSlot,
                        first, ws.acc, ws.accW, d, extra, (long) field * d, (long) ws.fields * d);
        for (int s = 0; s < slots; s++) {
            int r = rowOfSlot[first + s];
            CtrOps.updateRow(k, opt, vs, v1, v2, r, d, ws.accSeg, (long) (first + s) * d, c1, c2);
            CtrOps.updateRow(k, opt, wsg, w1, w2, r, 1, ws.accWSeg, first + s, c1, c2);
            slotOfRow[r] = -1;
        }
    }

    void predict(FusedFmOps.Tables t, FusedFmOps.Batch batch, HostMatrix v, HostMatrix w, int d, float[] out,
                 int outFrom, FusedFmOps.Deep deepPart) {
        int b = batch.size();
        Workspace ws = take(b, t.fields(), d, v.rows());
        try {
            MemorySegment vs = v.segment();
            MemorySegment wsg = w.segment();
            int tasks = sampleTasks(b);
            DeepBuffers deep = deepPart == null ? null : ws.deep(b);
            MemorySegment pooled = deep == null ? null : deep.pooled.segment();
            parallel.forEach(tasks, c -> forward(batch, t.tableOffsets(), vs, wsg, v.rows(), d, ws,
                    (int) ((long) b * c / tasks), (int) ((long) b * (c + 1) / tasks), out, outFrom, pooled));
            if (deep != null) {
                MemorySegment.copy(out, outFrom, deep.logits.segment(), F, 0, b);
                deepPart.forward(deep.pooled, deep.logits);
                MemorySegment.copy(deep.logits.segment(), F, 0, out, outFrom, b);
            }
        } finally {
            give(ws);
        }
    }
}
