package org.reckernels.backend.cuda;

import org.reckernels.backend.Backend;

/** STUB — replaced by the CUDA backend implementation. */
public abstract class CudaBackend implements Backend {
    public static CudaBackend open(int device) {
        throw new UnsupportedOperationException("stub");
    }
}
