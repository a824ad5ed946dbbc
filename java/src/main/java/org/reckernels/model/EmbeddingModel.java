package org.reckernels.model;

import java.util.List;
import org.reckernels.tensor.Matrix;

/**
 * A model that scores user–item pairs by the inner product of final embeddings, trained through
 * the gradient of its final embedding table: LightGCN, MF (LightGCN with 0 layers), NGCF.
 * Rows 0..users-1 of every table are users, rows users..users+items-1 are items.
 */
public interface EmbeddingModel extends AutoCloseable {
    /**
     * The trained tensors, updated by the optimiser. Element 0 is always the ego embedding table
     * E⁰ ((users + items) x dim), whose batch rows the trainer's L2 penalty acts on; further
     * elements are the model's other weights (NGCF: per layer W1, b1, W2, b2).
     */
    List<Matrix> parameters();

    /** The ego embedding table E⁰, {@code parameters().get(0)}. */
    default Matrix egoEmbeddings() {
        return parameters().get(0);
    }

    /** Computes the final embeddings from the parameters. */
    void forward();

    /** The final embeddings ((users + items) x outDim), valid after {@link #forward()}. */
    Matrix finalEmbeddings();

    /**
     * Maps the gradient of the final embeddings (the shape of {@link #finalEmbeddings()}) to the
     * gradients of the parameters, one per {@link #parameters()} element with its shape
     * (overwritten). Valid after a {@link #forward()} with the same parameters and mode.
     */
    void backward(Matrix gradFinal, List<Matrix> gradParameters);

    /**
     * Training mode (stochastic parts such as dropout active) or evaluation mode (deterministic).
     * Models without stochastic parts ignore it. Trainers switch it on for the steps and off before
     * evaluating.
     */
    default void setTraining(boolean training) {
    }

    int users();

    int items();

    @Override
    void close();
}
