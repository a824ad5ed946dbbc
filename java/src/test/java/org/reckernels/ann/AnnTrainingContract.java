package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * The training half of the {@link AnnKernels} contract: each k-means / PQ step against an oracle
 * written here, and the composed pipelines ({@link DeviceKMeans}, {@link DeviceIvfPqBuilder}, the
 * GPU searcher's re-rank) against the CPU ({@link KMeans}, {@link ProductQuantizer},
 * {@link IvfPqIndex}).
 *
 * <p>Equality with the CPU: the steps reproduce the CPU's rounding (fma dots in order, plain sums
 * in order for norms and distances, double centroid sums in point order) and its random draws, so
 * where the CPU's own sums run in order — dimension below its vector length (d ≤ 7 here, for 8-
 * and 16-float vectors) and k a multiple of it (16, 32, 48) — the direct assignment gives the same
 * centroids bit for bit, empty-cluster repairs and exact ties included. PQ encoding is bit for bit
 * for any d (the quantizer's norms are plain sums). Where a GEMM assigns (the coarse quantizer),
 * the documented tolerance: the same centroids up to 1e-4 on well-separated data, and search
 * results that overlap ≥ 0.97 with the CPU index's.
 */
abstract class AnnTrainingContract {
    protected abstract AnnKernels kernels();

    private Backend backend() {
        return kernels().backend();
    }

    private Matrix up(long rows, long cols, float[] v) {
        return backend().upload(HostMatrix.of(rows, cols, v));
    }

    private float[] down(Matrix m) {
        try (HostMatrix h = HostMatrix.zeros(m.rows(), m.cols())) {
            backend().download(m, h);
            return h.toArray();
        }
    }

    private AnnKernels.Buffer ints(int[] v) {
        AnnKernels.Buffer b = kernels().allocateInts(v.length);
        kernels().upload(v, b);
        return b;
    }

    private int[] downInts(AnnKernels.Buffer b, int n) {
        int[] out = new int[n];
        kernels().download(b, out);
        return out;
    }

    static float[] integers(SplittableRandom r, int n, int lo, int hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }

    /** n points around c well-separated centres (spread 10, noise 0.2). */
    static float[] clustered(int n, int d, int c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] centres = new float[c * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) (r.nextDouble() * 20 - 10);
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(c);
            for (int t = 0; t < d; t++) {
                x[i * d + t] = centres[k * d + t] + (float) (r.nextGaussian() * 0.2);
            }
        }
        return x;
    }

    /** n points, each a copy of one of {@code distinct} integer points (duplicates, exact ties). */
    static float[] duplicates(int n, int d, int distinct, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] pts = integers(r, distinct * d, -5, 5);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pts, (i % distinct) * d, x, i * d, d);
        }
        return x;
    }

    // ---- the steps

    @Test
    void rowNormsArePlainSumsInOrder() {
        float[] src = clustered(37, 7, 3, 1);
        try (Matrix s = up(37, 7, src); Matrix out = backend().allocate(1, 37)) {
            kernels().rowNorms(s, out);
            float[] got = down(out);
            for (int r = 0; r < 37; r++) {
                float want = 0f;
                for (int t = 0; t < 7; t++) {
                    want += src[r * 7 + t] * src[r * 7 + t];
                }
                assertEquals(want, got[r], 0f, "row " + r);
            }
        }
    }

    @ParameterizedTest(name = "rows={0} k={1} range={2}")
    @CsvSource({"5, 1, 3", "40, 33, 2", "70, 300, 1", "9, 1024, 0"})
    void argminAfterGemmTiesToTheLowestIndex(int rows, int k, int range) {
        SplittableRandom r = new SplittableRandom(rows * 7L + k);
        float[] dots = integers(r, rows * (k + 3), -range, range); // 3 extra columns are ignored
        float[] norms = integers(r, k, 0, range);
        int[] want = new int[rows + 4];
        for (int i = 0; i < rows; i++) {
            float bd = Float.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                float v = norms[j] - 2 * dots[i * (k + 3) + j];
                if (v < bd) {
                    bd = v;
                    want[i + 4] = j;
                }
            }
        }
        try (Matrix dm = up(rows, k + 3, dots); Matrix nm = up(1, k, norms);
             AnnKernels.Buffer lb = ints(new int[rows + 4])) {
            kernels().kmeansArgmin(dm, k, nm, lb, 4);
            assertArrayEquals(want, downInts(lb, rows + 4));
        }
    }

    /** The direct assignment's oracle: fma dots in order, plain-sum norms; ties to the lowest code. */
    static int[] subspaceArgmin(float[] x, int n, int d, int m, float[] c, int k) {
        int dsub = d / m;
        int[] out = new int[n * m];
        for (int s = 0; s < m; s++) {
            for (int i = 0; i < n; i++) {
                float bd = Float.POSITIVE_INFINITY;
                int best = 0;
                for (int j = 0; j < k; j++) {
                    int co = (s * k + j) * dsub;
                    float norm = 0f;
                    float dot = 0f;
                    for (int t = 0; t < dsub; t++) {
                        norm += c[co + t] * c[co + t];
                        dot = Math.fma(x[i * d + s * dsub + t], c[co + t], dot);
                    }
                    float v = norm - 2f * dot;
                    if (v < bd) {
                        bd = v;
                        best = j;
                    }
                }
                out[i * m + s] = s * k + best;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "d={0} m={1} k={2}")
    @CsvSource({"1, 1, 5", "7, 7, 16", "12, 3, 256", "64, 2, 16", "96, 3, 40", "40, 1, 200"})
    void subspaceArgminMatchesTheOracleBitForBit(int d, int m, int k) {
        int n = 150;
        float[] x = clustered(n, d, 4, d * 13L + k);
        float[] c = clustered(m * k, d / m, 5, d * 17L + k);
        try (Matrix xm = up(n, d, x); Matrix cm = up((long) m * k, d / m, c); Matrix cn = backend().allocate(1, (long) m * k);
             AnnKernels.Buffer lb = kernels().allocateInts((long) n * m)) {
            kernels().rowNorms(cm, cn);
            kernels().kmeansSubspaceArgmin(xm, m, cm, cn, k, lb);
            assertArrayEquals(subspaceArgmin(x, n, d, m, c, k), downInts(lb, n * m));
        }
    }

    @Test
    void sortPairsIsStableAndSegmentsCoverEmptyGroups() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 3000;
        int groups = 37;
        int[] keys = new int[n];
        int[] vals = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = r.nextInt(4) == 0 ? 36 : 2 * r.nextInt(groups / 2); // odd groups empty, one hot key
            vals[i] = i;
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(keys[a], keys[b]));
        try (AnnKernels.Buffer kb = ints(keys); AnnKernels.Buffer vb = ints(vals);
             AnnKernels.Buffer ko = kernels().allocateInts(n); AnnKernels.Buffer vo = kernels().allocateInts(n);
             AnnKernels.Buffer off = kernels().allocateInts(groups + 1)) {
            kernels().sortPairs(kb, vb, n, 6, ko, vo);
            kernels().segmentOffsets(ko, n, groups, off);
            int[] sk = downInts(ko, n);
            int[] sv = downInts(vo, n);
            for (int i = 0; i < n; i++) {
                assertEquals(keys[order[i]], sk[i], "key " + i);
                assertEquals((int) order[i], sv[i], "value " + i + " (stable order)");
            }
            int[] o = downInts(off, groups + 1);
            for (int g = 0; g <= groups; g++) {
                int want = 0;
                while (want < n && sk[want] < g) {
                    want++;
                }
                assertEquals(want, o[g], "offset of group " + g);
            }
            assertArrayEquals(keys, downInts(kb, n), "inputs left unchanged");
        }
    }

    @Test
    void updateIsTheMeanInPointOrderAndLeavesEmptyClusters() {
        int n = 500;
        int d = 6;
        int m = 2;
        int k = 9;
        float[] x = clustered(n, d, 3, 9);
        SplittableRandom r = new SplittableRandom(10);
        int[] labels = new int[n * m];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < m; s++) {
                int j = r.nextInt(k - 1); // cluster k-1 of each problem stays empty
                labels[i * m + s] = s * k + (i < 300 && s == 0 ? 0 : j); // one big cluster
            }
        }
        float[] c0 = integers(r, m * k * (d / m), -9, 9);
        float[] want = c0.clone();
        for (int g = 0; g < m * k; g++) {
            int s = g / k;
            for (int t = 0; t < d / m; t++) {
                double sum = 0;
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (labels[i * m + s] == g) {
                        sum += x[i * d + s * (d / m) + t];
                        count++;
                    }
                }
                if (count > 0) {
                    want[g * (d / m) + t] = (float) (sum / count);
                }
            }
        }
        int[] points = new int[n * m];
        Arrays.setAll(points, e -> e / m);
        try (Matrix xm = up(n, d, x); Matrix cm = up((long) m * k, d / m, c0); AnnKernels.Buffer lb = ints(labels);
             AnnKernels.Buffer pb = ints(points); AnnKernels.Buffer sl = kernels().allocateInts(n * m);
             AnnKernels.Buffer sp = kernels().allocateInts(n * m); AnnKernels.Buffer off = kernels().allocateInts(m * k + 1)) {
            kernels().sortPairs(lb, pb, n * m, 5, sl, sp);
            kernels().segmentOffsets(sl, n * m, m * k, off);
            kernels().kmeansUpdate(xm, m, sp, off, k, cm);
            assertArrayEquals(want, down(cm));
        }
    }

    @Test
    void repairSplitsInOrderAndCopiesPoints() {
        int d = 5;
        int k = 4;
        float[] x = integers(new SplittableRandom(3), 10 * d, -4, 4);
        float[] c0 = {1, -2, 0, 3.5f, 100, 9, 9, 9, 9, 9, -1, 0.25f, 7, 2, 1e-6f, 5, 5, 5, 5, 5};
        // cluster 1 <- split 2; cluster 3 <- split 2 again (reads the first split's result); cluster 0 <- point 7
        int[] plan = {0, 1, 2, 0, 3, 2, 0, 0, -8};
        float[] want = c0.clone();
        float eps = 1f / 1024;
        for (int[] e : new int[][] {{1, 2}, {3, 2}}) {
            for (int t = 0; t < d; t++) {
                float v = want[e[1] * d + t];
                float delta = (t % 2 == 0 ? 1 : -1) * eps * (Math.abs(v) + eps);
                want[e[0] * d + t] = v + delta;
                want[e[1] * d + t] = v - delta;
            }
        }
        System.arraycopy(x, 7 * d, want, 0, d);
        try (Matrix xm = up(10, d, x); Matrix cm = up(k, d, c0); AnnKernels.Buffer pb = ints(plan)) {
            kernels().kmeansRepair(xm, 1, cm, pb, 3);
            assertArrayEquals(want, down(cm));
        }
    }

    @Test
    void plusPlusStepsMatchTheirDefinition() {
        int n = 700; // three blocks, the last one partial
        int d = 6;
        int m = 3;
        int k = 4;
        float[] x = clustered(n, d, 5, 21);
        int dsub = d / m;
        float[] c = new float[m * k * dsub];
        for (int s = 0; s < m; s++) {
            System.arraycopy(x, 11 * d + s * dsub, c, (s * k) * dsub, dsub); // centroid 0 = point 11
            System.arraycopy(x, 500 * d + s * dsub, c, (s * k + 1) * dsub, dsub); // centroid 1 = point 500
        }
        int blocks = (n + AnnKernels.PP_BLOCK - 1) / AnnKernels.PP_BLOCK;
        float[] best = new float[m * n];
        for (int j = 0; j < 2; j++) {
            for (int s = 0; s < m; s++) {
                for (int i = 0; i < n; i++) {
                    float dist = 0f;
                    for (int t = 0; t < dsub; t++) {
                        float df = x[i * d + s * dsub + t] - c[(s * k + j) * dsub + t];
                        dist += df * df;
                    }
                    best[s * n + i] = j == 0 ? dist : Math.min(best[s * n + i], dist);
                }
            }
        }
        // picks: problem 0 explicit point 3; problem 1 from block 1 with r; problem 2 past its block's end -> n-1
        double r1 = 0;
        for (int i = 256; i < 300; i++) {
            r1 += best[n + i];
        }
        r1 += best[n + 300] / 2;
        double[] plan = {0, 0, 3, 1, r1, -1, 2, 1e30, -1};
        float[] want = c.clone();
        int[] picks = {3, 300, n - 1};
        for (int s = 0; s < m; s++) {
            System.arraycopy(x, picks[s] * d + s * dsub, want, (s * k + 2) * dsub, dsub);
        }
        try (Matrix xm = up(n, d, x); Matrix cm = up((long) m * k, dsub, c); Matrix bm = backend().allocate(m, n);
             AnnKernels.Buffer sums = kernels().allocateDoubles((long) m * blocks);
             AnnKernels.Buffer pb = kernels().allocateDoubles(plan.length)) {
            kernels().kmeansPlusPlusDistances(xm, m, cm, k, 0, true, bm, sums);
            kernels().kmeansPlusPlusDistances(xm, m, cm, k, 1, false, bm, sums);
            assertArrayEquals(best, down(bm));
            double[] got = new double[m * blocks];
            kernels().download(sums, got);
            for (int s = 0; s < m; s++) {
                for (int b = 0; b < blocks; b++) {
                    double want0 = 0;
                    for (int i = b * AnnKernels.PP_BLOCK; i < Math.min(n, (b + 1) * AnnKernels.PP_BLOCK); i++) {
                        want0 += best[s * n + i];
                    }
                    assertEquals(want0, got[s * blocks + b], 1e-9 * (1 + want0), "block sum " + s + "/" + b);
                }
            }
            kernels().upload(plan, pb);
            kernels().kmeansPlusPlusPick(xm, m, bm, pb, cm, k, 2);
            assertArrayEquals(want, down(cm));
        }
    }

    @ParameterizedTest(name = "rows={0} centroids={1}")
    @CsvSource({"true, true", "false, true", "true, false", "false, false"})
    void gatherRowsGivesResidualsAndBlocks(boolean withRows, boolean withCentroids) {
        int n = 50;
        int d = 7;
        float[] x = clustered(n, d, 3, 31);
        float[] c = clustered(4, d, 2, 32);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> (i * 7) % 4);
        int[] rows = {49, 0, 13, 13, 2};
        int out = rows.length;
        long row0 = 40;
        float[] want = new float[out * d];
        for (int r = 0; r < out; r++) {
            int row = withRows ? rows[r] : (int) row0 + r;
            for (int t = 0; t < d; t++) {
                want[r * d + t] = x[row * d + t] - (withCentroids ? c[labels[row] * d + t] : 0f);
            }
        }
        try (Matrix xm = up(n, d, x); Matrix cm = up(4, d, c); AnnKernels.Buffer lb = ints(labels);
             AnnKernels.Buffer rb = ints(rows); Matrix o = backend().allocate(out, d)) {
            kernels().gatherRows(xm, withRows ? rb : null, row0, withCentroids ? cm : null, withCentroids ? lb : null, o);
            assertArrayEquals(want, down(o));
        }
    }

    // ---- k-means against the CPU

    @ParameterizedTest(name = "{0} n={1} d={2} k={3} {4}")
    @CsvSource({"clustered, 900, 7, 16, KMEANS_PLUS_PLUS", "clustered, 900, 3, 32, RANDOM",
            "clustered, 700, 1, 16, KMEANS_PLUS_PLUS", "duplicates, 400, 5, 32, KMEANS_PLUS_PLUS",
            "duplicates, 400, 5, 32, RANDOM", "duplicates, 48, 2, 48, KMEANS_PLUS_PLUS", "clustered, 48, 6, 48, RANDOM",
            "integers, 333, 4, 16, KMEANS_PLUS_PLUS"})
    void directKMeansEqualsCpuKMeansBitForBit(String data, int n, int d, int k, KMeans.Init init) {
        float[] x = switch (data) {
            case "clustered" -> clustered(n, d, 6, n + d);
            case "duplicates" -> duplicates(n, d, 7, n + d); // 7 distinct points: empty clusters, exact ties
            default -> integers(new SplittableRandom(n), n * d, -3, 3);
        };
        float[] want = KMeans.train(x, n, d, k, 8, 77, init);
        float[] got = new DeviceKMeans(kernels()).train(x, n, d, k, 8, 77, init, DeviceKMeans.Assignment.DIRECT);
        assertArrayEquals(want, got);
    }

    /**
     * The GEMM's rounding differs from the CPU's in-order fma, which can flip a point that lies
     * within rounding of the boundary between two centroids; on data whose clusters are found
     * one centroid each, no point is near a boundary and the centroids agree to rounding.
     */
    @ParameterizedTest(name = "d={0} k={1} {2}")
    @CsvSource({"32, 20, KMEANS_PLUS_PLUS", "24, 7, KMEANS_PLUS_PLUS", "17, 40, KMEANS_PLUS_PLUS"})
    void gemmKMeansMatchesCpuKMeansWithinRounding(int d, int k, KMeans.Init init) {
        int n = 1500;
        float[] x = clustered(n, d, k, d * 3L);
        float[] want = KMeans.train(x, n, d, k, 10, 5, init);
        float[] got = new DeviceKMeans(kernels()).train(x, n, d, k, 10, 5, init, DeviceKMeans.Assignment.GEMM);
        assertArrayEquals(want, got, 1e-4f);
    }

    /**
     * Where two centroids share a cluster (a RANDOM start here) its points straddle their
     * boundary, and the GEMM's rounding moves some of them: the runs part, but the objective stays
     * within 0.5% of the CPU's.
     */
    @Test
    void gemmKMeansWithSplitClustersReachesTheCpuObjective() {
        int n = 1500;
        int d = 24;
        int k = 7;
        float[] x = clustered(n, d, k, d * 3L);
        float[] want = KMeans.train(x, n, d, k, 10, 5, KMeans.Init.RANDOM);
        float[] got = new DeviceKMeans(kernels()).train(x, n, d, k, 10, 5, KMeans.Init.RANDOM,
                DeviceKMeans.Assignment.GEMM);
        double a = inertia(x, n, d, want, k);
        double b = inertia(x, n, d, got, k);
        assertEquals(a, b, 0.005 * a, "sum of squared distances to the nearest centroid");
    }

    static double inertia(float[] x, int n, int d, float[] c, int k) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double df = x[i * d + t] - c[j * d + t];
                    s += df * df;
                }
                best = Math.min(best, s);
            }
            total += best;
        }
        return total;
    }

    @ParameterizedTest(name = "block of {0} rows")
    @CsvSource({"3000", "1000", "777", "1"})
    void gemmAssignmentInBlocksEqualsTheDirectOne(int block) {
        int n = 3000;
        int d = 8;
        float[] x = integers(new SplittableRandom(44), n * d, -6, 6); // integer dots: exact under any GEMM
        float[] c = integers(new SplittableRandom(45), 64 * d, -6, 6);
        DeviceKMeans km = new DeviceKMeans(kernels(), 64L * block);
        try (Matrix xm = up(n, d, x); Matrix cm = up(64, d, c);
             AnnKernels.Buffer direct = km.assign(xm, cm, DeviceKMeans.Assignment.DIRECT);
             AnnKernels.Buffer gemm = km.assign(xm, cm, DeviceKMeans.Assignment.GEMM)) {
            assertArrayEquals(downInts(direct, n), downInts(gemm, n));
        }
    }

    @Test
    void gemmKMeansInBlocksEqualsOneBlock() {
        int n = 1200;
        int d = 12;
        float[] x = clustered(n, d, 10, 46);
        float[] one = new DeviceKMeans(kernels()).train(x, n, d, 10, 6, 3, KMeans.Init.KMEANS_PLUS_PLUS,
                DeviceKMeans.Assignment.GEMM);
        float[] blocks = new DeviceKMeans(kernels(), 10L * 500).train(x, n, d, 10, 6, 3, KMeans.Init.KMEANS_PLUS_PLUS,
                DeviceKMeans.Assignment.GEMM); // 500 + 500 + 200 rows
        assertArrayEquals(one, blocks);
    }

    @Test
    void deviceKMeansRejectsBadInput() {
        DeviceKMeans km = new DeviceKMeans(kernels());
        float[] x = clustered(10, 3, 2, 1);
        assertThrows(IllegalArgumentException.class, () -> km.train(x, 10, 3, 11, 2, 1, KMeans.Init.RANDOM,
                DeviceKMeans.Assignment.DIRECT), "more centroids than points");
        assertThrows(IllegalArgumentException.class, () -> km.train(x, 9, 3, 2, 2, 1, KMeans.Init.RANDOM,
                DeviceKMeans.Assignment.DIRECT), "n*d mismatch");
        try (Matrix xm = up(10, 3, x)) {
            assertThrows(IllegalArgumentException.class, () -> km.train(xm, 2, 2, 1, new long[] {1, 2},
                    KMeans.Init.RANDOM, DeviceKMeans.Assignment.DIRECT), "m does not divide d");
            assertThrows(IllegalArgumentException.class, () -> km.train(xm, 3, 2, 1, new long[] {1, 2, 3},
                    KMeans.Init.RANDOM, DeviceKMeans.Assignment.GEMM), "GEMM with m > 1");
        }
    }

    // ---- PQ against the CPU

    @ParameterizedTest(name = "d={0} M={1} nbits={2}")
    @CsvSource({"8, 2, 8", "12, 4, 8", "7, 7, 4", "14, 2, 4", "6, 3, 8"})
    void pqTrainingEqualsTheCpuQuantizerBitForBit(int d, int m, int nbits) {
        int n = 600;
        float[] x = clustered(n, d, 9, d * 100L + m);
        ProductQuantizer want = ProductQuantizer.train(x, n, d, m, nbits, 6, 123);
        long[] seeds = new long[m];
        for (int s = 0; s < m; s++) {
            seeds[s] = 123 + 7919L * s;
        }
        DeviceKMeans km = new DeviceKMeans(kernels());
        try (Matrix xm = up(n, d, x); Matrix cb = km.train(xm, m, 1 << nbits, 6, seeds, KMeans.Init.KMEANS_PLUS_PLUS,
                DeviceKMeans.Assignment.DIRECT)) {
            assertArrayEquals(want.codebooks, km.download(cb));
        }
    }

    @ParameterizedTest(name = "d={0} M={1} nbits={2} residual={3}")
    @CsvSource({"32, 8, 8, true", "32, 16, 4, true", "24, 3, 8, false", "128, 2, 8, true", "7, 7, 4, true"})
    void pqEncodingEqualsTheCpuEncoderBitForBit(int d, int m, int nbits, boolean residual) {
        int n = 400;
        float[] x = clustered(n, d, 6, d + m);
        float[] coarse = clustered(5, d, 5, d + m + 1);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> (i * 3) % 5);
        int ksub = 1 << nbits;
        ProductQuantizer pq = ProductQuantizer.train(clustered(600, d, 8, 7), 600, d, m, nbits, 3, 5);
        byte[] want = new byte[n * m];
        float[] wantTerms = new float[n];
        float[] termScale = new float[n];
        float[] r = new float[d];
        float[] rec = new float[d];
        float[] scratch = new float[ksub];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                r[t] = x[i * d + t] - (residual ? coarse[labels[i] * d + t] : 0f);
            }
            pq.encode(r, 0, want, i * m, scratch);
            pq.decode(want, i * m, rec, 0);
            wantTerms[i] = VecMath.dot(rec, 0, rec, 0, d) + 2f * VecMath.dot(coarse, labels[i] * d, rec, 0, d);
            float scale = 0f; // the sum cancels: bound its rounding by the magnitudes of the parts
            for (int t = 0; t < d; t++) {
                scale += rec[t] * rec[t] + 2 * Math.abs(coarse[labels[i] * d + t] * rec[t]);
            }
            termScale[i] = scale;
        }
        try (Matrix xm = up(n, d, x); Matrix cm = up(5, d, coarse); AnnKernels.Buffer lb = ints(labels);
             Matrix cb = up((long) m * ksub, d / m, pq.codebooks); Matrix cn = backend().allocate(1, (long) m * ksub);
             AnnKernels.Buffer codes = kernels().allocateBytes((long) n * m); Matrix terms = backend().allocate(1, n)) {
            kernels().rowNorms(cb, cn);
            assertArrayEquals(pq.norms, down(cn), "code norms as ProductQuantizer's");
            kernels().pqEncode(xm, residual ? cm : null, residual ? lb : null, cb, cn, m, ksub, codes,
                    residual ? terms : null);
            byte[] got = new byte[n * m];
            kernels().download(codes, got);
            assertArrayEquals(want, got);
            if (residual) {
                float[] gt = down(terms);
                for (int i = 0; i < n; i++) {
                    assertEquals(wantTerms[i], gt[i], 1e-5f * (1 + termScale[i]), "term " + i);
                }
            }
        }
    }

    // ---- the index build and add against the CPU

    @ParameterizedTest(name = "M={0} nbits={1} {2}")
    @CsvSource({"2, 8, L2", "3, 4, INNER_PRODUCT", "6, 4, L2"})
    void directDeviceBuildEqualsTheCpuBuildBitForBit(int m, int nbits, Metric metric) {
        int d = 6;
        float[] x = clustered(5000, d, 24, m * 10L + nbits); // subsamples for both k-means and PQ
        // 4500 of 5000 points train the coarse k-means; with 4-bit codes the PQ takes 4096 of them
        IvfPqIndex.Params p = IvfPqIndex.Params.of(16, m, nbits, metric).withIterations(6, 5).withMaxTrainPoints(4500);
        IvfPqIndex cpu = IvfPqIndex.build(x, d, p);
        IvfPqIndex dev = DeviceIvfPqBuilder.build(x, d, p, kernels(), DeviceKMeans.Assignment.DIRECT, msg -> { });
        assertArrayEquals(cpu.centroids, dev.centroids, "coarse centroids");
        assertArrayEquals(cpu.pq.codebooks, dev.pq.codebooks, "PQ codebooks");
    }

    @ParameterizedTest(name = "{0} nbits={1}")
    @CsvSource({"L2, 8", "INNER_PRODUCT, 4"})
    void deviceBuildAndAddMatchTheCpuIndexWithinRounding(Metric metric, int nbits) {
        int d = 24;
        float[] x = clustered(2000, d, 30, 61);
        IvfPqIndex.Params p = IvfPqIndex.Params.of(20, 4, nbits, metric).withIterations(8, 4);
        IvfPqIndex cpu = IvfPqIndex.build(x, d, p);
        IvfPqIndex dev = DeviceIvfPqBuilder.build(x, d, p, kernels(), msg -> { });
        assertArrayEquals(cpu.centroids, dev.centroids, 1e-4f, "coarse centroids");
        assertArrayEquals(cpu.pq.codebooks, dev.pq.codebooks, 1e-4f, "PQ codebooks");
        long[] ids = new long[x.length / d];
        Arrays.setAll(ids, i -> 5 * i - 7000L);
        cpu.add(ids, x);
        DeviceIvfPqBuilder.add(dev, ids, x, kernels());
        assertEquals(cpu.size(), dev.size());
        float[] qs = clustered(40, d, 40, 61 + 1);
        SearchResult a = cpu.search(qs, 10, 4);
        SearchResult b = dev.search(qs, 10, 4);
        double overlap = SyntheticVectors.recall(b, a, 10);
        assertTrue(overlap >= 0.97, "device-built vs CPU-built index: overlap " + overlap);
    }

    /**
     * {@link IvfPqIndex#build(float[], int, IvfPqIndex.Params, Backend, java.util.function.Consumer)}
     * takes the device path exactly where the backend has ANN kernels, and the device build gives
     * the same bits every run (the centroid sums are sort + in-order reductions, not atomics).
     */
    @Test
    void backendOverloadPicksThePathAndTheDeviceBuildIsDeterministic() {
        int d = 16;
        float[] x = clustered(1500, d, 12, 51);
        IvfPqIndex.Params p = IvfPqIndex.Params.of(8, 4, 4, Metric.L2).withIterations(5, 4);
        IvfPqIndex viaBackend = IvfPqIndex.build(x, d, p, backend(), msg -> { });
        IvfPqIndex want = backend().annKernels() == null ? IvfPqIndex.build(x, d, p)
                : DeviceIvfPqBuilder.build(x, d, p, kernels(), msg -> { });
        assertArrayEquals(want.centroids, viaBackend.centroids);
        assertArrayEquals(want.pq.codebooks, viaBackend.pq.codebooks);
        IvfPqIndex again = DeviceIvfPqBuilder.build(x, d, p, kernels(), msg -> { });
        IvfPqIndex once = DeviceIvfPqBuilder.build(x, d, p, kernels(), msg -> { });
        assertArrayEquals(once.centroids, again.centroids, "run to run");
        assertArrayEquals(once.pq.codebooks, again.pq.codebooks, "run to run");
    }

    @Test
    void deviceAddEqualsCpuAddOnExactData() {
        int d = 8;
        int m = 4;
        int ksub = 16;
        SplittableRandom r = new SplittableRandom(71);
        float[] centroids = integers(r, 12 * d, -8, 8);
        ProductQuantizer pq = new ProductQuantizer(d, m, 4, integers(r, m * ksub * (d / m), -3, 3));
        IvfPqIndex cpu = new IvfPqIndex(d, Metric.L2, true, centroids, pq);
        IvfPqIndex dev = new IvfPqIndex(d, Metric.L2, true, centroids.clone(), pq);
        float[] x = integers(r, 2500 * d, -10, 10); // integer dots: exact, ties broken alike
        long[] ids = new long[2500];
        Arrays.setAll(ids, i -> Long.MAX_VALUE - 3L * i);
        cpu.add(ids, x);
        if (backend().annKernels() != null) {
            dev.add(ids, x, backend()); // the Backend overload takes the device path where the backend has kernels
        } else {
            DeviceIvfPqBuilder.add(dev, ids, x, kernels());
        }
        assertArrayEquals(cpu.listSizes(), dev.listSizes());
        for (int l = 0; l < 12; l++) {
            IvfPqIndex.InvList a = cpu.lists[l];
            IvfPqIndex.InvList b = dev.lists[l];
            assertArrayEquals(Arrays.copyOf(a.ids, a.size), Arrays.copyOf(b.ids, b.size), "ids of list " + l);
            assertArrayEquals(Arrays.copyOf(a.codes, a.size * m), Arrays.copyOf(b.codes, b.size * m), "codes of list " + l);
            assertArrayEquals(Arrays.copyOf(a.terms, a.size), Arrays.copyOf(b.terms, b.size), "terms of list " + l);
        }
    }

    @Test
    void backendOverloadsRejectBadInputLikeTheCpuPath() {
        float[] x = clustered(100, 8, 3, 81);
        assertThrows(IllegalArgumentException.class, () -> DeviceIvfPqBuilder.build(x, 8,
                IvfPqIndex.Params.of(101, 2, 4, Metric.L2), kernels(), msg -> { }), "fewer vectors than centroids");
        assertThrows(IllegalArgumentException.class, () -> DeviceIvfPqBuilder.build(x, 8,
                IvfPqIndex.Params.of(4, 3, 4, Metric.L2), kernels(), msg -> { }), "M does not divide d");
        assertThrows(IllegalArgumentException.class, () -> DeviceIvfPqBuilder.build(x, 8,
                IvfPqIndex.Params.of(4, 2, 8, Metric.L2), kernels(), msg -> { }), "fewer vectors than PQ codes");
        float[] nan = x.clone();
        nan[17] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> DeviceIvfPqBuilder.build(nan, 8,
                IvfPqIndex.Params.of(4, 2, 4, Metric.L2), kernels(), msg -> { }), "NaN");
        IvfPqIndex ix = DeviceIvfPqBuilder.build(x, 8, IvfPqIndex.Params.of(4, 2, 4, Metric.L2), kernels(), msg -> { });
        assertThrows(IllegalArgumentException.class, () -> DeviceIvfPqBuilder.add(ix, new long[] {1, 2}, new float[15],
                kernels()), "dimension mismatch");
        DeviceIvfPqBuilder.add(ix, new long[] {1}, Arrays.copyOf(x, 8), kernels());
        assertThrows(IllegalArgumentException.class, () -> DeviceIvfPqBuilder.add(ix, new long[] {1},
                Arrays.copyOf(x, 8), kernels()), "id already in the index");
        assertEquals(1, ix.size());
    }

    // ---- exact re-rank on the searcher

    @ParameterizedTest(name = "{0} nbits={1} rerank={2} k={3}")
    @CsvSource({"L2, 8, 50, 10", "INNER_PRODUCT, 8, 40, 5", "L2, 4, 10, 10", "L2, 8, 5, 20"})
    void gpuRerankMatchesTheCpuRerank(Metric metric, int nbits, int rerank, int k) {
        int d = 16;
        float[] x = IvfPqKernelsTest.gaussian(1500, d, 91);
        IvfPqIndex ix = IvfPqKernelsTest.index(x, d, 12, 4, nbits, metric);
        float[] qs = IvfPqKernelsTest.gaussian(30, d, 92);
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(k, 3).withRerank(rerank);
        SearchResult want = ix.search(qs, sp);
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(ix, kernels())) {
            assertTrue(s.canRerank());
            SearchResult got = s.search(qs, k, 3, rerank);
            for (int q = 0; q < 30; q++) {
                for (int r = 0; r < k; r++) {
                    float w = want.distance(q, r);
                    assertEquals(w, got.distance(q, r), 1e-4f * (1 + Math.abs(w)), "query " + q + " rank " + r);
                }
            }
            assertTrue(SyntheticVectors.recall(got, want, k) > 0.99);
        }
    }

    @Test
    void gpuRerankBreaksTiesByIdAndPadsShortCandidateLists() {
        int d = 4;
        SplittableRandom r = new SplittableRandom(101);
        float[] centroids = {0, 0, 0, 0, 50, 50, 50, 50};
        ProductQuantizer pq = new ProductQuantizer(d, 2, 4, integers(r, 2 * 16 * 2, -1, 1));
        IvfPqIndex ix = new IvfPqIndex(d, Metric.L2, true, centroids, pq);
        float[] x = new float[40 * d];
        long[] ids = new long[40];
        for (int i = 0; i < 40; i++) {
            x[i * d] = (i % 4) + (i < 30 ? 0 : 50); // 30 near list 0 in 4 distinct points, 10 near list 1
            x[i * d + 1] = i < 30 ? 0 : 50;
            x[i * d + 2] = i < 30 ? 0 : 50;
            x[i * d + 3] = i < 30 ? 0 : 50;
            ids[i] = 1000 - 13L * i;
        }
        ix.add(ids, x);
        float[] q = {1, 0, 0, 0};
        SearchResult want = ix.search(q, IvfPqIndex.SearchParams.of(12, 1).withRerank(35));
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(ix, kernels())) {
            SearchResult got = s.search(q, 12, 1, 35); // 35 candidates asked, 30 in the probed list
            assertArrayEquals(want.ids(), got.ids());
            assertArrayEquals(want.distances(), got.distances(), 0f);
            SearchResult all = s.search(q, 35, 1, 35);
            assertEquals(-1L, all.id(0, 34), "padding");
            assertEquals(Float.POSITIVE_INFINITY, all.distance(0, 34));
        }
    }

    @Test
    void gpuRerankNeedsTheRawVectors() {
        int d = 8;
        float[] x = IvfPqKernelsTest.gaussian(600, d, 111);
        IvfPqIndex ix = IvfPqIndex.build(x, d, IvfPqIndex.Params.of(6, 4, 8, Metric.L2).withStoreVectors(false));
        long[] ids = new long[600];
        Arrays.setAll(ids, i -> i);
        ix.add(ids, x);
        float[] q = Arrays.copyOf(x, d);
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(ix, kernels())) {
            assertTrue(!s.canRerank());
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 5, 2, 20), "no raw vectors");
            assertEquals(5, s.search(q, 5, 2, 0).k());
        }
        IvfPqIndex stored = IvfPqKernelsTest.index(x, d, 6, 4, 8, Metric.L2);
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(stored, kernels(), false)) {
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 5, 2, 20), "opened without vectors");
        }
        try (IvfPqGpuSearcher s = IvfPqGpuSearcher.open(stored, kernels())) {
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 5, 2, -1), "negative rerank");
            assertThrows(IllegalArgumentException.class, () -> s.search(q, 5, 2, AnnKernels.MAX_K + 1), "rerank > MAX_K");
        }
    }
}
