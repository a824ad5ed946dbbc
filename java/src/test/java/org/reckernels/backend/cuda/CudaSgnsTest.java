package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.AliasTable;
import org.reckernels.backend.SgnsJob;
import org.reckernels.reference.SgnsReference;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * kernels/sgns.cu against a host simulation of the same counter-based draws with the double
 * reference update, on one sequence with one block (deterministic).
 */
@Tag("gpu")
class CudaSgnsTest {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    @Test
    void oneBlockEpochMatchesTheReference() {
        for (boolean whole : new boolean[] {false, true}) {
            int v = 30;
            int d = 40;
            int window = 3;
            int k = 3;
            long seed = 17;
            float alpha = 0.05f;
            int[] ids = {3, 7, 1, 9, 12, 5, 20, 2, 8, 14, 11, 25, 0, 4, 6, 10, 13, 15, 16, 17, 18, 19};
            int[] starts = {0, ids.length};
            long[] counts = new long[v];
            for (int i = 0; i < v; i++) {
                counts[i] = 1 + (i * 7) % 11;
            }
            AliasTable alias = AliasTable.unigram(counts, 0.75);
            float[] keep = new float[v];
            java.util.Arrays.fill(keep, 1f);
            SgnsJob job = new SgnsJob(ids, starts, keep, alias, ids.length + 1, window, k, whole, alpha, alpha, 1, seed, 1, null);
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            float[] in0 = new float[v * d];
            float[] out0 = new float[v * d];
            for (int i = 0; i < in0.length; i++) {
                in0[i] = (float) (r.nextDouble() - 0.5);
                out0[i] = (float) ((r.nextDouble() - 0.5) * 0.5);
            }
            // host simulation
            double[] in = new double[in0.length];
            double[] out = new double[out0.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = in0[i];
                out[i] = out0[i];
            }
            int len = ids.length;
            for (int pos = 0; pos < len; pos++) {
                int lo = 0;
                int hi = len - 1;
                if (!whole) {
                    int eff = window - (int) Long.remainderUnsigned(SgnsLauncher.draw(seed, 0, pos, 1) >>> 33, window);
                    lo = Math.max(0, pos - eff);
                    hi = Math.min(len - 1, pos + eff);
                }
                int q = lo;
                for (int chunk = 0; q <= hi; chunk++) {
                    int[] ctx = new int[16];
                    int n = 0;
                    for (; q <= hi && n < 16; q++) {
                        if (q != pos) {
                            ctx[n++] = ids[q];
                        }
                    }
                    if (n == 0) {
                        break;
                    }
                    int[] tgt = new int[k + 1];
                    tgt[0] = ids[pos];
                    int m = 1;
                    for (int t = 0; t < k; t++) {
                        int neg = alias.sample(SgnsLauncher.draw(seed, 0, pos, 2 + chunk * 65 + t));
                        if (neg != ids[pos]) {
                            tgt[m++] = neg;
                        }
                    }
                    SgnsReference.windowUpdate(in, out, d, ctx, n, tgt, m, alpha);
                }
            }
            backend.sgnsMaxGrid = 1;
            try (Matrix gi = backend.upload(HostMatrix.of(v, d, in0)); Matrix go = backend.upload(HostMatrix.of(v, d, out0));
                 HostMatrix hi = HostMatrix.zeros(v, d); HostMatrix ho = HostMatrix.zeros(v, d)) {
                backend.sgnsTrain(gi, go, job);
                backend.download(gi, hi);
                backend.download(go, ho);
                float[] a = hi.toArray();
                float[] b = ho.toArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(in[i], a[i], 1e-4, "in[" + i + "] whole=" + whole);
                    assertEquals(out[i], b[i], 1e-4, "out[" + i + "] whole=" + whole);
                }
            } finally {
                backend.sgnsMaxGrid = SgnsLauncher.MAX_GRID;
            }
        }
    }
}
