package org.reckernels.backend;

import java.util.Objects;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * Types and argument checks of the table-batched embedding-bag ops
 * ({@link Backend#embeddingBagForward}, {@link Backend#embeddingBagBackward}) and the FM ops.
 *
 * <h2>Layout (as FBGEMM's table-batched embeddings)</h2>
 * <pre>
 *   weights W: (R x d), all T tables stacked; table t owns rows [tableOffsets[t], tableOffsets[t+1])
 *   tableOffsets: (T + 1) long, tableOffsets[0] = 0, non-decreasing, tableOffsets[T] = R
 *   indices: (nnz) int32 row ids LOCAL to their table
 *   offsets: (T·B + 1) int32 CSR bag boundaries, bag g = t·B + b (table-major), offsets[0] = 0,
 *            non-decreasing, offsets[T·B] = nnz; bag g holds indices[offsets[g] .. offsets[g+1])
 *   perSampleWeights: null, or (nnz) values w_k (any shape with nnz elements), one per index
 *   out: SUM / MEAN: (B x T·d), bag (t, b) pooled into row b, columns [t·d, (t+1)·d)
 *        NONE:       (nnz x d), row k = w_k · W[tableOffsets[t] + indices[k]] (no pooling)
 * </pre>
 * The element offset of row {@code i} of table {@code t} is {@code (tableOffsets[t] + i)·d}, a 64-bit
 * value (tables may pass 2^31 floats); see {@link #elementOffset}.
 *
 * <p>Pooling: SUM gives Σ_k w_k·W[row_k]; MEAN gives (1/len)·Σ_k W[row_k], and an <b>empty bag pools
 * to zeros</b> for every mode (MEAN does not divide by zero). As in torch.nn.EmbeddingBag, per-sample
 * weights are allowed with SUM and NONE only.
 */
public final class EmbeddingBags {
    private EmbeddingBags() {
    }

    /** How a bag's rows combine. */
    public enum Pooling {
        SUM, MEAN, NONE
    }

    /** The sparse optimizers fused into the backward pass. */
    public enum OptimizerKind {
        /** {@code w −= lr·g}. No state. */
        SGD,
        /** {@code h += g²;  w −= lr·g / (sqrt(h) + eps)}. state1: (R x d). */
        ADAGRAD,
        /** {@code h_r += mean_c(g²);  w −= lr·g / (sqrt(h_r) + eps)}: one float of state per row. state1: (R x 1). */
        ROWWISE_ADAGRAD,
        /**
         * Lazy Adam (torch.optim.SparseAdam): only rows present in the batch update their moments,
         * {@code m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= c1·m / (sqrt(v)·c2 + eps)} with
         * {@code c1 = lr/(1−β1^t), c2 = 1/sqrt(1−β2^t)}, t the global step. state1 = m, state2 = v: (R x d).
         */
        ADAM
    }

    /** A sparse optimizer and its hyper-parameters (beta1/beta2 are read by ADAM only). */
    public record SparseOptimizer(OptimizerKind kind, float lr, float eps, float beta1, float beta2) {
        public SparseOptimizer {
            Objects.requireNonNull(kind, "kind");
            if (!(lr >= 0f) || !Float.isFinite(lr)) {
                throw new IllegalArgumentException("SparseOptimizer: learning rate " + lr + " must be finite and >= 0");
            }
            if (!(eps > 0f) || !Float.isFinite(eps)) {
                throw new IllegalArgumentException("SparseOptimizer: eps " + eps + " must be finite and > 0");
            }
            if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
                throw new IllegalArgumentException("SparseOptimizer: betas (" + beta1 + ", " + beta2 + ") must lie in [0, 1)");
            }
        }

        public static SparseOptimizer sgd(float lr) {
            return new SparseOptimizer(OptimizerKind.SGD, lr, 1e-8f, 0.9f, 0.999f);
        }

        public static SparseOptimizer adagrad(float lr, float eps) {
            return new SparseOptimizer(OptimizerKind.ADAGRAD, lr, eps, 0.9f, 0.999f);
        }

        public static SparseOptimizer rowwiseAdagrad(float lr, float eps) {
            return new SparseOptimizer(OptimizerKind.ROWWISE_ADAGRAD, lr, eps, 0.9f, 0.999f);
        }

        public static SparseOptimizer adam(float lr, float beta1, float beta2, float eps) {
            return new SparseOptimizer(OptimizerKind.ADAM, lr, eps, beta1, beta2);
        }

        /** Adam's {@code c1 = lr / (1 − β1^t)}. */
        public float adamC1(long step) {
            return AdamStep.of(lr, beta1, beta2, step).c1();
        }

        /** Adam's {@code c2 = 1 / sqrt(1 − β2^t)}. */
        public float adamC2(long step) {
            return AdamStep.of(lr, beta1, beta2, step).c2();
        }
    }

    /** The shapes of one embedding-bag call, once checked. */
    public record Shape(int tables, long batch, long nnz, int dim, int maxTableRows) {
        /** Number of bags, T·B. */
        public long bags() {
            return tables * batch;
        }
    }

    /**
     * Element offset of local row {@code index} of table {@code table}: {@code (tableOffsets[table] + index)·d},
     * in 64-bit arithmetic (exact past 2^31 floats; overflow of a long throws).
     */
    public static long elementOffset(long[] tableOffsets, int table, long index, int d) {
        return Math.multiplyExact(Math.addExact(tableOffsets[table], index), (long) d);
    }

    /**
     * Checks the table offsets against a weights matrix of {@code rows} rows and returns the largest table's
     * row count. Works on the numbers alone, so tables past 2^31 floats can be checked without allocating.
     */
    public static int checkTableOffsets(String op, long[] tableOffsets, long rows) {
        Objects.requireNonNull(tableOffsets, op + ": tableOffsets");
        if (tableOffsets.length < 2) {
            throw new IllegalArgumentException(op + ": tableOffsets has " + tableOffsets.length
                    + " entries; needs T + 1 >= 2 (one table at least)");
        }
        if (tableOffsets[0] != 0) {
            throw new IllegalArgumentException(op + ": tableOffsets[0] = " + tableOffsets[0] + ", must be 0");
        }
        long max = 0;
        for (int t = 0; t + 1 < tableOffsets.length; t++) {
            long n = tableOffsets[t + 1] - tableOffsets[t];
            if (n < 0) {
                throw new IllegalArgumentException(op + ": tableOffsets decreases at table " + t + " ("
                        + tableOffsets[t] + " -> " + tableOffsets[t + 1] + ")");
            }
            max = Math.max(max, n);
        }
        long last = tableOffsets[tableOffsets.length - 1];
        if (last != rows) {
            throw new IllegalArgumentException(op + ": tableOffsets ends at row " + last + " but weights has " + rows
                    + " rows");
        }
        if (max > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": a table has " + max + " rows; local indices are int32");
        }
        return (int) max;
    }

    /** Checks a forward call's shapes (everything checkable without reading device data) and returns them. */
    public static Shape checkForward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                                     Matrix perSampleWeights, Pooling pooling, Matrix out) {
        return check("embeddingBagForward", weights, tableOffsets, indices, offsets, perSampleWeights, pooling, out,
                "out");
    }

    /** Checks a backward call: the forward's shapes, gradOut shaped as out, and the optimizer state. */
    public static Shape checkBackward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                                      Matrix perSampleWeights, Pooling pooling, Matrix gradOut, SparseOptimizer optimizer,
                                      Matrix state1, Matrix state2, long step) {
        String op = "embeddingBagBackward";
        Shape s = check(op, weights, tableOffsets, indices, offsets, perSampleWeights, pooling, gradOut, "gradOut");
        Objects.requireNonNull(optimizer, op + ": optimizer");
        if (weights.rows() >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": weights has " + weights.rows()
                    + " rows; the backward sorts int32 global row ids, so R must be < 2^31 - 1");
        }
        long r = weights.rows();
        long d = weights.cols();
        switch (optimizer.kind()) {
            case SGD -> { }
            case ADAGRAD -> requireState(op, "state1 (Adagrad sum of squares)", state1, r, d);
            case ROWWISE_ADAGRAD -> requireState(op, "state1 (row-wise Adagrad sum)", state1, r, 1);
            case ADAM -> {
                requireState(op, "state1 (Adam m)", state1, r, d);
                requireState(op, "state2 (Adam v)", state2, r, d);
                if (step < 1) {
                    throw new IllegalArgumentException(op + ": Adam step " + step + " must be >= 1");
                }
                if (state1 == state2) {
                    throw new IllegalArgumentException(op + ": Adam m and v must be different matrices");
                }
            }
        }
        for (Matrix m : new Matrix[] {state1, state2, gradOut}) {
            if (m != null && m == weights) {
                throw new IllegalArgumentException(op + ": weights must not alias gradOut or optimizer state");
            }
        }
        return s;
    }

    private static void requireState(String op, String what, Matrix m, long rows, long cols) {
        if (m == null) {
            throw new IllegalArgumentException(op + ": " + what + " is required, shape " + rows + "x" + cols);
        }
        if (m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + what + " is " + m.shape() + ", needs " + rows + "x" + cols);
        }
    }

    private static Shape check(String op, Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                               Matrix perSampleWeights, Pooling pooling, Matrix out, String outName) {
        Objects.requireNonNull(weights, op + ": weights");
        Objects.requireNonNull(indices, op + ": indices");
        Objects.requireNonNull(offsets, op + ": offsets");
        Objects.requireNonNull(pooling, op + ": pooling");
        Objects.requireNonNull(out, op + ": " + outName);
        int maxRows = checkTableOffsets(op, tableOffsets, weights.rows());
        int tables = tableOffsets.length - 1;
        long d = weights.cols();
        if (d < 1 || d > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException(op + ": embedding width d = " + d + " must lie in [1, " + Integer.MAX_VALUE / 64
                    + "]");
        }
        long nnz = indices.length();
        if (nnz > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(op + ": " + nnz + " indices in one call; at most 2^31 - 2");
        }
        long bagsPlusOne = offsets.length();
        if (bagsPlusOne < 1 || (bagsPlusOne - 1) % tables != 0) {
            throw new IllegalArgumentException(op + ": offsets has " + bagsPlusOne + " entries; needs T·B + 1 with T = "
                    + tables + " tables");
        }
        long batch = (bagsPlusOne - 1) / tables;
        if (offsets.length() > 0 && (offsets.min() < 0 || offsets.max() > nnz)) {
            throw new IllegalArgumentException(op + ": offsets hold values in [" + offsets.min() + ", " + offsets.max()
                    + "], outside [0, " + nnz + "] (nnz = indices.length)");
        }
        indices.checkRange(op, "indices", Math.max(maxRows, 0));
        if (perSampleWeights != null) {
            if (perSampleWeights.elements() != nnz) {
                throw new IllegalArgumentException(op + ": perSampleWeights has " + perSampleWeights.elements()
                        + " elements, needs one per index (" + nnz + ")");
            }
            if (pooling == Pooling.MEAN) {
                throw new IllegalArgumentException(op + ": perSampleWeights are allowed with SUM and NONE pooling only "
                        + "(as torch.nn.EmbeddingBag)");
            }
        }
        long rows = pooling == Pooling.NONE ? nnz : batch;
        long cols = pooling == Pooling.NONE ? d : tables * d;
        if (out.rows() != rows || out.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + outName + " is " + out.shape() + ", needs " + rows + "x" + cols
                    + " (" + pooling + " pooling, T = " + tables + ", B = " + batch + ", nnz = " + nnz + ", d = " + d + ")");
        }
        if (out == weights) {
            throw new IllegalArgumentException(op + ": " + outName + " must not alias weights");
        }
        return new Shape(tables, batch, nnz, (int) d, maxRows);
    }

    /** Checks the FM ops' shapes: v (B x F·d), linear null or (B x L), logits (B x 1); returns d. */
    public static int checkFm(String op, Matrix v, int fields, Matrix linear, Matrix logits) {
        Objects.requireNonNull(v, op + ": v");
        Objects.requireNonNull(logits, op + ": logits");
        if (fields < 1) {
            throw new IllegalArgumentException(op + ": fields = " + fields + ", must be >= 1");
        }
        if (v.cols() % fields != 0 || v.cols() == 0) {
            throw new IllegalArgumentException(op + ": v is " + v.shape() + "; its width must be fields·d with fields = "
                    + fields + " and d >= 1");
        }
        if (v.cols() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": v width " + v.cols() + " exceeds the int range");
        }
        if (logits.rows() != v.rows() || logits.cols() != 1) {
            throw new IllegalArgumentException(op + ": logits is " + logits.shape() + ", needs " + v.rows() + "x1");
        }
        if (linear != null && linear.rows() != v.rows()) {
            throw new IllegalArgumentException(op + ": linear is " + linear.shape() + ", needs " + v.rows() + " rows");
        }
        return (int) (v.cols() / fields);
    }

    /** Checks logisticLossGrad: logits, labels, grad all (B x 1), lossSum (1 x 1). */
    public static void checkLogistic(Matrix logits, Matrix labels, Matrix grad, Matrix lossSum) {
        String op = "logisticLossGrad";
        if (logits.cols() != 1) {
            throw new IllegalArgumentException(op + ": logits is " + logits.shape() + ", needs B x 1");
        }
        for (Matrix m : new Matrix[] {labels, grad}) {
            if (m.rows() != logits.rows() || m.cols() != 1) {
                throw new IllegalArgumentException(op + ": labels and grad must be " + logits.shape() + ", got "
                        + m.shape());
            }
        }
        if (lossSum.rows() != 1 || lossSum.cols() != 1) {
            throw new IllegalArgumentException(op + ": lossSum is " + lossSum.shape() + ", needs 1x1");
        }
        if (grad == labels) {
            throw new IllegalArgumentException(op + ": grad must not alias labels");
        }
    }
}
