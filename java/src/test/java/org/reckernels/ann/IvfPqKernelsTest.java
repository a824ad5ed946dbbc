package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The ADC scan, LUTs, decomposition, top-k and merge against {@link IvfPqReference}. */
class IvfPqKernelsTest {
    static float[] gaussian(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1 + ((i / d) % 7) * 0.3);
        }
        return x;
    }

    static IvfPqIndex index(float[] x, int d, int nlist, int m, int nbits, Metric metric) {
        IvfPqIndex ix = IvfPqIndex.build(x, d, IvfPqIndex.Params.of(nlist, m, nbits, metric).withIterations(8, 8));
        long[] ids = new long[x.length / d];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + 3L * i;
        }
        ix.add(ids, x);
        return ix;
    }

    /** Index distances within tolerance of the oracle's, rank by rank; ids equal except across near-ties. */
    static void assertMatchesReference(IvfPqIndex ix, float[] qs, int k, int nprobe) {
        assertMatchesReference(ix, ix.search(qs, k, nprobe), qs, k, nprobe);
    }

    /** {@code got} (any search path over ix's PQ distances) against the oracle. */
    static void assertMatchesReference(IvfPqIndex ix, SearchResult got, float[] qs, int k, int nprobe) {
        int d = ix.d;
        for (int q = 0; q < qs.length / d; q++) {
            List<IvfPqReference.Hit> ref = IvfPqReference.search(ix, qs, q * d, k, nprobe);
            for (int r = 0; r < k; r++) {
                if (r >= ref.size()) {
                    assertEquals(-1L, got.id(q, r), "padding");
                    continue;
                }
                double want = ix.metric.external((float) ref.get(r).dist());
                double tol = 1e-3 * (1 + Math.abs(want));
                assertEquals(want, got.distance(q, r), tol, "query " + q + " rank " + r);
                if (got.id(q, r) != ref.get(r).id()) { // only allowed across a near-tie
                    boolean tie = false;
                    for (IvfPqReference.Hit h : ref) {
                        tie |= h.id() == got.id(q, r) && Math.abs(h.dist() - ref.get(r).dist()) <= tol;
                    }
                    assertTrue(tie, "query " + q + " rank " + r + ": id " + got.id(q, r) + " vs " + ref.get(r).id());
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"L2, 8, 3", "INNER_PRODUCT, 8, 3", "L2, 4, 5", "INNER_PRODUCT, 4, 2", "L2, 8, 16"})
    void adcMatchesReference(Metric metric, int nbits, int nprobe) {
        int d = 32;
        float[] x = gaussian(3000, d, 1);
        IvfPqIndex ix = index(x, d, 16, 8, nbits, metric);
        assertMatchesReference(ix, gaussian(40, d, 2), 10, nprobe);
    }

    @Test
    void nprobeEqualsNlistIsAFullPqScan() {
        int d = 16;
        float[] x = gaussian(1500, d, 3);
        IvfPqIndex ix = index(x, d, 12, 4, 8, Metric.L2);
        assertMatchesReference(ix, gaussian(20, d, 4), 25, 12);
    }

    @Test
    void duplicatesAndIdenticalVectors() {
        int d = 8;
        float[] x = new float[600 * d];
        java.util.Arrays.fill(x, 0.5f); // all identical: k-means must repair empty clusters
        IvfPqIndex ix = index(x, d, 4, 2, 8, Metric.L2);
        SearchResult r = ix.search(java.util.Arrays.copyOf(x, d), 5, 4);
        for (int i = 0; i < 5; i++) {
            assertEquals(1000 + 3L * i, r.id(0, i), "ties go to the lower id");
            assertEquals(r.distance(0, 0), r.distance(0, i), 1e-6);
        }
        float[] c = ix.centroids;
        for (float v : c) {
            assertTrue(Float.isFinite(v));
        }
        // duplicates among random data
        float[] y = gaussian(400, d, 5);
        System.arraycopy(y, 0, y, d, d);
        System.arraycopy(y, 0, y, 2 * d, d);
        IvfPqIndex iy = index(y, d, 8, 4, 8, Metric.INNER_PRODUCT);
        assertMatchesReference(iy, java.util.Arrays.copyOf(y, d), 10, 8);
    }

    @Test
    void kLargerThanProbedListsIsPadded() {
        int d = 8;
        float[] x = gaussian(400, d, 6);
        IvfPqIndex ix = index(x, d, 40, 4, 8, Metric.L2);
        int k = 200; // far more than one list holds
        SearchResult r = ix.search(java.util.Arrays.copyOf(x, d), k, 1);
        int real = 0;
        while (real < k && r.id(0, real) >= 0) {
            real++;
        }
        assertTrue(real < k);
        for (int i = real; i < k; i++) {
            assertEquals(-1L, r.id(0, i));
            assertEquals(Float.POSITIVE_INFINITY, r.distance(0, i));
        }
        assertMatchesReference(ix, java.util.Arrays.copyOf(x, 3 * d), k, 1);
    }

    @ParameterizedTest
    @CsvSource({"L2, 8, false", "INNER_PRODUCT, 8, false", "L2, 4, true", "INNER_PRODUCT, 4, true"})
    void fullProbeWithFullRerankIsExact(Metric metric, int nbits, boolean fast) {
        int d = 32;
        float[] x = gaussian(1200, d, 7);
        IvfPqIndex ix = index(x, d, 10, 8, nbits, metric);
        float[] qs = gaussian(15, d, 8);
        SearchResult got = ix.search(qs, IvfPqIndex.SearchParams.of(10, 10).withRerank(1200).withFastScan(fast));
        SearchResult exact = ix.searchExact(qs, 10);
        assertArrayEquals(exact.ids(), got.ids());
        assertArrayEquals(exact.distances(), got.distances(), 1e-3f);
    }

    @ParameterizedTest
    @CsvSource({"L2", "INNER_PRODUCT"})
    void fastScanEstimatesAgreeWithAdc(Metric metric) {
        int d = 32;
        float[] x = gaussian(3000, d, 9);
        IvfPqIndex ix = index(x, d, 16, 16, 4, metric);
        float[] qs = gaussian(30, d, 10);
        SearchResult adc = ix.search(qs, IvfPqIndex.SearchParams.of(20, 4));
        SearchResult fast = ix.search(qs, IvfPqIndex.SearchParams.of(20, 4).withFastScan(true));
        double rec = SyntheticVectors.recall(fast, adc, 20);
        assertTrue(rec > 0.8, "fast-scan recall vs 8-bit-LUT ADC " + rec);
        for (int i = 0; i < adc.distances().length; i++) { // quantisation error is small relative to the spread
            assertEquals(adc.distances()[i], fast.distances()[i], 0.05 * (1 + Math.abs(adc.distances()[i])));
        }
    }

    @Test
    void exactSearchMatchesBruteForce() {
        int d = 24;
        float[] x = gaussian(500, d, 11);
        float[] qs = gaussian(10, d, 12);
        for (Metric metric : Metric.values()) {
            SearchResult r = new ExactSearch(x, null, d, metric).search(qs, 7);
            for (int q = 0; q < 10; q++) {
                java.util.List<IvfPqReference.Hit> all = new java.util.ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    all.add(new IvfPqReference.Hit(i, IvfPqReference.distance(metric, qs, q * d, x, i * d, d)));
                }
                all.sort(java.util.Comparator.comparingDouble(IvfPqReference.Hit::dist));
                for (int k = 0; k < 7; k++) {
                    assertEquals(metric.external((float) all.get(k).dist()), r.distance(q, k), 1e-3);
                }
            }
        }
    }

    @Test
    void kmeansIsSeededAndRecoversSeparatedClusters() {
        int d = 4;
        float[] x = new float[300 * d];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) ((i % 3) * 10 + r.nextDouble() * 0.1);
            }
        }
        for (KMeans.Init init : KMeans.Init.values()) {
            float[] a = KMeans.train(x, 300, d, 3, 10, 5, init);
            float[] b = KMeans.train(x, 300, d, 3, 10, 5, init);
            assertArrayEquals(a, b);
            java.util.Set<Integer> seen = new java.util.TreeSet<>();
            for (int c = 0; c < 3; c++) {
                seen.add(Math.round(a[c * d] / 10f));
            }
            assertEquals(java.util.Set.of(0, 1, 2), seen, init + ": " + java.util.Arrays.toString(a));
        }
    }

    @Test
    void topKKeepsSmallestWithLowerIdOnTies() {
        TopK h = new TopK(3);
        float[] ds = {5, 1, 3, 1, 9, 0, 3};
        for (int i = 0; i < ds.length; i++) {
            h.offer(100 - i, ds[i]);
        }
        long[] ids = new long[4];
        float[] out = new float[4];
        h.drainBestFirst(ids, out, 0, 4);
        assertArrayEquals(new long[]{95, 97, 99, -1}, ids);
    }
}
