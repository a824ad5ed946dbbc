package org.reckernels.ann;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.reckernels.backend.AnnKernels;
import org.reckernels.testing.AnnKernelsFixture;

/** The ANN kernel contract on the CPU reference: checks the oracle itself and the batched search pipeline. */
class ReferenceAnnKernelsTest extends AnnKernelsContract {
    @RegisterExtension
    static final AnnKernelsFixture FIXTURE = AnnKernelsFixture.reference();

    @Override
    protected AnnKernels kernels() {
        return FIXTURE.kernels();
    }
}
