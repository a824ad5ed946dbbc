package org.reckernels.ann;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.reckernels.backend.AnnKernels;
import org.reckernels.testing.AnnKernelsFixture;
import org.reckernels.testing.GpuTest;

/** The ANN kernel contract on CUDA (kernels/topk.cu, kernels/ivfpq.cu): skipped without a GPU. */
@GpuTest
class CudaAnnKernelsTest extends AnnKernelsContract {
    @RegisterExtension
    static final AnnKernelsFixture FIXTURE = AnnKernelsFixture.cuda();

    @Override
    protected AnnKernels kernels() {
        return FIXTURE.kernels();
    }
}
