package org.reckernels.backend.java;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingFmContract;

/** Embedding bags, FM and logistic loss on the Java backend with the vector kernels. */
class JavaBackendVectorEmbeddingFmTest extends EmbeddingFmContract {
    private static JavaBackend backend;

    @BeforeAll
    static void open() {
        backend = new JavaBackend(2, new VectorKernels());
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Override
    protected Backend backend() {
        return backend;
    }
}
