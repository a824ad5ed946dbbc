package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.AlsContract;

/** The iALS conjugate-gradient op on the Java backend with the vector kernels. */
class JavaBackendVectorAlsTest extends AlsContract {
    @Override
    protected Backend backend() {
        return TestBackends.VECTOR;
    }
}
