package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * The {@link AnnKernels} contract: top-k, IVF-PQ tables, scan and select against oracles written
 * here, and the batched search pipelines ({@link IvfPqGpuSearcher}, {@link GpuExactSearch})
 * against {@link IvfPqReference} and {@link ExactSearch}. Integer-valued inputs make every float
 * sum exact, so those cases compare exactly, duplicate distances and tie-breaking by id included.
 */
abstract class AnnKernelsContract {
    protected abstract AnnKernels kernels();

    private Backend backend() {
        return kernels().backend();
    }

    private Matrix up(long rows, long cols, float[] v) {
        return backend().upload(HostMatrix.of(rows, cols, v));
    }

    private float[] down(Matrix m) {
        HostMatrix h = HostMatrix.zeros(m.rows(), m.cols());
        backend().download(m, h);
        return h.toArray();
    }

    private static float[] ints(SplittableRandom r, int n, int lo, int hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }

    private static long[] shuffledIds(SplittableRandom r, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (i - n / 2) * 7919L + (i % 3 == 0 ? Long.MIN_VALUE / 2 : 0); // negative and huge ids too
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        return ids;
    }

    /** Sorts (dist, id) best first, ties to the lower id; pads to k with -1 / +inf. */
    private static void oracle(float[] dist, long[] ids, int k, long[] outIds, float[] outDist, int off) {
        Integer[] o = new Integer[dist.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        Arrays.sort(o, Comparator.<Integer>comparingDouble(i -> dist[i]).thenComparingLong(i -> ids[i]));
        for (int r = 0; r < k; r++) {
            outIds[off + r] = r < o.length ? ids[o[r]] : -1L;
            outDist[off + r] = r < o.length ? dist[o[r]] : Float.POSITIVE_INFINITY;
        }
    }

    @ParameterizedTest(name = "rows={0} n={1} k={2} range={3} ids={4} clamp={5}")
    @CsvSource({"3, 1, 1, 5, false, false", "4, 7, 20, 3, true, false", "2, 50, 50, 2, true, true",
            "5, 5000, 100, 1000, true, true", "3, 3000, 2048, 10, false, false", "2, 2000, 700, 0, true, false",
            "6, 777, 33, 1, false, true"})
    void topkAffineSelectsExactlyWithTies(int rows, int n, int k, int range, boolean withIds, boolean clamp) {
        SplittableRandom r = new SplittableRandom(rows * 31L + n);
        float[] x = ints(r, rows * n, -range, range);
        float[] col = ints(r, n, -range, range);
        float[] row = ints(r, rows, -range, range);
        long[] ids = withIds ? shuffledIds(r, n) : null;
        long[] wantIds = new long[rows * k];
        float[] wantDist = new float[rows * k];
        for (int q = 0; q < rows; q++) {
            float[] dd = new float[n];
            long[] ii = new long[n];
            for (int j = 0; j < n; j++) {
                float v = -2f * x[q * n + j] + col[j] + row[q];
                dd[j] = clamp ? Math.max(v, 0f) : v;
                ii[j] = withIds ? ids[j] : j;
            }
            oracle(dd, ii, k, wantIds, wantDist, q * k);
        }
        try (Matrix xm = up(rows, n, x); Matrix cm = up(1, n, col); Matrix rm = up(rows, 1, row);
             AnnKernels.Buffer idb = withIds ? kernels().uploadLongs(ids) : null;
             AnnKernels.Buffer oi = kernels().allocateLongs((long) rows * k); Matrix od = backend().allocate(rows, k)) {
            kernels().topkAffine(xm, n, -2f, cm, rm, clamp, idb, k, oi, od);
            long[] gotIds = new long[rows * k];
            kernels().download(oi, gotIds);
            assertArrayEquals(wantIds, gotIds);
            assertArrayEquals(wantDist, down(od), 0f); // exact, but -0 == +0
        }
    }

    @Test
    void topkAffineReadsOnlyTheFirstNColumns() {
        float[] x = {5, 1, 3, -100, 4, 4, 2, -100};
        try (Matrix xm = up(2, 4, x); AnnKernels.Buffer oi = kernels().allocateLongs(6); Matrix od = backend().allocate(2, 3)) {
            kernels().topkAffine(xm, 3, 1f, null, null, false, null, 3, oi, od);
            long[] ids = new long[6];
            kernels().download(oi, ids);
            assertArrayEquals(new long[] {1, 2, 0, 2, 0, 1}, ids);
            assertArrayEquals(new float[] {1, 3, 5, 2, 4, 4}, down(od), 0f);
        }
    }

    /** A small IVF-PQ layout built directly: lists of given sizes (empty ones too), integer data. */
    private record Layout(int d, int m, int ksub, int nlist, float[] centroids, float[] codebooks, long[] listOff,
                          byte[] codes, long[] ids) {
        static Layout of(SplittableRandom r, int d, int m, int ksub, int[] sizes) {
            int nlist = sizes.length;
            long[] off = new long[nlist + 1];
            for (int l = 0; l < nlist; l++) {
                off[l + 1] = off[l] + sizes[l];
            }
            int n = (int) off[nlist];
            byte[] codes = new byte[n * m];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) r.nextInt(ksub);
            }
            return new Layout(d, m, ksub, nlist, ints(r, nlist * d, -3, 3), ints(r, m * ksub * (d / m), -2, 2), off, codes,
                    shuffledIds(r, n));
        }

        double distance(float[] q, int qo, int list, int row, boolean ip) {
            int dsub = d / m;
            double s = 0;
            for (int t = 0; t < d; t++) {
                int code = codes[row * m + t / dsub] & 0xFF;
                double v = centroids[list * d + t] + codebooks[(t / dsub * ksub + code) * dsub + t % dsub];
                s += ip ? -q[qo + t] * v : (q[qo + t] - v) * (q[qo + t] - v);
            }
            return s;
        }
    }

    @ParameterizedTest(name = "d={0} M={1} ksub={2} ip={3}")
    @CsvSource({"8, 1, 256, false", "8, 1, 16, true", "12, 3, 256, false", "32, 16, 256, true", "32, 8, 16, false",
            "64, 32, 256, false"})
    void lutMatchesTheDefinition(int d, int m, int ksub, boolean ip) {
        SplittableRandom r = new SplittableRandom(d * 100L + m);
        Layout lay = Layout.of(r, d, m, ksub, new int[] {3, 0, 5});
        int nq = 3;
        int nprobe = 2;
        float[] q = ints(r, nq * d, -4, 4);
        long[] probes = {0, 2, 1, 0, 2, 1};
        int dsub = d / m;
        try (Matrix qm = up(nq, d, q); Matrix cm = up(lay.nlist, d, lay.centroids);
             Matrix cb = up((long) m * ksub, dsub, lay.codebooks); AnnKernels.Buffer pr = kernels().uploadLongs(probes);
             Matrix lut = backend().allocate((long) nq * nprobe, (long) m * ksub)) {
            kernels().ivfpqLut(qm, cm, pr, nprobe, cb, m, ksub, ip, lut);
            float[] got = down(lut);
            for (int qp = 0; qp < nq * nprobe; qp++) {
                int c = (int) probes[qp];
                for (int s = 0; s < m; s++) {
                    for (int j = 0; j < ksub; j++) {
                        float want = 0;
                        for (int t = 0; t < dsub; t++) {
                            float xv = q[(qp / nprobe) * d + s * dsub + t];
                            float cw = lay.codebooks[(s * ksub + j) * dsub + t];
                            want += ip ? -xv * cw : (xv - lay.centroids[c * d + s * dsub + t] - cw)
                                    * (xv - lay.centroids[c * d + s * dsub + t] - cw);
                        }
                        assertEquals(want, got[qp * m * ksub + s * ksub + j], 0f, "(q, p) " + qp + " s " + s + " j " + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "M={1} ip={3} k={4} nprobe={5}")
    @CsvSource({"16, 16, 256, false, 10, 3", "16, 16, 256, true, 10, 6", "8, 1, 256, false, 50, 6",
            "12, 4, 16, false, 400, 6", "24, 3, 256, true, 1, 2", "16, 8, 256, false, 2000, 6"})
    void scanAndSelectMatchTheDecodedDistances(int d, int m, int ksub, boolean ip, int k, int nprobe) {
        SplittableRandom r = new SplittableRandom(d * 7L + m + k);
        int[] sizes = {0, 5, 0, 40, 1, 300}; // empty lists, a single vector, a long list
        Layout lay = Layout.of(r, d, m, ksub, sizes);
        int nq = 4;
        float[] q = ints(r, nq * d, -4, 4);
        long[] probes = new long[nq * nprobe];
        float[] probeDist = new float[nq * nprobe];
        for (int qi = 0; qi < nq; qi++) {
            long[] perm = shuffledIds(r, sizes.length);
            Integer[] order = new Integer[sizes.length];
            for (int l = 0; l < sizes.length; l++) {
                order[l] = l;
            }
            Arrays.sort(order, Comparator.comparingLong(l -> perm[l]));
            for (int p = 0; p < nprobe; p++) {
                int l = order[p];
                probes[qi * nprobe + p] = l;
                float dot = 0;
                for (int t = 0; t < d; t++) {
                    dot += q[qi * d + t] * lay.centroids[l * d + t];
                }
                probeDist[qi * nprobe + p] = -dot;
            }
        }
        long[] candOff = new long[nq * nprobe + 1];
        for (int i = 0; i < probes.length; i++) {
            candOff[i + 1] = candOff[i] + sizes[(int) probes[i]];
        }
        long[] wantIds = new long[nq * k];
        float[] wantDist = new float[nq * k];
        for (int qi = 0; qi < nq; qi++) {
            List<float[]> dd = new ArrayList<>();
            List<Long> ii = new ArrayList<>();
            for (int p = 0; p < nprobe; p++) {
                int l = (int) probes[qi * nprobe + p];
                for (long row = lay.listOff[l]; row < lay.listOff[l + 1]; row++) {
                    dd.add(new float[] {(float) lay.distance(q, qi * d, l, (int) row, ip)});
                    ii.add(lay.ids[(int) row]);
                }
            }
            float[] dv = new float[dd.size()];
            long[] iv = new long[dd.size()];
            for (int i = 0; i < dv.length; i++) {
                dv[i] = dd.get(i)[0];
                iv[i] = ii.get(i);
            }
            oracle(dv, iv, k, wantIds, wantDist, qi * k);
        }
        int dsub = d / m;
        try (Matrix qm = up(nq, d, q); Matrix cm = up(lay.nlist, d, lay.centroids);
             Matrix cb = up((long) m * ksub, dsub, lay.codebooks); AnnKernels.Buffer pr = kernels().uploadLongs(probes);
             Matrix pd = up(nq, nprobe, probeDist); AnnKernels.Buffer lo = kernels().uploadLongs(lay.listOff);
             AnnKernels.Buffer cd = kernels().uploadBytes(lay.codes); AnnKernels.Buffer ids = kernels().uploadLongs(lay.ids);
             AnnKernels.Buffer co = kernels().uploadLongs(candOff); Matrix cand = backend().allocate(1, candOff[nq * nprobe]);
             AnnKernels.Buffer oi = kernels().allocateLongs((long) nq * k); Matrix od = backend().allocate(nq, k)) {
            kernels().ivfpqScan(qm, cm, pr, pd, nprobe, cb, m, ksub, ip, lo, cd, co, cand);
            kernels().ivfpqSelect(cand, co, pr, nprobe, lo, ids, nq, k, oi, od);
            long[] gotIds = new long[nq * k];
            kernels().download(oi, gotIds);
            assertArrayEquals(wantDist, down(od), 0f); // exact, but -0 == +0
            assertArrayEquals(wantIds, gotIds);
        }
    }

    // ---- the search pipelines

    @ParameterizedTest(name = "{0} nbits={1} M={2} nprobe={3} k={4}")
    @CsvSource({"L2, 8, 8, 3, 10", "INNER_PRODUCT, 8, 8, 5, 10", "L2, 4, 8, 16, 10", "INNER_PRODUCT, 4, 4, 2, 7",
            "L2, 8, 1, 4, 10", "L2, 8, 16, 16, 300", "INNER_PRODUCT, 8, 32, 1, 150"})
    void gpuSearcherMatchesTheReference(Metric metric, int nbits, int m, int nprobe, int k) {
        int d = 32;
        float[] x = IvfPqKernelsTest.gaussian(2000, d, 11);
        IvfPqIndex ix = IvfPqKernelsTest.index(x, d, 16, m, nbits, metric);
        float[] qs = IvfPqKernelsTest.gaussian(25, d, 12);
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(ix, kernels())) {
            assertEquals(2000, s.size());
            SearchResult got = s.search(qs, k, nprobe);
            IvfPqKernelsTest.assertMatchesReference(ix, got, qs, k, nprobe);
            SearchResult cpu = ix.search(qs, k, nprobe);
            double agree = SyntheticVectors.recall(got, cpu, k);
            assertTrue(agree > 0.97, "GPU pipeline vs CPU index search: overlap " + agree);
        }
    }

    @Test
    void gpuSearcherOverManyBatchesAndAfterRemovals() {
        int d = 16;
        float[] x = IvfPqKernelsTest.gaussian(1500, d, 21);
        IvfPqIndex ix = IvfPqKernelsTest.index(x, d, 10, 4, 8, Metric.L2);
        ix.remove(1000, 1003, 1006, 1000 + 3 * 77);
        float[] qs = IvfPqKernelsTest.gaussian(IvfPqGpuSearcher.MAX_BATCH + 37, d, 22);
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(ix, kernels())) {
            SearchResult got = s.search(qs, 5, 2); // two batches
            int first = got.queries() - 40; // the second batch's last queries
            SearchResult tail = new SearchResult(40, 5, Arrays.copyOfRange(got.ids(), first * 5, got.ids().length),
                    Arrays.copyOfRange(got.distances(), first * 5, got.distances().length));
            IvfPqKernelsTest.assertMatchesReference(ix, tail, Arrays.copyOfRange(qs, first * d, qs.length), 5, 2);
            for (int q = 0; q < got.queries(); q++) {
                for (int r = 0; r < 5; r++) {
                    assertTrue(got.id(q, r) != 1003 && got.id(q, r) != 1000 + 3 * 77, "removed id returned");
                }
            }
        }
    }

    @Test
    void gpuSearcherRejectsBadInput() {
        int d = 8;
        float[] x = IvfPqKernelsTest.gaussian(600, d, 31);
        IvfPqIndex ix = IvfPqKernelsTest.index(x, d, 6, 4, 8, Metric.L2);
        assertThrows(IllegalArgumentException.class,
                () -> IvfPqIndex.build(x, d, IvfPqIndex.Params.of(6, 3, 8, Metric.L2)), "d not a multiple of M");
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(ix, kernels())) {
            float[] q = Arrays.copyOf(x, d);
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 5, 7), "nprobe > nlist");
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 5, 0), "nprobe 0");
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 601, 1), "k > size");
            assertThrows(IllegalArgumentException.class, () -> s.search(Arrays.copyOf(x, d + 1), 5, 1), "dimension");
            float[] nan = q.clone();
            nan[3] = Float.NaN;
            assertThrows(IllegalArgumentException.class, () -> s.search(nan, 5, 1), "NaN query");
        }
    }

    @ParameterizedTest
    @CsvSource({"L2, 10", "INNER_PRODUCT, 10", "L2, 700"})
    void gpuExactSearchMatchesBruteForce(Metric metric, int k) {
        int d = 24;
        float[] x = IvfPqKernelsTest.gaussian(1200, d, 41);
        float[] qs = IvfPqKernelsTest.gaussian(15, d, 42);
        long[] ids = shuffledIds(new SplittableRandom(43), 1200);
        SearchResult want = new ExactSearch(x, ids, d, metric).search(qs, k);
        try (GpuExactSearch g = new GpuExactSearch(kernels(), x, ids, d, metric)) {
            SearchResult got = g.search(qs, k);
            for (int q = 0; q < 15; q++) {
                for (int r = 0; r < k; r++) {
                    float w = want.distance(q, r);
                    assertEquals(w, got.distance(q, r), 1e-3f * (1 + Math.abs(w)), "query " + q + " rank " + r);
                }
            }
            assertTrue(SyntheticVectors.recall(got, want, k) > 0.99);
        }
    }

    @Test
    void gpuExactSearchBreaksTiesByIdOnDuplicates() {
        int d = 4;
        float[] x = new float[50 * d];
        for (int i = 0; i < 50; i++) {
            x[i * d] = i % 5; // 10 copies each of 5 points
        }
        long[] ids = shuffledIds(new SplittableRandom(51), 50);
        float[] q = {2, 0, 0, 0};
        try (GpuExactSearch g = new GpuExactSearch(kernels(), x, ids, d, Metric.L2)) {
            SearchResult got = g.search(q, 12);
            SearchResult want = new ExactSearch(x, ids, d, Metric.L2).search(q, 12);
            assertArrayEquals(want.ids(), got.ids());
            assertArrayEquals(want.distances(), got.distances(), 0f);
        }
    }

    @Test
    void gpuExactSearchOfAnIndex() {
        int d = 16;
        float[] x = IvfPqKernelsTest.gaussian(800, d, 61);
        IvfPqIndex ix = IvfPqKernelsTest.index(x, d, 8, 4, 8, Metric.INNER_PRODUCT);
        float[] qs = IvfPqKernelsTest.gaussian(5, d, 62);
        try (GpuExactSearch g = GpuExactSearch.of(ix, kernels())) {
            assertEquals(1.0, SyntheticVectors.recall(g.search(qs, 10), ix.searchExact(qs, 10), 10), 0.02);
        }
    }
}
