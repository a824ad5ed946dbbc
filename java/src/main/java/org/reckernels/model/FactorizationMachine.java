package org.reckernels.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.FusedFmOps;
import org.reckernels.io.TableFile;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * A second-order factorization machine over one-hot categorical fields, composed of backend ops:
 * <pre>
 *   logit(x) = b + Σ_f w[f][x_f] + ½ Σ_c [(Σ_f v[f][x_f][c])² − Σ_f v[f][x_f][c]²]
 *   V: (R x d) all fields' embeddings (table-batched, R = Σ vocab);  W: (R + 1 x 1) first-order weights,
 *   whose last one-row table is the bias b (every sample looks it up, so its gradient is the batch sum)
 * </pre>
 * One training step = 2 embedding-bag forwards, fmForward, logisticLossGrad, fmBackward (plus, with l2 > 0,
 * axpby of the frequency-weighted L2 gradient {@code (l2/B)·V[row]} per occurrence) and 2 fused embedding-bag
 * backward + sparse-optimizer updates. On a backend with {@link FusedFmOps} (the Java backend) the same step runs
 * as one fused pass with the same result; {@link #useFusedPath(boolean)} turns that off (tests compare the two).
 * Batch buffers of the general path are allocated once per batch size. Inputs are sample-major ids
 * {@code (n x F)} and a sample order (the trainer's shuffle), so no data is copied per epoch.
 */
public final class FactorizationMachine implements CtrModel {
    private final Backend backend;
    private final int[] vocab;
    private final int dim;
    private final long[] tablesV;
    private final long[] tablesW;
    private final Matrix v;
    private final Matrix w;
    private final SparseOptimizer optimizer;
    private final float l2;
    private boolean fusedEnabled = true;
    private DeepPart deep;
    private DeepHook deepHook;
    private Matrix stateV1;
    private Matrix stateV2;
    private Matrix stateW1;
    private Matrix stateW2;
    private long step;
    private Buffers buffers;

    private FactorizationMachine(Backend backend, int[] vocab, int dim, SparseOptimizer optimizer, float l2, HostMatrix hv,
                                 HostMatrix hw) {
        if (!(l2 >= 0f) || !Float.isFinite(l2)) {
            throw new IllegalArgumentException("FactorizationMachine: l2 = " + l2 + " must be finite and >= 0");
        }
        this.backend = backend;
        this.l2 = l2;
        this.vocab = vocab.clone();
        this.dim = dim;
        this.optimizer = optimizer;
        this.tablesV = OneHotLayout.valueTables(vocab);
        this.tablesW = OneHotLayout.linearTables(tablesV);
        this.v = backend.upload(hv);
        this.w = backend.upload(hw);
        long r = tablesV[vocab.length];
        Matrix[] state = OneHotLayout.optimizerState(backend, optimizer, r, dim);
        stateV1 = state[0];
        stateV2 = state[1];
        stateW1 = state[2];
        stateW2 = state[3];
    }

    /** A new model without L2: V ~ N(0, initStd²), W = 0, bias = 0. */
    public static FactorizationMachine create(Backend backend, int[] vocab, int dim, SparseOptimizer optimizer,
                                              float initStd, long seed) {
        return create(backend, vocab, dim, optimizer, 0f, initStd, seed);
    }

    /**
     * A new model: V ~ N(0, initStd²), W = 0, bias = 0; training adds the L2 gradient of
     * {@code (l2/2)·Σ_f |V[row_f]|²} per sample (frequency-weighted, see {@link FusedFmOps}).
     */
    public static FactorizationMachine create(Backend backend, int[] vocab, int dim, SparseOptimizer optimizer, float l2,
                                              float initStd, long seed) {
        long r = OneHotLayout.rows("FactorizationMachine", vocab, dim);
        try (HostMatrix hv = OneHotLayout.gaussian(r, dim, initStd, seed); HostMatrix hw = HostMatrix.zeros(r + 1, 1)) {
            return new FactorizationMachine(backend, vocab, dim, optimizer, l2, hv, hw);
        }
    }

    /**
     * A part of the model beyond the FM that reads the pooled field embeddings and adds to the logit (DeepFM's
     * MLP); it shares the embeddings, so its input gradient joins the FM's before the sparse update.
     */
    interface DeepPart extends AutoCloseable {
        /** {@code logits += } its output for {@code pooled} (b x F·d). */
        void forward(Matrix pooled, Matrix logits);

        /**
         * After the forward of the same batch, with {@code grad} = dLoss/dlogit (b x 1): {@code gradPooled +=} its
         * input gradient ({@code accumulate}) or {@code gradPooled =} it (not), and its own parameters take a step
         * ({@code step} >= 1).
         */
        void backward(Matrix pooled, Matrix grad, Matrix gradPooled, boolean accumulate, long step);

        @Override
        void close();
    }

    /** Attaches the deep part (owned, closed with this model); fused steps then run it between their passes. */
    void attach(DeepPart part) {
        if (deep != null) {
            throw new IllegalStateException("FactorizationMachine: a deep part is already attached");
        }
        deep = part;
        deepHook = new DeepHook(part);
    }

    /** The deep part as a fused step calls it, with the step number of the current batch. */
    private static final class DeepHook implements FusedFmOps.Deep {
        private final DeepPart part;
        long step;

        DeepHook(DeepPart part) {
            this.part = part;
        }

        @Override
        public void forward(Matrix pooled, Matrix logits) {
            part.forward(pooled, logits);
        }

        @Override
        public void backward(Matrix pooled, Matrix grad, Matrix gradPooled) {
            part.backward(pooled, grad, gradPooled, false, step);
        }
    }

    /** Whether steps use the backend's fused FM pass ({@link FusedFmOps}) rather than the general ops. */
    public boolean fusedPath() {
        return fusedEnabled && backend instanceof FusedFmOps;
    }

    /** Allows (default) or forbids the fused pass; the results are the same either way. Returns this. */
    public FactorizationMachine useFusedPath(boolean on) {
        fusedEnabled = on;
        return this;
    }

    public float l2() {
        return l2;
    }

    private FusedFmOps.Tables tables() {
        return new FusedFmOps.Tables(v, w, tablesV, optimizer, l2, stateV1, stateV2, stateW1, stateW2);
    }

    public int fields() {
        return vocab.length;
    }

    public int dim() {
        return dim;
    }

    public Backend backend() {
        return backend;
    }

    /** Device/host buffers of one batch size. */
    private final class Buffers implements AutoCloseable {
        final int b;
        final IndexVector offV;
        final IndexVector offW;
        final Matrix pooled;
        final Matrix linear;
        final Matrix logits;
        final Matrix grad;
        final Matrix gradV;
        final Matrix gradLin;
        final Matrix loss;
        final HostMatrix hostLabels;
        final HostMatrix hostLoss;    // (1 x 1): the batch loss, downloaded each step
        final HostMatrix hostLogits;  // (b x 1): logits of a prediction batch
        final int[] idxV;
        final int[] idxW;

        Buffers(int b) {
            this.b = b;
            int f = vocab.length;
            offV = backend.upload(OneHotLayout.identityOffsets(f * b));
            offW = backend.upload(OneHotLayout.identityOffsets((f + 1) * b));
            pooled = backend.allocate(b, (long) f * dim);
            linear = backend.allocate(b, f + 1);
            logits = backend.allocate(b, 1);
            grad = backend.allocate(b, 1);
            gradV = backend.allocate(b, (long) f * dim);
            gradLin = backend.allocate(b, f + 1);
            loss = backend.allocate(1, 1);
            hostLabels = HostMatrix.zeros(b, 1);
            hostLoss = HostMatrix.zeros(1, 1);
            hostLogits = HostMatrix.zeros(b, 1);
            idxV = new int[f * b];
            idxW = new int[(f + 1) * b]; // the last B entries stay 0: the bias row
        }

        /** Transposes the sample-major ids of samples order[from, from + b) (from .. when null) to table-major. */
        void fill(int[] ids, int[] order, int from) {
            int f = vocab.length;
            // Table-outer: sequential writes; idxW's first F·B entries are idxV.
            for (int t = 0; t < f; t++) {
                int dst = t * b;
                for (int s = 0; s < b; s++) {
                    int sample = order == null ? from + s : order[from + s];
                    idxV[dst + s] = ids[sample * f + t];
                }
            }
            System.arraycopy(idxV, 0, idxW, 0, f * b);
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {offV, offW, pooled, linear, logits, grad, gradV, gradLin, loss,
                hostLabels, hostLoss, hostLogits}) {
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

    /** Forward into buf.logits for samples order[from, from + b) of ids; returns the uploaded index vectors. */
    private IndexVector[] forward(Buffers buf, int[] ids, int[] order, int from) {
        buf.fill(ids, order, from);
        IndexVector iv = backend.upload(buf.idxV);
        IndexVector iw = backend.upload(buf.idxW);
        backend.embeddingBagForward(v, tablesV, iv, buf.offV, null, Pooling.SUM, buf.pooled);
        backend.embeddingBagForward(w, tablesW, iw, buf.offW, null, Pooling.SUM, buf.linear);
        backend.fmForward(buf.pooled, vocab.length, buf.linear, buf.logits);
        if (deep != null) {
            deep.forward(buf.pooled, buf.logits);
        }
        return new IndexVector[] {iv, iw};
    }

    /**
     * One optimizer step on samples {@code order[from .. from+b)} ({@code from .. from+b} when order is null) of
     * sample-major {@code ids} (n x F) with {@code labels} (n) in {0, 1}; the gradient is of the mean logistic loss
     * (plus the L2 term). Returns the summed logistic loss of the batch.
     */
    @Override
    public double trainStep(int[] ids, int[] order, int from, int b, float[] labels) {
        step++;
        if (fusedPath()) {
            if (deepHook != null) {
                deepHook.step = step;
            }
            return ((FusedFmOps) backend).fmFusedTrainStep(tables(), new FusedFmOps.Batch(ids, order, from, b, labels), step,
                    deepHook);
        }
        Buffers buf = buffers(b);
        for (int i = 0; i < b; i++) {
            buf.hostLabels.set(i, 0, labels[order == null ? from + i : order[from + i]]);
        }
        IndexVector[] iv = forward(buf, ids, order, from);
        try (Matrix y = backend.upload(buf.hostLabels)) {
            backend.fill(buf.loss, 0f);
            backend.logisticLossGrad(buf.logits, y, 1f / b, buf.grad, buf.loss);
            backend.fmBackward(buf.pooled, vocab.length, buf.grad, buf.gradV, buf.gradLin);
            if (deep != null) {
                deep.backward(buf.pooled, buf.grad, buf.gradV, true, step);
            }
            if (l2 > 0f) {
                backend.axpby(l2 / b, buf.pooled, 1f, buf.gradV);
            }
            backend.embeddingBagBackward(v, tablesV, iv[0], buf.offV, null, Pooling.SUM, buf.gradV, optimizer, stateV1,
                    stateV2, step);
            backend.embeddingBagBackward(w, tablesW, iv[1], buf.offW, null, Pooling.SUM, buf.gradLin, optimizer, stateW1,
                    stateW2, step);
            backend.download(buf.loss, buf.hostLoss);
            return buf.hostLoss.get(0, 0);
        } finally {
            iv[0].close();
            iv[1].close();
        }
    }

    /** Logits of every sample of sample-major ids (n x F), in batches of {@code batch}. */
    @Override
    public float[] predictLogits(int[] ids, int n, int batch) {
        float[] out = new float[n];
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(batch, n - from);
            if (fusedPath()) {
                ((FusedFmOps) backend).fmFusedPredict(tables(), new FusedFmOps.Batch(ids, null, from, b, null), out, from,
                        deepHook);
                continue;
            }
            Buffers buf = buffers(b);
            IndexVector[] iv = forward(buf, ids, null, from);
            try {
                backend.download(buf.logits, buf.hostLogits);
                java.lang.foreign.MemorySegment.copy(buf.hostLogits.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0,
                        out, from, b);
            } finally {
                iv[0].close();
                iv[1].close();
            }
        }
        return out;
    }

    /** Downloads V (R x d), W (R + 1 x 1, bias last) and the optimizer state that exists (for tests and tools). */
    public Map<String, HostMatrix> parameters() {
        Map<String, HostMatrix> out = new LinkedHashMap<>();
        String[] names = {"v", "w", "stateV1", "stateV2", "stateW1", "stateW2"};
        Matrix[] ms = {v, w, stateV1, stateV2, stateW1, stateW2};
        for (int i = 0; i < ms.length; i++) {
            if (ms[i] != null) {
                HostMatrix h = HostMatrix.zeros(ms[i].rows(), ms[i].cols());
                backend.download(ms[i], h);
                out.put(names[i], h);
            }
        }
        return out;
    }

    /**
     * Saves the model as one table (R + 1) x (d + 1) ({@link CtrModelFile}): row r holds v[r] then w[r]; the
     * last row holds zeros then the bias. Metadata: model = fm, vocab, dim, l2.
     */
    public void save(Path file, Map<String, String> extra) throws IOException {
        write(file, "fm", extra, java.util.List.of());
    }

    /** The {@link #save} layout under another model name, with dense matrices after the tables (DeepFM's MLP). */
    void write(Path file, String model, Map<String, String> extra, java.util.List<Matrix> extraMatrices) throws IOException {
        Map<String, String> meta = new java.util.LinkedHashMap<>(extra);
        meta.put("l2", Float.toString(l2));
        CtrModelFile.write(backend, file, model, dim, vocab, v, w, meta, extraMatrices);
    }

    /** A model from the parameters {@link CtrModelFile#read} found (its l2 from the metadata; fresh optimizer state). */
    static FactorizationMachine of(Backend backend, Path file, CtrModelFile.Contents c, SparseOptimizer optimizer) {
        float l2;
        try {
            l2 = Float.parseFloat(c.metadata().getOrDefault("l2", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": metadata l2 = '" + c.metadata().get("l2") + "' is not a number", e);
        }
        return new FactorizationMachine(backend, c.vocab(), c.dim(), optimizer, l2, c.v(), c.w());
    }

    /** Loads a model saved by {@link #save} onto {@code backend} (its l2 kept; optimizer state starts fresh). */
    public static FactorizationMachine load(Backend backend, Path file, SparseOptimizer optimizer) throws IOException {
        try (CtrModelFile.Contents c = CtrModelFile.read(file, "fm", false)) {
            return of(backend, file, c, optimizer);
        }
    }

    @Override
    public void close() {
        if (buffers != null) {
            buffers.close();
        }
        if (deep != null) {
            deep.close();
        }
        for (Matrix m : new Matrix[] {v, w, stateV1, stateV2, stateW1, stateW2}) {
            if (m != null) {
                m.close();
            }
        }
    }
}
