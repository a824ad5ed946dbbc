package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingFmContract;

/** Embedding bags, FM and logistic loss on the Java backend with the vector kernels. */
class JavaBackendVectorEmbeddingFmTest extends EmbeddingFmContract {
    @Override
    protected Backend backend() {
        return TestBackends.VECTOR;
    }
}
