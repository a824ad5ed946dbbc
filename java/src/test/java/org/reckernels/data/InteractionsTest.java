package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.IntBuffer;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.reckernels.tensor.CsrMatrix;

class InteractionsTest {

    @Test
    void pairsAreSortedAndDeduplicatedPerUser() {
        Interactions x = Interactions.fromPairs(3, 5, new int[] {0, 0, 2, 0, 2, 0}, new int[] {4, 1, 3, 4, 0, 1});
        assertEquals(3, x.numUsers());
        assertEquals(5, x.numItems());
        assertEquals(4, x.size());
        assertArrayEquals(new int[] {1, 4}, x.itemArray(0));
        assertArrayEquals(new int[] {}, x.itemArray(1));
        assertArrayEquals(new int[] {0, 3}, x.itemArray(2));
        assertTrue(x.contains(0, 4));
        assertFalse(x.contains(0, 3));
        assertFalse(x.contains(1, 0));
        assertFalse(x.contains(7, 0));
        assertFalse(x.contains(0, -1));
        assertEquals(2, x.degreeOfUser(0));
        assertEquals(0, x.degreeOfUser(1));
        assertEquals(1, x.degreeOfItem(4));
        assertEquals(0, x.degreeOfItem(2));
        assertEquals(2, x.activeUsers());
        assertEquals(4, x.activeItems());
    }

    @Test
    void itemsViewIsReadOnlyAndBounded() {
        Interactions x = Interactions.fromLists(6, new int[][] {{5, 2}, {3}, {}});
        IntBuffer b = x.items(0);
        assertEquals(2, b.remaining());
        assertEquals(2, b.get(0));
        assertEquals(5, b.get(1));
        assertTrue(b.isReadOnly());
        assertEquals(0, x.items(2).remaining());
        assertThrows(IndexOutOfBoundsException.class, () -> x.items(3));
    }

    @Test
    void badIdsAreRejectedWithTheirPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Interactions.fromPairs(2, 3, new int[] {0, 1}, new int[] {1, 3}));
        assertTrue(e.getMessage().contains("pair 1 has item 3 outside [0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Interactions.fromPairs(2, 3, new int[] {-1}, new int[] {0}));
        assertTrue(e.getMessage().contains("user -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Interactions.empty(-1, 2));
    }

    @Test
    void transposeAndCsrAgreeWithPairs() {
        Random rnd = new Random(7);
        int users = 50;
        int items = 40;
        int n = 600;
        int[] us = new int[n];
        int[] is = new int[n];
        TreeSet<Long> distinct = new TreeSet<>();
        for (int k = 0; k < n; k++) {
            us[k] = rnd.nextInt(users);
            is[k] = rnd.nextInt(items);
            distinct.add((long) us[k] * items + is[k]);
        }
        Interactions x = Interactions.fromPairs(users, items, us, is);
        assertEquals(distinct.size(), x.size());
        Interactions t = x.transpose();
        assertEquals(items, t.numUsers());
        assertEquals(users, t.numItems());
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < items; i++) {
                boolean in = distinct.contains((long) u * items + i);
                assertEquals(in, x.contains(u, i));
                assertEquals(in, t.contains(i, u));
            }
        }
        for (int i = 0; i < items; i++) {
            assertEquals(x.degreeOfItem(i), t.degreeOfUser(i));
        }
        assertEquals(x, t.transpose());
        try (CsrMatrix a = x.toCsr(); CsrMatrix at = x.transposeCsr()) {
            assertEquals(users, a.rows());
            assertEquals(items, a.cols());
            assertEquals(x.size(), a.nnz());
            assertTrue(a.unitValues());
            assertEquals(items, at.rows());
            assertEquals(x.size(), at.nnz());
            for (int u = 0; u < users; u++) {
                assertEquals(x.start(u), a.rowStart(u));
                for (long k = a.rowStart(u); k < a.rowEnd(u); k++) {
                    assertEquals(x.itemAt(k), a.col(k));
                }
            }
            for (int i = 0; i < items; i++) {
                for (long k = at.rowStart(i); k < at.rowEnd(i); k++) {
                    assertTrue(x.contains(at.col(k), i));
                }
            }
        }
    }

    @Test
    void emptySet() {
        Interactions x = Interactions.empty(3, 0);
        assertEquals(0, x.size());
        assertEquals(0, x.degreeOfUser(2));
        assertEquals(0, x.transpose().numUsers());
        try (CsrMatrix a = x.toCsr()) {
            assertEquals(3, a.rows());
            assertEquals(0, a.nnz());
        }
    }
}
