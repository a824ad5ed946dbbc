package org.reckernels.eval;

import java.util.Arrays;

/**
 * Keeps the K best (score, item) pairs seen: higher score is better, on equal scores the lower
 * item id is better. A min-heap on that order, so the worst kept pair sits at the root.
 */
final class BoundedHeap {
    private final int capacity;
    private final int[] items;
    private final float[] scores;
    private int size;

    BoundedHeap(int capacity) {
        this.capacity = capacity;
        this.items = new int[capacity];
        this.scores = new float[capacity];
    }

    /** True when (s, i) ranks below (t, j). */
    private static boolean worse(float s, int i, float t, int j) {
        return s < t || (s == t && i > j);
    }

    void offer(int item, float score) {
        if (size < capacity) {
            int x = size++;
            while (x > 0) { // sift up
                int p = (x - 1) >>> 1;
                if (!worse(score, item, scores[p], items[p])) {
                    break;
                }
                items[x] = items[p];
                scores[x] = scores[p];
                x = p;
            }
            items[x] = item;
            scores[x] = score;
        } else if (worse(scores[0], items[0], score, item)) {
            siftDown(item, score);
        }
    }

    private void siftDown(int item, float score) {
        int x = 0;
        while (true) {
            int c = 2 * x + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && worse(scores[c + 1], items[c + 1], scores[c], items[c])) {
                c++;
            }
            if (!worse(scores[c], items[c], score, item)) {
                break;
            }
            items[x] = items[c];
            scores[x] = scores[c];
            x = c;
        }
        items[x] = item;
        scores[x] = score;
    }

    /** Writes the kept pairs best first at {@code out[off..off+capacity)}, padding with (-1, -inf); empties the heap. */
    void drainBestFirst(int[] outItems, float[] outScores, int off) {
        Arrays.fill(outItems, off, off + capacity, -1);
        Arrays.fill(outScores, off, off + capacity, Float.NEGATIVE_INFINITY);
        for (int r = size - 1; r >= 0; r--) { // pop worst to the back
            outItems[off + r] = items[0];
            outScores[off + r] = scores[0];
            int lastItem = items[size - 1];
            float lastScore = scores[size - 1];
            size--;
            if (size > 0) {
                siftDown(lastItem, lastScore);
            }
        }
    }
}
