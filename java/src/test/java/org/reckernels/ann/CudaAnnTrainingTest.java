package org.reckernels.ann;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.testing.GpuTest;

/**
 * The k-means / PQ training contract on CUDA (kernels/kmeans.cu, kernels/ivfpq.cu): each step
 * against the same oracles as the reference, and the device k-means, PQ training and encoding
 * bit for bit against the CPU where the contract says so; skipped without a GPU.
 */
@GpuTest
class CudaAnnTrainingTest extends AnnTrainingContract {
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
