package org.reckernels.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * NGCF (Wang et al., "Neural Graph Collaborative Filtering", SIGIR 2019), the NGCF-PyTorch recipe
 * used in the LightGCN paper's comparisons. Ego embeddings E⁰ ((users + items) x d) and, per layer
 * l = 1..L, weights W1_l, W2_l (d x d) and biases b1_l, b2_l (1 x d):
 * <pre>
 *   side_l = Â · E^(l−1)                                  (Â = D^-1/2 A D^-1/2, no self loops)
 *   pre_l  = (side_l + E^(l−1))·W1_l + b1_l + (E^(l−1) ⊙ side_l)·W2_l + b2_l
 *   E^l    = dropout_p(LeakyReLU_0.2(pre_l))            (message dropout, training mode only)
 *   F      = [E⁰ | norm(E¹) | ... | norm(E^L)]          ((users + items) x d(L+1)), norm = row L2 (eps 1e-12)
 * </pre>
 * The un-normalised E^l feeds the next layer, as in the reference. Node dropout (the reference's
 * optional sparse dropout of Â, off by default there) is not implemented.
 *
 * <p>Backward, by hand (Â is symmetric, so Âᵀ = Â), with G the gradient of F, from l = L down:
 * <pre>
 *   gE^l   = normBackward(E^l, G[:, l·d ..]) + (from layer l+1)
 *   gPre   = leakyBackward(pre_l, dropout(gE^l))           (the same mask: same seed and step)
 *   gb1 = gb2 = column sums of gPre
 *   gW1 = (side_l + E^(l−1))ᵀ·gPre;   gW2 = (E^(l−1) ⊙ side_l)ᵀ·gPre
 *   gS = gPre·W1ᵀ;  gB = gPre·W2ᵀ;   gSide = gS + gB ⊙ E^(l−1)
 *   gE^(l−1) = Â·gSide + gS + gB ⊙ side_l                  (+ G[:, 0..d) for E⁰)
 * </pre>
 * Initialisation: Xavier uniform for every tensor as torch.nn.init.xavier_uniform_ (bound
 * sqrt(6 / (rows + cols)); the user and item tables separately, as the reference keeps two).
 * Dropout masks come from {@link Backend#dropout} with seed = model seed mixed with the layer and
 * counter = the number of training-mode forwards, so backward re-creates them.
 */
public final class NGCF implements EmbeddingModel {
    /** LeakyReLU's negative slope in the reference. */
    public static final float SLOPE = 0.2f;
    /** torch.nn.functional.normalize's default eps. */
    public static final float NORM_EPS = 1e-12f;

    private final Backend backend;
    private final SparseMatrix adjacency;
    private final int users;
    private final int items;
    private final int dim;
    private final int layers;
    private final float dropout;
    private final long seed;
    private final Matrix ego;
    private final Matrix[] w1;
    private final Matrix[] b1;
    private final Matrix[] w2;
    private final Matrix[] b2;
    private final List<Matrix> params;
    private final Matrix[] out;    // E^l (after dropout), l = 1..L (index 0 unused)
    private final Matrix[] side;   // Â·E^(l−1)
    private final Matrix[] pre;    // pre-activation
    private final Matrix fin;
    private final Matrix x;        // scratch (n x d)
    private final Matrix y;
    private final Matrix z;
    private final Matrix gA;
    private final Matrix gB;
    private final List<Matrix> owned = new ArrayList<>();
    private boolean training;
    private long forwardCount;
    private boolean lastForwardDropped;

    /**
     * @param adjacency Â on {@code backend}, (users + items) square
     * @param dropout   message dropout rate p in [0, 1) (0.1 in the reference; 0 disables)
     */
    public NGCF(Backend backend, SparseMatrix adjacency, int users, int items, int dim, int layers, float dropout,
                long seed) {
        GraphShapes.checkSizes("NGCF", users, items, dim, layers);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("NGCF: dropout " + dropout + " outside [0, 1)");
        }
        long n = GraphShapes.checkAdjacency("NGCF", adjacency, users, items);
        this.backend = backend;
        this.adjacency = adjacency;
        this.users = users;
        this.items = items;
        this.dim = dim;
        this.layers = layers;
        this.dropout = dropout;
        this.seed = seed;
        Random rnd = new Random(seed);
        try {
            float[] e0 = new float[Math.toIntExact(n * dim)];
            xavier(rnd, e0, 0, (long) users * dim, users, dim);
            xavier(rnd, e0, (int) ((long) users * dim), (long) items * dim, items, dim);
            this.ego = upload(n, dim, e0);
            this.w1 = new Matrix[layers + 1];
            this.b1 = new Matrix[layers + 1];
            this.w2 = new Matrix[layers + 1];
            this.b2 = new Matrix[layers + 1];
            this.out = new Matrix[layers + 1];
            this.side = new Matrix[layers + 1];
            this.pre = new Matrix[layers + 1];
            List<Matrix> p = new ArrayList<>();
            p.add(ego);
            for (int l = 1; l <= layers; l++) {
                w1[l] = xavierMatrix(rnd, dim, dim);
                b1[l] = xavierMatrix(rnd, 1, dim);
                w2[l] = xavierMatrix(rnd, dim, dim);
                b2[l] = xavierMatrix(rnd, 1, dim);
                p.add(w1[l]);
                p.add(b1[l]);
                p.add(w2[l]);
                p.add(b2[l]);
                out[l] = alloc(n, dim);
                side[l] = alloc(n, dim);
                pre[l] = alloc(n, dim);
            }
            this.params = Collections.unmodifiableList(p);
            this.fin = alloc(n, (long) dim * (layers + 1));
            this.x = alloc(n, dim);
            this.y = alloc(n, dim);
            this.z = alloc(n, dim);
            this.gA = alloc(n, dim);
            this.gB = alloc(n, dim);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Matrix alloc(long rows, long cols) {
        Matrix m = backend.allocate(rows, cols);
        owned.add(m);
        return m;
    }

    private Matrix upload(long rows, long cols, float[] values) {
        try (HostMatrix h = HostMatrix.of(rows, cols, values)) {
            Matrix m = backend.upload(h);
            owned.add(m);
            return m;
        }
    }

    private Matrix xavierMatrix(Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        xavier(rnd, v, 0, v.length, rows, cols);
        return upload(rows, cols, v);
    }

    /** Uniform(−b, b), b = sqrt(6 / (fanIn + fanOut)), torch's fans of a (rows x cols) tensor. */
    private static void xavier(Random rnd, float[] v, int from, long count, long rows, long cols) {
        double bound = Math.sqrt(6.0 / (rows + cols));
        for (int i = from; i < from + count; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
    }

    /** The dropout seed of layer l (a fixed odd-constant mix of the model seed). */
    private long layerSeed(int l) {
        return seed ^ (0x632be59bd9b4e019L * l);
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public void forward() {
        boolean drop = training && dropout > 0f;
        if (drop) {
            forwardCount++;
        }
        lastForwardDropped = drop;
        backend.copyColumns(ego, 0, fin, 0, dim);
        Matrix prev = ego;
        for (int l = 1; l <= layers; l++) {
            // side = Â·E, x = side + E, y = side ⊙ E in one pass (the bi-interaction fused into the SpMM)
            backend.spmmBiInteraction(adjacency, prev, side[l], x, y);
            backend.gemm(false, false, 1f, x, w1[l], 0f, pre[l]);
            backend.gemm(false, false, 1f, y, w2[l], 1f, pre[l]);
            backend.addBias(pre[l], b1[l]);
            backend.addBias(pre[l], b2[l]);
            backend.leakyRelu(pre[l], SLOPE, out[l]);
            if (drop) {
                backend.dropout(out[l], dropout, layerSeed(l), forwardCount, out[l]);
            }
            backend.rowL2Normalize(out[l], NORM_EPS, z);
            backend.copyColumns(z, 0, fin, (long) l * dim, dim);
            prev = out[l];
        }
    }

    /**
     * Gradients in {@link #parameters()} order: E⁰, then per layer W1, b1, W2, b2 (overwritten).
     * Uses the dropout masks of the last {@link #forward()}.
     */
    @Override
    public void backward(Matrix gradFinal, List<Matrix> gradParameters) {
        if (gradParameters.size() != params.size()) {
            throw new IllegalArgumentException("NGCF.backward: " + params.size() + " gradients expected, got "
                    + gradParameters.size());
        }
        if (gradFinal.rows() != fin.rows() || gradFinal.cols() != fin.cols()) {
            throw new IllegalArgumentException("NGCF.backward: gradFinal is " + gradFinal.shape() + ", needs " + fin.shape());
        }
        Matrix gCur = gA;   // gradient w.r.t. E^l, accumulated from the layers above
        Matrix gNext = gB;
        for (int l = layers; l >= 1; l--) {
            int base = 1 + 4 * (l - 1);
            Matrix gW1 = gradParameters.get(base);
            Matrix gb1 = gradParameters.get(base + 1);
            Matrix gW2 = gradParameters.get(base + 2);
            Matrix gb2 = gradParameters.get(base + 3);
            Matrix prev = l == 1 ? ego : out[l - 1];
            backend.copyColumns(gradFinal, (long) l * dim, x, 0, dim);
            backend.rowL2NormalizeBackward(out[l], x, NORM_EPS, l == layers ? 0f : 1f, gCur);
            if (lastForwardDropped) {
                backend.dropout(gCur, dropout, layerSeed(l), forwardCount, gCur);
            }
            backend.leakyReluBackward(pre[l], gCur, SLOPE, gCur);     // gCur = gPre
            backend.fill(gb1, 0f);
            backend.columnSums(gCur, gb1);
            backend.axpby(1f, gb1, 0f, gb2);
            backend.axpby(1f, prev, 0f, y);
            backend.axpby(1f, side[l], 1f, y);                          // y = side + E
            backend.gemm(true, false, 1f, y, gCur, 0f, gW1);
            backend.hadamard(1f, prev, side[l], 0f, y);                 // y = E ⊙ side
            backend.gemm(true, false, 1f, y, gCur, 0f, gW2);
            backend.gemm(false, true, 1f, gCur, w1[l], 0f, x);          // x = gS
            backend.gemm(false, true, 1f, gCur, w2[l], 0f, y);          // y = gB
            backend.axpby(1f, x, 0f, z);
            backend.hadamard(1f, y, prev, 1f, z);                       // z = gSide
            backend.spmm(adjacency, z, gNext);
            backend.axpby(1f, x, 1f, gNext);
            backend.hadamard(1f, y, side[l], 1f, gNext);                // gNext = gE^(l−1) from layer l
            Matrix t = gCur;
            gCur = gNext;
            gNext = t;
        }
        Matrix gEgo = gradParameters.get(0);
        backend.copyColumns(gradFinal, 0, gEgo, 0, dim);
        if (layers > 0) {
            backend.axpby(1f, gCur, 1f, gEgo);
        }
    }

    @Override
    public List<Matrix> parameters() {
        return params;
    }

    @Override
    public Matrix finalEmbeddings() {
        return fin;
    }

    @Override
    public int users() {
        return users;
    }

    @Override
    public int items() {
        return items;
    }

    public int layers() {
        return layers;
    }

    public int dim() {
        return dim;
    }

    public float dropout() {
        return dropout;
    }

    @Override
    public void close() {
        for (Matrix m : owned) {
            m.close();
        }
        owned.clear();
    }
}
