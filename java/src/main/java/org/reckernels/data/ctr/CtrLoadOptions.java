package org.reckernels.data.ctr;

import java.util.Objects;

/**
 * How {@link CtrLoader} maps a CTR text file to categorical ids and what it does with bad lines.
 *
 * <p>Ids per field: 0 is the field's "missing" id (an empty Criteo column, a libsvm/libffm field absent from the
 * line or given with value 0). With {@link Encoding#HASH}, a key maps to {@code 1 + hash(seed, field, key) mod
 * hashBuckets} (vocab {@code 1 + hashBuckets}, one pass). With {@link Encoding#VOCABULARY}, a counting pass keeps
 * the keys seen at least {@code minCount} times (ids 2, 3, ... by decreasing count, then increasing key); every
 * rarer or unseen key maps to the field's out-of-vocabulary id 1 (vocab {@code 2 + kept}).
 *
 * @param format         file format
 * @param encoding       hashing or vocabulary
 * @param hashBuckets    buckets per field for hashing (>= 1)
 * @param hashSeed       hashing seed (ids are stable for a given seed, field and key, run to run and version to version)
 * @param minCount       vocabulary frequency threshold (>= 1)
 * @param policy         what a bad line does
 * @param maxBadFraction the load aborts when bad lines / non-blank lines exceed this, in [0, 1]
 * @param maxExamples    how many bad lines the report keeps verbatim (all are counted)
 * @param maxFields      libsvm / libffm: field count cap; an index or field at or past it is a bad line
 * @param fields         libsvm / libffm: the field count, or 0 to take the largest seen + 1 (needs a scan pass)
 */
public record CtrLoadOptions(CtrFormat format, Encoding encoding, int hashBuckets, long hashSeed, int minCount,
        BadLinePolicy policy, double maxBadFraction, int maxExamples, int maxFields, int fields) {

    /** How keys become ids. */
    public enum Encoding { HASH, VOCABULARY }

    /** What a bad line does. */
    public enum BadLinePolicy {
        /** Skip it, count it, keep the first {@code maxExamples} in the report (the default). */
        SKIP,
        /** Stop the load at the first bad line with its file, line and value. */
        FAIL_FAST
    }

    public CtrLoadOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(policy, "policy");
        if (hashBuckets < 1 || minCount < 1 || maxExamples < 0 || maxFields < 1 || fields < 0 || fields > maxFields) {
            throw new IllegalArgumentException("CtrLoadOptions: need hashBuckets >= 1, minCount >= 1, maxExamples >= 0, "
                    + "0 <= fields <= maxFields: " + hashBuckets + ", " + minCount + ", " + maxExamples + ", " + fields
                    + ", " + maxFields);
        }
        if (!(maxBadFraction >= 0 && maxBadFraction <= 1)) {
            throw new IllegalArgumentException("CtrLoadOptions: maxBadFraction " + maxBadFraction + " outside [0, 1]");
        }
        if (format == CtrFormat.CRITEO && fields != 0 && fields != CriteoParser.FIELDS) {
            throw new IllegalArgumentException("CtrLoadOptions: Criteo files have " + CriteoParser.FIELDS + " fields, not "
                    + fields);
        }
    }

    /**
     * Defaults: vocabulary encoding with threshold 10 for Criteo (the rare-value cut of the Criteo winners), 1 for
     * libsvm / libffm (their ids are usually already dense); skip bad lines, abort past 1% bad; 10 examples kept;
     * hashing (when chosen) 2^18 buckets, seed 0x5eed.
     */
    public static CtrLoadOptions defaults(CtrFormat format) {
        return new CtrLoadOptions(format, Encoding.VOCABULARY, 1 << 18, 0x5eedL, format == CtrFormat.CRITEO ? 10 : 1,
                BadLinePolicy.SKIP, 0.01, 10, 4096, 0);
    }

    public CtrLoadOptions withHashing(int buckets, long seed) {
        return new CtrLoadOptions(format, Encoding.HASH, buckets, seed, minCount, policy, maxBadFraction, maxExamples,
                maxFields, fields);
    }

    public CtrLoadOptions withVocabulary(int threshold) {
        return new CtrLoadOptions(format, Encoding.VOCABULARY, hashBuckets, hashSeed, threshold, policy, maxBadFraction,
                maxExamples, maxFields, fields);
    }

    public CtrLoadOptions withPolicy(BadLinePolicy p) {
        return new CtrLoadOptions(format, encoding, hashBuckets, hashSeed, minCount, p, maxBadFraction, maxExamples,
                maxFields, fields);
    }

    public CtrLoadOptions withMaxBadFraction(double f) {
        return new CtrLoadOptions(format, encoding, hashBuckets, hashSeed, minCount, policy, f, maxExamples, maxFields,
                fields);
    }

    public CtrLoadOptions withMaxExamples(int n) {
        return new CtrLoadOptions(format, encoding, hashBuckets, hashSeed, minCount, policy, maxBadFraction, n, maxFields,
                fields);
    }

    public CtrLoadOptions withFields(int n) {
        return new CtrLoadOptions(format, encoding, hashBuckets, hashSeed, minCount, policy, maxBadFraction, maxExamples,
                Math.max(maxFields, n), n);
    }
}
