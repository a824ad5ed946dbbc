package org.reckernels.backend.java;

import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.reckernels.backend.AliasTable;
import org.reckernels.backend.SgnsJob;

/**
 * Skip-gram negative sampling on the CPU: Hogwild threads over contiguous shares of the corpus,
 * each step a small dense batched update with the Vector API (pWord2Vec, Ji et al.).
 *
 * <p>For one center position with contexts c_1..c_n (its dynamic window) and targets
 * o_0 = center (label 1), o_1..o_k = negatives drawn once for the window (label 0, a draw equal to
 * the center is skipped as word2vec does):
 * <pre>
 *   F = IN[c] · OUT[o]ᵀ                           (n x (k+1)) dot products
 *   G = alpha · (label − σ(F))                    word2vec's clipping: F > 6 → σ = 1, F < −6 → σ = 0
 *   IN[c_i]  += Σ_j G_ij OUT[o_j]                 (from the OUT rows before this update)
 *   OUT[o_j] += Σ_i G_ij IN[c_i]                  (from the IN rows before this update)
 * </pre>
 * word2vec's skip-gram applies the same n·(k+1) logistic terms, with the center's row of OUT as
 * target and the contexts' rows of IN as inputs; it draws fresh negatives per (context, center) pair
 * and applies the updates one pair at a time. Sharing the negatives over the window and applying the
 * window's updates together keeps each gradient term equal in expectation and turns the inner loops
 * into three small dense products on rows that stay in L1. Windows over more than {@link #MAX_CTX}
 * contexts (whole-sequence mode) are processed in chunks of MAX_CTX contexts with fresh negatives.
 *
 * <p>{@link SgnsJob#exactWord2Vec()} trains in word2vec's own order instead ({@link #pairUpdate}): for
 * each context c of the center (left to right), fresh negatives, then for each target o (the center
 * first) f = IN[c]·OUT[o], g = alpha·(label − σ(f)), e += g·OUT[o], OUT[o] += g·IN[c] at once, and
 * IN[c] += e after the targets. The batched mode's estimate of the gradient is unbiased but its
 * negatives are shared by up to 2·window pairs, which measurably lowers the vectors' agreement with
 * word2vec's (bench/results/sgns-kjv6-*.json).
 */
final class SgnsCpu {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MAX_CTX = 16;
    static final float MAX_EXP = 6f;
    private static final int TABLE = 4096;
    private static final float SCALE = TABLE / (2 * MAX_EXP);
    /** σ(x) at x = −6 + i·12/TABLE. */
    private static final float[] SIGMOID = new float[TABLE + 1];
    /** softplus(−x) = −log σ(x) at the same points (loss estimate). */
    private static final float[] NEG_LOG_SIGMOID = new float[TABLE + 1];

    static {
        for (int i = 0; i <= TABLE; i++) {
            double x = -MAX_EXP + i / (double) SCALE;
            SIGMOID[i] = (float) (1 / (1 + Math.exp(-x)));
            NEG_LOG_SIGMOID[i] = (float) Math.log1p(Math.exp(-x));
        }
    }

    private SgnsCpu() {
    }

    /**
     * One batched update (the formula in the class comment).
     * <pre>
     *   in, out: (V x d) row-major;  ctx[0..n): rows of in;  tgt[0..m): rows of out, tgt[0] the positive
     *   g: scratch of n·m floats;  tmp: scratch of m·d floats;  returns Σ −log σ(±F) (the loss of the pairs)
     * </pre>
     */
    static double windowUpdate(float[] in, float[] out, int d, int[] ctx, int n, int[] tgt, int m, float alpha, float[] g,
                               float[] tmp) {
        int dv = d - d % L;
        double loss = 0;
        // 1. dots and gradients
        for (int i = 0; i < n; i++) {
            int io = ctx[i] * d;
            int j = 0;
            for (; j + 1 < m; j += 2) {
                int o0 = tgt[j] * d;
                int o1 = tgt[j + 1] * d;
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                for (int c = 0; c < dv; c += L) {
                    FloatVector x = FloatVector.fromArray(S, in, io + c);
                    a0 = x.fma(FloatVector.fromArray(S, out, o0 + c), a0);
                    a1 = x.fma(FloatVector.fromArray(S, out, o1 + c), a1);
                }
                float f0 = LaneSum.sum(a0);
                float f1 = LaneSum.sum(a1);
                for (int c = dv; c < d; c++) {
                    f0 += in[io + c] * out[o0 + c];
                    f1 += in[io + c] * out[o1 + c];
                }
                loss += grad(f0, j == 0, alpha, g, i * m + j);
                loss += grad(f1, false, alpha, g, i * m + j + 1);
            }
            if (j < m) {
                int o0 = tgt[j] * d;
                FloatVector a0 = FloatVector.zero(S);
                for (int c = 0; c < dv; c += L) {
                    a0 = FloatVector.fromArray(S, in, io + c).fma(FloatVector.fromArray(S, out, o0 + c), a0);
                }
                float f0 = LaneSum.sum(a0);
                for (int c = dv; c < d; c++) {
                    f0 += in[io + c] * out[o0 + c];
                }
                loss += grad(f0, j == 0, alpha, g, i * m + j);
            }
        }
        // 2. tmp[j] = Σ_i G_ij IN[c_i]   (old IN rows)
        for (int j = 0; j < m; j++) {
            int to = j * d;
            for (int c = 0; c < dv; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < n; i++) {
                    acc = FloatVector.fromArray(S, in, ctx[i] * d + c).fma(FloatVector.broadcast(S, g[i * m + j]), acc);
                }
                acc.intoArray(tmp, to + c);
            }
            for (int c = dv; c < d; c++) {
                float acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += g[i * m + j] * in[ctx[i] * d + c];
                }
                tmp[to + c] = acc;
            }
        }
        // 3. IN[c_i] += Σ_j G_ij OUT[o_j]   (old OUT rows)
        for (int i = 0; i < n; i++) {
            int io = ctx[i] * d;
            int gi = i * m;
            for (int c = 0; c < dv; c += L) {
                FloatVector acc = FloatVector.fromArray(S, in, io + c);
                for (int j = 0; j < m; j++) {
                    acc = FloatVector.fromArray(S, out, tgt[j] * d + c).fma(FloatVector.broadcast(S, g[gi + j]), acc);
                }
                acc.intoArray(in, io + c);
            }
            for (int c = dv; c < d; c++) {
                float acc = in[io + c];
                for (int j = 0; j < m; j++) {
                    acc += g[gi + j] * out[tgt[j] * d + c];
                }
                in[io + c] = acc;
            }
        }
        // 4. OUT[o_j] += tmp[j]
        for (int j = 0; j < m; j++) {
            int oo = tgt[j] * d;
            int to = j * d;
            for (int c = 0; c < dv; c += L) {
                FloatVector.fromArray(S, out, oo + c).add(FloatVector.fromArray(S, tmp, to + c)).intoArray(out, oo + c);
            }
            for (int c = dv; c < d; c++) {
                out[oo + c] += tmp[to + c];
            }
        }
        return loss;
    }

    /**
     * word2vec's skip-gram step for one (context, center) pair, in its order:
     * <pre>
     *   tgt[0] the center (label 1), tgt[1..m) negatives (label 0);  e = 0
     *   for j: f = IN[ctx]·OUT[tgt_j];  g = alpha·(label_j − σ(f));  e += g·OUT[tgt_j];  OUT[tgt_j] += g·IN[ctx]
     *   IN[ctx] += e
     * </pre>
     * A target repeated in tgt sees its own earlier update (sequential). neu1e: scratch of d floats.
     * Returns Σ −log σ(±f).
     */
    static double pairUpdate(float[] in, float[] out, int d, int ctx, int[] tgt, int m, float alpha, float[] neu1e) {
        int dv = d - d % L;
        int io = ctx * d;
        java.util.Arrays.fill(neu1e, 0, d, 0f);
        double loss = 0;
        for (int j = 0; j < m; j++) {
            int oo = tgt[j] * d;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            int c = 0;
            for (; c + 2 * L <= dv; c += 2 * L) {
                a0 = FloatVector.fromArray(S, in, io + c).fma(FloatVector.fromArray(S, out, oo + c), a0);
                a1 = FloatVector.fromArray(S, in, io + c + L).fma(FloatVector.fromArray(S, out, oo + c + L), a1);
            }
            for (; c < dv; c += L) {
                a0 = FloatVector.fromArray(S, in, io + c).fma(FloatVector.fromArray(S, out, oo + c), a0);
            }
            float f = LaneSum.sum(a0.add(a1));
            for (c = dv; c < d; c++) {
                f += in[io + c] * out[oo + c];
            }
            boolean positive = j == 0;
            float g = alpha * ((positive ? 1f : 0f) - sigmoid(f));
            loss += negLogSigmoid(positive ? f : -f);
            FloatVector gv = FloatVector.broadcast(S, g);
            for (c = 0; c < dv; c += L) {
                FloatVector o = FloatVector.fromArray(S, out, oo + c);
                o.fma(gv, FloatVector.fromArray(S, neu1e, c)).intoArray(neu1e, c);
                FloatVector.fromArray(S, in, io + c).fma(gv, o).intoArray(out, oo + c);
            }
            for (c = dv; c < d; c++) {
                float o = out[oo + c];
                neu1e[c] += g * o;
                out[oo + c] = o + g * in[io + c];
            }
        }
        for (int c = 0; c < dv; c += L) {
            FloatVector.fromArray(S, in, io + c).add(FloatVector.fromArray(S, neu1e, c)).intoArray(in, io + c);
        }
        for (int c = dv; c < d; c++) {
            in[io + c] += neu1e[c];
        }
        return loss;
    }

    /** σ(f) with word2vec's clipping: 1 above MAX_EXP, 0 below −MAX_EXP. */
    private static float sigmoid(float f) {
        if (f > MAX_EXP) {
            return 1f;
        } else if (f < -MAX_EXP) {
            return 0f;
        }
        return SIGMOID[(int) ((f + MAX_EXP) * SCALE + 0.5f)];
    }

    /** −log σ(z) (softplus(−z)), linear below −MAX_EXP and 0 above MAX_EXP. */
    private static float negLogSigmoid(float z) {
        if (z > MAX_EXP) {
            return 0f;
        } else if (z < -MAX_EXP) {
            return -z;
        }
        return NEG_LOG_SIGMOID[(int) ((z + MAX_EXP) * SCALE + 0.5f)];
    }

    /** Writes alpha·(label − σ(f)) into g[at] (word2vec's clipping) and returns the pair's loss −log σ(±f). */
    private static float grad(float f, boolean positive, float alpha, float[] g, int at) {
        float z = positive ? f : -f; // the loss is softplus(−z)
        float s;
        float loss;
        if (f > MAX_EXP) {
            s = 1f;
        } else if (f < -MAX_EXP) {
            s = 0f;
        } else {
            s = SIGMOID[(int) ((f + MAX_EXP) * SCALE + 0.5f)];
        }
        if (z > MAX_EXP) {
            loss = 0f;
        } else if (z < -MAX_EXP) {
            loss = -z;
        } else {
            loss = NEG_LOG_SIGMOID[(int) ((z + MAX_EXP) * SCALE + 0.5f)];
        }
        g[at] = alpha * ((positive ? 1f : 0f) - s);
        return loss;
    }

    // ------------------------------------------------------------------ the Hogwild trainer

    /** Trains in place: {@code in}, {@code out} are (V x d) row-major. */
    static SgnsJob.SgnsResult train(float[] in, float[] out, int d, SgnsJob job) {
        int workers = job.workers();
        int[] starts = job.starts();
        int numSeq = starts.length - 1;
        // contiguous shares of sequences with about equal token counts
        int[] bounds = new int[workers + 1];
        long total = job.ids().length;
        int s = 0;
        for (int w = 1; w < workers; w++) {
            long target = total * w / workers;
            while (s < numSeq && starts[s] < target) {
                s++;
            }
            bounds[w] = s;
        }
        bounds[workers] = numSeq;
        AtomicLong done = new AtomicLong();
        long wordsTotal = job.words() * job.epochs();
        Worker[] ws = new Worker[workers];
        Thread[] threads = new Thread[workers];
        long t0 = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            // line ends are spread over workers in proportion to their sequences
            long lineWords = (job.words() - total) * (bounds[w + 1] - bounds[w]) / Math.max(1, numSeq);
            ws[w] = new Worker(in, out, d, job, bounds[w], bounds[w + 1], lineWords, done, wordsTotal, w);
            threads[w] = Thread.ofPlatform().name("sgns-" + w).daemon().start(ws[w]);
        }
        double lastLoss = Double.NaN;
        long lastReport = System.nanoTime();
        double[] lossSeen = new double[workers];
        long[] pairsSeen = new long[workers];
        try {
            for (int w = 0; w < workers; w++) {
                while (!threads[w].join(java.time.Duration.ofMillis(200))) {
                    if (job.progress() != null && System.nanoTime() - lastReport > 1_000_000_000L) {
                        lastReport = System.nanoTime();
                        lastLoss = lossSince(ws, lossSeen, pairsSeen, lastLoss);
                        job.progress().accept(new SgnsJob.SgnsProgress(done.get(), wordsTotal, (lastReport - t0) / 1e9,
                                alphaAt(job, done.get(), wordsTotal), lastLoss));
                    }
                }
            }
        } catch (InterruptedException e) {
            for (Worker w : ws) {
                w.stop = true;
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("SGNS training interrupted", e);
        }
        for (Worker w : ws) {
            if (w.failure != null) {
                throw new IllegalStateException("SGNS worker failed: " + w.failure, w.failure);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        lastLoss = lossSince(ws, lossSeen, pairsSeen, lastLoss);
        if (job.progress() != null) {
            job.progress().accept(new SgnsJob.SgnsProgress(done.get(), wordsTotal, seconds, job.minAlpha(), lastLoss));
        }
        return new SgnsJob.SgnsResult(done.get(), seconds, lastLoss);
    }

    private static double lossSince(Worker[] ws, double[] lossSeen, long[] pairsSeen, double previous) {
        double l = 0;
        long p = 0;
        for (int w = 0; w < ws.length; w++) {
            double lw = ws[w].lossAcc;
            long pw = ws[w].pairAcc;
            l += lw - lossSeen[w];
            p += pw - pairsSeen[w];
            lossSeen[w] = lw;
            pairsSeen[w] = pw;
        }
        return p > 0 ? l / p : previous;
    }

    static float alphaAt(SgnsJob job, long done, long wordsTotal) {
        if (job.exactWord2Vec()) { // word2vec: starting_alpha · (1 − word_count_actual / (iter · train_words + 1)), floored
            return Math.max(job.minAlpha(), job.alpha() * (float) (1 - (double) done / (wordsTotal + 1)));
        }
        float a = job.alpha() - (job.alpha() - job.minAlpha()) * (float) ((double) done / wordsTotal);
        return Math.max(job.minAlpha(), a);
    }

    private static final class Worker implements Runnable {
        private final float[] in;
        private final float[] out;
        private final int d;
        private final SgnsJob job;
        private final int s0;
        private final int s1;
        private final long lineWords;
        private final AtomicLong done;
        private final long wordsTotal;
        private long rng;
        volatile double lossAcc;
        volatile long pairAcc;
        volatile boolean stop;
        volatile Throwable failure;

        Worker(float[] in, float[] out, int d, SgnsJob job, int s0, int s1, long lineWords, AtomicLong done, long wordsTotal,
               int id) {
            this.in = in;
            this.out = out;
            this.d = d;
            this.job = job;
            this.s0 = s0;
            this.s1 = s1;
            this.lineWords = lineWords;
            this.done = done;
            this.wordsTotal = wordsTotal;
            this.rng = mix(job.seed() * 0x9E3779B97F4A7C15L + id + 1);
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            return z == 0 ? 0x9E3779B97F4A7C15L : z;
        }

        private long next() { // xorshift64*
            long x = rng;
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            rng = x;
            return x * 0x2545F4914F6CDD1DL;
        }

        @Override
        public void run() {
            try {
                loop();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void loop() {
            int[] ids = job.ids();
            int[] starts = job.starts();
            float[] keep = job.keep();
            AliasTable alias = job.negatives();
            int window = job.window();
            boolean whole = job.wholeSequence();
            int k = job.negative();
            int[] sen = new int[1024];
            int[] ctx = new int[MAX_CTX];
            int[] tgt = new int[k + 1];
            float[] g = new float[MAX_CTX * (k + 1)];
            float[] tmp = new float[(k + 1) * d];
            boolean exact = job.exactWord2Vec();
            int numSeq = s1 - s0;
            double loss = 0;
            long pairs = 0;
            long local = 0; // words since the last flush
            float alpha = alphaAt(job, done.get(), wordsTotal);
            for (int epoch = 0; epoch < job.epochs(); epoch++) {
                long lineRemainder = lineWords; // spread this share's line-end words over its sequences
                for (int si = s0; si < s1 && !stop; si++) {
                    int a = starts[si];
                    int b = starts[si + 1];
                    long lw = numSeq > 0 ? lineWords / numSeq : 0;
                    if (si == s1 - 1) {
                        lw = lineRemainder;
                    }
                    lineRemainder -= lw;
                    local += (b - a) + lw;
                    if (local >= 10_000) {
                        long now = done.addAndGet(local);
                        local = 0;
                        alpha = alphaAt(job, now, wordsTotal);
                        lossAcc += loss;
                        pairAcc += pairs;
                        loss = 0;
                        pairs = 0;
                    }
                    // subsample
                    int len = 0;
                    if (b - a > sen.length) {
                        sen = new int[b - a];
                    }
                    for (int p = a; p < b; p++) {
                        int w = ids[p];
                        float kp = keep[w];
                        if (kp >= 1f || ((next() >>> 40) * 0x1.0p-24f) < kp) {
                            sen[len++] = w;
                        }
                    }
                    if (len < 2) {
                        continue;
                    }
                    for (int pos = 0; pos < len; pos++) {
                        int center = sen[pos];
                        int lo;
                        int hi;
                        if (whole) {
                            lo = 0;
                            hi = len - 1;
                        } else {
                            int eff = window - (int) ((next() >>> 33) % window);
                            lo = Math.max(0, pos - eff);
                            hi = Math.min(len - 1, pos + eff);
                        }
                        if (exact) {
                            for (int q = lo; q <= hi; q++) {
                                if (q == pos) {
                                    continue;
                                }
                                tgt[0] = center;
                                int m = 1;
                                for (int t = 0; t < k; t++) {
                                    int neg = alias.sample(next());
                                    if (neg != center) {
                                        tgt[m++] = neg;
                                    }
                                }
                                loss += pairUpdate(in, out, d, sen[q], tgt, m, alpha, tmp);
                                pairs += m;
                            }
                            continue;
                        }
                        int q = lo;
                        while (q <= hi) {
                            int n = 0;
                            for (; q <= hi && n < MAX_CTX; q++) {
                                if (q != pos) {
                                    ctx[n++] = sen[q];
                                }
                            }
                            if (n == 0) {
                                break;
                            }
                            tgt[0] = center;
                            int m = 1;
                            for (int t = 0; t < k; t++) {
                                int neg = alias.sample(next());
                                if (neg != center) {
                                    tgt[m++] = neg;
                                }
                            }
                            loss += windowUpdate(in, out, d, ctx, n, tgt, m, alpha, g, tmp);
                            pairs += (long) n * m;
                        }
                    }
                }
            }
            done.addAndGet(local);
            lossAcc += loss;
            pairAcc += pairs;
        }
    }
}
