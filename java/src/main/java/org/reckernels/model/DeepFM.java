package org.reckernels.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.nn.Activation;
import org.reckernels.nn.Dense;
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
 * The MLP adds its output to the FM logit, and its input gradient is added to the FM's embedding gradient before
 * the sparse optimizer update (so V learns from both parts). The MLP's weights take Adam steps (lr {@code mlpLr},
 * L2 {@code mlpL2} on the weights); the embeddings keep the FM's sparse optimizer and L2. On the Java backend the
 * FM part runs fused ({@link org.reckernels.backend.FusedFmOps}: one per-sample pass gathers the rows, computes the
 * FM and writes the MLP's input; the MLP runs; one per-field pass adds the MLP's input gradient to the FM's and
 * updates each touched row once), with the general ops' results bit for bit; elsewhere it runs the general ops.
 */
public final class DeepFM implements CtrModel {
    private final FactorizationMachine fm;
    private final Mlp mlp;
    private final float mlpLr;
    private final float mlpL2;

    private DeepFM(FactorizationMachine fm, Mlp mlp, float mlpLr, float mlpL2) {
        this.fm = fm;
        this.mlp = mlp;
        this.mlpLr = mlpLr;
        this.mlpL2 = mlpL2;
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
        return new DeepFM(fm, mlp, mlpLr, mlpL2);
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
            }
            return ws;
        }

        @Override
        public void forward(Matrix pooled, Matrix logits) {
            Matrix out = mlp.forward(workspace(pooled.rows()), pooled);
            backend.axpby(1f, out, 1f, logits);
        }

        @Override
        public void backward(Matrix pooled, Matrix grad, Matrix gradPooled, boolean accumulate, long step) {
            MlpWorkspace w = workspace(pooled.rows());
            if (accumulate) { // the general path: gradPooled holds the FM's gradient already
                if (gradInput == null) {
                    gradInput = backend.allocate(w.rows(), mlp.inputWidth());
                }
                mlp.backward(w, pooled, grad, gradInput, false);
                backend.axpby(1f, gradInput, 1f, gradPooled);
            } else {
                mlp.backward(w, pooled, grad, gradPooled, false);
            }
            mlp.addL2Gradient(l2);
            mlp.adamStep(lr, 0.9f, 0.999f, 1e-8f, step);
        }

        private void closeBuffers() {
            if (ws != null) {
                ws.close();
                ws = null;
            }
            if (gradInput != null) {
                gradInput.close();
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

    /**
     * Saves the model as one checksummed table written atomically ({@link CtrModelFile}): the FM part's layout
     * ((R + 1) x (d + 1): V[r] then w[r], the bias last) followed by the MLP's W_1, b_1, W_2, b_2, … Metadata: model =
     * deepfm, vocab, dim, l2, the MLP's activations, lr and l2, and {@code extra}. Optimizer state is not saved.
     */
    public void save(Path file, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extra);
        StringBuilder acts = new StringBuilder();
        for (Dense d : mlp.layers()) {
            acts.append(acts.isEmpty() ? "" : ",").append(d.activation().name().toLowerCase(Locale.ROOT));
        }
        meta.put("mlp_activations", acts.toString());
        meta.put("mlp_lr", Float.toString(mlpLr));
        meta.put("mlp_l2", Float.toString(mlpL2));
        fm.write(file, "deepfm", meta, mlp.parameters());
    }

    /**
     * Loads a model saved by {@link #save} onto {@code backend}: the embeddings take {@code optimizer} (fresh state),
     * the MLP the saved Adam lr and L2 (fresh moments). A file of another model, a truncated or corrupt file, or MLP
     * shapes that do not chain from F·d inputs to one output are errors naming the file.
     */
    public static DeepFM load(Backend backend, Path file, SparseOptimizer optimizer) throws IOException {
        try (CtrModelFile.Contents c = CtrModelFile.read(file, "deepfm", false)) {
            Map<String, String> m = c.metadata();
            List<HostMatrix> params = c.extra();
            String[] acts = m.getOrDefault("mlp_activations", "").split(",");
            if (params.isEmpty() || params.size() != 2 * acts.length) {
                throw new IllegalArgumentException(file + ": " + params.size() + " MLP matrices for activations '"
                        + m.get("mlp_activations") + "'; a DeepFM file holds W and b per layer");
            }
            float lr = number(file, m, "mlp_lr");
            float l2 = number(file, m, "mlp_l2");
            Activation[] activations = new Activation[acts.length];
            for (int l = 0; l < acts.length; l++) {
                activations[l] = activation(file, acts[l]);
            }
            List<Dense> layers = new ArrayList<>();
            Mlp mlp;
            try {
                for (int l = 0; l < acts.length; l++) {
                    layers.add(Dense.of(backend, params.get(2 * l), params.get(2 * l + 1), activations[l]));
                }
                mlp = new Mlp(backend, layers);
            } catch (IllegalArgumentException e) {
                layers.forEach(Dense::close);
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            FactorizationMachine fm;
            try {
                fm = FactorizationMachine.of(backend, file, c, optimizer);
            } catch (RuntimeException e) {
                mlp.close();
                throw e;
            }
            try {
                return of(fm, mlp, lr, l2);
            } catch (IllegalArgumentException e) { // of() closed both
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }

    private static float number(Path file, Map<String, String> m, String key) {
        try {
            return Float.parseFloat(String.valueOf(m.get(key)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": metadata " + key + " = '" + m.get(key) + "' is not a number", e);
        }
    }

    private static Activation activation(Path file, String name) {
        try {
            return Activation.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": unknown MLP activation '" + name + "' (accepted: "
                    + Arrays.toString(Activation.values()).toLowerCase(Locale.ROOT) + ")", e);
        }
    }

    /** Adam learning rate of the MLP. */
    public float mlpLr() {
        return mlpLr;
    }

    /** L2 on the MLP's weights. */
    public float mlpL2() {
        return mlpL2;
    }

    @Override
    public void close() {
        fm.close(); // closes the attached MLP part too
    }
}
