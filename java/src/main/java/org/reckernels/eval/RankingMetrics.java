package org.reckernels.eval;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.reckernels.data.Interactions;

/**
 * Full-ranking top-K metrics with the LightGCN paper's definitions, for user u with test items
 * T(u) and ranked list L(u) (best first), {@code hits_K = |L(u)[0..K) ∩ T(u)|}:
 * <pre>
 *   recall@K    = hits_K / |T(u)|
 *   precision@K = hits_K / K
 *   hit@K       = 1 if hits_K > 0 else 0
 *   ndcg@K      = DCG / IDCG,  DCG = Σ_{r<K, L(u)[r] ∈ T(u)} 1/log2(r+2),
 *                             IDCG = Σ_{r < min(|T(u)|, K)} 1/log2(r+2)
 * </pre>
 * each averaged over the users with {@code |T(u)| > 0}; users without test items are skipped.
 * Lists may be padded with {@code -1} (fewer candidates than K), which never hits. An item may
 * appear at most once in a list.
 */
public final class RankingMetrics {
    private RankingMetrics() {
    }

    /** Metrics for {@code topK[u]} (one ranked list per user of {@code test}) at each K in {@code ks}. */
    public static RankingReport evaluate(int[][] topK, Interactions test, int... ks) {
        Objects.requireNonNull(topK, "topK");
        Objects.requireNonNull(test, "test");
        if (topK.length != test.numUsers()) {
            throw new IllegalArgumentException("RankingMetrics: " + topK.length + " ranked lists for " + test.numUsers()
                    + " test users");
        }
        int width = Integer.MAX_VALUE;
        for (int u = 0; u < topK.length; u++) {
            if (topK[u] == null) {
                throw new IllegalArgumentException("RankingMetrics: ranked list of user " + u + " is null");
            }
            width = Math.min(width, topK[u].length);
        }
        Accumulator acc = new Accumulator(test, checkKs(ks, topK.length == 0 ? Integer.MAX_VALUE : width));
        for (int u = 0; u < topK.length; u++) {
            acc.add(u, topK[u], 0);
        }
        return acc.report();
    }

    /**
     * Metrics for a flat row-major array of {@code numUsers x stride} ranked items (user u's list is
     * {@code flat[u*stride .. u*stride+stride)}).
     */
    public static RankingReport evaluate(int[] flat, int stride, Interactions test, int... ks) {
        Objects.requireNonNull(flat, "flat");
        Objects.requireNonNull(test, "test");
        if (stride < 1 || (long) stride * test.numUsers() != flat.length) {
            throw new IllegalArgumentException("RankingMetrics: " + flat.length + " ranked items with stride " + stride
                    + " do not match " + test.numUsers() + " test users");
        }
        Accumulator acc = new Accumulator(test, checkKs(ks, stride));
        for (int u = 0; u < test.numUsers(); u++) {
            acc.add(u, flat, (long) u * stride);
        }
        return acc.report();
    }

    private static int[] checkKs(int[] ks, int width) {
        Objects.requireNonNull(ks, "ks");
        if (ks.length == 0) {
            throw new IllegalArgumentException("RankingMetrics: no K given");
        }
        int[] sorted = ks.clone();
        Arrays.sort(sorted);
        for (int k : sorted) {
            if (k < 1 || k > width) {
                throw new IllegalArgumentException("RankingMetrics: K=" + k + " outside [1, " + width
                        + "] (the ranked list length)");
            }
        }
        return Arrays.stream(sorted).distinct().toArray();
    }

    /** Sums per-user metrics; one instance per evaluation. */
    private static final class Accumulator {
        private final Interactions test;
        private final int[] ks;
        private final int maxK;
        private final double[] discount; // 1/log2(r+2)
        private final double[] idcg; // prefix sums of discount: idcg[n] = Σ_{r<n}
        private final double[] recall;
        private final double[] precision;
        private final double[] ndcg;
        private final double[] hit;
        private final int[] seen;
        private int users;

        Accumulator(Interactions test, int[] ks) {
            this.test = test;
            this.ks = ks;
            this.maxK = ks[ks.length - 1];
            this.discount = new double[maxK];
            this.idcg = new double[maxK + 1];
            for (int r = 0; r < maxK; r++) {
                discount[r] = 1.0 / (Math.log(r + 2) / Math.log(2));
                idcg[r + 1] = idcg[r] + discount[r];
            }
            this.recall = new double[ks.length];
            this.precision = new double[ks.length];
            this.ndcg = new double[ks.length];
            this.hit = new double[ks.length];
            this.seen = new int[maxK];
        }

        void add(int u, int[] list, long offset) {
            int nTest = test.degreeOfUser(u);
            if (nTest == 0) {
                return;
            }
            users++;
            checkDistinct(u, list, offset);
            int hits = 0;
            double dcg = 0;
            int next = 0;
            for (int r = 0; r < maxK; r++) {
                int item = list[(int) (offset + r)];
                if (item >= 0 && test.contains(u, item)) {
                    hits++;
                    dcg += discount[r];
                }
                if (r + 1 == ks[next]) {
                    recall[next] += (double) hits / nTest;
                    precision[next] += (double) hits / ks[next];
                    ndcg[next] += dcg / idcg[Math.min(nTest, ks[next])];
                    hit[next] += hits > 0 ? 1 : 0;
                    next++;
                }
            }
        }

        private void checkDistinct(int u, int[] list, long offset) {
            int n = 0;
            for (int r = 0; r < maxK; r++) {
                int item = list[(int) (offset + r)];
                if (item < -1 || item >= test.numItems()) {
                    throw new IllegalArgumentException("RankingMetrics: user " + u + " rank " + r + " has item " + item
                            + " outside [0, " + test.numItems() + ") (or -1 for padding)");
                }
                if (item >= 0) {
                    seen[n++] = item;
                }
            }
            Arrays.sort(seen, 0, n);
            for (int k = 1; k < n; k++) {
                if (seen[k] == seen[k - 1]) {
                    throw new IllegalArgumentException("RankingMetrics: user " + u + " lists item " + seen[k]
                            + " twice in its top " + maxK);
                }
            }
        }

        RankingReport report() {
            Map<Integer, RankingReport.Metrics> m = new TreeMap<>();
            double n = Math.max(users, 1);
            for (int j = 0; j < ks.length; j++) {
                m.put(ks[j], new RankingReport.Metrics(recall[j] / n, precision[j] / n, ndcg[j] / n, hit[j] / n));
            }
            return new RankingReport(new TreeMap<>(m), users);
        }
    }
}
