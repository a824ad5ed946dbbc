package org.reckernels.model;

import java.util.Random;
import org.reckernels.backend.AlsParams;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * Implicit ALS (Hu, Koren &amp; Volinsky 2008; Rendle et al. 2021) on a backend: user factors
 * U (users x d) and item factors V (items x d), scored by U·Vᵀ. One {@link #sweep()} is
 * <pre>
 *   G = VᵀV (gemm);  U ← CG(R,  V, G, U)      user half-sweep
 *   G = UᵀU (gemm);  V ← CG(Rᵀ, U, G, V)      item half-sweep
 * </pre>
 * with {@link Backend#alsConjugateGradientStep} warm-started from the previous factors, so a
 * sweep costs O(nnz·d·(cgSteps + 1) + (users + items)·d²·(cgSteps + 1)) plus two d x d Gramians.
 * The objective is documented on {@link AlsParams}.
 */
public final class ImplicitALS implements AutoCloseable {
    private final Backend backend;
    private final AlsParams params;
    private final int users;
    private final int items;
    private final int dim;
    private final SparseMatrix userItems;
    private final SparseMatrix itemUsers;
    private final Matrix u;
    private final Matrix v;
    private final Matrix gram;

    /**
     * Uploads R (users x items) and Rᵀ and draws both factor tables N(0, initStd²) from {@code seed}
     * (users first, then items).
     */
    public ImplicitALS(Backend backend, CsrMatrix r, CsrMatrix rT, int dim, AlsParams params, float initStd, long seed) {
        if (rT.rows() != r.cols() || rT.cols() != r.rows() || rT.nnz() != r.nnz()) {
            throw new IllegalArgumentException("ImplicitALS: Rᵀ is " + rT.rows() + "x" + rT.cols() + " (nnz " + rT.nnz()
                    + ") but R is " + r.rows() + "x" + r.cols() + " (nnz " + r.nnz() + ")");
        }
        if (dim < 1) {
            throw new IllegalArgumentException("ImplicitALS: dim " + dim + " must be >= 1");
        }
        this.backend = backend;
        this.params = params;
        this.users = Math.toIntExact(r.rows());
        this.items = Math.toIntExact(r.cols());
        this.dim = dim;
        Random rnd = new Random(seed);
        java.util.List<AutoCloseable> made = new java.util.ArrayList<>();
        try {
            this.userItems = track(made, backend.upload(r));
            this.itemUsers = track(made, backend.upload(rT));
            this.u = track(made, uploadRandom(backend, users, dim, initStd, rnd));
            this.v = track(made, uploadRandom(backend, items, dim, initStd, rnd));
            this.gram = track(made, backend.allocate(dim, dim));
        } catch (RuntimeException e) {
            for (AutoCloseable c : made) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(java.util.List<AutoCloseable> made, T t) {
        made.add(t);
        return t;
    }

    private static Matrix uploadRandom(Backend backend, int rows, int dim, float std, Random rnd) {
        try (HostMatrix h = HostMatrix.zeros(rows, dim)) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < dim; c++) {
                    h.set(r, c, (float) (rnd.nextGaussian() * std));
                }
            }
            return backend.upload(h);
        }
    }

    /** One full sweep: the user half-sweep, then the item half-sweep (asynchronous on CUDA). */
    public void sweep() {
        backend.gemm(true, false, 1f, v, v, 0f, gram);
        backend.alsConjugateGradientStep(userItems, v, gram, u, params);
        backend.gemm(true, false, 1f, u, u, 0f, gram);
        backend.alsConjugateGradientStep(itemUsers, u, gram, v, params);
    }

    /** User factors (users x d), on the backend. */
    public Matrix userFactors() {
        return u;
    }

    /** Item factors (items x d), on the backend. */
    public Matrix itemFactors() {
        return v;
    }

    /** A host copy of the user factors; the caller closes it. */
    public HostMatrix downloadUsers() {
        HostMatrix h = HostMatrix.zeros(users, dim);
        backend.download(u, h);
        return h;
    }

    /** A host copy of the item factors; the caller closes it. */
    public HostMatrix downloadItems() {
        HostMatrix h = HostMatrix.zeros(items, dim);
        backend.download(v, h);
        return h;
    }

    /** Both tables in one host matrix, users rows 0..users-1 then items ((users + items) x d); caller closes. */
    public HostMatrix embeddings() {
        HostMatrix all = HostMatrix.zeros((long) users + items, dim);
        try (HostMatrix hu = downloadUsers(); HostMatrix hv = downloadItems()) {
            java.lang.foreign.MemorySegment.copy(hu.segment(), 0, all.segment(), 0, hu.byteSize());
            java.lang.foreign.MemorySegment.copy(hv.segment(), 0, all.segment(), hu.byteSize(), hv.byteSize());
        }
        return all;
    }

    public int users() {
        return users;
    }

    public int items() {
        return items;
    }

    public int dim() {
        return dim;
    }

    public AlsParams params() {
        return params;
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {gram, v, u, itemUsers, userItems}) {
            try {
                c.close();
            } catch (Exception e) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
        }
    }
}
