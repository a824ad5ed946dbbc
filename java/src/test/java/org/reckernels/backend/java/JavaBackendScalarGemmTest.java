package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.GemmContract;

/** GEMM on the Java backend with the scalar kernels. */
class JavaBackendScalarGemmTest extends GemmContract {
    @Override
    protected Backend backend() {
        return TestBackends.SCALAR;
    }
}
