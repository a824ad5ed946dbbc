package org.reckernels.ann;

import org.junit.jupiter.api.AfterAll;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.reference.AnnReferenceKernels;

/** The k-means / PQ training contract on the CPU reference: the oracle itself and the device pipelines, run on the host. */
class ReferenceAnnTrainingTest extends AnnTrainingContract {
    private static final JavaBackend BACKEND = new JavaBackend(2);
    private static final AnnKernels KERNELS = new AnnReferenceKernels(BACKEND);

    @Override
    protected AnnKernels kernels() {
        return KERNELS;
    }

    @AfterAll
    static void close() {
        BACKEND.close();
    }
}
