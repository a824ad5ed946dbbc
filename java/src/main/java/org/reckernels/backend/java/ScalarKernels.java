package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.reckernels.tensor.CsrMatrix;

/** Plain-loop kernels: the fallback when the Vector API is off or missing. */
final class ScalarKernels implements HostKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public void spmmRows(CsrMatrix a, MemorySegment x, MemorySegment y, int d, long r0, long r1) {
        float[] acc = new float[d];
        for (long r = r0; r < r1; r++) {
            java.util.Arrays.fill(acc, 0f);
            for (long k = a.rowStart(r), e = a.rowEnd(r); k < e; k++) {
                float v = a.value(k);
                long xo = (long) a.col(k) * d;
                for (int j = 0; j < d; j++) {
                    acc[j] += v * x.getAtIndex(F, xo + j);
                }
            }
            MemorySegment.copy(acc, 0, y, F, r * d * Float.BYTES, d);
        }
    }

    @Override
    public void gemvRow(MemorySegment a, long aBase, long aStride, int k, MemorySegment b, int n, float alpha, float beta,
                        MemorySegment y, long yBase) {
        float[] acc = new float[n];
        for (int p = 0; p < k; p++) {
            float av = alpha * a.getAtIndex(F, aBase + p * aStride);
            long bo = (long) p * n;
            for (int j = 0; j < n; j++) {
                acc[j] += av * b.getAtIndex(F, bo + j);
            }
        }
        for (int j = 0; j < n; j++) {
            float prev = beta == 0f ? 0f : beta * y.getAtIndex(F, yBase + j);
            y.setAtIndex(F, yBase + j, acc[j] + prev);
        }
    }
}
