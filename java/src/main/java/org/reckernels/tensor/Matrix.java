package org.reckernels.tensor;

/**
 * A dense float32 row-major matrix owned by a backend: {@link HostMatrix} on the Java backend,
 * a device buffer on the CUDA backend. Ops accept only matrices of their own backend.
 *
 * <p>Shape: {@code rows x cols}; element (r, c) lives at offset {@code r * cols + c}.
 */
public interface Matrix extends AutoCloseable {
    long rows();

    long cols();

    default long elements() {
        return rows() * cols();
    }

    default String shape() {
        return rows() + "x" + cols();
    }

    /** Frees the storage; using the matrix afterwards is an error. Idempotent. */
    @Override
    void close();
}
