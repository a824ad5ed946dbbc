package org.reckernels.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.testing.GpuTest;

/** KernelTopK on CUDA: cuBLAS scores, kernels/eval.cu mask, kernels/topk.cu selection. */
@GpuTest
class CudaKernelTopKTest extends KernelTopKContract {
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
