package org.reckernels.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.eval.UserItemScorer;
import org.reckernels.nn.Activation;
import org.reckernels.nn.Dense;
import org.reckernels.nn.Mlp;
import org.reckernels.nn.MlpWorkspace;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * NCF / NeuMF (He et al., "Neural Collaborative Filtering", WWW 2017), without pre-training. Two
 * embedding tables in the joint row numbering (users 0..U-1, item i at U + i), a GMF branch, an MLP
 * branch and a linear head over both:
 * <pre>
 *   G: ((U + I) x g) GMF embeddings;  M: ((U + I) x m) MLP embeddings, m = tower[0] / 2
 *   gmf_ui = G[u] ⊙ G[U + i]                                    (1 x g)
 *   mlp_ui = tower([M[u] | M[U + i]])                           (1 x tower[L]); ReLU after every layer
 *   z_ui   = [gmf_ui | mlp_ui]·h + b                            (the logit; σ(z) is the paper's ŷ)
 * </pre>
 * A batch of R (user, item) pairs runs as backend ops over R-row matrices ({@link Batch}, made once per
 * batch size): embedding-bag gathers (NONE pooling) of the four embedding blocks, a hadamard, column-block
 * copies for the concatenations, the {@link Mlp} tower and the {@link Dense} head. The backward mirrors it;
 * {@link #step} applies lazy Adam to the touched embedding rows (fused into the embedding-bag backward, so
 * duplicate rows in a batch are reduced first) and dense Adam to the tower and the head.
 *
 * <p>Initialisation as the paper's code: embeddings normal(0, initStd) (0.01), dense weights Xavier
 * uniform, biases zero.
 *
 * <p>Full ranking ({@link #scorer}): NCF's score is not an inner product, so every (user, item) pair of
 * the evaluation runs through the network, a tile of T users x all items at a time (T·I rows). Per pair
 * the tower's first layer is precomputed per table row (split by its user and item input halves), so a pair
 * costs g + Σ_{l>=2} tower[l−1]·tower[l] + (g + tower[L]) multiply-adds plus gathers (≈ 600 for g = 32,
 * tower 64-32-16; the full forward is ≈ 2.6k), against d for a dot-product model: about 10x MF's d = 64
 * scoring work, and the pairs pass through memory as activations rather than staying in registers.
 */
public final class NCF implements AutoCloseable {
    private final Backend backend;
    private final int users;
    private final int items;
    private final int gmfDim;
    private final int mlpDim;
    private final long[] tableOffsets;
    private final Matrix gmfTable;
    private final Matrix mlpTable;
    private final Mlp tower;
    private final Dense head;
    private final List<Matrix> owned = new ArrayList<>();
    private long version;           // bumped by every step, so scorers know when their precomputed halves are stale
    private Matrix gmfM;
    private Matrix gmfV;
    private Matrix mlpM;
    private Matrix mlpV;

    /**
     * @param gmfDim  GMF embedding width g
     * @param tower   the MLP tower's widths: tower[0] = 2·m (the concatenated MLP embeddings, m each), then
     *                each layer's output width (e.g. 64, 32, 16)
     * @param initStd standard deviation of the normal initial embeddings
     */
    public NCF(Backend backend, int users, int items, int gmfDim, int[] tower, float initStd, long seed) {
        this.backend = Objects.requireNonNull(backend, "backend");
        if (users <= 0 || items <= 0 || gmfDim <= 0) {
            throw new IllegalArgumentException("NCF: need users, items, gmfDim > 0; got users=" + users + " items=" + items
                    + " gmfDim=" + gmfDim);
        }
        if (tower == null || tower.length < 2 || tower[0] <= 0 || tower[0] % 2 != 0) {
            throw new IllegalArgumentException("NCF: tower " + java.util.Arrays.toString(tower)
                    + " needs an even input width (2 x the MLP embedding width) and at least one layer");
        }
        if (!(initStd >= 0f) || !Float.isFinite(initStd)) {
            throw new IllegalArgumentException("NCF: initStd " + initStd + " must be finite and >= 0");
        }
        this.users = users;
        this.items = items;
        this.gmfDim = gmfDim;
        this.mlpDim = tower[0] / 2;
        long rows = (long) users + items;
        this.tableOffsets = new long[] {0, rows};
        Random rnd = new Random(seed);
        Mlp t = null;
        Dense h = null;
        try {
            this.gmfTable = normal(rnd, rows, gmfDim, initStd);
            this.mlpTable = normal(rnd, rows, mlpDim, initStd);
            t = new Mlp(backend, tower, Activation.RELU, Activation.RELU, rnd);
            h = new Dense(backend, gmfDim + tower[tower.length - 1], 1, Activation.NONE, rnd);
        } catch (RuntimeException e) {
            if (t != null) {
                t.close();
            }
            closeOwned();
            throw e;
        }
        this.tower = t;
        this.head = h;
    }

    private Matrix normal(Random rnd, long rows, int cols, float std) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
        try (HostMatrix h = HostMatrix.of(rows, cols, v)) {
            Matrix m = backend.upload(h);
            owned.add(m);
            return m;
        }
    }

    /** Buffers for batches of exactly {@code rows} (user, item) pairs; reuse it for every batch. */
    public Batch batch(int rows) {
        return new Batch(rows);
    }

    /**
     * Logits of the pairs (users[r], items[r]), both in the joint row numbering (users in [0, U),
     * items in [U, U + I)); returns the batch's (rows x 1) logits, valid until its next forward.
     */
    public Matrix forward(Batch b, IndexVector userRows, IndexVector itemRows) {
        b.check();
        if (userRows.length() != b.rows || itemRows.length() != b.rows) {
            throw new IllegalArgumentException("NCF.forward: " + userRows.length() + " users and " + itemRows.length()
                    + " items for a batch of " + b.rows + " pairs");
        }
        if (userRows.length() > 0 && (userRows.min() < 0 || userRows.max() >= users)) {
            throw new IllegalArgumentException("NCF.forward: user rows span [" + userRows.min() + ", " + userRows.max()
                    + "], outside [0, " + users + ")");
        }
        if (itemRows.length() > 0 && (itemRows.min() < users || itemRows.max() >= users + (long) items)) {
            throw new IllegalArgumentException("NCF.forward: item rows span [" + itemRows.min() + ", " + itemRows.max()
                    + "], outside [" + users + ", " + (users + (long) items) + ") (joint numbering: users + item)");
        }
        b.userRows = userRows;
        b.itemRows = itemRows;
        gather(gmfTable, userRows, b.offsets, b.pg);
        gather(gmfTable, itemRows, b.offsets, b.qg);
        gather(mlpTable, userRows, b.offsets, b.pm);
        gather(mlpTable, itemRows, b.offsets, b.qm);
        backend.hadamard(1f, b.pg, b.qg, 0f, b.gmf);
        backend.copyColumns(b.pm, 0, b.x0, 0, mlpDim);
        backend.copyColumns(b.qm, 0, b.x0, mlpDim, mlpDim);
        Matrix mlpOut = tower.forward(b.towerWs, b.x0);
        backend.copyColumns(b.gmf, 0, b.headIn, 0, gmfDim);
        backend.copyColumns(mlpOut, 0, b.headIn, gmfDim, mlpOut.cols());
        head.forward(b.headIn, b.logits);
        return b.logits;
    }

    private void gather(Matrix table, IndexVector rows, IndexVector offsets, Matrix out) {
        backend.embeddingBagForward(table, tableOffsets, rows, offsets, null, Pooling.NONE, out);
    }

    /**
     * Backward of the last {@link #forward} on {@code b} from the logits' gradient (rows x 1): the tower's and
     * the head's parameter gradients (overwritten) and the gradients of the four gathered embedding blocks
     * ({@link Batch#gradGmfUsers()} etc.). gradLogits is not changed.
     */
    public void backward(Batch b, Matrix gradLogits) {
        b.check();
        if (b.userRows == null) {
            throw new IllegalStateException("NCF.backward: no forward on this batch yet");
        }
        if (gradLogits.rows() != b.rows || gradLogits.cols() != 1) {
            throw new IllegalArgumentException("NCF.backward: gradLogits is " + gradLogits.shape() + ", needs " + b.rows + "x1");
        }
        backend.axpby(1f, gradLogits, 0f, b.gLogits);
        head.backward(b.headIn, b.logits, b.gLogits, b.gHeadIn, false);
        long towerOut = tower.outputWidth();
        backend.copyColumns(b.gHeadIn, 0, b.gGmf, 0, gmfDim);
        backend.copyColumns(b.gHeadIn, gmfDim, b.gTowerOut, 0, towerOut);
        backend.hadamard(1f, b.gGmf, b.qg, 0f, b.gpg);
        backend.hadamard(1f, b.gGmf, b.pg, 0f, b.gqg);
        tower.backward(b.towerWs, b.x0, b.gTowerOut, b.gX0, false);
        backend.copyColumns(b.gX0, 0, b.gpm, 0, mlpDim);
        backend.copyColumns(b.gX0, mlpDim, b.gqm, 0, mlpDim);
    }

    /**
     * One optimizer step after {@link #backward}: adds the L2 gradient of the batch's embedding rows
     * ({@code l2 / rows · row}, the per-batch mean of {@code l2/2·‖row‖²}, as the BPR trainer) and weight
     * decay {@code l2·W} on the dense weights, then lazy Adam on the touched embedding rows and Adam on the
     * tower and the head. {@code step} (t >= 1) is the global step count.
     */
    public void step(Batch b, float lr, float l2, long step) {
        b.check();
        if (b.userRows == null) {
            throw new IllegalStateException("NCF.step: no forward/backward on this batch yet");
        }
        if (l2 != 0f) {
            float coef = l2 / b.rows;
            backend.axpby(coef, b.pg, 1f, b.gpg);
            backend.axpby(coef, b.qg, 1f, b.gqg);
            backend.axpby(coef, b.pm, 1f, b.gpm);
            backend.axpby(coef, b.qm, 1f, b.gqm);
            tower.addL2Gradient(l2);
            head.addL2Gradient(l2);
        }
        if (gmfM == null) {
            gmfM = alloc(gmfTable.rows(), gmfDim);
            gmfV = alloc(gmfTable.rows(), gmfDim);
            mlpM = alloc(mlpTable.rows(), mlpDim);
            mlpV = alloc(mlpTable.rows(), mlpDim);
        }
        version++;
        SparseOptimizer adam = SparseOptimizer.adam(lr, 0.9f, 0.999f, 1e-8f);
        // Users and items are disjoint rows of each table, so every touched row is updated once per step.
        scatter(gmfTable, b.userRows, b.offsets, b.gpg, adam, gmfM, gmfV, step);
        scatter(gmfTable, b.itemRows, b.offsets, b.gqg, adam, gmfM, gmfV, step);
        scatter(mlpTable, b.userRows, b.offsets, b.gpm, adam, mlpM, mlpV, step);
        scatter(mlpTable, b.itemRows, b.offsets, b.gqm, adam, mlpM, mlpV, step);
        tower.adamStep(lr, 0.9f, 0.999f, 1e-8f, step);
        head.adamStep(lr, 0.9f, 0.999f, 1e-8f, step);
    }

    private void scatter(Matrix table, IndexVector rows, IndexVector offsets, Matrix grad, SparseOptimizer opt, Matrix m,
                         Matrix v, long step) {
        backend.embeddingBagBackward(table, tableOffsets, rows, offsets, null, Pooling.NONE, grad, opt, m, v, step);
    }

    private Matrix alloc(long rows, long cols) {
        Matrix m = backend.allocate(rows, cols);
        owned.add(m);
        return m;
    }

    /**
     * A full-ranking scorer over this model's parameters (it follows later {@link #step}s and
     * {@link #parametersChanged()} calls, so one scorer serves a whole run): tiles of T users x all items, T =
     * max(1, tileRows / items) (capped at the user count), each tile one forward of T·I pairs. Close it to
     * free its buffers (about tileRows x (2·g + 2·m + Σ tower + g + tower[L] + 1) floats, twice for gradients).
     */
    public Scorer scorer(long tileRows) {
        return new Scorer(tileRows);
    }

    /** Tells scorers that the parameters were changed from outside {@link #step} (e.g. restored from a copy). */
    public void parametersChanged() {
        version++;
    }

    /** The trained tensors: G, M, then the tower's W, b per layer, then the head's W, b. */
    public List<Matrix> parameters() {
        List<Matrix> p = new ArrayList<>();
        p.add(gmfTable);
        p.add(mlpTable);
        p.addAll(tower.parameters());
        p.addAll(head.parameters());
        return Collections.unmodifiableList(p);
    }

    /** Gradients of the dense parameters after {@link #backward}, aligned with {@code parameters()} from index 2. */
    public List<Matrix> denseGradients() {
        List<Matrix> g = new ArrayList<>(tower.gradients());
        g.addAll(head.gradients());
        return Collections.unmodifiableList(g);
    }

    public int users() {
        return users;
    }

    public int items() {
        return items;
    }

    public int gmfDim() {
        return gmfDim;
    }

    public int mlpDim() {
        return mlpDim;
    }

    public Mlp tower() {
        return tower;
    }

    public Dense head() {
        return head;
    }

    /** Multiply-adds of one pair's forward (the scoring cost per pair). */
    public long macsPerPair() {
        long macs = gmfDim;
        for (Dense d : tower.layers()) {
            macs += (long) d.in() * d.out();
        }
        return macs + head.in();
    }

    private void closeOwned() {
        for (Matrix m : owned) {
            m.close();
        }
        owned.clear();
    }

    @Override
    public void close() {
        tower.close();
        head.close();
        closeOwned();
    }

    /** The activations and gradient buffers of one batch size (R pairs); reused across batches. */
    public final class Batch implements AutoCloseable {
        private final int rows;
        private final BufferGroup parts = new BufferGroup("NCF.Batch");
        private final IndexVector offsets;      // 0..R: every gathered row is its own bag
        private final Matrix pg;                // (R x g) G[user]
        private final Matrix qg;                // (R x g) G[item]
        private final Matrix gmf;               // (R x g) pg ⊙ qg
        private final Matrix pm;                // (R x m) M[user]
        private final Matrix qm;                // (R x m) M[item]
        private final Matrix x0;                // (R x 2m) [pm | qm]
        private final MlpWorkspace towerWs;
        private final Matrix headIn;            // (R x (g + tower[L])) [gmf | mlp]
        private final Matrix logits;            // (R x 1)
        private final Matrix gLogits;           // (R x 1)
        private final Matrix gHeadIn;
        private final Matrix gGmf;
        private final Matrix gTowerOut;
        private final Matrix gX0;
        private final Matrix gpg;
        private final Matrix gqg;
        private final Matrix gpm;
        private final Matrix gqm;
        private IndexVector userRows;
        private IndexVector itemRows;
        private boolean closed;

        private Batch(int rows) {
            if (rows <= 0) {
                throw new IllegalArgumentException("NCF.batch: rows must be > 0, got " + rows);
            }
            this.rows = rows;
            int[] off = new int[rows + 1];
            for (int i = 0; i <= rows; i++) {
                off[i] = i;
            }
            long headW = head.in();
            try {
                this.offsets = parts.add(backend.upload(off));
                this.pg = m(gmfDim);
                this.qg = m(gmfDim);
                this.gmf = m(gmfDim);
                this.pm = m(mlpDim);
                this.qm = m(mlpDim);
                this.x0 = m(2L * mlpDim);
                this.towerWs = parts.add(tower.workspace(rows));
                this.headIn = m(headW);
                this.logits = m(1);
                this.gLogits = m(1);
                this.gHeadIn = m(headW);
                this.gGmf = m(gmfDim);
                this.gTowerOut = m(tower.outputWidth());
                this.gX0 = m(2L * mlpDim);
                this.gpg = m(gmfDim);
                this.gqg = m(gmfDim);
                this.gpm = m(mlpDim);
                this.gqm = m(mlpDim);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private Matrix m(long cols) {
            return parts.add(backend.allocate(rows, cols));
        }

        private void check() {
            if (closed) {
                throw new IllegalStateException("NCF: the batch is closed");
            }
        }

        public int rows() {
            return rows;
        }

        /** (R x g): dL/dG[user_r] of the last backward (before L2). */
        public Matrix gradGmfUsers() {
            return gpg;
        }

        /** (R x g): dL/dG[item_r]. */
        public Matrix gradGmfItems() {
            return gqg;
        }

        /** (R x m): dL/dM[user_r]. */
        public Matrix gradMlpUsers() {
            return gpm;
        }

        /** (R x m): dL/dM[item_r]. */
        public Matrix gradMlpItems() {
            return gqm;
        }

        @Override
        public void close() {
            closed = true;
            parts.close();
        }
    }

    /**
     * Full-ranking scores through the network, a tile of users x all items per forward. The tower's first
     * layer is split by its input halves, {@code [M_u | M_i]·W1 = M_u·W1[0..m) + M_i·W1[m..2m)}, and both
     * halves are computed once per scorer for every table row (T1 = M·W1[0..m), T2 = M·W1[m..2m) + b1), so a
     * pair's first layer costs an add and a ReLU instead of 2m·tower[1] multiply-adds: per pair
     * g + Σ_{l>=2} tower[l−1]·tower[l] + (g + tower[L]) multiply-adds (≈ 600 for g = 32, tower 64-32-16).
     */
    public final class Scorer implements UserItemScorer, AutoCloseable {
        private final int tileUsers;
        private final int rows;
        private final BufferGroup parts = new BufferGroup("NCF.Scorer");
        private final IndexVector offsets;    // 0..R
        private final IndexVector itemRows;   // U + i for every user slot of the tile
        private final Matrix userHalf;        // T1: ((U + I) x tower[1]) M·W1[0..m)
        private final Matrix itemHalf;        // T2: ((U + I) x tower[1]) M·W1[m..2m) + b1
        private final Matrix pg;              // (R x g)
        private final Matrix qg;              // (R x g)
        private final Matrix h1Items;         // (R x tower[1])
        private final Matrix[] act;           // act[l]: (R x tower[l+1]), the tower's layer outputs
        private final Matrix headIn;
        private final Matrix logits;
        private final HostMatrix hostLogits;
        private long scoredVersion;

        private Scorer(long tileRows) {
            if (tileRows < 1) {
                throw new IllegalArgumentException("NCF.scorer: tileRows must be >= 1, got " + tileRows);
            }
            this.tileUsers = (int) Math.max(1, Math.min(users, tileRows / items));
            this.rows = Math.toIntExact((long) tileUsers * items);
            int[] it = new int[rows];
            int[] off = new int[rows + 1];
            for (int t = 0; t < tileUsers; t++) {
                for (int i = 0; i < items; i++) {
                    it[t * items + i] = users + i;
                }
            }
            for (int k = 0; k <= rows; k++) {
                off[k] = k;
            }
            List<Dense> layers = tower.layers();
            Dense first = layers.get(0);
            int h1 = first.out();
            long tableRows = mlpTable.rows();
            try {
                this.offsets = parts.add(backend.upload(off));
                this.itemRows = parts.add(backend.upload(it));
                this.hostLogits = parts.add(HostMatrix.zeros(rows, 1));
                this.userHalf = parts.add(backend.allocate(tableRows, h1));
                this.itemHalf = parts.add(backend.allocate(tableRows, h1));
                this.pg = parts.add(backend.allocate(rows, gmfDim));
                this.qg = parts.add(backend.allocate(rows, gmfDim));
                this.h1Items = parts.add(backend.allocate(rows, h1));
                this.act = new Matrix[layers.size()];
                for (int l = 0; l < layers.size(); l++) {
                    act[l] = parts.add(backend.allocate(rows, layers.get(l).out()));
                }
                this.headIn = parts.add(backend.allocate(rows, head.in()));
                this.logits = parts.add(backend.allocate(rows, 1));
                precomputeFirstLayer();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** T1 = M·W1[0..m), T2 = M·W1[m..2m) + b1 from the current parameters. */
        private void precomputeFirstLayer() {
            Dense first = tower.layers().get(0);
            int h1 = first.out();
            try (HostMatrix w = HostMatrix.zeros(2L * mlpDim, h1);
                 HostMatrix top = HostMatrix.zeros(mlpDim, h1);
                 HostMatrix bottom = HostMatrix.zeros(mlpDim, h1)) {
                backend.download(first.weight(), w);
                long half = top.byteSize();
                java.lang.foreign.MemorySegment.copy(w.segment(), 0, top.segment(), 0, half);
                java.lang.foreign.MemorySegment.copy(w.segment(), half, bottom.segment(), 0, half);
                try (Matrix wTop = backend.upload(top); Matrix wBottom = backend.upload(bottom)) {
                    backend.gemm(false, false, 1f, mlpTable, wTop, 0f, userHalf);
                    backend.gemm(false, false, 1f, mlpTable, wBottom, 0f, itemHalf);
                }
            }
            backend.addBias(itemHalf, first.bias());
            scoredVersion = version;
        }

        @Override
        public int users() {
            return users;
        }

        @Override
        public int items() {
            return items;
        }

        @Override
        public int maxUsersPerCall() {
            return tileUsers;
        }

        /** Users past {@code count} in the tile repeat the last user (their scores are not returned). */
        @Override
        public void score(int from, int count, float[] out) {
            if (count < 1 || count > tileUsers || from < 0 || from + count > users) {
                throw new IllegalArgumentException("NCF.Scorer: users [" + from + ", " + (from + count) + ") outside [0, "
                        + users + ") or more than " + tileUsers + " per call");
            }
            int[] us = new int[rows];
            for (int t = 0; t < tileUsers; t++) {
                java.util.Arrays.fill(us, t * items, (t + 1) * items, from + Math.min(t, count - 1));
            }
            if (scoredVersion != version) {   // trained (or restored) since: the first-layer halves are stale
                precomputeFirstLayer();
            }
            List<Dense> layers = tower.layers();
            try (IndexVector userRows = backend.upload(us)) {
                gather(gmfTable, userRows, offsets, pg);
                gather(gmfTable, itemRows, offsets, qg);
                backend.hadamard(1f, pg, qg, 0f, pg);                        // pg = GMF output
                gather(userHalf, userRows, offsets, act[0]);
                gather(itemHalf, itemRows, offsets, h1Items);
                backend.axpby(1f, h1Items, 1f, act[0]);
                backend.leakyRelu(act[0], 0f, act[0]);                        // the tower's first layer
                for (int l = 1; l < layers.size(); l++) {
                    layers.get(l).forward(act[l - 1], act[l]);
                }
                Matrix top = act[layers.size() - 1];
                backend.copyColumns(pg, 0, headIn, 0, gmfDim);
                backend.copyColumns(top, 0, headIn, gmfDim, top.cols());
                head.forward(headIn, logits);
                backend.download(logits, hostLogits);
            }
            java.lang.foreign.MemorySegment.copy(hostLogits.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, out, 0,
                    count * items);
        }

        @Override
        public void close() {
            parts.close();
        }
    }
}
