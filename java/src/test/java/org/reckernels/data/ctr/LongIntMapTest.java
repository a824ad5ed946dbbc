package org.reckernels.data.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vocabulary counter against a HashMap: counts through growth, extreme keys, and the id order. */
class LongIntMapTest {
    @Test
    void countsMatchHashMapAndOrderIsCountDescThenKeyAsc() {
        Random rnd = new Random(8);
        LongIntMap m = new LongIntMap();
        Map<Long, Integer> ref = new HashMap<>();
        long[] special = {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40};
        for (int i = 0; i < 200_000; i++) {
            long key = i % 50 == 0 ? special[rnd.nextInt(special.length)] : rnd.nextInt(5000) - 2500L;
            m.add(key, 1);
            ref.merge(key, 1, Integer::sum);
        }
        assertEquals(ref.size(), m.size());
        ref.forEach((k, v) -> assertEquals(v.intValue(), m.get(k), "count of " + k));
        assertEquals(0, m.get(123_456_789L));
        long[] expected = ref.entrySet().stream().filter(e -> e.getValue() >= 30)
                .sorted((a, b) -> !a.getValue().equals(b.getValue()) ? b.getValue() - a.getValue() : Long.compare(a.getKey(), b.getKey()))
                .mapToLong(Map.Entry::getKey).toArray();
        assertArrayEquals(expected, m.keysAtLeast(30));
        assertEquals(0, new LongIntMap().keysAtLeast(1).length);
    }
}
