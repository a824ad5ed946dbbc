package org.reckernels.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.reckernels.backend.Backend;
import org.reckernels.backend.FfmContract;

/** The field-aware FM contract on the CUDA backend (GPU-unverified until a GPU run). */
@Tag("gpu")
class CudaFfmTest extends FfmContract {
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
