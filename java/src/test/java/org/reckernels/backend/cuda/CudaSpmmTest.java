package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.backend.SpmmContract;

/** The SpMM contract on the CUDA backend (automatic kernel choice). */
@GpuTest
class CudaSpmmTest extends SpmmContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    @Override
    protected Backend backend() {
        return backend;
    }
}
