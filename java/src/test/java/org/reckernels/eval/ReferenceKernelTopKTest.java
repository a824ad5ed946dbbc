package org.reckernels.eval;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.reckernels.backend.AnnKernels;
import org.reckernels.testing.AnnKernelsFixture;

/** KernelTopK on the CPU reference executor (the pipeline the CUDA run uses). */
class ReferenceKernelTopKTest extends KernelTopKContract {
    @RegisterExtension
    static final AnnKernelsFixture FIXTURE = AnnKernelsFixture.reference();

    @Override
    protected AnnKernels kernels() {
        return FIXTURE.kernels();
    }
}
