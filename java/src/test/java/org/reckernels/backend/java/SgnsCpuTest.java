package org.reckernels.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.AliasTable;
import org.reckernels.backend.Backend;
import org.reckernels.backend.SgnsJob;
import org.reckernels.reference.SgnsReference;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

class SgnsCpuTest {

    /** One batched update equals the double-precision reference (sigmoid table error ≈ 1e-4 of alpha·|row|). */
    private static void compare(int v, int d, int n, int m, boolean duplicates, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] in = new float[v * d];
        float[] out = new float[v * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) ((r.nextDouble() - 0.5) * scale);
            out[i] = (float) ((r.nextDouble() - 0.5) * scale);
        }
        int[] ctx = new int[n];
        int[] tgt = new int[m];
        for (int i = 0; i < n; i++) {
            ctx[i] = duplicates && i > 0 && r.nextInt(3) == 0 ? ctx[i - 1] : r.nextInt(v);
        }
        for (int j = 0; j < m; j++) {
            tgt[j] = duplicates && j > 1 && r.nextInt(3) == 0 ? tgt[j - 1] : r.nextInt(v);
        }
        double[] rin = new double[in.length];
        double[] rout = new double[out.length];
        for (int i = 0; i < in.length; i++) {
            rin[i] = in[i];
            rout[i] = out[i];
        }
        float alpha = 0.05f;
        double loss = SgnsCpu.windowUpdate(in, out, d, ctx, n, tgt, m, alpha, new float[n * m], new float[m * d]);
        double rloss = SgnsReference.windowUpdate(rin, rout, d, ctx, n, tgt, m, alpha);
        for (int i = 0; i < in.length; i++) {
            assertEquals(rin[i], in[i], 2e-4 * Math.max(1, scale), "in[" + i + "] d=" + d);
            assertEquals(rout[i], out[i], 2e-4 * Math.max(1, scale), "out[" + i + "] d=" + d);
        }
        assertEquals(rloss, loss, 1e-2 * n * m, "loss");
    }

    /** word2vec's per-pair step equals the literal double-precision transcription (repeated targets, target = context included). */
    @Test
    void exactPairUpdateMatchesReference() {
        long seed = 100;
        for (int d : new int[] {128, 100, 37, 16, 5, 1}) {
            for (int m : new int[] {1, 2, 6}) {
                for (int rep = 0; rep < 3; rep++) {
                    SplittableRandom r = new SplittableRandom(seed++);
                    int v = 12;
                    double scale = rep == 2 ? 8.0 : 1.0; // rep 2: dot products beyond ±6 (clipped)
                    float[] in = new float[v * d];
                    float[] out = new float[v * d];
                    for (int i = 0; i < in.length; i++) {
                        in[i] = (float) ((r.nextDouble() - 0.5) * scale);
                        out[i] = (float) ((r.nextDouble() - 0.5) * scale);
                    }
                    int ctx = r.nextInt(v);
                    int[] tgt = new int[m];
                    for (int j = 0; j < m; j++) {
                        tgt[j] = rep == 1 && j > 1 ? tgt[j - 1] : rep == 1 && j == 1 ? ctx : r.nextInt(v);
                    }
                    double[] rin = new double[in.length];
                    double[] rout = new double[out.length];
                    for (int i = 0; i < in.length; i++) {
                        rin[i] = in[i];
                        rout[i] = out[i];
                    }
                    float alpha = 0.05f;
                    double loss = SgnsCpu.pairUpdate(in, out, d, ctx, tgt, m, alpha, new float[d]);
                    double rloss = SgnsReference.pairUpdate(rin, rout, d, ctx, tgt, m, alpha);
                    for (int i = 0; i < in.length; i++) {
                        assertEquals(rin[i], in[i], 2e-4 * scale, "in[" + i + "] d=" + d + " m=" + m);
                        assertEquals(rout[i], out[i], 2e-4 * scale, "out[" + i + "] d=" + d + " m=" + m);
                    }
                    assertEquals(rloss, loss, 1e-2 * m + 1e-4 * Math.abs(rloss), "loss");
                }
            }
        }
    }

    /** A tiny explicit case: d = 2, one context, the center and one negative, all dots at 0 (σ = 1/2). */
    @Test
    void exactPairUpdateByHand() {
        float[] in = {1, 0, 0, 0, 0, 0};
        float[] out = {0, 0, 0, 1, 0, 0}; // OUT[1] = (0, 1): orthogonal to IN[0]; OUT[2] = 0
        float alpha = 0.1f;
        SgnsCpu.pairUpdate(in, out, 2, 0, new int[] {1, 2}, 2, alpha, new float[2]);
        // center 1: g = 0.1·(1 − 1/2) = 0.05: e = 0.05·(0, 1), OUT[1] += 0.05·(1, 0)
        // negative 2: g = 0.1·(0 − 1/2) = −0.05: e += −0.05·(0, 0), OUT[2] += −0.05·(1, 0)
        assertEquals(1f, in[0], 1e-6f);
        assertEquals(0.05f, in[1], 2e-4f);
        assertEquals(0.05f, out[2], 2e-4f);
        assertEquals(1f, out[3], 1e-6f);
        assertEquals(-0.05f, out[4], 2e-4f);
        assertEquals(0f, out[5], 1e-6f);
    }

    /** With distinct targets and one context, the per-pair step is the batched step with n = 1. */
    @Test
    void exactPairEqualsBatchedForOneContext() {
        SplittableRandom r = new SplittableRandom(5);
        int v = 20;
        int d = 64;
        float[] in = new float[v * d];
        float[] out = new float[v * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() - 0.5);
            out[i] = (float) (r.nextDouble() - 0.5);
        }
        int[] tgt = {3, 7, 11, 2, 19, 0};
        double[] rin = new double[in.length];
        double[] rout = new double[out.length];
        for (int i = 0; i < in.length; i++) {
            rin[i] = in[i];
            rout[i] = out[i];
        }
        SgnsCpu.pairUpdate(in, out, d, 5, tgt, tgt.length, 0.05f, new float[d]);
        SgnsReference.windowUpdate(rin, rout, d, new int[] {5}, 1, tgt, tgt.length, 0.05);
        for (int i = 0; i < in.length; i++) {
            assertEquals(rin[i], in[i], 2e-4);
            assertEquals(rout[i], out[i], 2e-4);
        }
    }

    @Test
    void batchedUpdateMatchesReference() {
        long seed = 1;
        for (int d : new int[] {128, 100, 37, 16, 5, 1}) {
            for (int n : new int[] {1, 3, 10, 16}) {
                for (int m : new int[] {1, 2, 6}) {
                    compare(40, d, n, m, false, 1.0, seed++);
                    compare(40, d, n, m, true, 1.0, seed++);
                }
            }
        }
    }

    @Test
    void clippingBeyondSixMatchesReference() {
        // large entries push dot products past ±6 where word2vec clips σ to 0/1
        compare(20, 32, 8, 6, true, 3.0, 99);
    }

    @Test
    void aliasTableDrawsTheUnigramPowerDistribution() {
        long[] counts = {1000, 300, 50, 0, 7, 1};
        AliasTable t = AliasTable.unigram(counts, 0.75);
        double z = 0;
        for (long c : counts) {
            z += Math.pow(c, 0.75);
        }
        for (int i = 0; i < counts.length; i++) {
            assertEquals(Math.pow(counts[i], 0.75) / z, t.probability(i), 1e-6, "p[" + i + "]");
        }
        SplittableRandom r = new SplittableRandom(3);
        int[] hist = new int[counts.length];
        int draws = 400_000;
        for (int k = 0; k < draws; k++) {
            hist[t.sample(r.nextLong())]++;
        }
        for (int i = 0; i < counts.length; i++) {
            double p = Math.pow(counts[i], 0.75) / z;
            assertEquals(p, hist[i] / (double) draws, 5 * Math.sqrt(p * (1 - p) / draws) + 1e-9, "frequency of " + i);
        }
        assertEquals(0, hist[3]);
        assertThrows(IllegalArgumentException.class, () -> AliasTable.unigram(new long[] {0, 0}, 0.75));
    }

    @Test
    void keepProbabilitiesFollowWord2vec() {
        long[] counts = {1_000_000, 1000, 1};
        float[] keep = SgnsJob.keepProbabilities(counts, 1e-4);
        double tn = 1e-4 * 1_001_001;
        assertEquals((Math.sqrt(1_000_000 / tn) + 1) * tn / 1_000_000, keep[0], 1e-6);
        assertEquals(1f, keep[2]);
        assertEquals(1f, SgnsJob.keepProbabilities(counts, 0)[0]);
        // word2vec's N is train_words: the tokens plus one </s> per line (here 500 lines)
        double tw = 1e-4 * (1_001_001 + 500);
        assertEquals((Math.sqrt(1_000_000 / tw) + 1) * tw / 1_000_000, SgnsJob.keepProbabilities(counts, 1e-4, 1_001_501)[0], 1e-6);
    }

    @Test
    void jobRejectsIdsOutsideTheVocabulary() {
        AliasTable t = AliasTable.unigram(new long[] {3, 2}, 0.75);
        assertThrows(IllegalArgumentException.class, () -> new SgnsJob(new int[] {0, 2}, new int[] {0, 2}, new float[] {1, 1}, t,
                3, 5, 5, false, 0.025f, 1e-4f, 1, 1, 1, null));
    }

    @Test
    void trainingLowersTheLossAndIsFiniteWithManyWorkers() {
        // two disjoint "topics": tokens 0-9 and 10-19
        SplittableRandom r = new SplittableRandom(5);
        int seqs = 3000;
        int len = 10;
        int[] ids = new int[seqs * len];
        int[] starts = new int[seqs + 1];
        for (int s = 0; s < seqs; s++) {
            int base = (s % 2) * 10;
            for (int t = 0; t < len; t++) {
                ids[s * len + t] = base + r.nextInt(10);
            }
            starts[s + 1] = (s + 1) * len;
        }
        long[] counts = new long[20];
        for (int id : ids) {
            counts[id]++;
        }
        try (Backend b = new JavaBackend()) {
            HostMatrix init = HostMatrix.zeros(20, 24);
            for (int i = 0; i < 20 * 24; i++) {
                init.set(i / 24, i % 24, (float) ((r.nextDouble() - 0.5) / 24));
            }
            double[] losses = new double[4];
            for (int run = 0; run < 4; run++) {
                try (Matrix in = b.upload(init); Matrix out = b.allocate(20, 24)) {
                    SgnsJob job = new SgnsJob(ids, starts, SgnsJob.keepProbabilities(counts, 0), AliasTable.unigram(counts, 0.75),
                            ids.length + seqs, 3, 5, run % 2 == 1, 0.025f, 1e-4f, run % 2 == 0 ? 1 : 3, 7, 3, null, run >= 2);
                    SgnsJob.SgnsResult res = b.sgnsTrain(in, out, job);
                    assertEquals((long) (ids.length + seqs) * job.epochs(), res.wordsDone());
                    losses[run] = res.finalLoss();
                    HostMatrix h = HostMatrix.zeros(20, 24);
                    b.download(in, h);
                    // same-topic cosine above cross-topic cosine
                    double same = cos(h, 0, 1) + cos(h, 10, 11);
                    double cross = cos(h, 0, 10) + cos(h, 1, 11);
                    assertTrue(same > cross + 0.5, "same " + same + " cross " + cross);
                    for (float x : h.toArray()) {
                        assertTrue(Float.isFinite(x));
                    }
                    h.close();
                }
            }
            assertTrue(losses[0] < Math.log(2) * 0.9, "loss " + losses[0]);
            assertTrue(losses[2] < Math.log(2) * 0.9, "exact loss " + losses[2]);
            init.close();
        }
    }

    private static double cos(HostMatrix h, int a, int b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int c = 0; c < h.cols(); c++) {
            ab += h.get(a, c) * h.get(b, c);
            aa += h.get(a, c) * h.get(a, c);
            bb += h.get(b, c) * h.get(b, c);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
