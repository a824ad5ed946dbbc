package org.reckernels.backend.cuda;

import jcuda.driver.CUresult;

/**
 * A CUDA driver or library call failed. The message names the call and the error's name, e.g.
 * {@code "cuLaunchKernel(rk_spmm_csr_f32_v4g16) failed: CUDA_ERROR_INVALID_VALUE (1)"}.
 * {@link #code()} is the library's own code (CUresult for driver calls), or -1 when the failure
 * has no code (a library that cannot be found).
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    CudaException(String message, Throwable cause) {
        super(message, cause);
        this.code = -1;
    }

    /** The error code of the failed call, or -1 when there is none. */
    public int code() {
        return code;
    }

    /** Throws unless {@code rc} is CUDA_SUCCESS; {@code fn} names the driver call. */
    static void check(int rc, String fn) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException(fn + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")", rc);
        }
    }

    /** As {@link #check(int, String)}, adding {@code detail} (sizes, names) to the message. */
    static void check(int rc, String fn, String detail) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException(fn + " failed: " + CUresult.stringFor(rc) + " (" + rc + "): " + detail, rc);
        }
    }
}
