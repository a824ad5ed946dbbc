package org.reckernels.train;

import java.util.List;

/**
 * Settings of an NCF (NeuMF) run: binary cross-entropy over each sampled positive and
 * {@code negatives} sampled non-interacted items (the NCF paper's recipe), Adam.
 *
 * @param gmfDim     GMF embedding width
 * @param tower      MLP tower widths: input (2 x the MLP embedding width), then each layer (e.g. 64, 32, 16)
 * @param lr         Adam learning rate (embeddings: lazy Adam; dense layers: Adam)
 * @param l2         L2 on the batch's embedding rows (per-batch mean, as the BPR trainer) and weight decay
 *                   on the dense weights
 * @param batchSize  positives per step (each brings {@code negatives} negatives: batchSize·(1 + negatives) pairs)
 * @param epochs     maximum epochs (an epoch: as many positives as training interactions)
 * @param negatives  sampled negatives per positive
 * @param seed       seed of the initial parameters and the sampler
 * @param evalEvery  full-ranking evaluation every this many epochs, and after the last (0: only after the last)
 * @param patience   stop after this many evaluations without a better recall@20 (0: never)
 * @param initStd    standard deviation of the normal initial embeddings
 * @param scoreTileRows pairs per forward of the full-ranking scorer (users per tile = this / items)
 */
public record NcfConfig(int gmfDim, List<Integer> tower, float lr, float l2, int batchSize, int epochs, int negatives,
                        long seed, int evalEvery, int patience, float initStd, int scoreTileRows) {
    public NcfConfig {
        tower = List.copyOf(tower);
        if (gmfDim < 1 || tower.size() < 2 || tower.get(0) % 2 != 0 || tower.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("NcfConfig: gmfDim " + gmfDim + " must be >= 1 and tower " + tower
                    + " needs an even input width and at least one layer, all widths >= 1");
        }
        if (!(lr > 0) || !(l2 >= 0) || batchSize < 1 || epochs < 0 || negatives < 1 || evalEvery < 0 || patience < 0
                || !(initStd >= 0) || scoreTileRows < 1) {
            throw new IllegalArgumentException("NcfConfig: bad settings lr=" + lr + " l2=" + l2 + " batchSize=" + batchSize
                    + " epochs=" + epochs + " negatives=" + negatives + " evalEvery=" + evalEvery + " patience=" + patience
                    + " initStd=" + initStd + " scoreTileRows=" + scoreTileRows);
        }
    }

    /** The synthetic default's settings (tuned to finish in seconds on two cores). */
    public static NcfConfig syntheticDefaults() {
        return new NcfConfig(32, List.of(64, 32, 16), 5e-3f, 1e-4f, 1024, 20, 4, 2020, 5, 0, 0.01f, 1 << 16);
    }

    /** The paper's setting for real data (batch 256, lr 1e-3, 4 negatives, factors 32 with a 64-32-16 tower). */
    public static NcfConfig paperDefaults(int epochs) {
        return new NcfConfig(32, List.of(64, 32, 16), 1e-3f, 1e-4f, 256, epochs, 4, 2020, 5, 3, 0.01f, 1 << 16);
    }

    public int[] towerArray() {
        return tower.stream().mapToInt(Integer::intValue).toArray();
    }

    public NcfConfig withEpochs(int e) {
        return new NcfConfig(gmfDim, tower, lr, l2, batchSize, e, negatives, seed, evalEvery, patience, initStd, scoreTileRows);
    }

    public NcfConfig withEvalEvery(int every) {
        return new NcfConfig(gmfDim, tower, lr, l2, batchSize, epochs, negatives, seed, every, patience, initStd, scoreTileRows);
    }
}
