package org.reckernels.eval;

import java.util.Arrays;

/** Metrics of binary prediction (CTR): ROC AUC (ties get half credit) and logloss. */
public final class BinaryMetrics {
    private BinaryMetrics() {
    }

    /**
     * ROC AUC by the rank-sum (Mann–Whitney) statistic with average ranks for tied scores:
     * the probability that a random positive scores above a random negative (ties count ½).
     * NaN when one class is absent. O(n log n).
     */
    public static double auc(float[] scores, float[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("auc: " + scores.length + " scores, " + labels.length + " labels");
        }
        int n = scores.length;
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = ((long) sortableBits(scores[i]) << 32) | i;
        }
        Arrays.sort(order);
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            int key = (int) (order[i] >>> 32);
            while (j < n && (int) (order[j] >>> 32) == key) {
                j++;
            }
            double avgRank = (i + 1 + j) / 2.0; // ranks i+1 .. j
            for (int t = i; t < j; t++) {
                if (labels[(int) order[t]] > 0.5f) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Order-preserving map of a float to an int compared as unsigned-then-flipped (total order, -0 < +0). */
    private static int sortableBits(float f) {
        if (Float.isNaN(f)) {
            throw new IllegalArgumentException("auc: NaN score");
        }
        int b = Float.floatToIntBits(f);
        return b >= 0 ? b : b ^ 0x7fffffff; // negatives reversed; signed int order then matches float order
    }

    /** Mean binary cross-entropy of σ(logit) against labels, computed stably from logits. */
    public static double logloss(float[] logits, float[] labels) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException("logloss: " + logits.length + " logits, " + labels.length + " labels");
        }
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            double z = logits[i];
            s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - labels[i] * z;
        }
        return logits.length == 0 ? Double.NaN : s / logits.length;
    }
}
