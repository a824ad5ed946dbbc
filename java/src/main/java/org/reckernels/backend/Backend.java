package org.reckernels.backend;

import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * The ops of the library. Models, trainers and evaluation talk only to this interface, so they
 * run unchanged on the Java backend and the CUDA backend.
 *
 * <p>Tensors are owned by the backend that made them ({@link #allocate}, {@link #upload});
 * passing one backend's tensor to another backend is an {@link IllegalArgumentException}.
 * Ops may run asynchronously (CUDA stream order); {@link #download} and {@link #synchronize}
 * wait for them. Every op validates shapes before it launches anything.
 */
public interface Backend extends AutoCloseable {

    /** "java" or "cuda". */
    String name();

    /** What runs the ops: device, driver, kernels, threads. */
    BackendInfo info();

    /** A zero-filled {@code rows x cols} float32 matrix on this backend. */
    Matrix allocate(long rows, long cols);

    /** Copies a host matrix into a new matrix on this backend. */
    Matrix upload(HostMatrix src);

    /** Copies {@code src} into {@code dst} (same shape), waiting for pending ops on src. */
    void download(Matrix src, HostMatrix dst);

    /** Copies a host CSR matrix into a new sparse matrix on this backend. */
    SparseMatrix upload(CsrMatrix src);

    /**
     * The normalised bipartite adjacency Â = D^-1/2 A D^-1/2 of the interactions R (users x items),
     * as {@link org.reckernels.graph.NormalizedAdjacency#build} defines it (same entries, same
     * order), built where this backend computes: on the host for the Java backend, on the device
     * (CUB sort + scan) for CUDA, which uploads only R.
     */
    SparseMatrix normalizedAdjacency(CsrMatrix interactions);

    /**
     * Sparse × dense: {@code Y = A·X}.
     * <pre>A: (m x k) CSR,  X: (k x d) dense,  Y: (m x d) dense, overwritten</pre>
     * Rows of A without entries give zero rows of Y. X and Y must be distinct.
     */
    void spmm(SparseMatrix a, Matrix x, Matrix y);

    /**
     * Sparse × dense with a fused accumulate: {@code Y = A·X} and, in the same pass,
     * {@code ACC = ACC + alpha·Y} (the layer combination of LightGCN-style propagation).
     * <pre>A: (m x k) CSR,  X: (k x d) dense,  Y: (m x d) dense, overwritten,
     * ACC: (m x d) dense, accumulated into</pre>
     * Rows of A without entries give zero rows of Y and leave ACC's rows unchanged (+ alpha·0).
     * Y, ACC and X must be pairwise distinct matrices.
     */
    void spmmAccumulate(SparseMatrix a, Matrix x, Matrix y, float alpha, Matrix acc);

    /**
     * NGCF propagation with its bi-interaction fused into the SpMM epilogue:
     * <pre>
     *   SIDE = A·X,   SUM = SIDE + X,   BI = SIDE ⊙ X
     *   A: (n x n) CSR;  X, SIDE, SUM, BI: (n x d), pairwise distinct
     * </pre>
     * One pass instead of spmm + axpby + axpby + hadamard: SUM and BI are written from the
     * registers (CUDA) or the cache-resident block (Java) that hold SIDE, reading row r of X once.
     */
    void spmmBiInteraction(SparseMatrix a, Matrix x, Matrix side, Matrix sum, Matrix bi);

    /**
     * Dense GEMM, row-major: {@code C = alpha·op(A)·op(B) + beta·C} where op transposes when asked.
     * <pre>op(A): (m x k),  op(B): (k x n),  C: (m x n)</pre>
     * With beta = 0, C's previous contents are ignored (NaN in C does not propagate).
     */
    void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c);

    /** Copies int32 indices into a new index vector on this backend (its min/max are recorded). */
    IndexVector upload(int[] indices);

    /** Sets every element of {@code m} to {@code value}. */
    void fill(Matrix m, float value);

    /** {@code y = alpha·x + beta·y}, elementwise over equal shapes; beta = 0 ignores y's contents. */
    void axpby(float alpha, Matrix x, float beta, Matrix y);

    /**
     * Fused gather + BPR loss + gradient for a mini-batch of (user, positive, negative) row triples
     * of the embedding table F:
     * <pre>
     *   F: (n x d);  users, pos, neg: (b) row ids of F;  grad: (n x d), accumulated into;
     *   lossSum: (1 x 1), accumulated into
     *   s_b   = F[u_b]·F[p_b] − F[u_b]·F[n_b]
     *   loss += Σ_b softplus(−s_b)                (unscaled sum)
     *   g_b   = scale · (σ(s_b) − 1)              (d loss_b / d s_b, times scale, e.g. 1/b)
     *   grad[u_b] += g_b (F[p_b] − F[n_b]);  grad[p_b] += g_b F[u_b];  grad[n_b] −= g_b F[u_b]
     * </pre>
     * Repeated rows within a batch accumulate (no lost updates).
     */
    void bprLossGrad(Matrix f, IndexVector users, IndexVector pos, IndexVector neg, float scale, Matrix grad,
                     Matrix lossSum);

    /**
     * L2 penalty on selected rows: {@code lossSum += coef/2 · Σ_r ‖E[r]‖²} and
     * {@code grad[r] += coef · E[r]} for each listed row r (repeats count again).
     * <pre>E, grad: (n x d);  rows: (b);  lossSum: (1 x 1)</pre>
     */
    void l2RowsLossGrad(Matrix e, IndexVector rows, float coef, Matrix grad, Matrix lossSum);

    /**
     * One Adam step over a dense table, as torch.optim.Adam (no weight decay):
     * <pre>
     *   m = β1·m + (1−β1)·g;   v = β2·v + (1−β2)·g²
     *   p −= lr / (1 − β1^t) · m / (sqrt(v / (1 − β2^t)) + eps)
     * </pre>
     * p, g, m, v have one shape; {@code step} t starts at 1.
     */
    void adam(Matrix param, Matrix grad, Matrix m, Matrix v, float lr, float beta1, float beta2, float eps, long step);

    /** Waits until every op issued so far has finished. */
    void synchronize();

    /** Releases the backend's resources (not the tensors it made, which the caller closes). */
    @Override
    void close();

    // ---- NGCF ops (elementwise, per-row and column-block ops of the NGCF layer; kernels/ngcf.cu) ----
    // Elementwise ops take matrices of one shape; unless a method says otherwise its output may be
    // the same matrix as an input (in place), and beta = 0 ignores the output's previous contents.

    /** Hadamard product: {@code c = alpha·(a ⊙ b) + beta·c}; a, b, c one shape; c may be a or b. */
    void hadamard(float alpha, Matrix a, Matrix b, float beta, Matrix c);

    /** {@code y = x > 0 ? x : slope·x} elementwise (NGCF: slope 0.2); y may be x. */
    void leakyRelu(Matrix x, float slope, Matrix y);

    /**
     * LeakyReLU backward from the pre-activation x: {@code gradX = gradY · (x > 0 ? 1 : slope)}
     * (the torch convention at x = 0); gradX may be gradY.
     */
    void leakyReluBackward(Matrix x, Matrix gradY, float slope, Matrix gradX);

    /** Row-broadcast bias add, in place: {@code x[r, c] += bias[0, c]}. <pre>x: (n x d), bias: (1 x d)</pre> */
    void addBias(Matrix x, Matrix bias);

    /**
     * Column sums accumulated into a row (the bias gradient): {@code out[0, c] += Σ_r x[r, c]}.
     * <pre>x: (n x d), out: (1 x d)</pre> The CUDA backend adds per-block partial sums with atomics, so the
     * last bits may vary between runs.
     */
    void columnSums(Matrix x, Matrix out);

    /**
     * Row-wise L2 normalisation, as torch.nn.functional.normalize(p=2, dim=1, eps):
     * {@code y[r] = x[r] / max(‖x[r]‖, eps)}. <pre>x, y: (n x d)</pre> y may be x.
     */
    void rowL2Normalize(Matrix x, float eps, Matrix y);

    /**
     * Backward of {@link #rowL2Normalize} from its input x, with n = ‖x[r]‖:
     * <pre>
     *   n > eps:  gradX[r] = beta·gradX[r] + gradY[r] / n − x[r] · (x[r]·gradY[r]) / n³
     *   n <= eps: gradX[r] = beta·gradX[r] + gradY[r] / eps       (the clamp passes no gradient to n)
     * </pre>
     * x, gradY, gradX: (n x d); gradX must differ from x and gradY.
     */
    void rowL2NormalizeBackward(Matrix x, Matrix gradY, float eps, float beta, Matrix gradX);

    /**
     * Inverted dropout with the counter-based mask of {@link DropoutMask}: {@code y[i] = keep(seed, step, i)
     * ? x[i] / (1 − rate) : 0}, i the row-major element index. The op is linear in x with a mask fixed by
     * (seed, step), so the same call with the output gradient is its backward. rate in [0, 1); rate 0 copies
     * x. y may be x.
     */
    void dropout(Matrix x, float rate, long seed, long step, Matrix y);

    /**
     * Column-block copy (concat forward / split backward): for every row r,
     * {@code dst[r, dstCol + j] = src[r, srcCol + j]} for j in [0, width).
     * <pre>src: (n x a), dst: (n x b); srcCol + width <= a, dstCol + width <= b</pre> src and dst must differ.
     */
    void copyColumns(Matrix src, long srcCol, Matrix dst, long dstCol, long width);

    // ---- implicit ALS (kept at the end of the interface) ----

    /**
     * One half-sweep of implicit ALS: for every row u of {@code interactions}, a few
     * conjugate-gradient steps on the normal equations documented in {@link AlsParams},
     * warm-started from and written back to {@code factors[u]}.
     * <pre>
     *   interactions R: (m x n) CSR, values r_ui (unit values: binary data)
     *   fixedFactors V: (n x d);  gramian G = VᵀV: (d x d), symmetric (the ops read row m of G as its column m)
     *   factors X: (m x d), in: warm start, out: the CG iterate
     *   per CG step and row: O(|I(u)|·d + d²), A_u is never formed
     * </pre>
     * A row without interactions solves (w0·G + λ_u I) x = 0, whose solution is 0: its CG iterate
     * moves towards 0 (and reaches it within d steps, up to rounding). Rows are independent; the
     * result does not depend on the thread or launch shape.
     */
    void alsConjugateGradientStep(SparseMatrix interactions, Matrix fixedFactors, Matrix gramian, Matrix factors,
                                  AlsParams params);

    // ---- embedding bags, FM and logistic loss (kernels/embedding.cu, kernels/fm.cu; kept at the end) ----

    /**
     * Table-batched embedding-bag forward: every table and every (table, sample) bag in one call.
     * Layout, pooling and the empty-bag rule (zeros) are documented in {@link EmbeddingBags}:
     * <pre>
     *   W: (R x d);  tableOffsets: (T + 1);  indices: (nnz) local row ids;  offsets: (T·B + 1), bag g = t·B + b
     *   out[b, t·d .. (t+1)·d) = Σ_{k in bag(t, b)} w_k · W[tableOffsets[t] + indices[k]]   (SUM; MEAN divides by len)
     *   NONE: out[k] = w_k · W[tableOffsets[t] + indices[k]],  out: (nnz x d)
     * </pre>
     * {@code perSampleWeights} may be null (all w_k = 1). out is overwritten. The Java backend checks every index
     * against its own table and offsets for monotonicity; the CUDA backend checks indices against the largest
     * table and offsets against [0, nnz] on the host, and its kernels skip (contribute nothing for) an index
     * outside its table, so they never read outside W.
     */
    void embeddingBagForward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                             Matrix perSampleWeights, EmbeddingBags.Pooling pooling, Matrix out);

    /**
     * Embedding-bag backward fused with a sparse optimizer row update. The per-row gradient
     * <pre>
     *   g_r = Σ_{k : row(k) = r} c_k · gradOut[bag(k)]      c_k = w_k (SUM), 1/len(bag) (MEAN);  NONE: gradOut[k]
     * </pre>
     * is reduced over duplicate indices first (segment reduce in ascending k, the order of a stable sort of
     * (row, k) pairs), then each touched row is updated once by {@code optimizer} (see
     * {@link EmbeddingBags.OptimizerKind} for the formulas and the state shapes; state2 is Adam's v, else null).
     * Rows not in the batch are untouched (lazy state). No float atomics: the result is bitwise reproducible
     * run to run on a backend, whatever the thread count or launch shape. {@code step} (t >= 1) is read by Adam.
     */
    void embeddingBagBackward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                              Matrix perSampleWeights, EmbeddingBags.Pooling pooling, Matrix gradOut,
                              EmbeddingBags.SparseOptimizer optimizer, Matrix state1, Matrix state2, long step);

    /**
     * Factorization-machine logits from pooled field embeddings, by the sum-square identity:
     * <pre>
     *   v: (B x F·d), field f of sample b at columns [f·d, (f+1)·d);  linear: null or (B x L);  logits: (B x 1)
     *   logits[b] = Σ_l linear[b, l] + ½ Σ_c [ (Σ_f v[b,f,c])² − Σ_f v[b,f,c]² ]
     * </pre>
     * (feature values x_i are folded into v by the embedding bag's per-sample weights). logits is overwritten.
     */
    void fmForward(Matrix v, int fields, Matrix linear, Matrix logits);

    /**
     * Backward of {@link #fmForward}: with g_b = gradLogits[b] and S[b,c] = Σ_f v[b,f,c],
     * <pre>
     *   gradV[b, f, c] = g_b · (S[b,c] − v[b,f,c]);   gradLinear[b, l] = g_b   (when gradLinear is not null)
     * </pre>
     * gradV (B x F·d) and gradLinear (B x L) are overwritten; gradV must differ from v.
     */
    void fmBackward(Matrix v, int fields, Matrix gradLogits, Matrix gradV, Matrix gradLinear);

    /**
     * Fused logistic loss and gradient over logits z and labels y in [0, 1], all (B x 1):
     * <pre>
     *   lossSum += Σ_b softplus(z_b) − y_b·z_b        (unscaled; = binary cross-entropy of σ(z))
     *   grad[b]  = scale · (σ(z_b) − y_b)             overwritten; grad may be logits (in place)
     * </pre>
     * The CUDA backend adds per-block partial losses with atomics (the loss's last bits may vary).
     */
    void logisticLossGrad(Matrix logits, Matrix labels, float scale, Matrix grad, Matrix lossSum);

    // ---- SGNS: word2vec / Item2Vec skip-gram with negative sampling (kept at the end; kernels/sgns.cu) ----

    /**
     * Trains skip-gram negative-sampling vectors over a corpus, in place, Hogwild style (threads or
     * thread blocks update shared rows without locks, as the word2vec C tool does):
     * <pre>
     *   input IN: (V x d) the item/word vectors;  output OUT: (V x d) the context ("syn1neg") vectors
     *   per kept position with center w and contexts c (dynamic window or whole sequence), targets
     *   o_0 = w (label 1) and k negatives from job.negatives() (label 0), lr alpha(t):
     *     G = alpha · (label − σ(IN[c]·OUT[o]ᵀ))      (σ clipped to 0/1 beyond |x| > 6, as word2vec)
     *     IN[c] += G·OUT[o];   OUT[o] += Gᵀ·IN[c]
     * </pre>
     * With job.exactWord2Vec() the java backend draws fresh negatives for every (context, center)
     * pair and applies each pair at once, in word2vec's order; the CUDA backend always shares the
     * negatives over a window (the flag is ignored there).
     * V = job.negatives().size(). Results depend on thread timing (Hogwild); the schedule and the
     * random draws are fixed by job.seed(). Returns words processed (word2vec counting) and seconds.
     */
    SgnsJob.SgnsResult sgnsTrain(Matrix input, Matrix output, SgnsJob job);
}
