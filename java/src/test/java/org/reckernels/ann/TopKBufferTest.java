package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The reservoir keeps exactly what the heap keeps, in the same order, ties to the lower id included. */
class TopKBufferTest {
    @ParameterizedTest
    @CsvSource({"1, 50, 1000", "10, 5, 3", "10, 10, 10", "40, 8, 2000", "40, 2000, 2000", "100, 3, 5000", "7, 1, 500"})
    void keepsWhatTheHeapKeeps(int cap, int distinctDistances, int offers) {
        SplittableRandom r = new SplittableRandom(cap * 7919L + offers);
        for (int round = 0; round < 5; round++) {
            TopK heap = new TopK(cap);
            TopKBuffer buf = new TopKBuffer(cap);
            for (int i = 0; i < offers; i++) {
                long id = r.nextLong(1L << 40);            // huge ids, in random order
                float d = r.nextInt(distinctDistances) * 0.25f; // many exact ties
                heap.offer(id, d);
                buf.offer(id, d);
            }
            int n = cap + 2;
            long[] hi = new long[n];
            float[] hd = new float[n];
            long[] bi = new long[n];
            float[] bd = new float[n];
            assertEquals(heap.drainBestFirst(hi, hd, 0, n), buf.drainBestFirst(bi, bd, 0, n));
            assertArrayEquals(hi, bi);
            assertArrayEquals(hd, bd);
        }
    }

    @Test
    void finishLeavesTheBestCapacityForReRanking() {
        TopKBuffer buf = new TopKBuffer(3);
        for (int i = 0; i < 100; i++) {
            buf.offer(i, 100 - i);
        }
        int n = buf.finish();
        assertEquals(3, n);
        long[] ids = {buf.id(0), buf.id(1), buf.id(2)};
        java.util.Arrays.sort(ids);
        assertArrayEquals(new long[]{97, 98, 99}, ids);
        buf.clear();
        assertEquals(0, buf.finish());
        assertEquals(Float.POSITIVE_INFINITY, buf.threshold());
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new TopKBuffer(0));
    }
}
