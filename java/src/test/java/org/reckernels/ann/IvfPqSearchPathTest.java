package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The optimised CPU search path (register-bounded nprobe selection, four-at-a-time ADC scan,
 * per-thread scratch) against the plain one-test-per-centroid, one-vector-at-a-time path written
 * out here: ids AND distances must be bit-identical, since both sum in the same order.
 */
class IvfPqSearchPathTest {
    /** The straightforward search: scalar coarse distances and selection, scalar ADC, exact re-rank. */
    static void plainSearch(IvfPqIndex ix, float[] q, int qo, IvfPqIndex.SearchParams sp, long[] outIds, float[] outDist, int off) {
        int d = ix.d;
        int nlist = ix.nlist;
        float[] coarse = new float[nlist];
        VecMath.dotsT(q, qo, d, VecMath.transpose(ix.centroids, nlist, d), 0, nlist, coarse, 0);
        boolean l2 = ix.metric == Metric.L2;
        float qn = l2 ? VecMath.dot(q, qo, q, qo, d) : 0f;
        TopK sel = new TopK(sp.nprobe());
        for (int j = 0; j < nlist; j++) {
            coarse[j] = l2 ? ix.centroidNorms[j] - 2f * coarse[j] + qn : -coarse[j];
            sel.offer(j, coarse[j]);
        }
        float[] lut = new float[ix.m * ix.pq.ksub];
        ix.pq.lut(q, qo, l2 ? -2f : -1f, lut);
        boolean rerank = sp.rerank() > 0;
        TopK heap = new TopK(rerank ? Math.max(sp.rerank(), sp.k()) : sp.k());
        for (int p = 0; p < sel.size; p++) {
            int li = (int) sel.ids[p];
            IvfPqIndex.InvList l = ix.lists[li];
            for (int i = 0; i < l.size; i++) {
                float dist = coarse[li] + l.terms[i];
                for (int s = 0; s < ix.m; s++) {
                    dist += lut[s * ix.pq.ksub + (l.codes[i * ix.m + s] & 0xFF)];
                }
                heap.offer(rerank ? ((long) li << 32) | i : l.ids[i], dist);
            }
        }
        if (rerank) {
            TopK best = new TopK(sp.k());
            for (int c = 0; c < heap.size; c++) {
                IvfPqIndex.InvList l = ix.lists[(int) (heap.ids[c] >>> 32)];
                int row = (int) heap.ids[c];
                best.offer(l.ids[row], l2 ? VecMath.l2sq(q, qo, l.vectors, row * d, d) : -VecMath.dot(q, qo, l.vectors, row * d, d));
            }
            best.drainBestFirst(outIds, outDist, off, sp.k());
        } else {
            heap.drainBestFirst(outIds, outDist, off, sp.k());
        }
        for (int r = 0; r < sp.k(); r++) {
            outDist[off + r] = ix.metric.external(outDist[off + r]);
        }
    }

    /** Clustered data with exact duplicates (equal coarse and PQ distances: ties decided by id). */
    static float[] data(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            if (i % 5 == 4) {
                System.arraycopy(x, (i - 1) * d, x, i * d, d); // duplicate of the previous vector
                continue;
            }
            int cluster = r.nextInt(9);
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) (cluster * 0.7 * ((t + cluster) % 3 - 1) + r.nextGaussian() * 0.3);
            }
        }
        return x;
    }

    static void assertSamePaths(IvfPqIndex ix, float[] qs, IvfPqIndex.SearchParams sp) {
        int d = ix.d;
        int nq = qs.length / d;
        int k = sp.k();
        long[] wantIds = new long[nq * k];
        float[] wantDist = new float[nq * k];
        for (int q = 0; q < nq; q++) {
            plainSearch(ix, qs, q * d, sp, wantIds, wantDist, q * k);
        }
        SearchResult batch = ix.search(qs, sp);
        assertArrayEquals(wantIds, batch.ids(), "ids, " + sp);
        assertClose(wantDist, batch.distances(), "distances, " + sp);
        long[] oneIds = new long[k];
        float[] oneDist = new float[k];
        for (int q = 0; q < nq; q++) {
            ix.searchOne(qs, q * d, sp, oneIds, oneDist, 0);
            assertArrayEquals(Arrays.copyOfRange(wantIds, q * k, q * k + k), oneIds, "searchOne ids, query " + q);
            assertClose(Arrays.copyOfRange(wantDist, q * k, q * k + k), oneDist, "searchOne distances, query " + q);
        }
    }

    /**
     * Equal up to the last bits: the L2 query norm and the re-rank use Vector API lane reductions,
     * whose summation order may differ between the interpreter and compiled code (the same call can
     * round differently before and after JIT); the hot path is bit-identical (checked on Gowalla).
     */
    static void assertClose(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                float tol = 1e-4f * (1 + Math.abs(want[i])); // L2 coarse term: |q|^2 + |c|^2 - 2 q.c cancels
                assertTrue(Math.abs(want[i] - got[i]) <= tol, what + " at " + i + ": " + got[i] + " vs " + want[i]);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        // metric, n, d, nlist, M, nbits: nlist a multiple of the vector length, not one, below one register
        "L2, 3000, 32, 64, 8, 8", "INNER_PRODUCT, 3000, 32, 64, 8, 8", "L2, 2000, 24, 37, 6, 8",
        "INNER_PRODUCT, 2000, 24, 37, 6, 4", "L2, 600, 16, 7, 4, 8", "INNER_PRODUCT, 900, 12, 131, 3, 8",
        // 2048 lists: the bfloat16 first pass + exact refine of the coarse step
        "L2, 6000, 16, 2048, 4, 8", "INNER_PRODUCT, 6000, 16, 2048, 4, 4"})
    void optimisedSearchEqualsPlainSearch(Metric metric, int n, int d, int nlist, int m, int nbits) {
        float[] x = data(n, d, 11);
        IvfPqIndex ix = IvfPqIndex.build(x, d, IvfPqIndex.Params.of(nlist, m, nbits, metric).withIterations(4, 4));
        // ids not in row order, and only part of the data added: some lists stay small or empty
        int added = n - n / 3;
        long[] ids = new long[added];
        for (int i = 0; i < added; i++) {
            ids[i] = 7L * (added - i) + (i % 2);
        }
        ix.add(ids, Arrays.copyOf(x, added * d));
        assertTrue(Arrays.stream(ix.listSizes()).anyMatch(s -> s % 4 != 0), "some list length not a multiple of 4");
        float[] qs = data(23, d, 12);
        System.arraycopy(x, 5 * d, qs, 0, d); // a query equal to a stored (duplicated) vector
        for (int nprobe : new int[] {1, Math.min(3, nlist), Math.min(8, nlist), Math.min(17, nlist), nlist}) {
            for (int rerank : new int[] {0, 25}) {
                for (int k : new int[] {1, 10, Math.min(added, 150)}) { // 150: more than the probed lists hold
                    assertSamePaths(ix, qs, IvfPqIndex.SearchParams.of(k, nprobe).withRerank(rerank));
                }
            }
        }
        // one query
        assertSamePaths(ix, Arrays.copyOf(qs, d), IvfPqIndex.SearchParams.of(5, Math.min(4, nlist)).withRerank(12));
    }
}
