package org.reckernels.train;

import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.FullRankingEvaluator;
import org.reckernels.eval.RankingReport;
import org.reckernels.model.IalsObjective;
import org.reckernels.model.ImplicitALS;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;

/**
 * One implicit-ALS run end to end: R and Rᵀ from the training interactions, {@link ImplicitALS}
 * on the backend, {@code sweeps} sweeps with a progress event per sweep, optional evaluations,
 * and a final full-ranking evaluation.
 *
 * <p>Per sweep the listener gets {@link TrainingListener.Epoch} with: epoch = sweep,
 * loss = the objective ({@link IalsObjective}) divided by the number of training interactions
 * (computed on the host after the timed part, or NaN when {@code trackObjective} is off),
 * samplesPerSec = interactions visited per second (2·nnz per sweep), seconds = wall time of the
 * sweep alone (the backend synchronised), etaSeconds from the mean sweep time.
 */
public final class IalsTraining {
    private IalsTraining() {
    }

    /**
     * What a run produced.
     *
     * @param sweeps          sweeps run
     * @param secondsPerSweep mean wall time of a sweep (without objective and evaluation)
     * @param sweepSeconds    each sweep's wall time
     * @param finalEval       full-ranking metrics of the final factors
     * @param embeddings      final factors, users then items ((users + items) x dim); caller closes
     */
    public record Outcome(int sweeps, double secondsPerSweep, double[] sweepSeconds, RankingReport finalEval,
                          HostMatrix embeddings) {
    }

    public static Outcome run(Backend backend, TrainTestSplit data, IalsConfig config, boolean trackObjective,
                              TrainingListener listener, int... ks) {
        FullRankingEvaluator evaluator = new FullRankingEvaluator(backend, data.train(), data.test(), ks);
        try (CsrMatrix r = data.train().toCsr();
             CsrMatrix rT = data.train().transposeCsr();
             ImplicitALS model = new ImplicitALS(backend, r, rT, config.dim(), config.params(), config.initStd(), config.seed())) {
            double[] seconds = new double[config.sweeps()];
            double total = 0;
            double best = Double.NEGATIVE_INFINITY;
            long nnz = Math.max(1, r.nnz());
            for (int s = 1; s <= config.sweeps(); s++) {
                long t0 = System.nanoTime();
                model.sweep();
                backend.synchronize();
                double sec = (System.nanoTime() - t0) / 1e9;
                seconds[s - 1] = sec;
                total += sec;
                double objective = Double.NaN;
                if (trackObjective) {
                    try (HostMatrix u = model.downloadUsers(); HostMatrix v = model.downloadItems()) {
                        objective = IalsObjective.compute(r, rT, u, v, model.params()) / nnz;
                    }
                }
                listener.onEpoch(new TrainingListener.Epoch(s, config.sweeps(), objective, 2.0 * nnz / sec, sec,
                        total / s * (config.sweeps() - s)));
                if (config.evalEvery() > 0 && s % config.evalEvery() == 0 && s < config.sweeps()) {
                    Map<String, Double> m = evaluate(evaluator, model).asMap();
                    double watched = m.getOrDefault("recall@20", Double.NaN);
                    listener.onEvaluation(s, m, watched > best);
                    best = Math.max(best, watched);
                }
            }
            RankingReport report = evaluate(evaluator, model);
            if (config.evalEvery() > 0 && config.sweeps() > 0) {
                Map<String, Double> m = report.asMap();
                listener.onEvaluation(config.sweeps(), m, m.getOrDefault("recall@20", Double.NaN) > best);
            }
            return new Outcome(config.sweeps(), config.sweeps() == 0 ? 0 : total / config.sweeps(), seconds, report,
                    model.embeddings());
        }
    }

    private static RankingReport evaluate(FullRankingEvaluator evaluator, ImplicitALS model) {
        try (HostMatrix u = model.downloadUsers(); HostMatrix v = model.downloadItems()) {
            return evaluator.report(u, v);
        }
    }

    /** Metadata for saving a run's factors with {@code TableFile}. */
    public static Map<String, String> metadata(TrainTestSplit data, IalsConfig c, Outcome o) {
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("model", "ials");
        meta.put("users", Integer.toString(data.numUsers()));
        meta.put("items", Integer.toString(data.numItems()));
        meta.put("dim", Integer.toString(c.dim()));
        meta.put("sweeps", Integer.toString(o.sweeps()));
        meta.put("alpha", Float.toString(c.alpha()));
        meta.put("w0", Float.toString(c.w0()));
        meta.put("lambda", Float.toString(c.lambda()));
        meta.put("nu", Float.toString(c.nu()));
        meta.put("cg_steps", Integer.toString(c.cgSteps()));
        meta.put("table", "factors: users rows 0..users-1, then items");
        return meta;
    }
}
