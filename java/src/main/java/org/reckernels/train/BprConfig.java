package org.reckernels.train;

/**
 * Settings of a BPR training run (the LightGCN paper's defaults for Gowalla: lr 1e-3, L2 1e-4,
 * batch 2048, Adam).
 *
 * @param epochs      maximum epochs
 * @param batchSize   triples per step
 * @param lr          Adam learning rate
 * @param l2          weight of the L2 penalty on the batch's ego embeddings (per batch mean)
 * @param seed        seed of the sampler
 * @param evalEvery   evaluate every this many epochs (0: never)
 * @param patience    stop after this many evaluations without improvement (0: never)
 * @param watchMetric the metric that early stopping and "best" watch, e.g. "recall@20"
 */
public record BprConfig(int epochs, int batchSize, float lr, float l2, long seed, int evalEvery, int patience,
                        String watchMetric) {
    public BprConfig {
        if (epochs < 0 || batchSize <= 0 || !(lr > 0) || !(l2 >= 0) || evalEvery < 0 || patience < 0) {
            throw new IllegalArgumentException("BprConfig: bad settings epochs=" + epochs + " batchSize=" + batchSize
                    + " lr=" + lr + " l2=" + l2 + " evalEvery=" + evalEvery + " patience=" + patience);
        }
    }

    public static BprConfig paperDefaults(int epochs) {
        return new BprConfig(epochs, 2048, 1e-3f, 1e-4f, 2020, 20, 5, "recall@20");
    }

    public BprConfig withEvalEvery(int every) {
        return new BprConfig(epochs, batchSize, lr, l2, seed, every, patience, watchMetric);
    }

    public BprConfig withL2(float coef) {
        return new BprConfig(epochs, batchSize, lr, coef, seed, evalEvery, patience, watchMetric);
    }

    public BprConfig withEpochs(int e) {
        return new BprConfig(e, batchSize, lr, l2, seed, evalEvery, patience, watchMetric);
    }
}
