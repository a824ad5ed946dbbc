package org.reckernels.testing;

import java.util.Random;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;

/** Random and adversarial inputs for op tests; every generator takes an explicit seed. */
public final class TestMatrices {
    private TestMatrices() {
    }

    /** Dense rows x cols with entries uniform in [-1, 1). */
    public static HostMatrix dense(long rows, long cols, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat() * 2f - 1f;
        }
        return HostMatrix.of(rows, cols, v);
    }

    /** Each row gets Binomial-ish random degree with the given mean; columns uniform (repeats allowed). */
    public static CsrMatrix uniform(int rows, int cols, double meanDegree, boolean unitValues, long seed) {
        Random rnd = new Random(seed);
        int[] degrees = new int[rows];
        for (int r = 0; r < rows; r++) {
            degrees[r] = cols == 0 ? 0 : (int) Math.round(rnd.nextDouble() * 2 * meanDegree);
        }
        return withDegrees(degrees, cols, unitValues, rnd);
    }

    /**
     * Power-law degrees (Zipf-like, exponent ~2): a few hub rows hold much of the mass, many rows
     * are empty or tiny — the shape of real interaction graphs.
     */
    public static CsrMatrix powerLaw(int rows, int cols, int maxDegree, long seed) {
        Random rnd = new Random(seed);
        int[] degrees = new int[rows];
        for (int r = 0; r < rows; r++) {
            double u = rnd.nextDouble();
            degrees[r] = (int) Math.min(maxDegree, Math.floor(1.0 / Math.max(u, 1e-9)) - 1);
        }
        return withDegrees(degrees, cols, false, rnd);
    }

    /** Rows with the given degrees, random columns (with repeats) and values in [-1, 1). */
    public static CsrMatrix withDegrees(int[] degrees, int cols, boolean unitValues, Random rnd) {
        long[] ptr = new long[degrees.length + 1];
        for (int r = 0; r < degrees.length; r++) {
            ptr[r + 1] = ptr[r] + degrees[r];
        }
        int nnz = Math.toIntExact(ptr[degrees.length]);
        int[] ci = new int[nnz];
        float[] vs = unitValues ? null : new float[nnz];
        for (int k = 0; k < nnz; k++) {
            ci[k] = rnd.nextInt(cols);
            if (vs != null) {
                vs[k] = rnd.nextFloat() * 2f - 1f;
            }
        }
        return CsrMatrix.of(degrees.length, cols, ptr, ci, vs);
    }
}
