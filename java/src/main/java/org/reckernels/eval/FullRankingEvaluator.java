package org.reckernels.eval;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.function.Function;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.data.Interactions;
import org.reckernels.model.EmbeddingModel;
import org.reckernels.tensor.HostMatrix;

/**
 * Full-ranking evaluation of an embedding model, the protocol of the NGCF / LightGCN papers:
 * every item not in the user's training set is a candidate; score by inner product of final
 * embeddings; recall, precision, ndcg and hit at each K, averaged over users with test items.
 *
 * <p>Scoring runs where the backend offers batched top-k kernels ({@link Backend#annKernels()}:
 * CUDA) on the device ({@link KernelTopK}: tiles of U·Iᵀ by GEMM, train items masked, top-K selected
 * there; only K ids per user come back); otherwise on the host ({@link ExactTopK}, tiled,
 * multi-threaded). Either way the final embeddings are downloaded once per evaluation.
 */
public final class FullRankingEvaluator implements Function<EmbeddingModel, Map<String, Double>> {
    private final Backend backend;
    private final Interactions train;
    private final Interactions test;
    private final int[] ks;
    private final int maxK;

    public FullRankingEvaluator(Backend backend, Interactions train, Interactions test, int... ks) {
        if (ks.length == 0) {
            throw new IllegalArgumentException("FullRankingEvaluator: no K given");
        }
        if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()) {
            throw new IllegalArgumentException("FullRankingEvaluator: train is " + train.numUsers() + "x" + train.numItems()
                    + " but test is " + test.numUsers() + "x" + test.numItems());
        }
        this.backend = backend;
        this.train = train;
        this.test = test;
        this.ks = ks.clone();
        this.maxK = java.util.Arrays.stream(ks).max().getAsInt();
    }

    /** Evaluates the model's current final embeddings (call {@code forward()} first). */
    public RankingReport report(EmbeddingModel model) {
        if (model.users() != train.numUsers() || model.items() != train.numItems()) {
            throw new IllegalArgumentException("FullRankingEvaluator: model has " + model.users() + " users, " + model.items()
                    + " items; data has " + train.numUsers() + ", " + train.numItems());
        }
        long d = model.finalEmbeddings().cols();
        try (HostMatrix all = HostMatrix.zeros(model.finalEmbeddings().rows(), d);
             HostMatrix users = HostMatrix.zeros(model.users(), d);
             HostMatrix items = HostMatrix.zeros(model.items(), d)) {
            backend.download(model.finalEmbeddings(), all);
            long userBytes = users.byteSize();
            MemorySegment.copy(all.segment(), 0, users.segment(), 0, userBytes);
            MemorySegment.copy(all.segment(), userBytes, items.segment(), 0, items.byteSize());
            return report(users, items);
        }
    }

    /**
     * Evaluates factor tables on the host: users (users x d) and items (items x d), scored by
     * their inner products (e.g. implicit ALS's U and V).
     */
    public RankingReport report(HostMatrix users, HostMatrix items) {
        if (users.rows() != train.numUsers() || items.rows() != train.numItems() || users.cols() != items.cols()) {
            throw new IllegalArgumentException("FullRankingEvaluator: factors are " + users.shape() + " and " + items.shape()
                    + "; data has " + train.numUsers() + " users, " + train.numItems() + " items");
        }
        AnnKernels kernels = backend.annKernels();
        TopKResult top = kernels != null && maxK <= AnnKernels.MAX_K
                ? KernelTopK.topK(kernels, users, items, train, maxK)
                : ExactTopK.topK(users, items, train, maxK);
        return RankingMetrics.evaluate(top.items(), maxK, test, ks);
    }

    @Override
    public Map<String, Double> apply(EmbeddingModel model) {
        return report(model).asMap();
    }

    /**
     * Evaluates a model that scores users against items itself ({@link UserItemScorer}, e.g. NCF's
     * network over item tiles): the same protocol, train items masked, ranked by the scorer's scores.
     */
    public RankingReport report(UserItemScorer scorer) {
        if (scorer.users() != train.numUsers() || scorer.items() != train.numItems()) {
            throw new IllegalArgumentException("FullRankingEvaluator: scorer has " + scorer.users() + " users, "
                    + scorer.items() + " items; data has " + train.numUsers() + ", " + train.numItems());
        }
        TopKResult top = ScoredTopK.topK(scorer, train, maxK);
        return RankingMetrics.evaluate(top.items(), maxK, test, ks);
    }
}
