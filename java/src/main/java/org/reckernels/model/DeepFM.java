package org.reckernels.model;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.nn.Activation;
import org.reckernels.nn.Mlp;
import org.reckernels.nn.MlpWorkspace;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * DeepFM (Guo et al. 2017): a {@link FactorizationMachine} and an MLP that share the field embeddings,
 * <pre>
 *   e_b = [V[x_b1], …, V[x_bF]]: (F·d) pooled embeddings of sample b (one id per field)
 *   logit_b = FM(x_b) + MLP(e_b),   MLP: F·d → hidden[0] → … → hidden[k−1] → 1 (ReLU hidden layers, linear output)
 * </pre>
 * One step runs the FM's general ops; the MLP adds its output to the FM logit, and its input gradient is added to
 * the FM's embedding gradient before the sparse optimizer update (so V learns from both parts). The MLP's weights
 * take Adam steps (lr {@code mlpLr}, L2 {@code mlpL2} on the weights); the embeddings keep the FM's sparse
 * optimizer and L2. The fused Java FM pass does not apply (the MLP needs the pooled embeddings as a matrix).
 */
public final class DeepFM implements CtrModel {
    private final FactorizationMachine fm;
    private final Mlp mlp;

    private DeepFM(FactorizationMachine fm, Mlp mlp) {
        this.fm = fm;
        this.mlp = mlp;
    }

    /** Settings of the deep part: hidden widths (at least one), Adam learning rate, L2 on the weights. */
    public record DeepSpec(int[] hidden, float lr, float l2) {
        public DeepSpec {
            Objects.requireNonNull(hidden, "hidden");
            if (hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
                throw new IllegalArgumentException("DeepFM: hidden widths must be >= 1 and at least one: "
                        + Arrays.toString(hidden));
            }
            if (!(lr > 0f) || !Float.isFinite(lr) || !(l2 >= 0f) || !Float.isFinite(l2)) {
                throw new IllegalArgumentException("DeepFM: MLP lr " + lr + " must be > 0 and l2 " + l2 + " >= 0");
            }
            hidden = hidden.clone();
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        @Override
        public String toString() {
            return "DeepSpec[hidden=" + Arrays.toString(hidden) + ", lr=" + lr + ", l2=" + l2 + "]";
        }
    }

    /** A new DeepFM: the FM part as {@link FactorizationMachine#create}, the MLP Xavier-initialised from seed. */
    public static DeepFM create(Backend backend, int[] vocab, int dim, SparseOptimizer optimizer, float l2, float initStd,
                                DeepSpec deep, long seed) {
        int[] sizes = new int[deep.hidden().length + 2];
        sizes[0] = Math.multiplyExact(vocab.length, dim);
        System.arraycopy(deep.hidden(), 0, sizes, 1, deep.hidden().length);
        sizes[sizes.length - 1] = 1;
        Mlp mlp = new Mlp(backend, sizes, Activation.RELU, Activation.NONE, new Random(seed ^ 0x5DEECE66DL));
        return of(FactorizationMachine.create(backend, vocab, dim, optimizer, l2, initStd, seed), mlp, deep.lr(), deep.l2());
    }

    /**
     * A DeepFM from an FM and an MLP (F·d inputs, 1 output) on the same backend; takes ownership of both.
     */
    public static DeepFM of(FactorizationMachine fm, Mlp mlp, float mlpLr, float mlpL2) {
        int width = fm.fields() * fm.dim();
        if (mlp.inputWidth() != width || mlp.outputWidth() != 1) {
            fm.close();
            mlp.close();
            throw new IllegalArgumentException("DeepFM: the MLP maps " + mlp.inputWidth() + " -> " + mlp.outputWidth()
                    + " columns; needs " + width + " (fields x dim) -> 1");
        }
        fm.attach(new MlpPart(fm.backend(), mlp, mlpLr, mlpL2));
        return new DeepFM(fm, mlp);
    }

    /** The deep part as the FM sees it: the MLP on the pooled embeddings, its buffers per batch size. */
    private static final class MlpPart implements FactorizationMachine.DeepPart {
        private final Backend backend;
        private final Mlp mlp;
        private final float lr;
        private final float l2;
        private MlpWorkspace ws;
        private Matrix gradInput;

        MlpPart(Backend backend, Mlp mlp, float lr, float l2) {
            this.backend = backend;
            this.mlp = mlp;
            this.lr = lr;
            this.l2 = l2;
        }

        private MlpWorkspace workspace(long rows) {
            if (ws == null || ws.rows() != rows) {
                closeBuffers();
                ws = mlp.workspace(rows);
                gradInput = backend.allocate(rows, mlp.inputWidth());
            }
            return ws;
        }

        @Override
        public void forward(Matrix pooled, Matrix logits) {
            Matrix out = mlp.forward(workspace(pooled.rows()), pooled);
            backend.axpby(1f, out, 1f, logits);
        }

        @Override
        public void backward(Matrix pooled, Matrix grad, Matrix gradPooled, long step) {
            MlpWorkspace w = workspace(pooled.rows());
            mlp.backward(w, pooled, grad, gradInput, false);
            backend.axpby(1f, gradInput, 1f, gradPooled);
            mlp.addL2Gradient(l2);
            mlp.adamStep(lr, 0.9f, 0.999f, 1e-8f, step);
        }

        private void closeBuffers() {
            if (ws != null) {
                ws.close();
                gradInput.close();
                ws = null;
                gradInput = null;
            }
        }

        @Override
        public void close() {
            closeBuffers();
            mlp.close();
        }
    }

    @Override
    public int fields() {
        return fm.fields();
    }

    @Override
    public double trainStep(int[] ids, int[] order, int from, int b, float[] labels) {
        return fm.trainStep(ids, order, from, b, labels);
    }

    @Override
    public float[] predictLogits(int[] ids, int n, int batch) {
        return fm.predictLogits(ids, n, batch);
    }

    /** The FM part (its embeddings are the shared ones). */
    public FactorizationMachine fm() {
        return fm;
    }

    public Mlp mlp() {
        return mlp;
    }

    /** The FM part's parameters ({@link FactorizationMachine#parameters}). */
    public Map<String, HostMatrix> fmParameters() {
        return fm.parameters();
    }

    @Override
    public void close() {
        fm.close(); // closes the attached MLP part too
    }
}
