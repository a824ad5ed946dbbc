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
}
