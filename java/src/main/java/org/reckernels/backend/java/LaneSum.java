package org.reckernels.backend.java;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a {@link FloatVector#SPECIES_PREFERRED} vector's lanes in one fixed order — a pairwise
 * tree, lane i + lane (i xor half), halving until one lane is left — so that the result has the
 * same bits whether the calling code runs interpreted, C1- or C2-compiled. {@code reduceLanes(ADD)}
 * does not promise an order, and its compiled and interpreted forms differ (measured: 678 of 1000
 * 64-float dot products changed between the first, cold calls and the compiled ones), which made
 * training and index building differ in the last bits from run to run.
 */
public final class LaneSum {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorShuffle<Float> X8 = L > 8 ? VectorShuffle.fromOp(S, i -> i ^ 8) : null;
    private static final VectorShuffle<Float> X4 = L > 4 ? VectorShuffle.fromOp(S, i -> i ^ 4) : null;
    private static final VectorShuffle<Float> X2 = L > 2 ? VectorShuffle.fromOp(S, i -> i ^ 2) : null;
    private static final VectorShuffle<Float> X1 = L > 1 ? VectorShuffle.fromOp(S, i -> i ^ 1) : null;

    private LaneSum() {
    }

    /** Sum of v's lanes; v must be of {@link FloatVector#SPECIES_PREFERRED} (every caller's species). */
    public static float sum(FloatVector v) {
        if (L > 16) { // no such float register today; keep the order fixed anyway
            float s = 0f;
            for (int i = 0; i < L; i++) {
                s += v.lane(i);
            }
            return s;
        }
        if (L > 8) {
            v = v.add(v.rearrange(X8));
        }
        if (L > 4) {
            v = v.add(v.rearrange(X4));
        }
        if (L > 2) {
            v = v.add(v.rearrange(X2));
        }
        if (L > 1) {
            v = v.add(v.rearrange(X1));
        }
        return v.lane(0);
    }
}
