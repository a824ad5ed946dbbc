package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The selection algorithm of {@code kernels/topk.cuh} ({@code select_row}), transcribed to Java
 * step by step (radix select on the distance keys, then on the ids of the candidates equal to the
 * threshold, gather, sort), against a plain sort on adversarial rows: ties everywhere, -0 and +0,
 * negative and huge ids, k around n. Checks the algorithm where no GPU runs the kernel itself.
 */
class TopkAlgorithmTest {
    static long floatKey(float f) {
        if (f == 0f) {
            f = 0f;
        }
        int u = Float.floatToRawIntBits(f);
        return Integer.toUnsignedLong(u < 0 ? ~u : (u | 0x80000000));
    }

    static long idKey(long id) {
        return id ^ Long.MIN_VALUE; // compared unsigned below
    }

    /** radix_select: returns {prefix, rank among equals, count of equals}. */
    static long[] radixSelect(int keyBits, long n, long rank, LongUnaryOperator key, LongPredicate pred) {
        long prefix = 0;
        long mask = 0;
        long lastCount = 0;
        for (int shift = keyBits - 8; shift >= 0; shift -= 8) {
            long[] hist = new long[256];
            for (long e = 0; e < n; e++) {
                if (!pred.test(e)) {
                    continue;
                }
                long k = key.applyAsLong(e);
                if ((k & mask) == prefix) {
                    hist[(int) ((k >>> shift) & 255)]++;
                }
            }
            long cum = 0;
            int digit = 255;
            for (int b = 0; b < 256; b++) {
                if (cum + hist[b] > rank) {
                    digit = b;
                    break;
                }
                cum += hist[b];
            }
            prefix |= (long) digit << shift;
            rank -= cum;
            lastCount = hist[digit];
            mask |= 255L << shift;
        }
        return new long[] {prefix, rank, lastCount};
    }

    static void selectRow(float[] dist, long[] ids, int k, long[] outIds, float[] outDist) {
        int n = dist.length;
        int kk = Math.min(n, k);
        float[] sd = new float[kk];
        long[] si = new long[kk];
        int count = 0;
        if (kk > 0 && n > kk) {
            long[] t = radixSelect(32, n, kk - 1, e -> floatKey(dist[(int) e]), e -> true);
            long tKey = t[0];
            long neededEqual = t[1] + 1;
            boolean allEqualFit = t[2] == neededEqual;
            long tId = -1L; // all ones, unsigned max
            if (!allEqualFit) {
                tId = radixSelect(64, n, neededEqual - 1, e -> idKey(ids[(int) e]), e -> floatKey(dist[(int) e]) == tKey)[0];
            }
            for (int e = 0; e < n; e++) {
                long kv = floatKey(dist[e]);
                if (kv < tKey || (kv == tKey && (allEqualFit || Long.compareUnsigned(idKey(ids[e]), tId) <= 0))) {
                    sd[count] = dist[e];
                    si[count++] = ids[e];
                }
            }
        } else {
            for (int e = 0; e < n; e++) {
                sd[count] = dist[e];
                si[count++] = ids[e];
            }
        }
        Integer[] o = new Integer[count];
        Arrays.setAll(o, i -> i);
        Arrays.sort(o, (a, b) -> sd[a] < sd[b] || (sd[a] == sd[b] && si[a] < si[b]) ? -1
                : sd[b] < sd[a] || (sd[a] == sd[b] && si[b] < si[a]) ? 1 : 0);
        for (int r = 0; r < k; r++) {
            outIds[r] = r < kk ? si[o[r]] : -1L;
            outDist[r] = r < kk ? sd[o[r]] : Float.POSITIVE_INFINITY;
        }
    }

    @ParameterizedTest(name = "n={0} k={1} distinct={2}")
    @CsvSource({"1, 1, 1", "5, 10, 2", "100, 100, 3", "100, 99, 1", "1000, 10, 1", "1000, 37, 2", "5000, 2048, 7",
            "3000, 500, 100000", "257, 256, 2", "64, 1, 64"})
    void matchesASortOnAdversarialRows(int n, int k, int distinct) {
        SplittableRandom r = new SplittableRandom(n * 31L + k);
        for (int trial = 0; trial < 5; trial++) {
            float[] dist = new float[n];
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                int v = r.nextInt(distinct);
                dist[i] = v == 0 ? (r.nextBoolean() ? -0f : 0f) : (v % 2 == 0 ? v : -v) * 0.5f;
                ids[i] = (i % 4 == 0 ? Long.MIN_VALUE + i : i % 4 == 1 ? Long.MAX_VALUE - i : (long) (i - n / 2) * 1_000_003L);
            }
            for (int i = n - 1; i > 0; i--) { // shuffle ids
                int j = r.nextInt(i + 1);
                long t = ids[i];
                ids[i] = ids[j];
                ids[j] = t;
            }
            long[] gotIds = new long[k];
            float[] gotDist = new float[k];
            selectRow(dist, ids, k, gotIds, gotDist);
            Integer[] o = new Integer[n];
            Arrays.setAll(o, i -> i);
            Arrays.sort(o, (a, b) -> {
                float da = dist[a] == 0f ? 0f : dist[a];
                float db = dist[b] == 0f ? 0f : dist[b];
                return da != db ? Float.compare(da, db) : Long.compare(ids[a], ids[b]);
            });
            long[] wantIds = new long[k];
            float[] wantDist = new float[k];
            for (int i = 0; i < k; i++) {
                wantIds[i] = i < n ? ids[o[i]] : -1L;
                wantDist[i] = i < n ? dist[o[i]] : Float.POSITIVE_INFINITY;
            }
            assertArrayEquals(wantIds, gotIds, "trial " + trial);
            assertArrayEquals(wantDist, gotDist, 0f, "trial " + trial);
        }
    }
}
