package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.SpmmContract;

/** SpMM on the Java backend's scalar fallback (what runs without the Vector API). */
class JavaBackendScalarSpmmTest extends SpmmContract {
    @Override
    protected Backend backend() {
        return TestBackends.SCALAR;
    }
}
