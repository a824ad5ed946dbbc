package org.reckernels.eval;

import java.util.Map;
import java.util.Optional;

/**
 * Published full-ranking results on the Gowalla split (LightGCN paper, Table 3): the quality bars
 * that runs on ../shared/data/gowalla are compared with.
 */
public final class PublishedGowalla {
    /** recall@20 and ndcg@20 of one model. */
    public record Result(double recall20, double ndcg20) {
    }

    private static final Map<String, Result> BY_MODEL = Map.of(
            "mf", new Result(0.1291, 0.1109),
            "ngcf", new Result(0.1570, 0.1327),
            "lightgcn", new Result(0.1830, 0.1554));

    private PublishedGowalla() {
    }

    /** The published numbers for "mf", "ngcf" or "lightgcn"; empty for other models. */
    public static Optional<Result> of(String model) {
        return Optional.ofNullable(BY_MODEL.get(model));
    }
}
