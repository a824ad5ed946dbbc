package org.reckernels.ann;

import java.util.stream.IntStream;

/**
 * Exact brute-force k-NN: every query against every base vector ("GEMM + top-k": the
 * dot products of a query with all rows, the L2 form {@code ||b||^2 - 2 q.b + ||q||^2} with the
 * base norms computed once), a bounded heap per query, queries in parallel. The ground truth of
 * the ANN tests and benchmarks, and the index's exact mode.
 */
public final class ExactSearch {
    private final float[] base;
    private final long[] ids;
    private final int n;
    private final int d;
    private final Metric metric;
    private final float[] norms;

    /** Base vectors (n x d, row-major) with their ids ({@code ids == null}: ids 0..n-1). */
    public ExactSearch(float[] base, long[] ids, int d, Metric metric) {
        if (d < 1 || base.length % d != 0) {
            throw new IllegalArgumentException("exact search: " + base.length + " floats is not a multiple of dimension " + d);
        }
        this.base = base;
        this.n = base.length / d;
        if (ids != null && ids.length != n) {
            throw new IllegalArgumentException("exact search: " + ids.length + " ids for " + n + " vectors");
        }
        this.ids = ids;
        this.d = d;
        this.metric = metric;
        this.norms = VecMath.norms(base, n, d);
    }

    public int size() {
        return n;
    }

    public SearchResult search(float[] queries, int k) {
        if (queries.length % d != 0) {
            throw new IllegalArgumentException("exact search: queries have " + queries.length
                    + " floats, not a multiple of the dimension " + d + " (dimension mismatch)");
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("exact search: k=" + k + " outside [1, " + n + "] (the number of vectors)");
        }
        int nq = queries.length / d;
        long[] outIds = new long[nq * k];
        float[] outD = new float[nq * k];
        IntStream.range(0, nq).parallel().forEach(q -> searchOne(queries, q * d, k, new TopK(k), outIds, outD, q * k));
        return new SearchResult(nq, k, outIds, outD);
    }

    /** One query at {@code queries[qo..qo+d)}, results into {@code outIds/outD[off..off+k)} (internal distances made external). */
    void searchOne(float[] queries, int qo, int k, TopK heap, long[] outIds, float[] outD, int off) {
        heap.clear();
        float qn = VecMath.dot(queries, qo, queries, qo, d);
        boolean l2 = metric == Metric.L2;
        for (int i = 0; i < n; i++) {
            float dot = VecMath.dot(queries, qo, base, i * d, d);
            float dist = l2 ? Math.max(0f, norms[i] - 2f * dot + qn) : -dot;
            if (dist <= heap.threshold()) {
                heap.offer(ids == null ? i : ids[i], dist);
            }
        }
        heap.drainBestFirst(outIds, outD, off, k);
        for (int r = 0; r < k; r++) {
            outD[off + r] = metric.external(outD[off + r]);
        }
    }
}
