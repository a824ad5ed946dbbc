package org.reckernels.ann;

/**
 * Keeps the {@code capacity} smallest (distance, id) pairs offered, like {@link TopK} (equal
 * distances: the lower id wins), but for the scan loops of a search, where a few hundred offers
 * per query reach the bar: an offer is an append into a buffer of twice the capacity, and only
 * when the buffer is full does a quickselect keep the best half and raise the bar (FAISS's
 * reservoir). That is O(1) per offer instead of a heap's O(log capacity) sift with two
 * comparisons per level. {@link #threshold()} is looser than a heap's between compactions, which
 * only lets a few more pairs in; what is kept in the end is the same set.
 */
final class TopKBuffer {
    /** Up to this many kept pairs are sorted in place by insertion; more go through a heap. */
    private static final int SMALL = 64;
    private final int capacity;
    private final long[] ids;
    private final float[] dist;
    /** The drain's heap, made on the first drain of more than {@link #SMALL} pairs. */
    private TopK order;
    private int size;
    /** The worst kept pair after the last compaction; +inf (and no id) before the first. */
    private float barDist = Float.POSITIVE_INFINITY;
    private long barId = Long.MAX_VALUE;

    TopKBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("TopKBuffer: capacity " + capacity + " must be >= 1");
        }
        this.capacity = capacity;
        this.ids = new long[2 * capacity];
        this.dist = new float[2 * capacity];
    }

    int capacity() {
        return capacity;
    }

    void clear() {
        size = 0;
        barDist = Float.POSITIVE_INFINITY;
        barId = Long.MAX_VALUE;
    }

    /** A pair with a larger distance cannot enter; one with an equal distance enters if its id is lower than the bar's. */
    float threshold() {
        return barDist;
    }

    void offer(long id, float d) {
        if (d > barDist || (d == barDist && id >= barId)) {
            return;
        }
        if (size == ids.length) {
            compact();
            if (d > barDist || (d == barDist && id >= barId)) {
                return;
            }
        }
        ids[size] = id;
        dist[size] = d;
        size++;
    }

    /**
     * Keeps the best {@code capacity} pairs in {@code [0, size)} (unordered) and returns how many
     * there are; their ids are {@link #id(int)}.
     */
    int finish() {
        if (size > capacity) {
            compact();
        }
        return size;
    }

    long id(int i) {
        return ids[i];
    }

    /**
     * Writes the kept pairs best first into {@code outIds/outDist[off .. off+n)} (padding with id -1
     * and +inf, as {@link TopK#drainBestFirst}) and empties the buffer.
     */
    int drainBestFirst(long[] outIds, float[] outDist, int off, int n) {
        int kept = finish();
        if (kept > SMALL) {
            if (order == null) {
                order = new TopK(capacity);
            }
            order.clear();
            for (int i = 0; i < kept; i++) {
                order.offer(ids[i], dist[i]);
            }
            clear();
            return order.drainBestFirst(outIds, outDist, off, n);
        }
        // a search's k or nprobe: an insertion sort in place beats a heap's pushes and pops
        for (int i = 1; i < kept; i++) {
            long id = ids[i];
            float d = dist[i];
            int j = i - 1;
            while (j >= 0 && (dist[j] > d || (dist[j] == d && ids[j] > id))) {
                ids[j + 1] = ids[j];
                dist[j + 1] = dist[j];
                j--;
            }
            ids[j + 1] = id;
            dist[j + 1] = d;
        }
        int written = Math.min(kept, n);
        System.arraycopy(ids, 0, outIds, off, written);
        System.arraycopy(dist, 0, outDist, off, written);
        java.util.Arrays.fill(outIds, off + written, off + n, -1L);
        java.util.Arrays.fill(outDist, off + written, off + n, Float.POSITIVE_INFINITY);
        clear();
        return written;
    }

    /** Quickselect: the {@code capacity} best pairs to {@code [0, capacity)}; the bar is the worst of them. */
    private void compact() {
        int lo = 0;
        int hi = size - 1;
        int kth = capacity - 1;
        while (lo < hi) {
            int p = partition(lo, hi, (lo + hi) >>> 1);
            if (p == kth) {
                break;
            } else if (p < kth) {
                lo = p + 1;
            } else {
                hi = p - 1;
            }
        }
        size = capacity;
        barDist = dist[kth];
        barId = ids[kth];
    }

    /** Lomuto partition of [lo, hi] around the pair at {@code pivot}; returns the pivot's final index. */
    private int partition(int lo, int hi, int pivot) {
        float pd = dist[pivot];
        long pi = ids[pivot];
        swap(pivot, hi);
        int store = lo;
        for (int i = lo; i < hi; i++) {
            if (dist[i] < pd || (dist[i] == pd && ids[i] < pi)) {
                swap(i, store++);
            }
        }
        swap(store, hi);
        return store;
    }

    private void swap(int a, int b) {
        long ti = ids[a];
        ids[a] = ids[b];
        ids[b] = ti;
        float td = dist[a];
        dist[a] = dist[b];
        dist[b] = td;
    }
}
