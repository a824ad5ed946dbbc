package org.reckernels.reference;

import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Shapes;

/**
 * Tiny, obviously-correct implementations of every op, accumulating in double. They are the test
 * oracle that both backends are compared with (and the check a benchmark runs before timing);
 * they are slow on purpose and never used by models.
 */
public final class ReferenceOps {
    private ReferenceOps() {
    }

    /** {@code Y = A·X}; A (m x k) CSR, X (k x d), Y (m x d) overwritten. */
    public static void spmm(CsrMatrix a, HostMatrix x, HostMatrix y) {
        Shapes.checkSpmm(a, x, y);
        long d = x.cols();
        double[] acc = new double[Math.toIntExact(d)];
        for (long r = 0; r < a.rows(); r++) {
            java.util.Arrays.fill(acc, 0.0);
            for (long k = a.rowStart(r); k < a.rowEnd(r); k++) {
                double v = a.value(k);
                int c = a.col(k);
                for (int j = 0; j < d; j++) {
                    acc[j] += v * x.get(c, j);
                }
            }
            for (int j = 0; j < d; j++) {
                y.set(r, j, (float) acc[j]);
            }
        }
    }

    /** {@code C = alpha·op(A)·op(B) + beta·C}; beta = 0 ignores C's contents. */
    public static void gemm(boolean transA, boolean transB, float alpha, HostMatrix a, HostMatrix b, float beta, HostMatrix c) {
        long[] mnk = Shapes.checkGemm(transA, transB, a, b, c);
        long m = mnk[0];
        long n = mnk[1];
        long k = mnk[2];
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double s = 0;
                for (long p = 0; p < k; p++) {
                    double av = transA ? a.get(p, i) : a.get(i, p);
                    double bv = transB ? b.get(j, p) : b.get(p, j);
                    s += av * bv;
                }
                double prev = beta == 0f ? 0.0 : (double) beta * c.get(i, j);
                c.set(i, j, (float) (alpha * s + prev));
            }
        }
    }
}
