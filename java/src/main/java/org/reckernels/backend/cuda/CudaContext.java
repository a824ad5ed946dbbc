package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream_flags;
import org.reckernels.backend.cuda.RawHandles.RawStream;

/**
 * The device's primary context and the backend's one non-blocking stream.
 *
 * <p>The primary context is shared with everything else in the process that uses the device
 * (the CUDA runtime inside cuBLAS and the native helpers, JCusparse in benchmarks), so device
 * pointers pass between them unchanged. Any thread may issue work: {@link #makeCurrent()}
 * binds the context to the calling thread (one cheap driver call) and every op calls it first.
 *
 * <p>Every op is enqueued on {@link #stream()}; since it is non-blocking it does not order
 * against the legacy default stream, so nothing here uses the default stream.
 */
final class CudaContext implements AutoCloseable {
    private final DeviceFacts facts;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final RawStream stream = new RawStream();
    private final boolean syncAfterLaunch;
    private volatile boolean closed;

    CudaContext(DeviceFacts facts, boolean syncAfterLaunch) {
        this.facts = facts;
        this.syncAfterLaunch = syncAfterLaunch;
        CudaException.check(cuDeviceGet(device, facts.ordinal()), "cuDeviceGet", "device " + facts.ordinal());
        CudaException.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain", "device " + facts.ordinal());
        try {
            CudaException.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CudaException.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        } catch (RuntimeException e) {
            cuDevicePrimaryCtxRelease(device);
            throw e;
        }
    }

    DeviceFacts facts() {
        return facts;
    }

    RawStream stream() {
        return stream;
    }

    boolean syncAfterLaunch() {
        return syncAfterLaunch;
    }

    boolean isClosed() {
        return closed;
    }

    /** Binds the primary context to the calling thread; throws if the backend was closed. */
    void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("CUDA backend on device " + facts.ordinal() + " is closed");
        }
        CudaException.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits for the stream; a failed earlier launch surfaces here with its error name. */
    void synchronize(String after) {
        CudaException.check(cuStreamSynchronize(stream), "cuStreamSynchronize", "after " + after);
    }

    /** Debug mode ({@code reckernels.cuda.sync=true}): synchronize and check after a launch. */
    void afterLaunch(String what) {
        if (syncAfterLaunch) {
            synchronize(what);
        }
    }

    /** "73.2 GiB free of 79.1 GiB" (or why it is unknown); for error messages. */
    String memoryInfo() {
        long[] free = new long[1];
        long[] total = new long[1];
        int rc = cuMemGetInfo(free, total);
        if (rc != 0) {
            return "free memory unknown (cuMemGetInfo: " + jcuda.driver.CUresult.stringFor(rc) + ")";
        }
        return free[0] + " bytes (" + DeviceFacts.gib(free[0]) + ") free of " + total[0] + " bytes ("
                + DeviceFacts.gib(total[0]) + ") total";
    }

    /** Destroys the stream and releases the primary context; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        int rcSet = cuCtxSetCurrent(context);
        int rcSync = rcSet == 0 ? cuStreamSynchronize(stream) : 0;
        int rcDestroy = rcSet == 0 ? cuStreamDestroy(stream) : 0;
        closed = true;
        int rcRelease = cuDevicePrimaryCtxRelease(device);
        CudaException.check(rcSet, "cuCtxSetCurrent", "while closing");
        CudaException.check(rcSync, "cuStreamSynchronize", "while closing");
        CudaException.check(rcDestroy, "cuStreamDestroy", "while closing");
        CudaException.check(rcRelease, "cuDevicePrimaryCtxRelease", "while closing");
    }
}
