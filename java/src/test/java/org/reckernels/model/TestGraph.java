package org.reckernels.model;

import org.reckernels.backend.java.JavaBackend;
import org.reckernels.graph.NormalizedAdjacency;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.TestMatrices;

/**
 * The graph-model tests' fixture: a Java backend, a random user–item matrix R (unit values), its
 * normalised adjacency Â on the host, and Â uploaded to the backend. Closing frees them in reverse order.
 */
record TestGraph(JavaBackend backend, CsrMatrix interactions, CsrMatrix adjacency, SparseMatrix onBackend)
        implements AutoCloseable {

    /** R is {@link TestMatrices#uniform}(users, items, meanDegree, unit values, seed). */
    static TestGraph uniform(int threads, int users, int items, double meanDegree, long seed) {
        JavaBackend backend = new JavaBackend(threads);
        CsrMatrix r = TestMatrices.uniform(users, items, meanDegree, true, seed);
        CsrMatrix adj = NormalizedAdjacency.build(r);
        return new TestGraph(backend, r, adj, backend.upload(adj));
    }

    @Override
    public void close() {
        onBackend.close();
        adjacency.close();
        interactions.close();
        backend.close();
    }
}
