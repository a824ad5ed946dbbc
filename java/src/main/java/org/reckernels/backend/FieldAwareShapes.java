package org.reckernels.backend;

import java.util.Objects;
import org.reckernels.tensor.Matrix;

/** Argument checks of {@link Backend#ffmForward} / {@link Backend#ffmBackward}, shared by the backends. */
public final class FieldAwareShapes {
    private FieldAwareShapes() {
    }

    /**
     * Checks v (B x F·F·d, d >= 1), logits (B x 1) and linear (null or B rows); returns d. {@code logits} is the
     * gradient of the logits for the backward.
     */
    public static int check(String op, Matrix v, int fields, Matrix linear, Matrix logits) {
        Objects.requireNonNull(v, op + ": v");
        Objects.requireNonNull(logits, op + ": logits");
        if (fields < 1 || fields > 46340) {
            throw new IllegalArgumentException(op + ": fields = " + fields + ", must be in [1, 46340]");
        }
        long ff = (long) fields * fields;
        if (v.cols() == 0 || v.cols() % ff != 0) {
            throw new IllegalArgumentException(op + ": v is " + v.shape() + "; its width must be fields·fields·d with "
                    + "fields = " + fields + " and d >= 1");
        }
        if (v.cols() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": v width " + v.cols() + " exceeds the int range");
        }
        if (logits.rows() != v.rows() || logits.cols() != 1) {
            throw new IllegalArgumentException(op + ": logits is " + logits.shape() + ", needs " + v.rows() + "x1");
        }
        if (linear != null && linear.rows() != v.rows()) {
            throw new IllegalArgumentException(op + ": linear is " + linear.shape() + ", needs " + v.rows() + " rows");
        }
        return (int) (v.cols() / ff);
    }
}
