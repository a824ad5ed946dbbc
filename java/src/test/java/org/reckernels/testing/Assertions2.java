package org.reckernels.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.reckernels.tensor.HostMatrix;

/** Comparisons of backend output with the reference, with tolerances that scale with the sums. */
public final class Assertions2 {
    private Assertions2() {
    }

    /**
     * Checks |actual - expected| <= rel * scale + abs elementwise, where scale is the matching
     * element of {@code magnitude} (e.g. |A|·|X|, the sum of absolute terms), so that long sums
     * get proportionally more float32 rounding room. Reports the first bad element and the count.
     */
    public static void assertClose(HostMatrix expected, HostMatrix actual, HostMatrix magnitude, double rel, double abs,
                                   String what) {
        if (expected.rows() != actual.rows() || expected.cols() != actual.cols()) {
            fail(what + ": shape " + actual.shape() + ", expected " + expected.shape());
        }
        long bad = 0;
        String first = null;
        for (long r = 0; r < expected.rows(); r++) {
            for (long c = 0; c < expected.cols(); c++) {
                double e = expected.get(r, c);
                double a = actual.get(r, c);
                double tol = rel * (magnitude == null ? Math.abs(e) : magnitude.get(r, c)) + abs;
                if (!(Math.abs(a - e) <= tol)) {
                    if (first == null) {
                        first = "(" + r + ", " + c + "): got " + a + ", expected " + e + " (tolerance " + tol + ")";
                    }
                    bad++;
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.elements() + " elements differ; first at " + first);
        }
    }
}
