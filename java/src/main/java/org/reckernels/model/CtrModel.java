package org.reckernels.model;

/**
 * A click-through model over one id per categorical field ({@link FactorizationMachine}, {@link DeepFM},
 * {@link FieldAwareFM}) as the CTR trainer drives it: mini-batch steps over a sample order, then logits for
 * evaluation.
 */
public interface CtrModel extends AutoCloseable {

    /** Number of fields F (ids per sample). */
    int fields();

    /**
     * One optimizer step on samples {@code order[from .. from+b)} ({@code from .. from+b} when order is null) of
     * sample-major {@code ids} (n x F) with {@code labels} (n) in {0, 1}; returns the batch's summed logistic loss.
     */
    double trainStep(int[] ids, int[] order, int from, int b, float[] labels);

    /** Logits of every sample of sample-major ids (n x F), in batches of {@code batch}. */
    float[] predictLogits(int[] ids, int n, int batch);

    @Override
    void close();
}
