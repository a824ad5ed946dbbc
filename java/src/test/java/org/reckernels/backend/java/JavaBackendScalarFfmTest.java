package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.FfmContract;

/** Field-aware FM ops on the Java backend with the scalar kernels. */
class JavaBackendScalarFfmTest extends FfmContract {
    @Override
    protected Backend backend() {
        return TestBackends.SCALAR;
    }
}
