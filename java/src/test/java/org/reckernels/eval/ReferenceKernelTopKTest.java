package org.reckernels.eval;

import org.junit.jupiter.api.AfterAll;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.reference.AnnReferenceKernels;

/** KernelTopK on the CPU reference executor (the pipeline the CUDA run uses). */
class ReferenceKernelTopKTest extends KernelTopKContract {
    private static final JavaBackend BACKEND = new JavaBackend(2);
    private static final AnnKernels KERNELS = new AnnReferenceKernels(BACKEND);

    @Override
    protected AnnKernels kernels() {
        return KERNELS;
    }

    @AfterAll
    static void close() {
        KERNELS.close();
        BACKEND.close();
    }
}
