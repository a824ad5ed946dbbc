package org.reckernels.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Interaction data with planted communities, deterministic by seed, so that model quality is
 * measurable without downloads.
 *
 * <p>Generation: items are shuffled and dealt round-robin into C communities; each community's
 * items get a popularity rank (their order after the shuffle). Each user belongs to a uniformly
 * drawn community and draws {@code deg ~ Uniform[mean/2, 3·mean/2]} distinct items: with
 * probability {@code inCommunity} from its community with Zipf weights {@code 1/(rank+1)^zipf},
 * otherwise uniformly from all items. Each user's items are then split at random into
 * {@code round(testFraction·deg)} test items and the rest train (at least 1 train item).
 *
 * <p>What to expect with the {@link Config#defaults() defaults} (2000 users, 1500 items, 10
 * communities, 30 interactions per user, 80% in community, 20% test):
 * <ul>
 *   <li>a random recommender scores recall@20 ≈ 20 / (numItems − |train(u)|) ≈ 0.014;</li>
 *   <li>an oracle that knows the test items scores 1.0 (every user has at most 9 test items);</li>
 *   <li>the planted-structure baseline (own community's items by planted popularity, train
 *       masked) scores recall@20 ≈ 0.47 (ndcg@20 ≈ 0.45), the rough level a good model should reach or pass
 *       (checked in the tests).</li>
 * </ul>
 */
public final class SyntheticInteractions {

    /**
     * Generator settings.
     *
     * @param meanInteractions mean interactions per user (before the split)
     * @param inCommunity      share of a user's interactions drawn from its own community
     * @param zipf             Zipf exponent of popularity inside a community (0 = uniform)
     * @param testFraction     share of each user's interactions held out for test
     */
    public record Config(int numUsers, int numItems, int communities, int meanInteractions, double inCommunity,
            double zipf, double testFraction, long seed) {
        public Config {
            if (numUsers < 1 || numItems < 2 || communities < 1 || communities > numItems) {
                throw new IllegalArgumentException("SyntheticInteractions: need numUsers >= 1, numItems >= 2, 1 <= communities"
                        + " <= numItems; got " + numUsers + " users, " + numItems + " items, " + communities + " communities");
            }
            if (meanInteractions < 2 || meanInteractions * 3L / 2 > numItems) {
                throw new IllegalArgumentException("SyntheticInteractions: meanInteractions " + meanInteractions
                        + " outside [2, 2/3 of numItems = " + numItems * 2 / 3 + "]");
            }
            if (!(inCommunity >= 0 && inCommunity <= 1) || !(testFraction >= 0 && testFraction < 1) || !(zipf >= 0)) {
                throw new IllegalArgumentException("SyntheticInteractions: inCommunity " + inCommunity + " must be in [0, 1],"
                        + " testFraction " + testFraction + " in [0, 1), zipf " + zipf + " >= 0");
            }
        }

        /** 2000 users, 1500 items, 10 communities, 30 per user, 80% in community, Zipf 1, 20% test, seed 42. */
        public static Config defaults() {
            return new Config(2000, 1500, 10, 30, 0.8, 1.0, 0.2, 42);
        }

        public Config withSeed(long s) {
            return new Config(numUsers, numItems, communities, meanInteractions, inCommunity, zipf, testFraction, s);
        }
    }

    private final Config config;
    private final int[] userCommunity;
    private final int[] itemCommunity;
    private final int[] itemRank;
    private final TrainTestSplit split;

    private SyntheticInteractions(Config config, int[] userCommunity, int[] itemCommunity, int[] itemRank,
            TrainTestSplit split) {
        this.config = config;
        this.userCommunity = userCommunity;
        this.itemCommunity = itemCommunity;
        this.itemRank = itemRank;
        this.split = split;
    }

    /** Generates the data set for {@code config}; the same config gives the same data. */
    public static SyntheticInteractions generate(Config config) {
        SplittableRandom rnd = new SplittableRandom(config.seed());
        int nItems = config.numItems();
        int c = config.communities();
        int[] perm = permutation(nItems, rnd);
        int[] itemCommunity = new int[nItems];
        int[] itemRank = new int[nItems];
        int[][] members = new int[c][];
        for (int k = 0; k < c; k++) {
            members[k] = new int[(nItems - k + c - 1) / c];
        }
        for (int j = 0; j < nItems; j++) {
            int item = perm[j];
            itemCommunity[item] = j % c;
            itemRank[item] = j / c;
            members[j % c][j / c] = item;
        }
        double[][] cdf = new double[c][];
        for (int k = 0; k < c; k++) {
            cdf[k] = zipfCdf(members[k].length, config.zipf());
        }
        int[] userCommunity = new int[config.numUsers()];
        PairBuffer train = new PairBuffer(config.numUsers() * config.meanInteractions());
        PairBuffer test = new PairBuffer(config.numUsers() * config.meanInteractions() / 4);
        boolean[] taken = new boolean[nItems];
        int m = config.meanInteractions();
        int[] picks = new int[m * 3 / 2 + 1];
        for (int u = 0; u < config.numUsers(); u++) {
            int home = rnd.nextInt(c);
            userCommunity[u] = home;
            int deg = Math.max(2, m / 2 + rnd.nextInt(m + 1)); // uniform in [m/2, m/2 + m]
            for (int n = 0; n < deg; n++) {
                boolean inside = rnd.nextDouble() < config.inCommunity(); // the source is fixed before retries
                int item = -1;
                for (int attempt = 0; attempt < 64 && (item < 0 || taken[item]); attempt++) {
                    item = inside ? members[home][draw(cdf[home], rnd.nextDouble())] : rnd.nextInt(nItems);
                }
                while (taken[item]) { // community exhausted: next free item
                    item = (item + 1) % nItems;
                }
                taken[item] = true;
                picks[n] = item;
            }
            shuffle(picks, deg, rnd);
            int nTest = Math.min(deg - 1, (int) Math.round(config.testFraction() * deg));
            for (int n = 0; n < deg; n++) {
                (n < nTest ? test : train).add(u, picks[n]);
                taken[picks[n]] = false;
            }
        }
        TrainTestSplit split = TrainTestSplit.of(train.build(config.numUsers(), nItems),
                test.build(config.numUsers(), nItems), null, null);
        return new SyntheticInteractions(config, userCommunity, itemCommunity, itemRank, split);
    }

    /** Generates with {@link Config#defaults()} and the given seed. */
    public static SyntheticInteractions generate(long seed) {
        return generate(Config.defaults().withSeed(seed));
    }

    public Config config() {
        return config;
    }

    public TrainTestSplit split() {
        return split;
    }

    public Interactions train() {
        return split.train();
    }

    public Interactions test() {
        return split.test();
    }

    /** The planted community of user {@code u}, in {@code [0, communities)}. */
    public int userCommunity(int u) {
        return userCommunity[u];
    }

    /** The planted community of item {@code i}, in {@code [0, communities)}. */
    public int itemCommunity(int i) {
        return itemCommunity[i];
    }

    /** The planted popularity rank of item {@code i} inside its community (0 = most popular). */
    public int itemRank(int i) {
        return itemRank[i];
    }

    /** Copies of all labels: {users, items}. */
    public int[][] communityLabels() {
        return new int[][] {userCommunity.clone(), itemCommunity.clone()};
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        shuffle(p, n, rnd);
        return p;
    }

    private static void shuffle(int[] a, int n, SplittableRandom rnd) {
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += Math.pow(r + 1, -s);
            cdf[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            cdf[r] /= sum;
        }
        return cdf;
    }

    private static int draw(double[] cdf, double x) {
        int i = Arrays.binarySearch(cdf, x);
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
}
