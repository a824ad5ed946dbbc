package org.reckernels.backend;

/**
 * Walker/Vose alias table for drawing ids in O(1) from a discrete distribution, here the unigram
 * distribution raised to ns_exponent (0.75 as word2vec). Sampling with two uniforms (u1 picks the
 * column, u2 decides between it and its alias):
 * <pre>  i = floor(u1·n);  return u2 < prob[i] ? i : alias[i]</pre>
 * The same arrays are uploaded to the GPU for device-side sampling.
 */
public final class AliasTable {
    private final float[] prob;
    private final int[] alias;

    private AliasTable(float[] prob, int[] alias) {
        this.prob = prob;
        this.alias = alias;
    }

    /** weights_i = counts_i ^ exponent; counts must be non-negative with a positive sum. */
    public static AliasTable unigram(long[] counts, double exponent) {
        double[] w = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("AliasTable: count " + counts[i] + " at " + i + " is negative");
            }
            w[i] = Math.pow(counts[i], exponent);
        }
        return of(w);
    }

    public static AliasTable of(double[] weights) {
        int n = weights.length;
        if (n == 0) {
            throw new IllegalArgumentException("AliasTable: no weights");
        }
        double sum = 0;
        for (double x : weights) {
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("AliasTable: weight " + x + " is not a finite non-negative number");
            }
            sum += x;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("AliasTable: weights sum to " + sum);
        }
        double[] p = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            p[i] = weights[i] * n / sum;
            if (p[i] < 1.0) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        float[] prob = new float[n];
        int[] alias = new int[n];
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            prob[s] = (float) p[s];
            alias[s] = l;
            p[l] = (p[l] + p[s]) - 1.0;
            if (p[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            prob[l] = 1f;
            alias[l] = l;
        }
        while (ns > 0) { // rounding leftovers
            int s = small[--ns];
            prob[s] = 1f;
            alias[s] = s;
        }
        return new AliasTable(prob, alias);
    }

    public int size() {
        return prob.length;
    }

    /** Acceptance probabilities (shared, do not modify). */
    public float[] prob() {
        return prob;
    }

    /** Alias ids (shared, do not modify). */
    public int[] alias() {
        return alias;
    }

    /** Draws from 64 random bits: the high 32 pick the column, the next 24 the coin. */
    public int sample(long bits) {
        int i = (int) (((bits >>> 32) * prob.length) >>> 32);
        float u = ((bits >>> 8) & 0xFFFFFF) * 0x1.0p-24f;
        return u < prob[i] ? i : alias[i];
    }

    /** The probability of drawing id i (for tests). */
    public double probability(int i) {
        double p = prob[i];
        for (int j = 0; j < prob.length; j++) {
            if (alias[j] == i && j != i) {
                p += 1.0 - prob[j];
            }
        }
        return p / prob.length;
    }
}
