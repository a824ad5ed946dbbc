package org.reckernels.nn;

import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.FusedDenseOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * A fully connected layer, row-major batches:
 * <pre>
 *   W: (in x out),  b: (1 x out),  x: (rows x in),  y: (rows x out)
 *   forward:   y = act(x·W + b)            (gemm, then the bias + activation epilogue; one call on a
 *                                           backend with {@link FusedDenseOps})
 *   backward:  gPre = gY ⊙ act'(y)            (ReLU: y > 0, the same mask as pre > 0)
 *              gW (+)= xᵀ·gPre;  gb (+)= Σ_rows gPre;  gX = gPre·Wᵀ
 * </pre>
 * The layer owns its parameters, their gradients and (allocated on the first {@link #adamStep})
 * Adam's moments; activations live in the caller's buffers ({@link MlpWorkspace}), so one layer
 * serves batches of any size without allocating per batch.
 *
 * <p>Initialisation: weights Xavier/Glorot uniform (bound sqrt(6 / (in + out)), as
 * torch.nn.init.xavier_uniform_), bias zero.
 */
public final class Dense implements AutoCloseable {
    private final Backend backend;
    private final int in;
    private final int out;
    private final Activation activation;
    private final Matrix weight;
    private final Matrix bias;
    private final Matrix gradWeight;
    private final Matrix gradBias;
    private Matrix mW;
    private Matrix vW;
    private Matrix mB;
    private Matrix vB;

    /** A layer with Xavier-uniform weights drawn from {@code rnd} and zero bias. */
    public Dense(Backend backend, int in, int out, Activation activation, Random rnd) {
        this(backend, checkedXavier(in, out, rnd), new float[Math.max(0, out)], in, out, activation);
    }

    /** A layer with the given weights ({@code in x out}, row-major) and bias ({@code out}). */
    public static Dense of(Backend backend, HostMatrix weight, HostMatrix bias, Activation activation) {
        if (bias.rows() != 1 || bias.cols() != weight.cols()) {
            throw new IllegalArgumentException("Dense: bias is " + bias.shape() + ", needs 1x" + weight.cols()
                    + " for weights " + weight.shape());
        }
        return new Dense(backend, weight.toArray(), bias.toArray(), Math.toIntExact(weight.rows()),
                Math.toIntExact(weight.cols()), activation);
    }

    private Dense(Backend backend, float[] w, float[] b, int in, int out, Activation activation) {
        check(in, out);
        this.backend = Objects.requireNonNull(backend, "backend");
        this.in = in;
        this.out = out;
        this.activation = Objects.requireNonNull(activation, "activation");
        Matrix wm = null;
        Matrix bm = null;
        Matrix gw = null;
        try (HostMatrix hw = HostMatrix.of(in, out, w); HostMatrix hb = HostMatrix.of(1, out, b)) {
            wm = backend.upload(hw);
            bm = backend.upload(hb);
            gw = backend.allocate(in, out);
            this.gradBias = backend.allocate(1, out);
        } catch (RuntimeException e) {
            for (Matrix m : new Matrix[] {wm, bm, gw}) {
                if (m != null) {
                    m.close();
                }
            }
            throw e;
        }
        this.weight = wm;
        this.bias = bm;
        this.gradWeight = gw;
    }

    private static void check(int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Dense: in and out must be > 0, got in=" + in + " out=" + out);
        }
    }

    private static float[] checkedXavier(int in, int out, Random rnd) {
        check(in, out);
        float[] w = new float[Math.multiplyExact(in, out)];
        double bound = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return w;
    }

    /**
     * {@code y = act(x·W + b)}. <pre>x: (rows x in), y: (rows x out)</pre> y must differ from x
     * (it is the gemm's output). y is the only activation the backward needs.
     */
    public void forward(Matrix x, Matrix y) {
        checkRows("forward", x, in, "x");
        checkRows("forward", y, out, "y");
        if (x.rows() != y.rows()) {
            throw new IllegalArgumentException("Dense.forward: x has " + x.rows() + " rows but y has " + y.rows());
        }
        float slope = activation == Activation.RELU ? 0f : 1f;
        if (backend instanceof FusedDenseOps fused) { // the epilogue on each tile of y while it is in cache
            fused.gemmBiasLeakyRelu(x, weight, bias, slope, y);
        } else {
            backend.gemm(false, false, 1f, x, weight, 0f, y);
            backend.addBiasLeakyRelu(y, bias, slope);   // fused epilogue, one pass
        }
    }

    /**
     * Backward of {@link #forward} from its input x and output y.
     * <pre>x: (rows x in), y, gradY: (rows x out), gradX: (rows x in) or null</pre>
     * gradY is overwritten with the pre-activation gradient (ReLU: in place). Parameter gradients are
     * overwritten, or added to when {@code accumulate}; gradX (when not null) is overwritten and must
     * differ from gradY and x.
     */
    public void backward(Matrix x, Matrix y, Matrix gradY, Matrix gradX, boolean accumulate) {
        backward(x, y, gradY, false, gradX, Activation.NONE, accumulate);
    }

    /**
     * {@link #backward(Matrix, Matrix, Matrix, Matrix, boolean)} inside a stack of layers: {@code gradYPre} says that
     * gradY is already the pre-activation gradient (the layer above took it through this layer's activation), and
     * {@code below} is the activation of the layer whose output x is. When the backend fuses it
     * ({@link FusedDenseOps}) and below is ReLU, gradX comes back as the pre-activation gradient of the layer below,
     * {@code (gPre·Wᵀ) ⊙ [x > 0]}, and this returns true (pass it on as that layer's gradYPre); else gradX is
     * {@code gPre·Wᵀ} and this returns false.
     */
    public boolean backward(Matrix x, Matrix y, Matrix gradY, boolean gradYPre, Matrix gradX, Activation below,
                            boolean accumulate) {
        checkRows("backward", x, in, "x");
        checkRows("backward", y, out, "y");
        checkRows("backward", gradY, out, "gradY");
        if (x.rows() != y.rows() || gradY.rows() != y.rows()) {
            throw new IllegalArgumentException("Dense.backward: x, y, gradY have " + x.rows() + ", " + y.rows() + ", "
                    + gradY.rows() + " rows; they must agree");
        }
        if (gradX != null) {
            checkRows("backward", gradX, in, "gradX");
            if (gradX.rows() != x.rows() || gradX == gradY || gradX == x) {
                throw new IllegalArgumentException("Dense.backward: gradX (" + gradX.shape()
                        + ") must have x's rows and differ from x and gradY");
            }
        }
        if (activation == Activation.RELU && !gradYPre) {
            backend.leakyReluBackward(y, gradY, 0f, gradY);
        }
        backend.gemm(true, false, 1f, x, gradY, accumulate ? 1f : 0f, gradWeight);
        if (!accumulate) {
            backend.fill(gradBias, 0f);
        }
        backend.columnSums(gradY, gradBias);
        if (gradX == null) {
            return false;
        }
        if (below == Activation.RELU && backend instanceof FusedDenseOps fused) {
            fused.gemmNtLeakyReluBackward(gradY, weight, x, 0f, gradX);
            return true;
        }
        backend.gemm(false, true, 1f, gradY, weight, 0f, gradX);
        return false;
    }

    private static void checkRows(String op, Matrix m, int cols, String name) {
        Objects.requireNonNull(m, "Dense." + op + ": " + name);
        if (m.cols() != cols) {
            throw new IllegalArgumentException("Dense." + op + ": " + name + " is " + m.shape() + ", needs " + cols
                    + " columns");
        }
    }

    /** {@code gW += l2·W} (weight decay on the weights only, not the bias). */
    public void addL2Gradient(float l2) {
        if (l2 != 0f) {
            backend.axpby(l2, weight, 1f, gradWeight);
        }
    }

    /** {@code p −= lr·g} for W and b. */
    public void sgdStep(float lr) {
        backend.axpby(-lr, gradWeight, 1f, weight);
        backend.axpby(-lr, gradBias, 1f, bias);
    }

    /** One Adam step ({@link Backend#adam}) for W and b; the moments are allocated on the first call. */
    public void adamStep(float lr, float beta1, float beta2, float eps, long step) {
        if (mW == null) {
            mW = backend.allocate(in, out);
            vW = backend.allocate(in, out);
            mB = backend.allocate(1, out);
            vB = backend.allocate(1, out);
        }
        backend.adam(weight, gradWeight, mW, vW, lr, beta1, beta2, eps, step);
        backend.adam(bias, gradBias, mB, vB, lr, beta1, beta2, eps, step);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Activation activation() {
        return activation;
    }

    /** (in x out). */
    public Matrix weight() {
        return weight;
    }

    /** (1 x out). */
    public Matrix bias() {
        return bias;
    }

    public Matrix gradWeight() {
        return gradWeight;
    }

    public Matrix gradBias() {
        return gradBias;
    }

    /** W then b. */
    public List<Matrix> parameters() {
        return List.of(weight, bias);
    }

    /** gW then gb, aligned with {@link #parameters()}. */
    public List<Matrix> gradients() {
        return List.of(gradWeight, gradBias);
    }

    @Override
    public void close() {
        for (Matrix m : new Matrix[] {weight, bias, gradWeight, gradBias, mW, vW, mB, vB}) {
            if (m != null) {
                m.close();
            }
        }
    }
}
