package org.reckernels.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.Matrix;

/**
 * Early stopping with the best parameters kept, as the BPR and NCF trainers do it: each evaluation
 * offers the watched metric; a strictly better value (so NaN never is) copies every parameter
 * tensor into a device-side snapshot, anything else counts towards {@code patience}. After the
 * loop, {@link #restoreBest} copies the snapshot back unless the last epoch is the best one.
 * Holds one copy of each parameter tensor on the backend; close it however the run ends.
 */
final class EarlyStopping implements AutoCloseable {
    private final Backend backend;
    private final List<Matrix> params;
    private final List<Matrix> best = new ArrayList<>();
    private final int patience;
    private double bestValue = Double.NEGATIVE_INFINITY;
    private int bestEpoch;
    private Map<String, Double> bestMetrics = Map.of();
    private int sinceBest;

    /**
     * @param params   the trained tensors, snapshotted on improvement and restored by {@link #restoreBest}
     * @param patience stop after this many evaluations without improvement (0: never)
     */
    EarlyStopping(Backend backend, List<Matrix> params, int patience) {
        this.backend = backend;
        this.params = params;
        this.patience = patience;
        try {
            for (Matrix p : params) {
                best.add(backend.allocate(p.rows(), p.cols()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Records the evaluation after {@code epoch}, tells the listener, and says whether to stop.
     *
     * @param value the watched metric's value in {@code metrics}; the parameters are snapshotted when it
     *              beats every earlier value
     * @return true when patience is set and the last {@code patience} evaluations brought no improvement
     *         (the listener has then had {@link TrainingListener#onEarlyStop})
     */
    boolean evaluated(int epoch, Map<String, Double> metrics, double value, TrainingListener listener) {
        boolean improved = value > bestValue;
        if (improved) {
            bestValue = value;
            bestEpoch = epoch;
            bestMetrics = metrics;
            sinceBest = 0;
            for (int i = 0; i < params.size(); i++) {
                backend.axpby(1f, params.get(i), 0f, best.get(i));
            }
        } else {
            sinceBest++;
        }
        listener.onEvaluation(epoch, metrics, improved);
        if (patience > 0 && sinceBest >= patience) {
            listener.onEarlyStop(epoch, bestEpoch);
            return true;
        }
        return false;
    }

    /**
     * Copies the best evaluated parameters back unless nothing was evaluated or {@code lastEpoch} is the
     * best epoch (then the parameters already are the best).
     *
     * @return whether the parameters were changed
     */
    boolean restoreBest(int lastEpoch) {
        if (bestEpoch == 0 || bestEpoch == lastEpoch) {
            return false;
        }
        for (int i = 0; i < params.size(); i++) {
            backend.axpby(1f, best.get(i), 0f, params.get(i));
        }
        return true;
    }

    /** The epoch of the best evaluation, 0 before the first improvement. */
    int bestEpoch() {
        return bestEpoch;
    }

    /** The metrics of the best evaluation (empty before the first). */
    Map<String, Double> bestMetrics() {
        return bestMetrics;
    }

    @Override
    public void close() {
        best.forEach(Matrix::close);
        best.clear();
    }
}
