package org.reckernels.bench;

import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;

/**
 * Validate before timing (the llm.c habit): a benchmark compares the op's output with
 * {@link ReferenceOps} (double accumulation) and refuses to time a wrong result.
 */
public final class Validation {
    /** Float32 accumulation over a few hundred terms lands far below this. */
    public static final double SPMM_TOLERANCE = 1e-5;

    private Validation() {
    }

    /** The reference {@code A·X}, computed once per (A, X). */
    public static HostMatrix referenceSpmm(CsrMatrix a, HostMatrix x) {
        HostMatrix ref = HostMatrix.zeros(a.rows(), x.cols());
        ReferenceOps.spmm(a, x, ref);
        return ref;
    }

    /**
     * ‖out − ref‖ / ‖ref‖ over all elements; NaN or Inf anywhere in out gives +Inf.
     */
    public static double relativeError(HostMatrix out, HostMatrix ref) {
        if (out.rows() != ref.rows() || out.cols() != ref.cols()) {
            throw new IllegalArgumentException("validation: shapes differ, " + out.shape() + " vs " + ref.shape());
        }
        double num = 0;
        double den = 0;
        float[] o = out.toArray();
        float[] r = ref.toArray();
        for (int i = 0; i < o.length; i++) {
            if (!Float.isFinite(o[i])) {
                return Double.POSITIVE_INFINITY;
            }
            double diff = (double) o[i] - r[i];
            num += diff * diff;
            den += (double) r[i] * r[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    /** Throws IllegalStateException (fail loudly) when {@code out} is not {@code ref} within tolerance. */
    public static double requireClose(String what, HostMatrix out, HostMatrix ref, double tolerance) {
        double err = relativeError(out, ref);
        if (!(err <= tolerance)) {
            throw new IllegalStateException(what + ": WRONG RESULT, relative error " + err + " > " + tolerance
                    + " — refusing to time it");
        }
        return err;
    }
}
