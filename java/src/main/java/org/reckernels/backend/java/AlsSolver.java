package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.reckernels.backend.AlsParams;
import org.reckernels.tensor.CsrMatrix;

/**
 * The iALS conjugate-gradient solver of the Java backend, over a range of rows (see
 * {@link AlsParams} for the system). Per row, from the warm start x:
 * <pre>
 *   r = b − A·x;  p = r;  rs = r·r
 *   repeat cgSteps times while rs &gt; 0:
 *     q = A·p;  if p·q ≤ 0: stop
 *     a = rs / (p·q);  x += a·p;  r −= a·q
 *     rs' = r·r;  p = r + (rs'/rs)·p;  rs = rs'
 * </pre>
 * The products with A go through {@link HostKernels#alsApply} (O(|I(u)|·d + d²) each), so one
 * row costs cgSteps + 1 of them. Scratch: four float[d] per call, reused across its rows.
 */
final class AlsSolver {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private AlsSolver() {
    }

    /** Rows [r0, r1) of {@code factors} (rows x d segment) updated in place. */
    static void solveRows(HostKernels k, CsrMatrix r, MemorySegment fixed, long fixedRows, float[] gram,
                          MemorySegment factors, int d, AlsParams p, long r0, long r1) {
        float[] x = new float[d];
        float[] res = new float[d];
        float[] dir = new float[d];
        float[] q = new float[d];
        float alpha = p.alpha();
        float w0 = p.w0();
        for (long u = r0; u < r1; u++) {
            long off = u * d * Float.BYTES;
            MemorySegment.copy(factors, F, off, x, 0, d);
            float reg = (float) p.regularization(r.rowEnd(u) - r.rowStart(u), fixedRows);
            k.alsApply(r, u, fixed, gram, d, alpha, w0, reg, x, res, true);
            System.arraycopy(res, 0, dir, 0, d);
            float rs = k.dot(res, res, d);
            for (int step = 0; step < p.cgSteps() && rs > 0f; step++) {
                k.alsApply(r, u, fixed, gram, d, alpha, w0, reg, dir, q, false);
                float pq = k.dot(dir, q, d);
                if (!(pq > 0f)) {
                    break;
                }
                float a = rs / pq;
                k.axpy(a, dir, x, d);
                k.axpy(-a, q, res, d);
                float rsNew = k.dot(res, res, d);
                k.xpby(res, rsNew / rs, dir, d);
                rs = rsNew;
            }
            MemorySegment.copy(x, 0, factors, F, off, d);
        }
    }
}
