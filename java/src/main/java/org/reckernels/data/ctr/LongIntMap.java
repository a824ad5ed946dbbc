package org.reckernels.data.ctr;

import java.util.Arrays;

/**
 * Open-addressing long → int map without boxing (value 0 means absent), for key counts and vocabularies. Key and
 * value share one long[] (slot i at 2i, 2i + 1), so a probe touches one cache line: with millions of distinct
 * keys the lookups are cache misses, and this halves them.
 */
final class LongIntMap {
    private long[] table;
    private int size;
    private int mask;

    LongIntMap() {
        table = new long[32];
        mask = 15;
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        int i = (int) FieldEncoder.mix(key) & mask;
        while (table[2 * i + 1] != 0 && table[2 * i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The value of key, 0 when absent. */
    int get(long key) {
        return (int) table[2 * slot(key) + 1];
    }

    /** Adds delta (> 0) to key's value, saturating at Integer.MAX_VALUE. */
    void add(long key, int delta) {
        int i = slot(key);
        long v = table[2 * i + 1];
        if (v == 0) {
            table[2 * i] = key;
            table[2 * i + 1] = delta;
            size++;
            if (size * 2 > mask + 1) {
                grow();
            }
        } else {
            table[2 * i + 1] = Math.min(Integer.MAX_VALUE, v + delta);
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        mask = table.length / 2 - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j + 1] != 0) {
                int i = slot(old[j]);
                table[2 * i] = old[j];
                table[2 * i + 1] = old[j + 1];
            }
        }
    }

    /**
     * Keys whose value is >= min, sorted by decreasing value, then increasing key: keys sorted first, then a stable
     * counting sort by value (values are counts, at most the line count), with no per-key objects.
     */
    long[] keysAtLeast(int min) {
        int n = 0;
        int maxValue = 0;
        for (int j = 1; j < table.length; j += 2) {
            int v = (int) table[j];
            if (v >= min && v > 0) {
                n++;
                maxValue = Math.max(maxValue, v);
            }
        }
        long[] kept = new long[n];
        int k = 0;
        for (int j = 0; j < table.length; j += 2) {
            if (table[j + 1] >= min && table[j + 1] > 0) {
                kept[k++] = table[j];
            }
        }
        Arrays.sort(kept);
        if (n == 0) {
            return kept;
        }
        int[] start = new int[maxValue + 2]; // start[maxValue - v] = first slot of value v (descending)
        for (long key : kept) {
            start[maxValue - get(key) + 1]++;
        }
        for (int i = 1; i < start.length; i++) {
            start[i] += start[i - 1];
        }
        long[] out = new long[n];
        for (long key : kept) {
            out[start[maxValue - get(key)]++] = key;
        }
        return out;
    }
}
