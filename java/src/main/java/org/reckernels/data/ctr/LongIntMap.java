package org.reckernels.data.ctr;

import java.util.Arrays;

/** Open-addressing long → int map without boxing (value 0 means absent), for key counts and vocabularies. */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap() {
        keys = new long[16];
        values = new int[16];
        mask = 15;
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        int i = (int) FieldEncoder.mix(key) & mask;
        while (values[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The value of key, 0 when absent. */
    int get(long key) {
        return values[slot(key)];
    }

    /** Adds delta (> 0) to key's value, saturating at Integer.MAX_VALUE. */
    void add(long key, int delta) {
        int i = slot(key);
        if (values[i] == 0) {
            keys[i] = key;
            size++;
            values[i] = delta;
            if (size * 2 > keys.length) {
                grow();
            }
        } else {
            values[i] = (int) Math.min(Integer.MAX_VALUE, (long) values[i] + delta);
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldValues[j] != 0) {
                int i = slot(oldKeys[j]);
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    /** Keys whose value is >= min, sorted by decreasing value, then increasing key. */
    long[] keysAtLeast(int min) {
        int n = 0;
        for (int v : values) {
            if (v >= min) {
                n++;
            }
        }
        long[][] pairs = new long[n][];
        int k = 0;
        for (int j = 0; j < keys.length; j++) {
            if (values[j] >= min) {
                pairs[k++] = new long[] {keys[j], values[j]};
            }
        }
        Arrays.sort(pairs, (a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
        long[] out = new long[n];
        for (int j = 0; j < n; j++) {
            out[j] = pairs[j][0];
        }
        return out;
    }
}
