package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

import jcuda.driver.CUresult;

/**
 * Whether the CUDA backend can run here, and why (not): the driver loads (JCuda's natives need
 * libcuda.so.1), cuInit succeeds, a device exists, device 0 has compute capability 8.0 or newer,
 * and the kernels fatbin was built into the jar. Asked once per process; never throws.
 */
public final class CudaProbe {
    private CudaProbe() {
    }

    /**
     * @param available true when {@link CudaBackend#open(int)} on device 0 is expected to work
     * @param reason    on success the device ("NVIDIA H100 80GB HBM3, sm_90, driver 13.0, 79.1 GiB"),
     *                  otherwise why not; never empty
     */
    public record Result(boolean available, String reason) {
    }

    /** The cached result. */
    public static Result probe() {
        return Holder.RESULT;
    }

    private static final class Holder {
        static final Result RESULT = run();
    }

    /** The checks, in order; the first that fails gives the reason. */
    static Result run() {
        try {
            int rc;
            try {
                rc = cuInit(0);
            } catch (LinkageError e) {
                // UnsatisfiedLinkError (no libcuda.so.1 or no JCuda native for this platform),
                // NoClassDefFoundError / ExceptionInInitializerError from JCuda's static loader.
                return new Result(false, linkFailure(e));
            }
            if (rc != CUresult.CUDA_SUCCESS) {
                return new Result(false, "cuInit failed: " + CUresult.stringFor(rc) + " (" + rc + ")");
            }
            int[] count = new int[1];
            rc = cuDeviceGetCount(count);
            if (rc != CUresult.CUDA_SUCCESS) {
                return new Result(false, "cuDeviceGetCount failed: " + CUresult.stringFor(rc) + " (" + rc + ")");
            }
            if (count[0] == 0) {
                return new Result(false, "no CUDA device (cuDeviceGetCount = 0)");
            }
            DeviceFacts facts = DeviceFacts.query(0);
            if (facts.ccMajor() < DeviceFacts.MIN_CC_MAJOR) {
                return new Result(false, facts.summary() + ": compute capability " + facts.ccMajor() + "." + facts.ccMinor()
                        + " is below 8.0, the oldest the kernels are built for");
            }
            if (!KernelResources.fatbinPresent()) {
                return new Result(false, KernelResources.NOT_BUILT + " (device: " + facts.summary() + ")");
            }
            return new Result(true, facts.summary());
        } catch (RuntimeException | LinkageError e) {
            return new Result(false, "CUDA probe failed: " + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
        }
    }

    /**
     * The cause of a failed JCuda native load in one line. JCuda's message lists every attempt
     * with stack traces; the line that matters is the dynamic linker's, e.g.
     * "/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file".
     */
    static String linkFailure(LinkageError e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String best = null;
        for (String line : msg.split("\\R")) {
            String t = line.strip();
            int at = t.indexOf("UnsatisfiedLinkError: ");
            if (at >= 0) {
                String cause = t.substring(at + "UnsatisfiedLinkError: ".length());
                if (best == null || cause.contains("cannot open shared object file") || cause.contains("libcuda")) {
                    best = cause;
                }
            }
        }
        if (best == null) {
            best = e.getClass().getSimpleName() + ": " + oneLine(msg);
        }
        return (best.contains("libcuda") ? "libcuda.so.1 not found: " : "the JCuda driver natives failed to load: ") + best;
    }

    /** The message on one line (JCuda's loader lists every attempt on its own line). */
    private static String oneLine(String s) {
        if (s == null || s.isBlank()) {
            return "(no message)";
        }
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
