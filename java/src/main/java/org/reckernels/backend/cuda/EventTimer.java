package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * Times work on the backend's stream with CUDA events: a start and a stop event around each
 * repetition, all recorded without waiting, then one wait on the last stop event. The times
 * are GPU times between the events (about 0.5 µs resolution), not host wall time.
 */
final class EventTimer {
    private EventTimer() {
    }

    /** Runs {@code op} warmup times untimed, then reps times timed; milliseconds per rep. */
    static float[] time(CudaContext ctx, Runnable op, int warmup, int reps) {
        if (warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("timeWithEvents: warmup = " + warmup + " must be >= 0 and reps = " + reps
                    + " >= 1");
        }
        ctx.makeCurrent();
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        CUevent[] start = new CUevent[reps];
        CUevent[] stop = new CUevent[reps];
        try {
            for (int i = 0; i < reps; i++) {
                start[i] = create();
                stop[i] = create();
            }
            for (int i = 0; i < reps; i++) {
                ctx.makeCurrent(); // op may have switched contexts on this thread
                CudaException.check(cuEventRecord(start[i], ctx.stream()), "cuEventRecord", "start of rep " + i);
                op.run();
                ctx.makeCurrent();
                CudaException.check(cuEventRecord(stop[i], ctx.stream()), "cuEventRecord", "stop of rep " + i);
            }
            CudaException.check(cuEventSynchronize(stop[reps - 1]), "cuEventSynchronize", "last rep");
            float[] ms = new float[reps];
            float[] one = new float[1];
            for (int i = 0; i < reps; i++) {
                CudaException.check(cuEventElapsedTime(one, start[i], stop[i]), "cuEventElapsedTime", "rep " + i);
                ms[i] = one[0];
            }
            return ms;
        } finally {
            for (int i = 0; i < reps; i++) {
                if (start[i] != null) {
                    cuEventDestroy(start[i]);
                }
                if (stop[i] != null) {
                    cuEventDestroy(stop[i]);
                }
            }
        }
    }

    private static CUevent create() {
        CUevent e = new CUevent();
        CudaException.check(cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        return e;
    }
}
