package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.reckernels.backend.Backend;
import org.reckernels.backend.TrainingOpsContract;

/** The training-op contract (fill, axpby, BPR, L2 rows, Adam) on the CUDA backend. */
@GpuTest
class CudaTrainingOpsTest extends TrainingOpsContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    @Override
    protected Backend backend() {
        return backend;
    }
}
