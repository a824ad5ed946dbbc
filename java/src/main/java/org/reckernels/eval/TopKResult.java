package org.reckernels.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-user top-K items and their scores, flat row-major ({@code numUsers x k}), best first.
 * Rows with fewer than K candidates are padded with item {@code -1} and score
 * {@code Float.NEGATIVE_INFINITY}.
 */
public record TopKResult(int numUsers, int k, int[] items, float[] scores) {
    public TopKResult {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(scores, "scores");
        if ((long) numUsers * k != items.length || items.length != scores.length) {
            throw new IllegalArgumentException("TopKResult: " + items.length + " items and " + scores.length
                    + " scores for " + numUsers + " users x k=" + k);
        }
    }

    /** A copy of user {@code u}'s ranked items (with any -1 padding). */
    public int[] itemsOf(int u) {
        Objects.checkIndex(u, numUsers);
        return Arrays.copyOfRange(items, u * k, u * k + k);
    }

    /** A copy of user {@code u}'s scores, aligned with {@link #itemsOf}. */
    public float[] scoresOf(int u) {
        Objects.checkIndex(u, numUsers);
        return Arrays.copyOfRange(scores, u * k, u * k + k);
    }
}
