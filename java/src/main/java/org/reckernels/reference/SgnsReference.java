package org.reckernels.reference;

/**
 * Test oracle for the batched SGNS update (double precision, no tricks), in the style of
 * {@link ReferenceOps}:
 * <pre>
 *   F_ij = IN[ctx_i]·OUT[tgt_j];  σ = 1/(1+e^−F), 1 when F > 6 and 0 when F < −6 (word2vec's clipping)
 *   G_ij = alpha·(label_j − σ),  label_0 = 1, label_j = 0 for j > 0
 *   IN[ctx_i] += Σ_j G_ij OUT_old[tgt_j];   OUT[tgt_j] += Σ_i G_ij IN_old[ctx_i]
 * </pre>
 * Repeated rows receive every update (they add). Returns Σ softplus(∓F) (the pairs' loss).
 */
public final class SgnsReference {
    private SgnsReference() {
    }

    public static double windowUpdate(double[] in, double[] out, int d, int[] ctx, int n, int[] tgt, int m, double alpha) {
        double[][] g = new double[n][m];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double f = 0;
                for (int c = 0; c < d; c++) {
                    f += in[ctx[i] * d + c] * out[tgt[j] * d + c];
                }
                double s = f > 6 ? 1 : f < -6 ? 0 : 1 / (1 + Math.exp(-f));
                double label = j == 0 ? 1 : 0;
                g[i][j] = alpha * (label - s);
                loss += Math.log1p(Math.exp(j == 0 ? -f : f));
            }
        }
        double[] in0 = in.clone();
        double[] out0 = out.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                for (int c = 0; c < d; c++) {
                    in[ctx[i] * d + c] += g[i][j] * out0[tgt[j] * d + c];
                    out[tgt[j] * d + c] += g[i][j] * in0[ctx[i] * d + c];
                }
            }
        }
        return loss;
    }

    /**
     * word2vec's skip-gram step for one (context, center) pair, literally (double precision):
     * tgt[0] label 1, the rest label 0; for each target in order f = IN[ctx]·OUT[t], g = alpha·(label − σ(f))
     * with the clipping above, e += g·OUT[t], OUT[t] += g·IN[ctx]; then IN[ctx] += e. Returns Σ softplus(∓f).
     */
    public static double pairUpdate(double[] in, double[] out, int d, int ctx, int[] tgt, int m, double alpha) {
        double[] e = new double[d];
        double loss = 0;
        for (int j = 0; j < m; j++) {
            int t = tgt[j];
            double f = 0;
            for (int c = 0; c < d; c++) {
                f += in[ctx * d + c] * out[t * d + c];
            }
            double label = j == 0 ? 1 : 0;
            double g = f > 6 ? (label - 1) * alpha : f < -6 ? label * alpha : (label - 1 / (1 + Math.exp(-f))) * alpha;
            loss += Math.log1p(Math.exp(j == 0 ? -f : f));
            for (int c = 0; c < d; c++) {
                e[c] += g * out[t * d + c];
            }
            for (int c = 0; c < d; c++) {
                out[t * d + c] += g * in[ctx * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            in[ctx * d + c] += e[c];
        }
        return loss;
    }
}
