package org.reckernels.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.reckernels.data.Interactions;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.testing.TestMatrices;

/** Top-K over an arbitrary scorer: the same ranking as ExactTopK when the scorer is the dot product. */
class ScoredTopKTest {

    /** Dot-product scores, left-to-right sums (bit-identical to ExactTopK's), in blocks of {@code block} users. */
    private static UserItemScorer dot(HostMatrix u, HostMatrix v, int block) {
        float[] ua = u.toArray();
        float[] va = v.toArray();
        int d = (int) u.cols();
        int items = (int) v.rows();
        return new UserItemScorer() {
            public int users() {
                return (int) u.rows();
            }

            public int items() {
                return items;
            }

            public int maxUsersPerCall() {
                return block;
            }

            public void score(int from, int count, float[] out) {
                for (int j = 0; j < count; j++) {
                    for (int i = 0; i < items; i++) {
                        float s = 0f;
                        for (int c = 0; c < d; c++) {
                            s += ua[(from + j) * d + c] * va[i * d + c];
                        }
                        out[j * items + i] = s;
                    }
                }
            }
        };
    }

    @Test
    void matchesExactTopKWithMaskAndTiles() {
        int users = 37;
        int items = 50;
        try (HostMatrix u = TestMatrices.dense(users, 5, 1); HostMatrix v = TestMatrices.dense(items, 5, 2)) {
            int[][] lists = new int[users][];
            java.util.Random rnd = new java.util.Random(3);
            for (int x = 0; x < users; x++) {
                lists[x] = rnd.ints(x % 7 == 0 ? 46 : x % 5, 0, items).distinct().sorted().toArray();
            }
            Interactions train = Interactions.fromLists(items, lists);
            for (int k : new int[] {1, 10, 50}) {
                TopKResult expected = ExactTopK.topK(u, v, train, k);
                for (int block : new int[] {1, 8, 64}) {
                    TopKResult got = ScoredTopK.topK(dot(u, v, block), train, k);
                    assertArrayEquals(expected.items(), got.items(), "k=" + k + " block=" + block);
                    assertArrayEquals(expected.scores(), got.scores(), "k=" + k + " block=" + block);
                }
            }
        }
    }

    @Test
    void rejectsNaNAndBadK() {
        try (HostMatrix u = TestMatrices.dense(3, 2, 1); HostMatrix v = TestMatrices.dense(4, 2, 2)) {
            u.set(1, 0, Float.NaN);
            assertThrows(IllegalArgumentException.class, () -> ScoredTopK.topK(dot(u, v, 2), null, 2));
            assertThrows(IllegalArgumentException.class, () -> ScoredTopK.topK(dot(u, v, 2), null, 5));
        }
    }
}
