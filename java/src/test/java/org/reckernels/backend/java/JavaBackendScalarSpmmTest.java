package org.reckernels.backend.java;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.backend.SpmmContract;

/** SpMM on the Java backend's scalar fallback (what runs without the Vector API). */
class JavaBackendScalarSpmmTest extends SpmmContract {
    private static JavaBackend backend;

    @BeforeAll
    static void open() {
        backend = new JavaBackend(3, new ScalarKernels());
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
