package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.AlsContract;
import org.reckernels.backend.Backend;

/** The iALS conjugate-gradient contract on the CUDA backend (kernels/ials.cu). */
@GpuTest
class CudaAlsTest extends AlsContract {
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
