package org.reckernels.model;

import org.reckernels.tensor.Matrix;

/**
 * A model that scores user–item pairs by the inner product of final embeddings, trained through
 * the gradient of its final embedding table: LightGCN, MF (LightGCN with 0 layers), NGCF.
 * Rows 0..users-1 of every table are users, rows users..users+items-1 are items.
 */
public interface EmbeddingModel extends AutoCloseable {
    /** The trained table ((users + items) x dim), updated by the optimiser. */
    Matrix parameters();

    /** Computes the final embeddings from the parameters. */
    void forward();

    /** The final embeddings ((users + items) x dim), valid after {@link #forward()}. */
    Matrix finalEmbeddings();

    /** Maps the gradient of the final embeddings to the gradient of the parameters (overwritten). */
    void backward(Matrix gradFinal, Matrix gradParameters);

    int users();

    int items();

    @Override
    void close();
}
