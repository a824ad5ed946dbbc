package org.reckernels.backend;

import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
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
     * Sparse × dense: {@code Y = A·X}.
     * <pre>A: (m x k) CSR,  X: (k x d) dense,  Y: (m x d) dense, overwritten</pre>
     * Rows of A without entries give zero rows of Y. X and Y must be distinct.
     */
    void spmm(SparseMatrix a, Matrix x, Matrix y);

    /**
     * Dense GEMM, row-major: {@code C = alpha·op(A)·op(B) + beta·C} where op transposes when asked.
     * <pre>op(A): (m x k),  op(B): (k x n),  C: (m x n)</pre>
     * With beta = 0, C's previous contents are ignored (NaN in C does not propagate).
     */
    void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c);

    /** Waits until every op issued so far has finished. */
    void synchronize();

    /** Releases the backend's resources (not the tensors it made, which the caller closes). */
    @Override
    void close();
}
