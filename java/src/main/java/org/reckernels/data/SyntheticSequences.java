package org.reckernels.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Sessions with planted, overlapping item clusters, so that neighbour quality is measurable
 * without downloads, and hard enough that a weak trainer scores visibly lower. Items are named
 * {@code i<k>}, k in [0, items). The planted structure (see {@link Config}):
 * <ul>
 *   <li>every clustered item belongs to one cluster, and with some probability to a second and a
 *       third (so clusters overlap irregularly, not as a band);</li>
 *   <li>noise items belong to no cluster; they only appear as noise draws;</li>
 *   <li>popularity is Zipf over a random ranking of all items: a few hubs, a long tail of items
 *       seen a handful of times (what separates a good trainer from a weak one);</li>
 *   <li>a session follows one cluster, or (mixing) switches to a second cluster part-way; each token
 *       is, with probability {@code noise}, drawn from the whole catalogue by popularity instead
 *       (noise items and other clusters' items).</li>
 * </ul>
 * <b>precision@k</b> ({@link #precisionAtK}): over every query item of the vocabulary that belongs
 * to at least one cluster, the fraction of its k nearest neighbours that share at least one cluster
 * with it (a noise item is never a correct neighbour; noise items are not queries), averaged over
 * the queries. {@link #randomPrecision()} is its expected value for a random ranking.
 */
public final class SyntheticSequences {

    /**
     * @param clusters       number of planted clusters
     * @param clusteredItems items that belong to at least one cluster (ids 0 .. clusteredItems − 1)
     * @param noiseItems     items in no cluster (the next ids)
     * @param secondCluster  probability that a clustered item also belongs to a second cluster
     * @param thirdCluster   probability that an item with two clusters also belongs to a third
     * @param zipf           popularity exponent: item of popularity rank r has weight 1/(r+1)^zipf (0 = uniform)
     * @param sessions       number of sessions
     * @param minLen         shortest session
     * @param maxLen         longest session (lengths uniform in [minLen, maxLen])
     * @param mixing         probability that a session switches to a second cluster at a random point
     * @param noise          probability that a token is drawn from the whole catalogue by popularity
     * @param seed           random seed
     */
    public record Config(int clusters, int clusteredItems, int noiseItems, double secondCluster, double thirdCluster, double zipf,
                         int sessions, int minLen, int maxLen, double mixing, double noise, long seed) {
        public Config {
            if (clusters < 2 || clusteredItems < clusters || noiseItems < 0 || sessions < 1 || minLen < 1 || maxLen < minLen
                    || !prob(secondCluster) || !prob(thirdCluster) || !prob(mixing) || !prob(noise) || !(zipf >= 0 && zipf < 10)) {
                throw new IllegalArgumentException("SyntheticSequences: bad config (clusters " + clusters + ", clusteredItems "
                        + clusteredItems + ", noiseItems " + noiseItems + ", secondCluster " + secondCluster + ", thirdCluster "
                        + thirdCluster + ", zipf " + zipf + ", sessions " + sessions + ", lengths " + minLen + ".." + maxLen + ", mixing "
                        + mixing + ", noise " + noise + "; need clusters >= 2, clusteredItems >= clusters, noiseItems >= 0, sessions >= 1, 1 <= minLen <= maxLen,"
                        + " probabilities in [0, 1], 0 <= zipf < 10)");
            }
        }

        /**
         * The embedded default: 100 clusters over 5,000 items (40% also in a second cluster, 15% of
         * those in a third), 1,000 noise items, Zipf 1 popularity, 30,000 sessions of 3–20 items, half
         * of them switching cluster part-way, 30% noise tokens (about 345k tokens; median item count
         * 18, some items seen once). Tuned so that word2vec-style defaults reach precision@10 ≈ 0.89
         * while one epoch gives ≈ 0.48 and window 1 ≈ 0.75 (2026-11-25).
         */
        public static Config defaults(long seed) {
            return new Config(100, 5000, 1000, 0.4, 0.15, 1.0, 30_000, 3, 20, 0.5, 0.3, seed);
        }

        public Config withSessions(int n) {
            return new Config(clusters, clusteredItems, noiseItems, secondCluster, thirdCluster, zipf, n, minLen, maxLen, mixing, noise,
                    seed);
        }

        public Config withLengths(int min, int max) {
            return new Config(clusters, clusteredItems, noiseItems, secondCluster, thirdCluster, zipf, sessions, min, max, mixing, noise,
                    seed);
        }

        public Config withItems(int clusterCount, int clustered, int noiseCount) {
            return new Config(clusterCount, clustered, noiseCount, secondCluster, thirdCluster, zipf, sessions, minLen, maxLen, mixing,
                    noise, seed);
        }

        private static boolean prob(double p) {
            return p >= 0 && p <= 1;
        }
    }

    private final Config config;
    private final int[][] clustersOf; // item -> sorted cluster ids (empty for noise items)
    private final int[][] members; // cluster -> its items
    private final List<List<String>> sessions;

    private SyntheticSequences(Config config, int[][] clustersOf, int[][] members, List<List<String>> sessions) {
        this.config = config;
        this.clustersOf = clustersOf;
        this.members = members;
        this.sessions = sessions;
    }

    /** The embedded default ({@link Config#defaults}). */
    public static SyntheticSequences generate(long seed) {
        return generate(Config.defaults(seed));
    }

    public static SyntheticSequences generate(Config c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        int items = c.clusteredItems() + c.noiseItems();
        int[][] clustersOf = new int[items][];
        List<List<Integer>> members = new ArrayList<>();
        for (int k = 0; k < c.clusters(); k++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < c.clusteredItems(); i++) {
            // the first `clusters` items seed one cluster each, so none is empty
            int first = i < c.clusters() ? i : r.nextInt(c.clusters());
            int n = r.nextDouble() < c.secondCluster() ? (r.nextDouble() < c.thirdCluster() ? 3 : 2) : 1;
            int[] cs = new int[Math.min(n, c.clusters())];
            cs[0] = first;
            for (int j = 1; j < cs.length; j++) {
                int k;
                do {
                    k = r.nextInt(c.clusters());
                } while (contains(cs, j, k));
                cs[j] = k;
            }
            Arrays.sort(cs);
            clustersOf[i] = cs;
            for (int k : cs) {
                members.get(k).add(i);
            }
        }
        for (int i = c.clusteredItems(); i < items; i++) {
            clustersOf[i] = new int[0];
        }
        // popularity: Zipf over a random ranking of all items
        int[] rank = new int[items];
        for (int i = 0; i < items; i++) {
            rank[i] = i;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        double[] weight = new double[items];
        for (int i = 0; i < items; i++) {
            weight[i] = 1 / Math.pow(rank[i] + 1, c.zipf());
        }
        Sampler all = new Sampler(allItems(items), weight);
        Sampler[] byCluster = new Sampler[c.clusters()];
        for (int k = 0; k < c.clusters(); k++) {
            byCluster[k] = new Sampler(members.get(k).stream().mapToInt(Integer::intValue).toArray(), weight);
        }
        String[] names = new String[items];
        for (int i = 0; i < items; i++) {
            names[i] = "i" + i;
        }
        List<List<String>> sessions = new ArrayList<>(c.sessions());
        for (int s = 0; s < c.sessions(); s++) {
            int len = c.minLen() + r.nextInt(c.maxLen() - c.minLen() + 1);
            int cluster = r.nextInt(c.clusters());
            int switchAt = len;
            int second = cluster;
            if (r.nextDouble() < c.mixing()) {
                switchAt = 1 + r.nextInt(Math.max(1, len - 1));
                do {
                    second = r.nextInt(c.clusters());
                } while (second == cluster);
            }
            List<String> seq = new ArrayList<>(len);
            for (int t = 0; t < len; t++) {
                int item = r.nextDouble() < c.noise() ? all.draw(r) : byCluster[t < switchAt ? cluster : second].draw(r);
                seq.add(names[item]);
            }
            sessions.add(seq);
        }
        int[][] memberArrays = new int[c.clusters()][];
        for (int k = 0; k < c.clusters(); k++) {
            memberArrays[k] = members.get(k).stream().mapToInt(Integer::intValue).toArray();
        }
        return new SyntheticSequences(c, clustersOf, memberArrays, sessions);
    }

    private static boolean contains(int[] a, int n, int x) {
        for (int i = 0; i < n; i++) {
            if (a[i] == x) {
                return true;
            }
        }
        return false;
    }

    private static int[] allItems(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Draws one of {@code ids} with probability proportional to its weight (inverse CDF, binary search). */
    private static final class Sampler {
        private final int[] ids;
        private final double[] cdf;

        Sampler(int[] ids, double[] weight) {
            this.ids = ids;
            this.cdf = new double[ids.length];
            double sum = 0;
            for (int j = 0; j < ids.length; j++) {
                sum += weight[ids[j]];
                cdf[j] = sum;
            }
        }

        int draw(SplittableRandom r) {
            double u = r.nextDouble() * cdf[cdf.length - 1];
            int j = Arrays.binarySearch(cdf, u);
            j = j >= 0 ? j + 1 : -j - 1;
            return ids[Math.min(j, ids.length - 1)];
        }
    }

    public Config config() {
        return config;
    }

    public List<List<String>> sessions() {
        return sessions;
    }

    public SequenceCorpus corpus(int minCount) {
        return SequenceCorpus.of(sessions, minCount, "synthetic overlapping clusters (" + config.clusters() + " clusters, "
                + config.clusteredItems() + " clustered + " + config.noiseItems() + " noise items, Zipf " + config.zipf() + ")");
    }

    /** Number of items (clustered + noise). */
    public int items() {
        return clustersOf.length;
    }

    /** The clusters of item i (sorted; empty for a noise item). */
    public int[] clustersOf(int item) {
        return clustersOf[item].clone();
    }

    /** Whether items a and b share at least one cluster (false when either is a noise item). */
    public boolean related(int a, int b) {
        int[] x = clustersOf[a];
        int[] y = clustersOf[b];
        int i = 0;
        int j = 0;
        while (i < x.length && j < y.length) {
            if (x[i] == y[j]) {
                return true;
            }
            if (x[i] < y[j]) {
                i++;
            } else {
                j++;
            }
        }
        return false;
    }

    /** The item number of a token {@code i<k>}, or −1 for any other token. */
    public int itemOf(String token) {
        if (token.length() < 2 || token.charAt(0) != 'i') {
            return -1;
        }
        try {
            int k = Integer.parseInt(token, 1, token.length(), 10);
            return k >= 0 && k < items() ? k : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Mean precision@k over the vocabulary's clustered items (the queries): the fraction of the k
     * neighbours (given by {@code neighbours}, vocabulary ids, best first) that share a cluster with
     * the query. Missing neighbours (fewer than k, or −1) count as wrong.
     */
    public double precisionAtK(Vocabulary vocab, IntFunction<int[]> neighbours, int k) {
        List<String> tokens = new ArrayList<>(vocab.size());
        for (int id = 0; id < vocab.size(); id++) {
            tokens.add(vocab.token(id));
        }
        return precisionAtK(tokens, neighbours, k);
    }

    /**
     * The same over any vocabulary given as its tokens (e.g. another tool's vectors): ids index
     * {@code tokens}; tokens that are not {@code i<k>} items (such as word2vec's {@code </s>}) are
     * neither queries nor right neighbours.
     */
    public double precisionAtK(List<String> tokens, IntFunction<int[]> neighbours, int k) {
        double sum = 0;
        int n = 0;
        for (int id = 0; id < tokens.size(); id++) {
            int a = itemOf(tokens.get(id));
            if (a < 0 || clustersOf[a].length == 0) {
                continue;
            }
            int[] nb = neighbours.apply(id);
            int hit = 0;
            for (int j = 0; j < Math.min(k, nb.length); j++) {
                int b = nb[j] >= 0 ? itemOf(tokens.get(nb[j])) : -1;
                if (b >= 0 && related(a, b)) {
                    hit++;
                }
            }
            sum += hit / (double) k;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Expected precision@k of a random ranking: mean over clustered items of (related items) / (items − 1). */
    public double randomPrecision() {
        int[] seen = new int[items()];
        java.util.Arrays.fill(seen, -1);
        double sum = 0;
        int n = 0;
        for (int a = 0; a < items(); a++) {
            if (clustersOf[a].length == 0) {
                continue;
            }
            int rel = 0; // members of a's clusters other than a, each counted once
            for (int c : clustersOf[a]) {
                for (int b : members[c]) {
                    if (b != a && seen[b] != a) {
                        seen[b] = a;
                        rel++;
                    }
                }
            }
            sum += rel / (double) (items() - 1);
            n++;
        }
        return sum / n;
    }
}
