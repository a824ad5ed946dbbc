package org.reckernels.tensor;

/**
 * A vector of int32 indices owned by a backend (row ids of a mini-batch, say):
 * {@link HostIndexVector} on the Java backend, a device buffer on the CUDA backend.
 */
public interface IndexVector extends AutoCloseable {
    long length();

    /** Smallest index (recorded at upload so ops can bound-check device data); 0 when empty. */
    int min();

    /** Largest index; -1 when empty. */
    int max();

    /**
     * A view of {@code length} entries from {@code from}, sharing storage (closing the view does not
     * free it). Its {@link #min()}/{@link #max()} are the parent's: a conservative bound.
     */
    IndexVector slice(long from, long length);

    /** Checks every index lies in [0, bound); the message names the op, the argument and the value. */
    default void checkRange(String op, String arg, long bound) {
        if (length() > 0 && (min() < 0 || max() >= bound)) {
            int bad = min() < 0 ? min() : max();
            throw new IllegalArgumentException(op + ": " + arg + " holds index " + bad + " outside [0, " + bound + ")");
        }
    }

    @Override
    void close();
}
