package org.reckernels.backend.java;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.AlsContract;
import org.reckernels.backend.Backend;

/** The iALS conjugate-gradient op on the Java backend with the vector kernels. */
class JavaBackendVectorAlsTest extends AlsContract {
    private static JavaBackend backend;

    @BeforeAll
    static void open() {
        backend = new JavaBackend(2, HostKernels.get());
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
