package org.reckernels.bench;

import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * What the GPU runner needs from the CUDA backend beyond {@link org.reckernels.backend.Backend}:
 * the exact public methods of {@code org.reckernels.backend.cuda.CudaBackend} (branch
 * cuda-backend). TEMPORARY: it exists so that the runner compiles before that branch is merged;
 * {@link CudaBridge} is the one place that connects the two.
 */
public interface GpuTiming {
    /** Runs {@code op} warmup times, then times each of {@code reps} runs with CUDA events on the backend stream (ms). */
    float[] timeWithEvents(Runnable op, int warmup, int reps);

    String deviceName();

    String driverVersion();

    /** Raw device address of a matrix the backend owns (row-major float32). */
    long devicePointer(Matrix m);

    /** {rowPtr (int64), colIdx (int32), values (float32, or 0 for unit values)} device addresses. */
    long[] devicePointers(SparseMatrix a);

    /** The backend's raw {@code CUstream}. */
    long streamHandle();
}
