package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.nn.MlpContract;

/** Dense layers and MLPs on the Java backend with the scalar kernels. */
class JavaBackendScalarMlpTest extends MlpContract {
    @Override
    protected Backend backend() {
        return TestBackends.SCALAR;
    }
}
