package org.reckernels.backend.java;

import org.reckernels.backend.Backend;
import org.reckernels.backend.TrainingOpsContract;

/** Training ops on the Java backend with the vector kernels. */
class JavaBackendVectorTrainingOpsTest extends TrainingOpsContract {
    @Override
    protected Backend backend() {
        return TestBackends.VECTOR;
    }
}
