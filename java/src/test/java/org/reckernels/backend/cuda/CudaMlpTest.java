package org.reckernels.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.nn.MlpContract;
import org.reckernels.testing.GpuTest;

/** The dense-layer / MLP contract on the CUDA backend (cuBLAS gemm + the NGCF elementwise kernels). */
@GpuTest
class CudaMlpTest extends MlpContract {
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
