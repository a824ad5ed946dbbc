package org.reckernels.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.reckernels.tensor.Matrix;

/**
 * A click-through model over one id per field that the CTR trainer can drive
 * ({@link org.reckernels.train.CtrTrainer#runModel}): one optimizer step per mini-batch, logits for evaluation.
 */
public interface CtrModel extends AutoCloseable {

    int fields();

    /**
     * One optimizer step on samples [from, from + b) of sample-major {@code ids} (n x F) with {@code labels}
     * (uploaded, (b x 1)); the mean logistic loss is the gradient's scale. Returns the summed loss.
     */
    double trainStep(int[] ids, int from, int b, Matrix labels);

    /** Logits of the first n samples of sample-major ids (n x F), in batches of {@code batch}. */
    float[] predictLogits(int[] ids, int n, int batch);

    /** Saves the parameters (optimizer state is not saved). */
    void save(Path file, Map<String, String> extra) throws IOException;

    @Override
    void close();
}
