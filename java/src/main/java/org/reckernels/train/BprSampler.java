package org.reckernels.train;

import java.util.Random;
import org.reckernels.tensor.CsrMatrix;

/**
 * Uniform BPR triples as in the LightGCN reference ({@code UniformSample_original}): per epoch,
 * as many samples as there are training interactions; each picks a user uniformly among users
 * that have a positive and a possible negative, a positive uniformly from the user's items, and
 * a negative uniformly from the items the user has not interacted with (rejection sampling with
 * a binary search in the user's sorted row).
 *
 * <p>Rows are returned as rows of the joint table: users {@code 0..U-1}, item i at {@code U + i}.
 */
public final class BprSampler {
    private final CsrMatrix train;   // users x items, rows sorted, no repeats
    private final int[] eligibleUsers;
    private final int items;
    private final int users;

    /** One epoch of triples, in the joint row numbering. */
    public record Triples(int[] users, int[] pos, int[] neg) {
        public int size() {
            return users.length;
        }
    }

    /**
     * @param train users x items interactions, each row sorted ascending without repeats
     * @throws IllegalArgumentException naming the first unsorted or repeated row
     */
    public BprSampler(CsrMatrix train) {
        this.train = train;
        this.users = Math.toIntExact(train.rows());
        this.items = Math.toIntExact(train.cols());
        int count = 0;
        int[] eligible = new int[users];
        for (int u = 0; u < users; u++) {
            long s = train.rowStart(u);
            long e = train.rowEnd(u);
            for (long k = s + 1; k < e; k++) {
                if (train.col(k - 1) >= train.col(k)) {
                    throw new IllegalArgumentException("BprSampler: row of user " + u + " is not sorted without repeats at item "
                            + train.col(k));
                }
            }
            long deg = e - s;
            if (deg > 0 && deg < items) { // no positive, or no negative: nothing to sample
                eligible[count++] = u;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("BprSampler: no user has both a training item and an item to sample as negative");
        }
        this.eligibleUsers = java.util.Arrays.copyOf(eligible, count);
    }

    /** Users that can be sampled (at least one positive and one negative). */
    public int eligibleUsers() {
        return eligibleUsers.length;
    }

    /** Draws {@code train.nnz()} triples. */
    public Triples sampleEpoch(Random rnd) {
        int n = Math.toIntExact(train.nnz());
        int[] us = new int[n];
        int[] ps = new int[n];
        int[] ns = new int[n];
        for (int s = 0; s < n; s++) {
            int u = eligibleUsers[rnd.nextInt(eligibleUsers.length)];
            long start = train.rowStart(u);
            int deg = (int) (train.rowEnd(u) - start);
            int pos = train.col(start + rnd.nextInt(deg));
            int neg;
            do {
                neg = rnd.nextInt(items);
            } while (contains(start, start + deg, neg));
            us[s] = u;
            ps[s] = users + pos;
            ns[s] = users + neg;
        }
        return new Triples(us, ps, ns);
    }

    private boolean contains(long from, long to, int item) {
        long lo = from;
        long hi = to - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            int c = train.col(mid);
            if (c < item) {
                lo = mid + 1;
            } else if (c > item) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /**
     * One more negative for {@code user} (a row 0..users-1 of the interactions): an item the user has not
     * interacted with, uniformly, in the joint row numbering ({@code users + item}), the same rejection
     * sampling as {@link #sampleEpoch}. The user must have an item left to sample.
     */
    public int sampleNegative(int user, Random rnd) {
        long start = train.rowStart(user);
        long end = train.rowEnd(user);
        if (end - start >= items) {
            throw new IllegalArgumentException("BprSampler: user " + user + " has interacted with all " + items
                    + " items; no negative to sample");
        }
        int neg;
        do {
            neg = rnd.nextInt(items);
        } while (contains(start, end, neg));
        return users + neg;
    }
}
