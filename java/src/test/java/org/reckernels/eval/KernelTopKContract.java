package org.reckernels.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.AnnKernels;
import org.reckernels.data.Interactions;
import org.reckernels.tensor.HostMatrix;

/**
 * {@link KernelTopK} on an {@link AnnKernels} executor against {@link ExactTopK}: integer-valued
 * embeddings make every score exact in any summation order, so ids, order (ties to the lower
 * item) and padding must match exactly.
 */
abstract class KernelTopKContract {
    protected abstract AnnKernels kernels();

    static HostMatrix integers(int rows, int d, int range, Random rnd) {
        HostMatrix m = HostMatrix.zeros(rows, d);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                m.set(r, c, rnd.nextInt(2 * range + 1) - range);
            }
        }
        return m;
    }

    static Interactions randomTrain(int users, int items, Random rnd) {
        int[][] lists = new int[users][];
        for (int u = 0; u < users; u++) {
            int deg = u % 11 == 0 ? 0 : rnd.nextInt(Math.min(items, 40));
            if (u == 1) {
                deg = items; // every item seen: the whole row is padding
            }
            lists[u] = rnd.ints(0, items).distinct().limit(deg).toArray();
            if (u == 1) {
                lists[u] = java.util.stream.IntStream.range(0, items).toArray();
            }
        }
        return Interactions.fromLists(items, lists);
    }

    private void check(int users, int items, int d, int range, int k, long seed) {
        Random rnd = new Random(seed);
        Interactions train = randomTrain(users, items, rnd);
        try (HostMatrix u = integers(users, d, range, rnd); HostMatrix i = integers(items, d, range, rnd)) {
            TopKResult expected = ExactTopK.topK(u, i, train, k);
            TopKResult actual = KernelTopK.topK(kernels(), u, i, train, k);
            String what = users + "x" + items + " d=" + d + " k=" + k + " seed=" + seed;
            assertArrayEquals(expected.items(), actual.items(), what + ": items");
            assertArrayEquals(expected.scores(), actual.scores(), what + ": scores");
            TopKResult unmasked = KernelTopK.topK(kernels(), u, i, null, k);
            assertArrayEquals(ExactTopK.topK(u, i, k).items(), unmasked.items(), what + ": no mask");
        }
    }

    @Test
    void matchesExactTopKWithMaskTiesAndPadding() {
        check(50, 300, 8, 3, 20, 1);   // small range: many tied scores
        check(64, 97, 5, 50, 1, 2);    // k = 1, odd d
        check(30, 45, 16, 2, 45, 3);   // k = every item: masked users padded with -1
        check(3, 2000, 4, 1000, 100, 4);
    }

    @Test
    void rejectsBadK() {
        try (HostMatrix u = HostMatrix.zeros(2, 3); HostMatrix i = HostMatrix.zeros(5, 3)) {
            assertThrows(IllegalArgumentException.class, () -> KernelTopK.topK(kernels(), u, i, null, 6));
            assertThrows(IllegalArgumentException.class, () -> KernelTopK.topK(kernels(), u, i, null, 0));
        }
        try (HostMatrix u = HostMatrix.zeros(2, 3); HostMatrix i = HostMatrix.zeros(5, 4)) {
            assertThrows(IllegalArgumentException.class, () -> KernelTopK.topK(kernels(), u, i, null, 2));
        }
    }

    @Test
    void tilesSmallerThanTheUserCountGiveTheSameAnswer() {
        Random rnd = new Random(9);
        Interactions train = randomTrain(45, 120, rnd);
        try (HostMatrix u = integers(45, 6, 4, rnd); HostMatrix i = integers(120, 6, 4, rnd)) {
            TopKResult whole = KernelTopK.topK(kernels(), u, i, train, 10);
            TopKResult tiled = KernelTopK.topK(kernels(), u, i, train, 10, 120L * 7); // 7 users per tile, last tile 3
            assertArrayEquals(whole.items(), tiled.items());
            assertArrayEquals(ExactTopK.topK(u, i, train, 10).items(), tiled.items());
        }
    }
}
