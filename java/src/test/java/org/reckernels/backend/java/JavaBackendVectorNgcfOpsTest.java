package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.NgcfOpsContract;

/** NGCF ops on the Java backend with the vector kernels. */
class JavaBackendVectorNgcfOpsTest extends NgcfOpsContract {
    @Override
    protected Backend backend() {
        return TestBackends.VECTOR;
    }
}
