package org.reckernels.data.ctr;

/**
 * Maps one field's keys to ids: 0 = missing (never returned by {@link #id}), hashing {@code 1 + h mod buckets}, or a
 * frozen vocabulary (1 = out of vocabulary, 2.. = kept keys). Built by {@link CtrLoader}; a loaded
 * {@link CtrEncoding} reuses the same encoders for a test file.
 */
public final class FieldEncoder {
    /** id of a missing value in every field. */
    public static final int MISSING = 0;
    /** id of an out-of-vocabulary key (vocabulary encoding). */
    public static final int OOV = 1;

    private final int field;
    private final long fieldSeed;
    private final int buckets;
    private final LongIntMap vocabulary;
    private final int size;

    private FieldEncoder(int field, long fieldSeed, int buckets, LongIntMap vocabulary, int size) {
        this.field = field;
        this.fieldSeed = fieldSeed;
        this.buckets = buckets;
        this.vocabulary = vocabulary;
        this.size = size;
    }

    /** murmur3's 64-bit finalizer: a fixed, well-mixing function (ids must not change between versions). */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Hashing into {@code buckets} ids 1..buckets, seeded per field. */
    public static FieldEncoder hashing(int field, int buckets, long seed) {
        if (buckets < 1) {
            throw new IllegalArgumentException("FieldEncoder: buckets " + buckets + " < 1");
        }
        return new FieldEncoder(field, mix(seed + 0x9E3779B97F4A7C15L * (field + 1L)), buckets, null, 1 + buckets);
    }

    /** A vocabulary of the keys counted at least {@code minCount} times (ids 2.. by decreasing count, then key). */
    static FieldEncoder vocabulary(int field, LongIntMap counts, int minCount) {
        long[] kept = counts.keysAtLeast(minCount);
        LongIntMap ids = new LongIntMap();
        for (int i = 0; i < kept.length; i++) {
            ids.add(kept[i], 2 + i);
        }
        return new FieldEncoder(field, 0, 0, ids, 2 + kept.length);
    }

    /** The id of a present key: in [1, size()). */
    public int id(long key) {
        if (vocabulary == null) {
            return 1 + (int) Long.remainderUnsigned(mix(key ^ fieldSeed), buckets);
        }
        int id = vocabulary.get(key);
        return id == 0 ? OOV : id;
    }

    /** Ids of this field, missing (and OOV) included: the field's vocab in a {@link CtrDataset}. */
    public int size() {
        return size;
    }

    public boolean hashing() {
        return vocabulary == null;
    }

    public int field() {
        return field;
    }
}
