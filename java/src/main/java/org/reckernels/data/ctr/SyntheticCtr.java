package org.reckernels.data.ctr;

import java.util.Random;

/**
 * Synthetic click-through data with a planted factorization machine, so that a trained model's quality
 * can be compared with the truth on the same held-out samples (no downloads):
 * <pre>
 *   field f has vocab[f] ids drawn with Zipf(1.1)-like popularity (a few hot ids, a long tail)
 *   true model: bias b, weights w[f][id] ~ N(0, wStd²), embeddings v[f][id] ∈ R^k ~ N(0, σ²)
 *   logit(s) = b + Σ_f w[f][id_f] + Σ_{f<g} ⟨v[f][id_f], v[g][id_g]⟩,   label ~ Bernoulli(σ(logit))
 * </pre>
 * σ is chosen so the pair term has standard deviation {@code pairStd} whatever F and k. The generator
 * keeps the true logit of every sample, so {@link #trueLogits} gives the Bayes-optimal scores.
 */
public final class SyntheticCtr {
    private final CtrDataset data;
    private final float[] trueLogits;

    private SyntheticCtr(CtrDataset data, float[] trueLogits) {
        this.data = data;
        this.trueLogits = trueLogits;
    }

    public CtrDataset data() {
        return data;
    }

    /** The planted model's logit for each sample. */
    public float[] trueLogits() {
        return trueLogits;
    }

    /** Settings: samples, fields, ids per field, true rank k, bias, wStd, pairStd, seed. */
    public record Spec(int samples, int fields, int vocab, int rank, float bias, float wStd, float pairStd, long seed) {
        /** The embedded default: 39 fields (as Criteo's 13 + 26), 200 ids each, rank 4. */
        public static Spec defaults(int samples, long seed) {
            return new Spec(samples, 39, 200, 4, -1.0f, 0.3f, 1.2f, seed);
        }
    }

    public static SyntheticCtr generate(Spec s) {
        if (s.samples() < 0 || s.fields() < 2 || s.vocab() < 1 || s.rank() < 1) {
            throw new IllegalArgumentException("SyntheticCtr: bad spec " + s);
        }
        Random rnd = new Random(s.seed());
        int f = s.fields();
        int n = s.vocab();
        int k = s.rank();
        double pairs = f * (f - 1) / 2.0;
        double sigma = Math.sqrt(s.pairStd() / Math.sqrt(pairs * k));
        float[][] w = new float[f][n];
        float[][][] v = new float[f][n][k];
        for (int a = 0; a < f; a++) {
            for (int i = 0; i < n; i++) {
                w[a][i] = (float) (rnd.nextGaussian() * s.wStd());
                for (int c = 0; c < k; c++) {
                    v[a][i][c] = (float) (rnd.nextGaussian() * sigma);
                }
            }
        }
        // Zipf-like sampling by inverse CDF over ranks (1/(r+1)^1.1).
        double[] cdf = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.pow(i + 1, -1.1);
            cdf[i] = total;
        }
        int[] vocab = new int[f];
        java.util.Arrays.fill(vocab, n);
        int[] ids = new int[s.samples() * f];
        float[] labels = new float[s.samples()];
        float[] logits = new float[s.samples()];
        double[] sum = new double[k];
        for (int smp = 0; smp < s.samples(); smp++) {
            double z = s.bias();
            java.util.Arrays.fill(sum, 0);
            double sq = 0;
            for (int a = 0; a < f; a++) {
                double u = rnd.nextDouble() * total;
                int id = java.util.Arrays.binarySearch(cdf, u);
                id = id >= 0 ? id : Math.min(n - 1, -id - 1);
                ids[smp * f + a] = id;
                z += w[a][id];
                for (int c = 0; c < k; c++) {
                    sum[c] += v[a][id][c];
                    sq += (double) v[a][id][c] * v[a][id][c];
                }
            }
            double ss = 0;
            for (int c = 0; c < k; c++) {
                ss += sum[c] * sum[c];
            }
            z += 0.5 * (ss - sq);
            logits[smp] = (float) z;
            labels[smp] = rnd.nextDouble() < 1.0 / (1.0 + Math.exp(-z)) ? 1f : 0f;
        }
        return new SyntheticCtr(new CtrDataset(vocab, ids, labels), logits);
    }
}
