package org.reckernels.ann;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.testing.GpuTest;

/** The ANN kernel contract on CUDA (kernels/topk.cu, kernels/ivfpq.cu): skipped without a GPU. */
@GpuTest
class CudaAnnKernelsTest extends AnnKernelsContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = CudaBackend.open(0);
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    protected AnnKernels kernels() {
        return backend.annKernels();
    }
}
