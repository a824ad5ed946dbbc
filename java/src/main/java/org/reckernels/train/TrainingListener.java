package org.reckernels.train;

import java.util.Map;

/** Progress of a training run; the CLI draws it, a service may log it. Default: ignore. */
public interface TrainingListener {

    /**
     * @param epoch        1-based
     * @param epochs       planned epochs
     * @param loss         mean training loss of the epoch (BPR + L2)
     * @param samplesPerSec training samples processed per second in this epoch
     * @param seconds      wall time of the epoch
     * @param etaSeconds   estimated time to the last planned epoch
     */
    record Epoch(int epoch, int epochs, double loss, double samplesPerSec, double seconds, double etaSeconds) {
    }

    default void onEpoch(Epoch e) {
    }

    /** Inside a long epoch (at most every ~10 s): {@code done} of {@code total} samples, at this rate. */
    default void onProgress(int epoch, long done, long total, double samplesPerSec) {
    }

    /** Metrics of an evaluation after {@code epoch} (e.g. recall@20), and whether it is the best so far. */
    default void onEvaluation(int epoch, Map<String, Double> metrics, boolean best) {
    }

    /** Training stopped early: no improvement of the watched metric in {@code patience} evaluations. */
    default void onEarlyStop(int epoch, int bestEpoch) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
