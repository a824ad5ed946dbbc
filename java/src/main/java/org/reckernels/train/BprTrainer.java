package org.reckernels.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.reckernels.backend.Backend;
import org.reckernels.model.EmbeddingModel;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;

/**
 * Trains an {@link EmbeddingModel} with the BPR loss and Adam, the LightGCN reference recipe:
 * each step propagates the whole graph (forward, training mode), takes the fused BPR gradient of
 * the batch's final embeddings, maps it back through the propagation (backward) to every
 * parameter tensor, adds the L2 gradient of the batch's ego embeddings (parameter 0), and applies
 * a dense Adam step to each parameter tensor. Evaluation runs in evaluation mode (no dropout).
 * <pre>
 *   loss_step = mean_b softplus(−(F_u·F_p − F_u·F_n)) + l2 · ½(‖E⁰_u‖² + ‖E⁰_p‖² + ‖E⁰_n‖²) / b
 * </pre>
 * Every op goes through the {@link Backend}, so the same loop runs on CPU and GPU. Evaluation is a
 * callback (full ranking lives in eval/); with early stopping the best parameters are restored.
 */
public final class BprTrainer {
    private final Backend backend;
    private final BprConfig config;
    private final TrainingListener listener;

    public BprTrainer(Backend backend, BprConfig config, TrainingListener listener) {
        this.backend = backend;
        this.config = config;
        this.listener = listener == null ? TrainingListener.NONE : listener;
    }

    /** What a run did. */
    public record Result(int epochsRun, int bestEpoch, Map<String, Double> bestMetrics, double lastLoss,
                         double secondsPerEpoch) {
    }

    /**
     * @param evaluator maps the model (after forward) to metrics including {@code config.watchMetric()};
     *                  may be null when {@code evalEvery} is 0
     */
    public Result train(EmbeddingModel model, BprSampler sampler, Function<EmbeddingModel, Map<String, Double>> evaluator) {
        if (config.evalEvery() > 0 && evaluator == null) {
            throw new IllegalArgumentException("BprTrainer: evalEvery = " + config.evalEvery() + " but no evaluator given");
        }
        List<Matrix> params = model.parameters();
        Matrix ego = params.get(0);
        Matrix fin = model.finalEmbeddings();
        Random rnd = new Random(config.seed());
        List<Matrix> gradParams = new ArrayList<>();
        List<Matrix> adamM = new ArrayList<>();
        List<Matrix> adamV = new ArrayList<>();
        try (Matrix gradFinal = backend.allocate(fin.rows(), fin.cols());
             Matrix bprSum = backend.allocate(1, 1);
             Matrix l2Sum = backend.allocate(1, 1);
             HostMatrix scalar = HostMatrix.zeros(1, 1);
             Scope scope = new Scope(gradParams, adamM, adamV);
             EarlyStopping stopping = new EarlyStopping(backend, params, config.patience())) {
            for (Matrix p : params) {
                gradParams.add(backend.allocate(p.rows(), p.cols()));
                adamM.add(backend.allocate(p.rows(), p.cols()));
                adamV.add(backend.allocate(p.rows(), p.cols()));
            }
            Matrix gradEgo = gradParams.get(0);
            long step = 0;
            double lastLoss = Double.NaN;
            EpochClock clock = new EpochClock(listener, config.epochs());
            int epoch = 0;
            while (epoch < config.epochs()) {
                epoch++;
                clock.start(epoch);
                BprSampler.Triples triples = sampler.sampleEpoch(rnd);
                int n = triples.size();
                int batches = 0;
                backend.fill(bprSum, 0f);
                backend.fill(l2Sum, 0f);
                try (IndexVector us = backend.upload(triples.users());
                     IndexVector ps = backend.upload(triples.pos());
                     IndexVector ns = backend.upload(triples.neg())) {
                    for (int from = 0; from < n; from += config.batchSize()) {
                        int b = Math.min(config.batchSize(), n - from);
                        try (IndexVector u = us.slice(from, b); IndexVector p = ps.slice(from, b);
                             IndexVector q = ns.slice(from, b)) {
                            model.setTraining(true);
                            model.forward();
                            backend.fill(gradFinal, 0f);
                            backend.bprLossGrad(model.finalEmbeddings(), u, p, q, 1f / b, gradFinal, bprSum);
                            model.backward(gradFinal, gradParams);
                            float coef = config.l2() / b;
                            backend.l2RowsLossGrad(ego, u, coef, gradEgo, l2Sum);
                            backend.l2RowsLossGrad(ego, p, coef, gradEgo, l2Sum);
                            backend.l2RowsLossGrad(ego, q, coef, gradEgo, l2Sum);
                            ++step;
                            for (int i = 0; i < params.size(); i++) {
                                backend.adam(params.get(i), gradParams.get(i), adamM.get(i), adamV.get(i), config.lr(),
                                        0.9f, 0.999f, 1e-8f, step);
                            }
                        }
                        batches++;
                        clock.progress(from + b, n);
                    }
                }
                lastLoss = read(bprSum, scalar) / Math.max(1, n) + read(l2Sum, scalar) / Math.max(1, batches);
                clock.end(lastLoss, n);
                if (!Double.isFinite(lastLoss)) {
                    throw new IllegalStateException("BprTrainer: loss became " + lastLoss + " in epoch " + epoch
                            + " (learning rate " + config.lr() + " too high?)");
                }
                if (config.evalEvery() > 0 && (epoch % config.evalEvery() == 0 || epoch == config.epochs())) {
                    model.setTraining(false);
                    model.forward();
                    Map<String, Double> metrics = evaluator.apply(model);
                    Double value = metrics.get(config.watchMetric());
                    if (value == null) {
                        throw new IllegalArgumentException("BprTrainer: evaluator returned no '" + config.watchMetric()
                                + "' (has " + metrics.keySet() + ")");
                    }
                    if (stopping.evaluated(epoch, metrics, value, listener)) {
                        break;
                    }
                }
            }
            stopping.restoreBest(epoch);
            model.setTraining(false);
            model.forward();
            backend.synchronize();
            return new Result(epoch, stopping.bestEpoch(), stopping.bestMetrics(), lastLoss, clock.secondsPerEpoch());
        }
    }

    /** Closes the per-parameter buffers (gradients, Adam moments) however the run ends. */
    private record Scope(List<Matrix> gradParams, List<Matrix> adamM, List<Matrix> adamV) implements AutoCloseable {
        @Override
        public void close() {
            for (List<Matrix> list : List.of(gradParams, adamM, adamV)) {
                for (Matrix m : list) {
                    m.close();
                }
            }
        }
    }

    private double read(Matrix m, HostMatrix scalar) {
        backend.download(m, scalar);
        return scalar.get(0, 0);
    }
}
