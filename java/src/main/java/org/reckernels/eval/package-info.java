/**
 * Full-ranking evaluation: {@link org.reckernels.eval.ExactTopK} (CPU reference top-K over
 * {@code U·Iᵀ} with train items masked) and {@link org.reckernels.eval.RankingMetrics}
 * (recall, precision, ndcg, hit at K, LightGCN-paper definitions). Depends only on the JDK
 * (including {@code jdk.incubator.vector}), {@code org.reckernels.tensor} and
 * {@code org.reckernels.data}.
 */
package org.reckernels.eval;
