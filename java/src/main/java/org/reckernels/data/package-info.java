/**
 * Interaction data: the immutable {@link org.reckernels.data.Interactions} set (CSR, per-user
 * sorted unique items), loaders for {@code user item item ...} files and CSV/TSV edge lists
 * ({@link org.reckernels.data.InteractionLoader}), train/test pairs
 * ({@link org.reckernels.data.TrainTestSplit}), and planted-community synthetic data
 * ({@link org.reckernels.data.SyntheticInteractions}). Depends only on the JDK and
 * {@code org.reckernels.tensor}.
 */
package org.reckernels.data;
