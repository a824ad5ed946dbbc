package org.reckernels.backend.cuda;

import org.junit.jupiter.api.Assumptions;

/** Shared set-up of the {@code @Tag("gpu")} tests: skip cleanly where CUDA cannot run. */
final class GpuTests {
    private GpuTests() {
    }

    /** Skips the calling test class unless the probe finds a usable GPU; then opens device 0. */
    static CudaBackend openOrSkip() {
        CudaProbe.Result probe = CudaProbe.probe();
        Assumptions.assumeTrue(probe.available(), () -> "no usable GPU: " + probe.reason());
        return CudaBackend.open(0);
    }

    static void close(CudaBackend backend) {
        if (backend != null) {
            backend.close();
        }
    }
}
