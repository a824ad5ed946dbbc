package org.reckernels.bench;

import org.reckernels.backend.Backend;

/**
 * The one place where the GPU runner meets the concrete CUDA backend.
 *
 * <p>Until branch cuda-backend is merged, {@code CudaBackend} in this build is a stub without the
 * timing API, so this bridge accepts only a backend that implements {@link GpuTiming} itself.
 * After the merge, replace the body of {@link #timing} with an adapter that delegates each
 * {@link GpuTiming} method to the same-named public method of {@code CudaBackend}
 * ({@code timeWithEvents, deviceName, driverVersion, devicePointer, devicePointers,
 * streamHandle}) and delete {@link GpuTiming} in favour of {@code CudaBackend} itself.
 */
final class CudaBridge {
    private CudaBridge() {
    }

    /**
     * The timing view of a CUDA backend.
     *
     * @throws UnsupportedOperationException naming why the backend offers no event timing
     */
    static GpuTiming timing(Backend backend) {
        if (backend instanceof GpuTiming t) {
            return t;
        }
        throw new UnsupportedOperationException("backend " + backend.getClass().getName()
                + " offers no CUDA event timing in this build (CudaBackend's timing API from branch cuda-backend"
                + " is not merged into bench yet; see CudaBridge)");
    }
}
