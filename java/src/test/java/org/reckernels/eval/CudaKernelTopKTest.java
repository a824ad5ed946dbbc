package org.reckernels.eval;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.reckernels.backend.AnnKernels;
import org.reckernels.testing.AnnKernelsFixture;
import org.reckernels.testing.GpuTest;

/** KernelTopK on CUDA: cuBLAS scores, kernels/eval.cu mask, kernels/topk.cu selection. */
@GpuTest
class CudaKernelTopKTest extends KernelTopKContract {
    @RegisterExtension
    static final AnnKernelsFixture FIXTURE = AnnKernelsFixture.cuda();

    @Override
    protected AnnKernels kernels() {
        return FIXTURE.kernels();
    }
}
