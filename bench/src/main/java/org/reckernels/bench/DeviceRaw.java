package org.reckernels.bench;

import org.reckernels.backend.cuda.CudaBackend;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.driver.RawStreams;
import org.reckernels.tensor.Matrix;

/**
 * Raw device addresses (from {@link CudaBackend#devicePointer}) as JCuda pointers, and the
 * output poisoning the GPU runner does before each validation run.
 * JCuda offers no public constructor from an address, so a pointer is built as native pointer 0
 * plus the address as byte offset, which JCuda's natives add up to the same address.
 */
final class DeviceRaw {
    private DeviceRaw() {
    }

    static Pointer pointer(long address) {
        return new Pointer().withByteOffset(address);
    }

    static CUdeviceptr devicePtr(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    /** Fills {@code m} with NaN on the backend stream and waits, so that unwritten outputs fail validation. */
    static void fillNaN(CudaBackend timing, Matrix m) {
        int rc = JCudaDriver.cuMemsetD32Async(devicePtr(timing.devicePointer(m)), Float.floatToRawIntBits(Float.NaN),
                m.elements(), RawStreams.of(timing.streamHandle()));
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("cuMemsetD32Async (NaN poison of " + m.shape() + ") failed: "
                    + CUresult.stringFor(rc));
        }
        rc = JCudaDriver.cuStreamSynchronize(RawStreams.of(timing.streamHandle()));
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("cuStreamSynchronize failed: " + CUresult.stringFor(rc));
        }
    }
}
