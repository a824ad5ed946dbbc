package org.reckernels.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.io.TableFile;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * A field-aware factorization machine (Juan et al., 2016) over one-hot categorical fields, composed of backend ops:
 * <pre>
 *   logit(x) = b + Σ_f w[x_f] + Σ_{i<j} ⟨v[x_i, j], v[x_j, i]⟩
 *   V: (R x F·d) every feature's F latent vectors, one towards each field (table-batched, R = Σ vocab);
 *   W: (R + 1 x 1) first-order weights, whose last one-row table is the bias b
 * </pre>
 * One training step = 2 embedding-bag forwards (V rows gather to B x F·F·d), ffmForward, logisticLossGrad,
 * ffmBackward and 2 fused embedding-bag backward + sparse-optimizer updates — the FM step with the FFM pair op.
 * Parameters: R·F·d floats (F times an FM's), and the pair term costs F(F−1)/2·d per sample, so FFM suits a
 * small d (libffm's default is 4).
 */
public final class FieldAwareFM implements CtrModel {
    private final Backend backend;
    private final int[] vocab;
    private final int dim;
    private final int width;
    private final long[] tablesV;
    private final long[] tablesW;
    private final Matrix v;
    private final Matrix w;
    private final SparseOptimizer optimizer;
    private Matrix stateV1;
    private Matrix stateV2;
    private Matrix stateW1;
    private Matrix stateW2;
    private long step;
    private Buffers buffers;

    private FieldAwareFM(Backend backend, int[] vocab, int dim, SparseOptimizer optimizer, HostMatrix hv, HostMatrix hw) {
        this.backend = backend;
        this.vocab = vocab.clone();
        this.dim = dim;
        this.width = vocab.length * dim;
        this.optimizer = optimizer;
        this.tablesV = OneHotLayout.valueTables(vocab);
        this.tablesW = OneHotLayout.linearTables(tablesV);
        long r = tablesV[vocab.length];
        this.v = backend.upload(hv);
        this.w = backend.upload(hw);
        Matrix[] state = OneHotLayout.optimizerState(backend, optimizer, r, width);
        stateV1 = state[0];
        stateV2 = state[1];
        stateW1 = state[2];
        stateW2 = state[3];
    }

    /** A new model: V ~ N(0, initStd²), W = 0, bias = 0. */
    public static FieldAwareFM create(Backend backend, int[] vocab, int dim, SparseOptimizer optimizer, float initStd,
                                      long seed) {
        long r = OneHotLayout.rows("FieldAwareFM", vocab, dim);
        long width = (long) vocab.length * dim;
        if (width * vocab.length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("FieldAwareFM: F·F·d = " + width * vocab.length + " exceeds the int range");
        }
        try (HostMatrix hv = OneHotLayout.gaussian(r, width, initStd, seed); HostMatrix hw = HostMatrix.zeros(r + 1, 1)) {
            return new FieldAwareFM(backend, vocab, dim, optimizer, hv, hw);
        }
    }

    @Override
    public int fields() {
        return vocab.length;
    }

    public int dim() {
        return dim;
    }

    /** Buffers of one batch size. */
    private final class Buffers implements AutoCloseable {
        final int b;
        final IndexVector offV;
        final IndexVector offW;
        final Matrix gathered;
        final Matrix linear;
        final Matrix logits;
        final Matrix grad;
        final Matrix gradV;
        final Matrix gradLin;
        final Matrix loss;
        final int[] idxV;
        final int[] idxW;

        Buffers(int b) {
            this.b = b;
            int f = vocab.length;
            offV = backend.upload(OneHotLayout.identityOffsets(f * b));
            offW = backend.upload(OneHotLayout.identityOffsets((f + 1) * b));
            gathered = backend.allocate(b, (long) f * width);
            linear = backend.allocate(b, f + 1);
            logits = backend.allocate(b, 1);
            grad = backend.allocate(b, 1);
            gradV = backend.allocate(b, (long) f * width);
            gradLin = backend.allocate(b, f + 1);
            loss = backend.allocate(1, 1);
            idxV = new int[f * b];
            idxW = new int[(f + 1) * b]; // the last B entries stay 0: the bias row
        }

        /**
         * Transposes the ids of samples order[from .. from + b) (from .. from + b when order is null) of
         * sample-major ids into the table-major index arrays.
         */
        void fill(int[] ids, int[] order, int from) {
            int f = vocab.length;
            for (int s = 0; s < b; s++) {
                int src = (order == null ? from + s : order[from + s]) * f;
                for (int t = 0; t < f; t++) {
                    idxV[t * b + s] = ids[src + t];
                }
            }
            System.arraycopy(idxV, 0, idxW, 0, f * b);
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {offV, offW, gathered, linear, logits, grad, gradV, gradLin, loss}) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing tensors does not fail
                }
            }
        }
    }

    private Buffers buffers(int b) {
        if (buffers == null || buffers.b != b) {
            if (buffers != null) {
                buffers.close();
            }
            buffers = new Buffers(b);
        }
        return buffers;
    }

    private IndexVector[] forward(Buffers buf, int[] ids, int[] order, int from) {
        buf.fill(ids, order, from);
        IndexVector iv = backend.upload(buf.idxV);
        IndexVector iw = backend.upload(buf.idxW);
        backend.embeddingBagForward(v, tablesV, iv, buf.offV, null, Pooling.SUM, buf.gathered);
        backend.embeddingBagForward(w, tablesW, iw, buf.offW, null, Pooling.SUM, buf.linear);
        backend.ffmForward(buf.gathered, vocab.length, buf.linear, buf.logits);
        return new IndexVector[] {iv, iw};
    }

    @Override
    public double trainStep(int[] ids, int[] order, int from, int b, float[] labels) {
        Buffers buf = buffers(b);
        IndexVector[] iv = forward(buf, ids, order, from);
        try (HostMatrix hy = HostMatrix.zeros(b, 1)) {
            for (int s = 0; s < b; s++) {
                hy.set(s, 0, labels[order == null ? from + s : order[from + s]]);
            }
            try (Matrix y = backend.upload(hy)) {
                return step(buf, iv, y, b);
            }
        } finally {
            iv[0].close();
            iv[1].close();
        }
    }

    /** Loss, backward and the sparse updates of one batch whose forward ran ({@code iv}: its uploaded indices). */
    private double step(Buffers buf, IndexVector[] iv, Matrix labels, int b) {
        backend.fill(buf.loss, 0f);
        backend.logisticLossGrad(buf.logits, labels, 1f / b, buf.grad, buf.loss);
        backend.ffmBackward(buf.gathered, vocab.length, buf.grad, buf.gradV, buf.gradLin);
        step++;
        backend.embeddingBagBackward(v, tablesV, iv[0], buf.offV, null, Pooling.SUM, buf.gradV, optimizer, stateV1,
                stateV2, step);
        backend.embeddingBagBackward(w, tablesW, iv[1], buf.offW, null, Pooling.SUM, buf.gradLin, optimizer, stateW1,
                stateW2, step);
        try (HostMatrix l = HostMatrix.zeros(1, 1)) {
            backend.download(buf.loss, l);
            return l.get(0, 0);
        }
    }

    @Override
    public float[] predictLogits(int[] ids, int n, int batch) {
        float[] out = new float[n];
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(batch, n - from);
            Buffers buf = buffers(b);
            IndexVector[] iv = forward(buf, ids, null, from);
            try (HostMatrix z = HostMatrix.zeros(b, 1)) {
                backend.download(buf.logits, z);
                System.arraycopy(z.toArray(), 0, out, from, b);
            } finally {
                iv[0].close();
                iv[1].close();
            }
        }
        return out;
    }

    /**
     * Saves the model as one table (R + 1) x (F·d + 1) ({@link CtrModelFile}): row r holds V[r] then w[r]; the
     * last row holds zeros then the bias. Metadata: model = ffm, vocab, dim.
     */
    public void save(Path file, Map<String, String> extra) throws IOException {
        CtrModelFile.write(backend, file, "ffm", dim, vocab, v, w, extra);
    }

    /** Loads a model saved by {@link #save} onto {@code backend} (optimizer state starts fresh). */
    public static FieldAwareFM load(Backend backend, Path file, SparseOptimizer optimizer) throws IOException {
        try (CtrModelFile.Contents c = CtrModelFile.read(file, "ffm", true)) {
            return new FieldAwareFM(backend, c.vocab(), c.dim(), optimizer, c.v(), c.w());
        }
    }

    @Override
    public void close() {
        if (buffers != null) {
            buffers.close();
        }
        for (Matrix m : new Matrix[] {v, w, stateV1, stateV2, stateW1, stateW2}) {
            if (m != null) {
                m.close();
            }
        }
    }
}
