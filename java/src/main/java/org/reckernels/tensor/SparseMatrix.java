package org.reckernels.tensor;

/**
 * A float32 CSR matrix owned by a backend ({@link CsrMatrix} on the host, a device copy on the
 * CUDA backend). Shape {@code rows x cols} with {@code nnz} stored entries.
 */
public interface SparseMatrix extends AutoCloseable {
    long rows();

    long cols();

    long nnz();

    /** True when every stored value is 1 (no values array is kept). */
    boolean unitValues();

    @Override
    void close();
}
