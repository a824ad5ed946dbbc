package org.reckernels.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.Matrix;

/**
 * A stack of {@link Dense} layers, {@code sizes[0] → sizes[1] → … → sizes[L]}:
 * <pre>
 *   h_0 = x: (rows x sizes[0]);   h_l = act_l(h_(l−1)·W_l + b_l): (rows x sizes[l])
 * </pre>
 * Hidden layers use one activation and the last layer another (e.g. RELU then NONE for a tower with a
 * linear output, or RELU throughout for NCF's MLP tower). Activations and gradient buffers live in an
 * {@link MlpWorkspace} made once per batch size ({@link #workspace}), so training allocates nothing
 * per batch. The MLP owns its layers.
 */
public final class Mlp implements AutoCloseable {
    private final Backend backend;
    private final List<Dense> layers;

    /**
     * @param sizes  input width, then each layer's output width (at least two entries, all > 0)
     * @param hidden activation of every layer but the last
     * @param last   activation of the last layer
     * @param rnd    draws the Xavier-uniform weights, layer by layer
     */
    public Mlp(Backend backend, int[] sizes, Activation hidden, Activation last, Random rnd) {
        this(backend, build(backend, sizes, hidden, last, rnd));
    }

    /** An MLP over the given layers (consecutive widths must match); it takes ownership of them. */
    public Mlp(Backend backend, List<Dense> layers) {
        this.backend = Objects.requireNonNull(backend, "backend");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("Mlp: needs at least one layer");
        }
        for (int l = 1; l < layers.size(); l++) {
            if (layers.get(l - 1).out() != layers.get(l).in()) {
                throw new IllegalArgumentException("Mlp: layer " + (l - 1) + " outputs " + layers.get(l - 1).out()
                        + " columns but layer " + l + " takes " + layers.get(l).in());
            }
        }
        this.layers = List.copyOf(layers);
    }

    private static List<Dense> build(Backend backend, int[] sizes, Activation hidden, Activation last, Random rnd) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("Mlp: sizes needs the input width and at least one layer, got "
                    + java.util.Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("Mlp: every width must be > 0, got " + java.util.Arrays.toString(sizes));
            }
        }
        List<Dense> out = new ArrayList<>();
        try {
            for (int l = 1; l < sizes.length; l++) {
                out.add(new Dense(backend, sizes[l - 1], sizes[l], l == sizes.length - 1 ? last : hidden, rnd));
            }
        } catch (RuntimeException e) {
            out.forEach(Dense::close);
            throw e;
        }
        return out;
    }

    /** Buffers for batches of exactly {@code rows} rows; reuse it for every batch of that size. */
    public MlpWorkspace workspace(long rows) {
        return new MlpWorkspace(backend, this, rows);
    }

    /**
     * Runs the layers on {@code input} (rows x inputWidth) and returns the workspace's output
     * (rows x outputWidth), valid until the next forward on this workspace.
     */
    public Matrix forward(MlpWorkspace ws, Matrix input) {
        checkWorkspace(ws);
        if (input.rows() != ws.rows() || input.cols() != inputWidth()) {
            throw new IllegalArgumentException("Mlp.forward: input is " + input.shape() + ", needs " + ws.rows() + "x"
                    + inputWidth());
        }
        Matrix h = input;
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).forward(h, ws.activation(l));
            h = ws.activation(l);
        }
        return h;
    }

    /**
     * Backward of the last {@link #forward} on {@code ws} with the same {@code input}: parameter gradients
     * are overwritten (or added to when {@code accumulate}); {@code gradInput} (rows x inputWidth, may be
     * null when the input needs no gradient) is overwritten. {@code gradOutput} (rows x outputWidth) is
     * read, not changed.
     */
    public void backward(MlpWorkspace ws, Matrix input, Matrix gradOutput, Matrix gradInput, boolean accumulate) {
        checkWorkspace(ws);
        if (gradOutput.rows() != ws.rows() || gradOutput.cols() != outputWidth()) {
            throw new IllegalArgumentException("Mlp.backward: gradOutput is " + gradOutput.shape() + ", needs "
                    + ws.rows() + "x" + outputWidth());
        }
        int top = layers.size() - 1;
        backend.axpby(1f, gradOutput, 0f, ws.gradient(top));
        boolean pre = false; // whether gradient(l) is already taken through layer l's activation (fused below)
        for (int l = top; l >= 0; l--) {
            Matrix x = l == 0 ? input : ws.activation(l - 1);
            Matrix gradX = l == 0 ? gradInput : ws.gradient(l - 1);
            Activation below = l == 0 ? Activation.NONE : layers.get(l - 1).activation();
            pre = layers.get(l).backward(x, ws.activation(l), ws.gradient(l), pre, gradX, below, accumulate);
        }
    }

    private void checkWorkspace(MlpWorkspace ws) {
        if (ws.owner() != this) {
            throw new IllegalArgumentException("Mlp: the workspace was made by another Mlp");
        }
    }

    /** {@code gW += l2·W} on every layer's weights. */
    public void addL2Gradient(float l2) {
        layers.forEach(d -> d.addL2Gradient(l2));
    }

    public void sgdStep(float lr) {
        layers.forEach(d -> d.sgdStep(lr));
    }

    public void adamStep(float lr, float beta1, float beta2, float eps, long step) {
        layers.forEach(d -> d.adamStep(lr, beta1, beta2, eps, step));
    }

    public List<Dense> layers() {
        return layers;
    }

    public int inputWidth() {
        return layers.get(0).in();
    }

    public int outputWidth() {
        return layers.get(layers.size() - 1).out();
    }

    /** W_1, b_1, W_2, b_2, …. */
    public List<Matrix> parameters() {
        List<Matrix> p = new ArrayList<>();
        layers.forEach(d -> p.addAll(d.parameters()));
        return Collections.unmodifiableList(p);
    }

    /** gW_1, gb_1, …, aligned with {@link #parameters()}. */
    public List<Matrix> gradients() {
        List<Matrix> g = new ArrayList<>();
        layers.forEach(d -> g.addAll(d.gradients()));
        return Collections.unmodifiableList(g);
    }

    @Override
    public void close() {
        layers.forEach(Dense::close);
    }
}
