package org.reckernels.eval;

import java.util.Objects;
import java.util.stream.IntStream;
import org.reckernels.data.Interactions;
import org.reckernels.tensor.HostMatrix;

/**
 * The CPU reference for full-ranking retrieval: {@code score(u, i) = U[u]·I[i]}, the train items
 * of each user masked out, and the K best remaining items per user, best first.
 *
 * <ul>
 *   <li>Ties (equal float scores) go to the lower item id, so the result is deterministic.</li>
 *   <li>Each score is the plain left-to-right float sum over d of {@code U[u][c] * I[i][c]}
 *       ({@code c = 0..d-1}), bit-identical to a scalar loop.</li>
 *   <li>A user with fewer than K unmasked items gets its row padded with item -1 and score
 *       {@code -Infinity}.</li>
 *   <li>Users are processed in tiles of {@value #USER_TILE} in parallel (common fork-join pool),
 *       items in tiles of {@value #ITEM_TILE}, each user keeping a bounded heap of K; the full score
 *       matrix is never held.</li>
 *   <li>Embeddings must be finite (NaN or infinite entries are rejected).</li>
 *   <li>Scores use the Vector API across items ({@code jdk.incubator.vector}, part of the JDK;
 *       launch with {@code --add-modules jdk.incubator.vector}) without changing any result.</li>
 * </ul>
 */
public final class ExactTopK {
    static final int USER_TILE = 32;
    static final int ITEM_TILE = 1024;

    private ExactTopK() {
    }

    /** Top-K over all items (no mask). */
    public static TopKResult topK(HostMatrix users, HostMatrix items, int k) {
        return topK(users, items, null, k);
    }

    /**
     * Top-K per user with {@code train}'s items masked; {@code train} may be null (no mask), else
     * it must be {@code users.rows() x items.rows()}.
     */
    public static TopKResult topK(HostMatrix users, HostMatrix items, Interactions train, int k) {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        if (users.cols() != items.cols()) {
            throw new IllegalArgumentException("ExactTopK: user embeddings are " + users.shape()
                    + " but item embeddings are " + items.shape() + " (dimensions differ)");
        }
        int numUsers = Math.toIntExact(users.rows());
        int numItems = Math.toIntExact(items.rows());
        int d = Math.toIntExact(users.cols());
        if (k < 1 || k > numItems) {
            throw new IllegalArgumentException("ExactTopK: k=" + k + " outside [1, " + numItems + "] (the item count)");
        }
        if (train != null && (train.numUsers() != numUsers || train.numItems() != numItems)) {
            throw new IllegalArgumentException("ExactTopK: mask " + train + " does not match " + numUsers + " users x "
                    + numItems + " items");
        }
        if ((long) numUsers * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("ExactTopK: " + numUsers + " users x k=" + k + " results exceed an array");
        }
        float[] u = finite("user", users.toArray(), d);
        float[] it = transposeTiles(finite("item", items.toArray(), d), numItems, d);
        int[] outItems = new int[numUsers * k];
        float[] outScores = new float[numUsers * k];
        int tiles = (numUsers + USER_TILE - 1) / USER_TILE;
        IntStream.range(0, tiles).parallel().forEach(t -> new Tile(u, it, numItems, d, train, k)
                .run(t * USER_TILE, Math.min(numUsers, (t + 1) * USER_TILE), outItems, outScores));
        return new TopKResult(numUsers, k, outItems, outScores);
    }

    private static float[] finite(String what, float[] a, int d) {
        for (int x = 0; x < a.length; x++) {
            if (!Float.isFinite(a[x])) {
                throw new IllegalArgumentException("ExactTopK: " + what + " embedding row " + x / d + " column " + x % d
                        + " is " + a[x]);
            }
        }
        return a;
    }

    /** Item tiles stored transposed: tile j holds d rows of (tile width) floats, so score loops stream items. */
    private static float[] transposeTiles(float[] items, int numItems, int d) {
        float[] out = new float[items.length];
        for (int t0 = 0; t0 < numItems; t0 += ITEM_TILE) {
            int w = Math.min(ITEM_TILE, numItems - t0);
            int base = t0 * d;
            for (int i = 0; i < w; i++) {
                for (int c = 0; c < d; c++) {
                    out[base + c * w + i] = items[(t0 + i) * d + c];
                }
            }
        }
        return out;
    }

    /** Work on one tile of users: scores tile by tile into per-user bounded heaps. */
    private static final class Tile {
        private final float[] u;
        private final float[] it;
        private final int numItems;
        private final int d;
        private final Interactions train;
        private final int k;
        private final float[] scores = new float[4 * ITEM_TILE];

        Tile(float[] u, float[] it, int numItems, int d, Interactions train, int k) {
            this.u = u;
            this.it = it;
            this.numItems = numItems;
            this.d = d;
            this.train = train;
            this.k = k;
        }

        void run(int u0, int u1, int[] outItems, float[] outScores) {
            int n = u1 - u0;
            BoundedHeap[] heaps = new BoundedHeap[n];
            long[] maskPos = new long[n];
            for (int j = 0; j < n; j++) {
                heaps[j] = new BoundedHeap(k);
                maskPos[j] = train == null ? 0 : train.start(u0 + j);
            }
            for (int t0 = 0; t0 < numItems; t0 += ITEM_TILE) {
                int w = Math.min(ITEM_TILE, numItems - t0);
                int base = t0 * d;
                int j = 0;
                for (; j + 4 <= n; j += 4) {
                    ScoreKernel.score4(u, (u0 + j) * d, d, it, base, w, scores);
                    for (int g = 0; g < 4; g++) {
                        maskPos[j + g] = offer(u0 + j + g, heaps[j + g], maskPos[j + g], t0, w, g * w);
                    }
                }
                for (; j < n; j++) {
                    ScoreKernel.score1(u, (u0 + j) * d, d, it, base, w, scores);
                    maskPos[j] = offer(u0 + j, heaps[j], maskPos[j], t0, w, 0);
                }
            }
            for (int j = 0; j < n; j++) {
                heaps[j].drainBestFirst(outItems, outScores, (u0 + j) * k);
            }
        }

        /** Offers items t0..t0+w (scores at {@code scores[sOff..]}) skipping masked ones; returns the mask cursor. */
        private long offer(int user, BoundedHeap h, long m, int t0, int w, int sOff) {
            long mEnd = train == null ? 0 : train.end(user);
            int nextMasked = m < mEnd ? train.itemAt(m) : Integer.MAX_VALUE;
            for (int i = 0; i < w; i++) {
                int item = t0 + i;
                if (item == nextMasked) {
                    m++;
                    nextMasked = m < mEnd ? train.itemAt(m) : Integer.MAX_VALUE;
                    continue;
                }
                h.offer(item, scores[sOff + i]);
            }
            return m;
        }
    }
}
