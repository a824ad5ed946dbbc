package org.reckernels.graph;

import org.reckernels.tensor.CsrMatrix;

/**
 * The symmetric normalised adjacency of the user–item bipartite graph, the propagation matrix of
 * LightGCN and NGCF:
 * <pre>
 *   A = [ 0   R ]      (n x n, n = users + items; users first, then items)
 *       [ Rᵀ  0 ]
 *   Â = D^-1/2 · A · D^-1/2,   Â[u, U+i] = Â[U+i, u] = 1 / sqrt(deg(u) · deg(i))
 * </pre>
 * where R (users x items) holds one entry per interaction. Â is symmetric, so the backward pass
 * of a propagation (Âᵀ·G) is the same SpMM as the forward. Rows of isolated nodes are empty.
 * Repeated interactions in R count once per entry (they raise the degree, as in the reference).
 */
public final class NormalizedAdjacency {
    private NormalizedAdjacency() {
    }

    /** Builds Â from R; columns inside each row come out sorted when R's rows are sorted. */
    public static CsrMatrix build(CsrMatrix r) {
        int users = Math.toIntExact(r.rows());
        int items = Math.toIntExact(r.cols());
        int n = Math.addExact(users, items);
        long nnzR = r.nnz();
        if (2 * nnzR > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("NormalizedAdjacency: " + nnzR + " interactions exceed the array-based builder ("
                    + (Integer.MAX_VALUE / 2) + ")");
        }
        int[] itemDeg = new int[items];
        for (long k = 0; k < nnzR; k++) {
            itemDeg[r.col(k)]++;
        }
        long[] ptr = new long[n + 1];
        for (int u = 0; u < users; u++) {
            ptr[u + 1] = ptr[u] + (r.rowEnd(u) - r.rowStart(u));
        }
        for (int i = 0; i < items; i++) {
            ptr[users + i + 1] = ptr[users + i] + itemDeg[i];
        }
        int[] cols = new int[(int) (2 * nnzR)];
        float[] vals = new float[cols.length];
        long[] next = new long[items];
        for (int i = 0; i < items; i++) {
            next[i] = ptr[users + i];
        }
        // Users in ascending order, so each item row receives its users sorted.
        for (int u = 0; u < users; u++) {
            long s = r.rowStart(u);
            long e = r.rowEnd(u);
            double du = (double) (e - s);
            for (long k = s; k < e; k++) {
                int i = r.col(k);
                float w = (float) (1.0 / Math.sqrt(du * itemDeg[i]));
                int up = (int) (ptr[u] + (k - s));
                cols[up] = users + i;
                vals[up] = w;
                int ip = (int) next[i]++;
                cols[ip] = u;
                vals[ip] = w;
            }
        }
        return CsrMatrix.of(n, n, ptr, cols, vals);
    }
}
