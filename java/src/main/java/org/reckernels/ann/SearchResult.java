package org.reckernels.ann;

/**
 * The k best neighbours of each of {@code queries} queries, best first, row-major
 * ({@code ids[q*k + r]}). Distances are {@link Metric#external external}: squared L2, or the inner
 * product. A query with fewer than k reachable vectors is padded with id -1 and distance
 * {@code +Infinity} (L2) / {@code -Infinity} (inner product).
 */
public record SearchResult(int queries, int k, long[] ids, float[] distances) {
    public long id(int q, int r) {
        return ids[q * k + r];
    }

    public float distance(int q, int r) {
        return distances[q * k + r];
    }
}
