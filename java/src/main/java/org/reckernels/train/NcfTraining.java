package org.reckernels.train;

import java.util.Map;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.FullRankingEvaluator;
import org.reckernels.eval.RankingReport;
import org.reckernels.model.NCF;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * One NCF run end to end: the model on the backend, binary cross-entropy training with sampled negatives,
 * periodic full-ranking evaluation through the network ({@link NCF#scorer}), early stopping with the best
 * parameters restored, and a final evaluation.
 *
 * <p>Loss: BCE with {@code negatives} sampled negatives per positive, as the NCF paper, rather than BPR:
 * it is the recipe NCF was published with (so the baseline is the paper's model, not a variant), and it
 * maps onto the fused {@link Backend#logisticLossGrad} op. Per epoch, positives come from
 * {@link BprSampler#sampleEpoch} (as many as training interactions: user uniform, positive uniform among
 * the user's items, the same sampling as the BPR models), each with its triple's negative plus
 * {@code negatives − 1} more from {@link BprSampler#sampleNegative} (never a training positive). The
 * epoch is rounded up to whole batches by reusing its first samples, so every step has the batch's shape
 * and no buffer is allocated per step.
 * <pre>
 *   loss_step = mean over the batch's R = batchSize·(1 + negatives) pairs of softplus(z) − y·z
 *               + l2·½ Σ_rows ‖embedding rows‖² / R            (the reported loss is the BCE part alone)
 * </pre>
 * The listener gets the BPR trainer's events: {@link TrainingListener.Epoch} per epoch (samplesPerSec =
 * scored pairs per second), progress inside long epochs, evaluations and early stop.
 */
public final class NcfTraining {
    private NcfTraining() {
    }

    /**
     * @param epochsRun       epochs trained
     * @param bestEpoch       epoch of the best evaluated recall@20 (its parameters are the returned model's)
     * @param lastLoss        mean BCE of the last epoch
     * @param secondsPerEpoch mean training time of an epoch (without evaluation)
     * @param finalEval       full-ranking metrics of the returned parameters
     */
    public record Outcome(int epochsRun, int bestEpoch, double lastLoss, double secondsPerEpoch, RankingReport finalEval) {
    }

    public static Outcome run(Backend backend, TrainTestSplit data, NcfConfig config, TrainingListener listener, int... ks) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        FullRankingEvaluator evaluator = new FullRankingEvaluator(backend, data.train(), data.test(), ks);
        try (CsrMatrix r = data.train().toCsr();
             NCF model = new NCF(backend, data.numUsers(), data.numItems(), config.gmfDim(), config.towerArray(),
                     config.initStd(), config.seed())) {
            return train(backend, model, new BprSampler(r), evaluator, config, l);
        }
    }

    /** Trains {@code model} in place; evaluates with {@code evaluator} (every evalEvery epochs and after the last). */
    public static Outcome train(Backend backend, NCF model, BprSampler sampler, FullRankingEvaluator evaluator,
                                NcfConfig config, TrainingListener listener) {
        int group = 1 + config.negatives();
        int rowsPerBatch = Math.multiplyExact(config.batchSize(), group);
        Random rnd = new Random(config.seed() ^ 0x9e3779b97f4a7c15L);
        float[] label = new float[rowsPerBatch];
        for (int i = 0; i < rowsPerBatch; i += group) {
            label[i] = 1f;
        }
        try (NCF.Batch batch = model.batch(rowsPerBatch);
             NCF.Scorer scorer = model.scorer(config.scoreTileRows());
             HostMatrix hostLabels = HostMatrix.of(rowsPerBatch, 1, label);
             Matrix labels = backend.upload(hostLabels);
             Matrix gradLogits = backend.allocate(rowsPerBatch, 1);
             Matrix lossSum = backend.allocate(1, 1);
             HostMatrix scalar = HostMatrix.zeros(1, 1);
             EarlyStopping stopping = new EarlyStopping(backend, model.parameters(), config.patience())) {
            long step = 0;
            double lastLoss = Double.NaN;
            EpochClock clock = new EpochClock(listener, config.epochs());
            RankingReport lastReport = null;
            int lastReportEpoch = -1;
            int epoch = 0;
            while (epoch < config.epochs()) {
                epoch++;
                clock.start(epoch);
                BprSampler.Triples triples = sampler.sampleEpoch(rnd);
                int n = triples.size();
                int batches = (n + config.batchSize() - 1) / config.batchSize();
                int pairs = Math.multiplyExact(batches, rowsPerBatch);
                int[] us = new int[pairs];
                int[] is = new int[pairs];
                for (int j = 0; j < batches * config.batchSize(); j++) {
                    int s = j % n;  // the last batch is completed with the epoch's first samples
                    int u = triples.users()[s];
                    int base = j * group;
                    java.util.Arrays.fill(us, base, base + group, u);
                    is[base] = triples.pos()[s];
                    is[base + 1] = triples.neg()[s];
                    for (int k = 2; k < group; k++) {
                        is[base + k] = sampler.sampleNegative(u, rnd);
                    }
                }
                backend.fill(lossSum, 0f);
                try (IndexVector uv = backend.upload(us); IndexVector iv = backend.upload(is)) {
                    for (int b = 0; b < batches; b++) {
                        long from = (long) b * rowsPerBatch;
                        try (IndexVector u = uv.slice(from, rowsPerBatch); IndexVector i = iv.slice(from, rowsPerBatch)) {
                            Matrix logits = model.forward(batch, u, i);
                            backend.logisticLossGrad(logits, labels, 1f / rowsPerBatch, gradLogits, lossSum);
                            model.backward(batch, gradLogits);
                            model.step(batch, config.lr(), config.l2(), ++step);
                        }
                        clock.progress(from + rowsPerBatch, pairs);
                    }
                }
                lastLoss = read(backend, lossSum, scalar) / pairs;
                clock.end(lastLoss, pairs);
                if (!Double.isFinite(lastLoss)) {
                    throw new IllegalStateException("NcfTraining: loss became " + lastLoss + " in epoch " + epoch
                            + " (learning rate " + config.lr() + " too high?)");
                }
                boolean evaluate = config.evalEvery() > 0 ? epoch % config.evalEvery() == 0 || epoch == config.epochs()
                        : epoch == config.epochs();
                if (evaluate) {
                    RankingReport report = evaluator.report(scorer);
                    lastReport = report;
                    lastReportEpoch = epoch;
                    Map<String, Double> metrics = report.asMap();
                    if (stopping.evaluated(epoch, metrics, metrics.getOrDefault("recall@20", Double.NaN), listener)) {
                        break;
                    }
                }
            }
            RankingReport finalReport;
            if (stopping.restoreBest(epoch)) {
                model.parametersChanged();
                finalReport = evaluator.report(scorer);
            } else if (lastReportEpoch == epoch) {
                finalReport = lastReport;
            } else {
                finalReport = evaluator.report(scorer);
            }
            backend.synchronize();
            return new Outcome(epoch, stopping.bestEpoch(), lastLoss, clock.secondsPerEpoch(), finalReport);
        }
    }

    private static double read(Backend backend, Matrix m, HostMatrix scalar) {
        backend.download(m, scalar);
        return scalar.get(0, 0);
    }
}
