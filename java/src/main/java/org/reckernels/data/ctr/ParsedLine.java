package org.reckernels.data.ctr;

import java.util.Arrays;

/** One parsed line, reused across lines: the label and the present (field, key) pairs; absent fields are missing. */
final class ParsedLine {
    float label;
    int count;
    int[] fields = new int[64];
    long[] keys = new long[64];

    void reset() {
        count = 0;
    }

    void add(int field, long key) {
        if (count == fields.length) {
            fields = Arrays.copyOf(fields, count * 2);
            keys = Arrays.copyOf(keys, count * 2);
        }
        fields[count] = field;
        keys[count] = key;
        count++;
    }
}
