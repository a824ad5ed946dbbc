package org.reckernels.model;

import org.reckernels.tensor.SparseMatrix;

/**
 * The argument checks every graph model over the normalised adjacency Â makes (LightGCN, NGCF),
 * with the model's name in each message.
 */
final class GraphShapes {
    private GraphShapes() {
    }

    /** users, items, dim > 0 and layers >= 0. */
    static void checkSizes(String model, int users, int items, int dim, int layers) {
        if (users <= 0 || items <= 0 || dim <= 0 || layers < 0) {
            throw new IllegalArgumentException(model + ": need users, items, dim > 0 and layers >= 0; got users=" + users
                    + " items=" + items + " dim=" + dim + " layers=" + layers);
        }
    }

    /** Â is (users + items) square; returns users + items, the rows of every embedding table. */
    static long checkAdjacency(String model, SparseMatrix adjacency, int users, int items) {
        long n = (long) users + items;
        if (adjacency.rows() != n || adjacency.cols() != n) {
            throw new IllegalArgumentException(model + ": adjacency is " + adjacency.rows() + "x" + adjacency.cols()
                    + ", needs (users + items) = " + n + " square");
        }
        return n;
    }
}
