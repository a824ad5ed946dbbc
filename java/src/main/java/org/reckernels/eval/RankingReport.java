package org.reckernels.eval;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Full-ranking metrics averaged over the users that have at least one test item.
 *
 * @param byK            metrics per cut-off K, ascending K (read-only)
 * @param usersEvaluated users with at least one test item (the denominator of every average)
 */
public record RankingReport(NavigableMap<Integer, Metrics> byK, int usersEvaluated) {

    /** Metrics at one cut-off, each a mean over evaluated users. */
    public record Metrics(double recall, double precision, double ndcg, double hit) {
    }

    public RankingReport {
        byK = Collections.unmodifiableNavigableMap(new TreeMap<>(byK));
    }

    /** The metrics at cut-off {@code k}. */
    public Metrics at(int k) {
        Metrics m = byK.get(k);
        if (m == null) {
            throw new IllegalArgumentException("RankingReport: no metrics at K=" + k + ", have " + byK.keySet());
        }
        return m;
    }

    public double recall(int k) {
        return at(k).recall();
    }

    public double precision(int k) {
        return at(k).precision();
    }

    public double ndcg(int k) {
        return at(k).ndcg();
    }

    public double hit(int k) {
        return at(k).hit();
    }

    /** Metric name ({@code recall@20}, ...) to value, as in the results files. */
    public Map<String, Double> asMap() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        byK.forEach((k, m) -> {
            out.put("recall@" + k, m.recall());
            out.put("precision@" + k, m.precision());
            out.put("ndcg@" + k, m.ndcg());
            out.put("hit@" + k, m.hit());
        });
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RankingReport[" + usersEvaluated + " users");
        byK.forEach((k, m) -> sb.append(String.format(java.util.Locale.ROOT, "; @%d recall %.4f precision %.4f ndcg %.4f hit %.4f",
                k, m.recall(), m.precision(), m.ndcg(), m.hit())));
        return sb.append(']').toString();
    }
}
