package org.reckernels.backend.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * JCuda handle subclasses that expose the raw native address, which JCuda keeps protected.
 * The addresses are what Panama downcalls (cuBLAS, the native helpers) and kernel parameters
 * take; JCuda objects cannot cross into those APIs otherwise.
 */
final class RawHandles {
    private RawHandles() {
    }

    /** A device pointer filled by cuMemAlloc; {@link #address()} is its base address. */
    static final class DevPtr extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    /** A stream filled by cuStreamCreate; {@link #address()} is the raw CUstream. */
    static final class RawStream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }
}
