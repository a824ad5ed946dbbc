package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.SpmmContract;

/** SpMM on the Java backend with the Vector API kernels and two threads. */
class JavaBackendVectorSpmmTest extends SpmmContract {
    @Override
    protected Backend backend() {
        return TestBackends.VECTOR;
    }
}
