package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.DenseEpilogueContract;

/** The fused dense-layer epilogue on the Java backend with the scalar kernels. */
class JavaBackendScalarDenseEpilogueTest extends DenseEpilogueContract {
    @Override
    protected Backend backend() {
        return TestBackends.SCALAR;
    }
}
