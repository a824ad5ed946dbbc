package org.reckernels.train;

import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.FullRankingEvaluator;
import org.reckernels.eval.RankingReport;
import org.reckernels.model.EmbeddingModel;
import org.reckernels.model.LightGCN;
import org.reckernels.model.NGCF;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * One graph-CF run end to end: normalised adjacency from the training interactions, the model on
 * the backend, BPR training with periodic full-ranking evaluation, and a final evaluation.
 */
public final class GraphTraining {
    private GraphTraining() {
    }

    /**
     * What a run produced.
     *
     * @param training   the trainer's summary (epochs, best epoch, seconds per epoch)
     * @param finalEval  full-ranking metrics of the returned embeddings
     * @param embeddings final embeddings, users then items ((users + items) x dim); caller closes
     */
    public record Outcome(BprTrainer.Result training, RankingReport finalEval, HostMatrix embeddings) {
    }

    public static Outcome run(Backend backend, TrainTestSplit data, GraphModelConfig model, BprConfig config,
                              TrainingListener listener, int... ks) {
        int users = data.numUsers();
        int items = data.numItems();
        FullRankingEvaluator evaluator = new FullRankingEvaluator(backend, data.train(), data.test(), ks);
        try (CsrMatrix r = data.train().toCsr();
             SparseMatrix adj = backend.normalizedAdjacency(r);
             EmbeddingModel m = build(backend, adj, users, items, model)) {
            BprSampler sampler = new BprSampler(r);
            BprTrainer.Result result = new BprTrainer(backend, config, listener).train(m, sampler,
                    config.evalEvery() > 0 ? evaluator : null);
            RankingReport report = evaluator.report(m);
            HostMatrix out = HostMatrix.zeros(m.finalEmbeddings().rows(), m.finalEmbeddings().cols());
            backend.download(m.finalEmbeddings(), out);
            return new Outcome(result, report, out);
        }
    }

    /** The model {@code model} names, on {@code backend} over the normalised adjacency {@code adj}. */
    public static EmbeddingModel build(Backend backend, SparseMatrix adj, int users, int items, GraphModelConfig model) {
        return switch (model.model()) {
            case "ngcf" -> new NGCF(backend, adj, users, items, model.dim(), model.layers(), model.dropout(), model.seed());
            case "lightgcn", "mf" -> new LightGCN(backend, adj, users, items, model.dim(), model.layers(), model.initStd(),
                    model.seed());
            default -> throw new IllegalArgumentException("unknown graph model '" + model.model() + "'");
        };
    }

    /** Metadata for saving a run's embeddings with {@code TableFile}. */
    public static Map<String, String> metadata(TrainTestSplit data, GraphModelConfig model, BprConfig config, Outcome o) {
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("model", model.model());
        meta.put("users", Integer.toString(data.numUsers()));
        meta.put("items", Integer.toString(data.numItems()));
        meta.put("dim", Integer.toString(model.dim()));
        meta.put("layers", Integer.toString(model.layers()));
        if (model.model().equals("ngcf")) {
            meta.put("dropout", Float.toString(model.dropout()));
        }
        meta.put("epochs", Integer.toString(o.training().epochsRun()));
        meta.put("lr", Float.toString(config.lr()));
        meta.put("l2", Float.toString(config.l2()));
        meta.put("batch", Integer.toString(config.batchSize()));
        meta.put("table", "final embeddings: users rows 0..users-1, then items"
                + (model.model().equals("ngcf") ? "; columns [E0 | norm(E1) | ... | norm(EL)]" : ""));
        return meta;
    }
}
