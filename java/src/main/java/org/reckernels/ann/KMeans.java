package org.reckernels.ann;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Lloyd's k-means with a fixed seed: assignment by the "GEMM + argmin" form
 * ({@code ||c||^2 - 2 x.c}, centroid norms once per iteration, parallel over points), centroid
 * update as the mean of the assigned points, and empty-cluster repair (FAISS's rule: an empty
 * centroid takes a copy of the centroid of a cluster chosen with probability proportional to its
 * size, both nudged apart by a relative epsilon, and the big cluster's points are split between
 * them by the next assignment). Initialisation: k distinct random points or k-means++.
 * Deterministic for a given seed (the parallel sums are per-chunk then added in chunk order).
 */
public final class KMeans {
    public enum Init { RANDOM, KMEANS_PLUS_PLUS }

    private static final int CHUNK = 1024;
    /** Relative nudge of a split centroid (the device repair kernel uses the same constant). */
    static final float EPS = 1f / 1024;

    private KMeans() {
    }

    /** Trains k centroids (k x d, row-major) on the n rows of {@code x}. */
    public static float[] train(float[] x, int n, int d, int k, int iterations, long seed, Init init) {
        checkShape(x.length, n, d, k);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] c = init == Init.KMEANS_PLUS_PLUS ? plusPlus(x, n, d, k, rnd) : randomInit(x, n, d, k, rnd);
        int[] assign = new int[n];
        for (int it = 0; it < iterations; it++) {
            assign(x, n, d, c, k, assign);
            update(x, n, d, c, k, assign, rnd);
        }
        return c;
    }

    /** The argument checks of {@link #train} (also used by {@link DeviceKMeans}). */
    static void checkShape(long floats, int n, int d, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k-means: k=" + k + " must be >= 1");
        }
        if (n < k) {
            throw new IllegalArgumentException("k-means: " + n + " training vectors for " + k
                    + " centroids (need at least as many vectors as centroids)");
        }
        if ((long) n * d != floats) {
            throw new IllegalArgumentException("k-means: data has " + floats + " floats, expected n*d = " + n + "*" + d);
        }
    }

    /** Nearest centroid (L2) of every row, in parallel. */
    public static void assign(float[] x, int n, int d, float[] c, int k, int[] out) {
        float[] cn = VecMath.norms(c, k, d);
        float[] cT = VecMath.transpose(c, k, d);
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(t -> {
            int end = Math.min(n, (t + 1) * CHUNK);
            float[] dots = new float[k];
            for (int i = t * CHUNK; i < end; i++) {
                VecMath.dotsT(x, i * d, d, cT, 0, k, dots, 0);
                out[i] = VecMath.argminFromDots(dots, cn, k);
            }
        });
    }

    private static void update(float[] x, int n, int d, float[] c, int k, int[] assign, SplittableRandom rnd) {
        double[] sum = new double[k * d];
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            count[a]++;
            int so = a * d;
            int xo = i * d;
            for (int j = 0; j < d; j++) {
                sum[so + j] += x[xo + j];
            }
        }
        for (int a = 0; a < k; a++) {
            if (count[a] > 0) {
                for (int j = 0; j < d; j++) {
                    c[a * d + j] = (float) (sum[a * d + j] / count[a]);
                }
            }
        }
        int[] plan = new int[2 * k];
        int entries = planRepairs(count, n, rnd, plan);
        for (int e = 0; e < entries; e++) {
            int a = plan[2 * e];
            int src = plan[2 * e + 1];
            if (src < 0) { // every cluster has at most one point: copy a random point
                System.arraycopy(x, (-src - 1) * d, c, a * d, d);
                continue;
            }
            for (int j = 0; j < d; j++) {
                float v = c[src * d + j];
                float delta = (j % 2 == 0 ? 1 : -1) * EPS * (Math.abs(v) + EPS);
                c[a * d + j] = v + delta;
                c[src * d + j] = v - delta;
            }
        }
    }

    /**
     * Empty-cluster repair plan (FAISS's rule), drawing from {@code rnd} exactly as the CPU update
     * does: for each empty cluster a in order, a cluster src with more than one point, picked with
     * probability proportional to its size, is split into a and src (entry (a, src)); when every
     * cluster has at most one point, a random point p is copied instead (entry (a, -p - 1)).
     * {@code count} is updated as the splits move points; entries are written to {@code plan}
     * (2 ints each, room for k entries); returns how many.
     */
    static int planRepairs(int[] count, int n, SplittableRandom rnd, int[] plan) {
        int entries = 0;
        int k = count.length;
        for (int a = 0; a < k; a++) {
            if (count[a] != 0) {
                continue;
            }
            int big;
            while (true) {
                big = pickBySize(count, n, rnd);
                if (count[big] > 1) {
                    break;
                }
                if (maxCount(count) <= 1) {
                    big = -1;
                    break;
                }
            }
            plan[2 * entries] = a;
            if (big < 0) {
                plan[2 * entries + 1] = -rnd.nextInt(n) - 1;
                entries++;
                continue;
            }
            plan[2 * entries + 1] = big;
            entries++;
            count[a] = count[big] / 2;
            count[big] -= count[a];
        }
        return entries;
    }

    private static int maxCount(int[] count) {
        int m = 0;
        for (int v : count) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static int pickBySize(int[] count, int n, SplittableRandom rnd) {
        int r = rnd.nextInt(n);
        for (int a = 0; a < count.length; a++) {
            r -= count[a];
            if (r < 0) {
                return a;
            }
        }
        return count.length - 1;
    }

    private static float[] randomInit(float[] x, int n, int d, int k, SplittableRandom rnd) {
        int[] rows = randomRows(n, k, rnd);
        float[] c = new float[k * d];
        for (int j = 0; j < k; j++) {
            System.arraycopy(x, rows[j] * d, c, j * d, d);
        }
        return c;
    }

    /** The k distinct rows of the RANDOM initialisation (a partial Fisher-Yates shuffle). */
    static int[] randomRows(int n, int k, SplittableRandom rnd) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int j = 0; j < k; j++) {
            int r = j + rnd.nextInt(n - j);
            int t = perm[j];
            perm[j] = perm[r];
            perm[r] = t;
        }
        return java.util.Arrays.copyOf(perm, k);
    }

    private static float[] plusPlus(float[] x, int n, int d, int k, SplittableRandom rnd) {
        float[] c = new float[k * d];
        float[] best = new float[n];
        java.util.Arrays.fill(best, Float.POSITIVE_INFINITY);
        int first = rnd.nextInt(n);
        System.arraycopy(x, first * d, c, 0, d);
        for (int j = 1; j <= k; j++) {
            final int cj = j - 1;
            int chunks = (n + CHUNK - 1) / CHUNK;
            IntStream.range(0, chunks).parallel().forEach(t -> {
                int end = Math.min(n, (t + 1) * CHUNK);
                for (int i = t * CHUNK; i < end; i++) {
                    best[i] = Math.min(best[i], VecMath.l2sq(x, i * d, c, cj * d, d));
                }
            });
            if (j == k) {
                break;
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += best[i];
            }
            int pick;
            if (total <= 0) { // all points coincide with chosen centroids
                pick = rnd.nextInt(n);
            } else {
                double r = rnd.nextDouble() * total;
                pick = n - 1;
                for (int i = 0; i < n; i++) {
                    r -= best[i];
                    if (r < 0) {
                        pick = i;
                        break;
                    }
                }
            }
            System.arraycopy(x, pick * d, c, j * d, d);
        }
        return c;
    }
}
