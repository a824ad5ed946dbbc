package org.reckernels.backend;

import java.util.Objects;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.tensor.Matrix;

/**
 * An optional capability of a {@link Backend} (the Java backend has it): a whole factorization-machine
 * training step in one pass for the common CTR case, one id per field, sum pooling, no per-sample weights.
 * Models use it when {@code backend instanceof FusedFmOps} and fall back to the general ops otherwise
 * (the CUDA backend, multi-hot bags, weights).
 *
 * <h2>What one step computes</h2>
 * Exactly the general ops' sequence for a batch of B samples, without materialising the (B x F·d) pooled,
 * gradient and index buffers:
 * <pre>
 *   V: (R x d) all fields' embeddings;  W: (R + 1 x 1) first-order weights, row R the bias;
 *   tableOffsets: (F + 1), field f owns rows [tableOffsets[f], tableOffsets[f+1]);  row r_bf = tableOffsets[f] + id_bf
 *   z_b    = fmForward(gather V, gather W + bias)                         (as {@link Backend#fmForward})
 *   g_b    = (σ(z_b) − y_b) / B;   loss = Σ_b softplus(z_b) − y_b·z_b      (as {@link Backend#logisticLossGrad})
 *   gV_bf  = g_b·(S_b − V[r_bf]) + (l2 / B)·V[r_bf]                        (as {@link Backend#fmBackward}, then axpby)
 *   V, W   updated by embeddingBagBackward (per-row gradients reduced over duplicates in ascending b, then one
 *          optimizer update per touched row), the bias by the sum of g_b
 * </pre>
 * The l2 term is the gradient of {@code (l2/2)·Σ_b Σ_f |V[r_bf]|²} per mean sample (frequency-weighted L2 on the
 * embeddings, as libFM's per-case regularisation); the returned loss is the logistic part alone.
 * Ids are checked against their field's table as they are read (a bad id throws, naming the sample and field).
 * The Java backend gives the general ops' results bit for bit, whatever its thread count.
 */
public interface FusedFmOps {

    /** The model's parameters and optimizer state, as the general ops take them. */
    record Tables(Matrix v, Matrix w, long[] tableOffsets, SparseOptimizer optimizer, float l2, Matrix stateV1,
                  Matrix stateV2, Matrix stateW1, Matrix stateW2) {
        public Tables {
            Objects.requireNonNull(v, "v");
            Objects.requireNonNull(w, "w");
            Objects.requireNonNull(optimizer, "optimizer");
            if (!(l2 >= 0f) || !Float.isFinite(l2)) {
                throw new IllegalArgumentException("FusedFmOps: l2 = " + l2 + " must be finite and >= 0");
            }
        }

        public int fields() {
            return tableOffsets.length - 1;
        }
    }

    /**
     * A mini-batch: samples {@code order[from .. from+size)} (or {@code from .. from+size} when order is null) of
     * sample-major ids {@code (n x F)} and labels {@code (n)} in {0, 1}; the data is not copied.
     */
    record Batch(int[] ids, int[] order, int from, int size, float[] labels) {
        public Batch {
            Objects.requireNonNull(ids, "ids");
            if (from < 0 || size < 1 || (order != null && (long) from + size > order.length)) {
                throw new IllegalArgumentException("FusedFmOps: batch [" + from + ", " + ((long) from + size)
                        + ") is empty or outside the sample order (" + (order == null ? "none" : order.length) + ")");
            }
        }

        /** The data-set row of batch sample i. */
        public int sample(int i) {
            return order == null ? from + i : order[from + i];
        }
    }

    /** One training step on {@code batch} (labels required); returns the summed logistic loss. step >= 1 (Adam). */
    double fmFusedTrainStep(Tables tables, Batch batch, long step);

    /** Logits of the batch's samples into {@code out[outFrom ..]} (labels unused, may be null). */
    void fmFusedPredict(Tables tables, Batch batch, float[] out, int outFrom);

    /**
     * Checks the tables' shapes (V (R x d), W (R+1 x 1), optimizer state as {@link EmbeddingBags.OptimizerKind}
     * needs, no aliasing) and the batch's (ids a whole number of F-id rows, labels one per sample); returns d.
     */
    static int check(String op, Tables t, Batch b, boolean needLabels) {
        long rows = t.v().rows();
        int f = t.fields();
        EmbeddingBags.checkTableOffsets(op, t.tableOffsets(), rows);
        long d = t.v().cols();
        if (d < 1 || d > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException(op + ": embedding width d = " + d + " out of range");
        }
        if (rows >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": V has " + rows + " rows; global rows are int32");
        }
        if (t.w().rows() != rows + 1 || t.w().cols() != 1) {
            throw new IllegalArgumentException(op + ": W is " + t.w().shape() + ", needs " + (rows + 1) + "x1 (bias last)");
        }
        SparseOptimizer opt = t.optimizer();
        switch (opt.kind()) {
            case SGD -> { }
            case ADAGRAD -> {
                state(op, "stateV1", t.stateV1(), rows, d);
                state(op, "stateW1", t.stateW1(), rows + 1, 1);
            }
            case ROWWISE_ADAGRAD -> {
                state(op, "stateV1", t.stateV1(), rows, 1);
                state(op, "stateW1", t.stateW1(), rows + 1, 1);
            }
            case ADAM -> {
                state(op, "stateV1", t.stateV1(), rows, d);
                state(op, "stateV2", t.stateV2(), rows, d);
                state(op, "stateW1", t.stateW1(), rows + 1, 1);
                state(op, "stateW2", t.stateW2(), rows + 1, 1);
            }
        }
        Matrix[] all = {t.v(), t.w(), t.stateV1(), t.stateV2(), t.stateW1(), t.stateW2()};
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                if (all[i] != null && all[i] == all[j]) {
                    throw new IllegalArgumentException(op + ": parameters and optimizer state must be distinct matrices");
                }
            }
        }
        if (b.ids().length % f != 0) {
            throw new IllegalArgumentException(op + ": " + b.ids().length + " ids are not rows of F = " + f + " fields");
        }
        int n = b.ids().length / f;
        if (b.order() == null && (long) b.from() + b.size() > n) {
            throw new IllegalArgumentException(op + ": batch [" + b.from() + ", " + ((long) b.from() + b.size())
                    + ") outside the " + n + " samples");
        }
        if (needLabels && (b.labels() == null || b.labels().length != n)) {
            throw new IllegalArgumentException(op + ": labels has " + (b.labels() == null ? "none" : b.labels().length)
                    + " entries for " + n + " samples");
        }
        return (int) d;
    }

    private static void state(String op, String what, Matrix m, long rows, long cols) {
        if (m == null || m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + what + " is " + (m == null ? "missing" : m.shape()) + ", needs "
                    + rows + "x" + cols + " for this optimizer");
        }
    }

    /**
     * A part of the model beyond the FM that reads the pooled field embeddings and adds to the logit (DeepFM's MLP),
     * run inside a fused step between the per-sample and the per-field pass. It shares the embeddings: its input
     * gradient joins the FM's in the per-field pass, before the sparse update.
     */
    interface Deep {
        /**
         * {@code logits += } its output. pooled: (B x F·d), sample b's field rows V[r_b0], …, V[r_b(F−1)] side by
         * side; logits: (B x 1), the FM's. Both are the backend's matrices.
         */
        void forward(Matrix pooled, Matrix logits);

        /**
         * After {@link #forward} of the same batch, with grad = dLoss/dlogit (B x 1): writes its input gradient into
         * gradPooled (B x F·d, overwritten) and takes a step on its own parameters.
         */
        void backward(Matrix pooled, Matrix grad, Matrix gradPooled);
    }

    /**
     * {@link #fmFusedTrainStep} with a deep part (null: none): the per-sample pass also writes the pooled rows, the
     * deep part adds to the logits before the loss, and its input gradient is added to each row's FM gradient
     * before the L2 term, as DeepFM's general ops add them:
     * <pre>
     *   z_b   = FM(x_b) + deep(pooled_b);   gV_bf = (g_b·(S_b − V[r_bf]) + gDeep_bf) + (l2 / B)·V[r_bf]
     * </pre>
     * The Java backend gives the general ops' results bit for bit (the deep part's own ops being the same).
     */
    double fmFusedTrainStep(Tables tables, Batch batch, long step, Deep deep);

    /** {@link #fmFusedPredict} with a deep part (null: none) adding its output to each logit. */
    void fmFusedPredict(Tables tables, Batch batch, float[] out, int outFrom, Deep deep);
}
