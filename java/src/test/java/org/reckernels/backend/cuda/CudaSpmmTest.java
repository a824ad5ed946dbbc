package org.reckernels.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.reckernels.backend.Backend;
import org.reckernels.backend.SpmmContract;

/** The SpMM contract on the CUDA backend (automatic kernel choice). */
@Tag("gpu")
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
