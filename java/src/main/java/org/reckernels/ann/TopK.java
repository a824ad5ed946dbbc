package org.reckernels.ann;

import java.util.Arrays;

/**
 * Keeps the k smallest (distance, id) pairs offered; on equal distances the lower id wins, so
 * results are deterministic. A max-heap on that order (the worst kept pair at the root), so
 * {@link #threshold()} is the bar a new pair must beat once the heap is full.
 */
final class TopK {
    private final int capacity;
    final long[] ids;
    final float[] dist;
    int size;

    TopK(int capacity) {
        this.capacity = capacity;
        this.ids = new long[capacity];
        this.dist = new float[capacity];
    }

    void clear() {
        size = 0;
    }

    int capacity() {
        return capacity;
    }

    /** Distance a pair must be below (or equal, with a lower id) to enter; +inf while not full. */
    float threshold() {
        return size < capacity ? Float.POSITIVE_INFINITY : dist[0];
    }

    private static boolean worse(float a, long ia, float b, long ib) {
        return a > b || (a == b && ia > ib);
    }

    void offer(long id, float d) {
        if (size < capacity) {
            int x = size++;
            while (x > 0) {
                int p = (x - 1) >>> 1;
                if (!worse(d, id, dist[p], ids[p])) {
                    break;
                }
                ids[x] = ids[p];
                dist[x] = dist[p];
                x = p;
            }
            ids[x] = id;
            dist[x] = d;
        } else if (worse(dist[0], ids[0], d, id)) {
            siftDown(id, d);
        }
    }

    private void siftDown(long id, float d) {
        int x = 0;
        while (true) {
            int c = 2 * x + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && worse(dist[c + 1], ids[c + 1], dist[c], ids[c])) {
                c++;
            }
            if (!worse(dist[c], ids[c], d, id)) {
                break;
            }
            ids[x] = ids[c];
            dist[x] = dist[c];
            x = c;
        }
        ids[x] = id;
        dist[x] = d;
    }

    /**
     * Writes the kept pairs best first into {@code outIds/outDist[off .. off+n)}, padding with
     * id -1 and +inf; empties the heap. Returns the number of real pairs written.
     */
    int drainBestFirst(long[] outIds, float[] outDist, int off, int n) {
        Arrays.fill(outIds, off, off + n, -1L);
        Arrays.fill(outDist, off, off + n, Float.POSITIVE_INFINITY);
        int real = size;
        while (size > 0) {
            int r = size - 1;
            long topId = ids[0];
            float topD = dist[0];
            long lastId = ids[r];
            float lastD = dist[r];
            size--;
            if (size > 0) {
                siftDown(lastId, lastD);
            }
            if (r < n) {
                outIds[off + r] = topId;
                outDist[off + r] = topD;
            }
        }
        return Math.min(real, n);
    }
}
