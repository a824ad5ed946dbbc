package org.reckernels.bench;

import java.util.Arrays;

/** Order statistics of per-repetition event timings (ms). */
final class GpuStats {
    private GpuStats() {
    }

    static double median(float[] ms) {
        if (ms.length == 0) {
            throw new IllegalArgumentException("median of no timings");
        }
        float[] v = ms.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + (double) v[n / 2]) / 2;
    }

    static double min(float[] ms) {
        double m = Double.POSITIVE_INFINITY;
        for (float f : ms) {
            m = Math.min(m, f);
        }
        return m;
    }

    /**
     * Whether a usable GPU is here (the backend's own probe, which never throws); prints
     * {@code no GPU: <reason>} when not — the line ci/gpu-check.sh reads.
     */
    static boolean gpuOrSayWhyNot() {
        org.reckernels.backend.cuda.CudaProbe.Result probe;
        try {
            probe = org.reckernels.backend.cuda.CudaProbe.probe();
        } catch (LinkageError | RuntimeException e) {
            probe = new org.reckernels.backend.cuda.CudaProbe.Result(false, e.toString());
        }
        if (!probe.available()) {
            System.out.println("no GPU: " + probe.reason());
        }
        return probe.available();
    }
}
