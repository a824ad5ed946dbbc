package org.reckernels.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.backend.DenseEpilogueContract;
import org.reckernels.testing.GpuTest;

/** The fused dense-layer epilogue on the CUDA backend ({@code kernels/nn.cu}). */
@GpuTest
class CudaDenseEpilogueTest extends DenseEpilogueContract {
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
