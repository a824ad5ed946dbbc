package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.backend.NgcfOpsContract;

/** The NGCF-op contract (hadamard, LeakyReLU, bias, column sums, row normalisation, dropout, column copy) on the CUDA backend. */
@GpuTest
class CudaNgcfOpsTest extends NgcfOpsContract {
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
