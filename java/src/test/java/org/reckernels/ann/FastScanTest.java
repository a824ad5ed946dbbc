package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The register-wide 4-bit fast scan against scalar references written out here: the packed layout
 * round-trips every code, and the vector scan's estimates are bit-identical to summing the same
 * quantised table entries one code at a time (for list sizes around the block edges), and the
 * block-transposed coarse GEMV to the plain transposed one.
 */
class FastScanTest {
    @ParameterizedTest
    @CsvSource({"0, 3", "1, 1", "15, 7", "31, 64", "63, 16", "64, 5", "127, 16", "128, 16", "129, 64", "389, 33"})
    void packedLayoutRoundTripsEveryCode(int n, int m) {
        SplittableRandom r = new SplittableRandom(n * 31L + m);
        byte[] codes = new byte[n * m];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) r.nextInt(16);
        }
        FastScan.Packed p = FastScan.pack(codes, n, m);
        assertEquals((long) (n + FastScan.BLOCK - 1) / FastScan.BLOCK * m * FastScan.W, p.bytes());
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < m; s++) {
                assertEquals(codes[i * m + s], FastScan.code(p, i, s), "row " + i + " subspace " + s);
            }
        }
    }

    /** Sizes just below, at and above the block edges, so padding lanes and partial blocks are hit. */
    static int[] listSizes() {
        int b = FastScan.BLOCK;
        int w = FastScan.W;
        return new int[]{1, w - 1, w, w + 1, b - 1, b, b + 1, 3 * b + 7};
    }

    @ParameterizedTest
    @CsvSource({"L2", "INNER_PRODUCT"})
    void scanEstimatesEqualScalarSumsOfTheQuantisedTable(Metric metric) {
        int d = 16;
        int m = 8;
        for (int n : listSizes()) {
            float[] x = IvfPqKernelsTest.gaussian(Math.max(n, 64), d, 40 + n);
            // one list: every vector lands in it, and its whole content is asked for
            IvfPqIndex ix = IvfPqIndex.build(x, d, IvfPqIndex.Params.of(1, m, 4, metric).withIterations(4, 4));
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = 7L * i + 3;
            }
            ix.add(ids, java.util.Arrays.copyOf(x, n * d));
            float[] q = IvfPqKernelsTest.gaussian(1, d, 99);
            float[] coarse = {metric == Metric.L2 ? VecMath.l2sq(q, 0, ix.centroids, 0, d) : -VecMath.dot(q, 0, ix.centroids, 0, d)};
            float[] globalLut = new float[m * 16];
            ix.pq.lut(q, 0, -1f, globalLut);
            FastScan.Work w = new FastScan.Work(m);
            TopKBuffer all = new TopKBuffer(n);
            FastScan.scan(ix, q, 0, new int[]{0}, 1, coarse, globalLut, all, false, w);
            long[] gotIds = new long[n];
            float[] gotDist = new float[n];
            assertEquals(n, all.drainBestFirst(gotIds, gotDist, 0, n), "n=" + n + ": every vector is offered");

            // the reference: the same quantised table (w still holds it), summed one code at a time
            IvfPqIndex.InvList list = ix.lists[0];
            FastScan.Packed p = FastScan.packed(ix, list);
            float offset = coarse[0] + w.sumMin;
            float inv = 1f / w.scale;
            TopK ref = new TopK(n);
            for (int i = 0; i < n; i++) {
                int sum = 0;
                for (int s = 0; s < m; s++) {
                    assertEquals(list.codes[i * m + s], FastScan.code(p, i, s));
                    sum += w.lutQ[s * FastScan.W + FastScan.code(p, i, s)] & 0xFF;
                }
                ref.offer(list.ids[i], offset + sum * inv);
            }
            long[] refIds = new long[n];
            float[] refDist = new float[n];
            ref.drainBestFirst(refIds, refDist, 0, n);
            assertArrayEquals(refIds, gotIds, "n=" + n);
            assertArrayEquals(refDist, gotDist, "n=" + n);
        }
    }

    @Test
    void quantisedTableSpansZeroTo255AndKeepsOrderWithinASubspace() {
        int m = 5;
        SplittableRandom r = new SplittableRandom(5);
        float[] t = new float[m * 16];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (r.nextDouble() * 10 - 3);
        }
        FastScan.Work w = new FastScan.Work(m);
        FastScan.quantize(t, m, w);
        int max = 0;
        for (int s = 0; s < m; s++) {
            int min = 255;
            for (int j = 0; j < 16; j++) {
                int v = w.lutQ[s * FastScan.W + j] & 0xFF;
                min = Math.min(min, v);
                max = Math.max(max, v);
                for (int j2 = 0; j2 < 16; j2++) {
                    if (t[s * 16 + j] < t[s * 16 + j2]) {
                        assertTrue(v <= (w.lutQ[s * FastScan.W + j2] & 0xFF), "order kept in subspace " + s);
                    }
                }
                assertEquals(t[s * 16 + j], w.mins[s] + v / w.scale, 0.5f / w.scale + 1e-5f, "dequantised entry");
            }
            assertEquals(0, min, "each subspace starts at 0");
        }
        assertEquals(255, max, "the widest subspace reaches 255");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 127, 128, 129, 300, 1024})
    void blockedCoarseGemvIsBitIdenticalToThePlainTranspose(int k) {
        int d = 24;
        float[] c = IvfPqKernelsTest.gaussian(k, d, k);
        float[] x = IvfPqKernelsTest.gaussian(2, d, 1);
        float[] plain = new float[k + 3];
        float[] blocked = new float[k + 3];
        VecMath.dotsT(x, d, d, VecMath.transpose(c, k, d), 0, k, plain, 3);
        VecMath.dotsBlocked(x, d, d, VecMath.blockTranspose(c, k, d), k, blocked, 3);
        assertArrayEquals(plain, blocked);
    }
}
