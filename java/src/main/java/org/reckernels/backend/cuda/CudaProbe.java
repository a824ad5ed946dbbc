package org.reckernels.backend.cuda;

/** STUB — replaced by the CUDA backend implementation. */
public final class CudaProbe {
    private CudaProbe() {
    }

    public record Result(boolean available, String reason) {
    }

    public static Result probe() {
        return new Result(false, "stub");
    }
}
