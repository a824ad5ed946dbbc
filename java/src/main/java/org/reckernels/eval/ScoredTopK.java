package org.reckernels.eval;

import java.util.Objects;
import java.util.stream.IntStream;
import org.reckernels.data.Interactions;

/**
 * Full-ranking top-K over a {@link UserItemScorer}: users in blocks of the scorer's size, every
 * item scored, the user's train items masked, the K best kept per user (ties to the lower item id,
 * as {@link ExactTopK}; rows with fewer candidates padded with item -1 and score -Infinity). The
 * heaps of one block run in parallel; the scorer itself decides how it parallelises a block.
 * NaN scores are rejected (they would make the ranking depend on the heap's order).
 */
public final class ScoredTopK {
    private ScoredTopK() {
    }

    /** Top-K per user with {@code train}'s items masked ({@code train} may be null: no mask). */
    public static TopKResult topK(UserItemScorer scorer, Interactions train, int k) {
        Objects.requireNonNull(scorer, "scorer");
        int numUsers = scorer.users();
        int numItems = scorer.items();
        if (k < 1 || k > numItems) {
            throw new IllegalArgumentException("ScoredTopK: k=" + k + " outside [1, " + numItems + "] (the item count)");
        }
        if (train != null && (train.numUsers() != numUsers || train.numItems() != numItems)) {
            throw new IllegalArgumentException("ScoredTopK: mask " + train + " does not match " + numUsers + " users x "
                    + numItems + " items");
        }
        int block = scorer.maxUsersPerCall();
        if (block < 1) {
            throw new IllegalArgumentException("ScoredTopK: scorer takes " + block + " users per call; needs >= 1");
        }
        if ((long) block * numItems > Integer.MAX_VALUE - 8 || (long) numUsers * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("ScoredTopK: " + block + " users x " + numItems + " items per block or "
                    + numUsers + " users x k=" + k + " results exceed an array");
        }
        int[] outItems = new int[numUsers * k];
        float[] outScores = new float[numUsers * k];
        float[] scores = new float[block * numItems];
        for (int u0 = 0; u0 < numUsers; u0 += block) {
            int n = Math.min(block, numUsers - u0);
            scorer.score(u0, n, scores);
            int from = u0;
            IntStream.range(0, n).parallel().forEach(j -> rank(from + j, scores, j * numItems, numItems, train, k,
                    outItems, outScores));
        }
        return new TopKResult(numUsers, k, outItems, outScores);
    }

    private static void rank(int user, float[] scores, int off, int numItems, Interactions train, int k, int[] outItems,
                             float[] outScores) {
        BoundedHeap heap = new BoundedHeap(k);
        long m = train == null ? 0 : train.start(user);
        long mEnd = train == null ? 0 : train.end(user);
        int nextMasked = m < mEnd ? train.itemAt(m) : Integer.MAX_VALUE;
        for (int i = 0; i < numItems; i++) {
            if (i == nextMasked) {
                m++;
                nextMasked = m < mEnd ? train.itemAt(m) : Integer.MAX_VALUE;
                continue;
            }
            float s = scores[off + i];
            if (Float.isNaN(s)) {
                throw new IllegalArgumentException("ScoredTopK: score of user " + user + ", item " + i + " is NaN");
            }
            heap.offer(i, s);
        }
        heap.drainBestFirst(outItems, outScores, user * k);
    }
}
