package org.reckernels.data.ctr;

import java.util.Arrays;
import java.util.Objects;

/**
 * Click-through data with one categorical id per field per sample (one-hot fields, feature value 1):
 * <pre>
 *   ids:    (n x F) int32, row-major; ids[s·F + f] in [0, vocab[f])
 *   labels: (n) float in {0, 1}
 * </pre>
 * Dense (integer) features are bucketised into categorical fields by the loaders, so every model input
 * is an id. Immutable after construction (arrays are not copied; do not modify them).
 */
public record CtrDataset(int[] vocab, int[] ids, float[] labels) {
    public CtrDataset {
        Objects.requireNonNull(vocab, "vocab");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(labels, "labels");
        if (vocab.length == 0) {
            throw new IllegalArgumentException("CtrDataset: no fields");
        }
        if ((long) labels.length * vocab.length != ids.length) {
            throw new IllegalArgumentException("CtrDataset: " + ids.length + " ids for " + labels.length + " samples of "
                    + vocab.length + " fields");
        }
        for (int s = 0; s < labels.length; s++) {
            float y = labels[s];
            if (!(y == 0f || y == 1f)) {
                throw new IllegalArgumentException("CtrDataset: label of sample " + s + " is " + y + ", must be 0 or 1");
            }
            for (int f = 0; f < vocab.length; f++) {
                int id = ids[s * vocab.length + f];
                if (id < 0 || id >= vocab[f]) {
                    throw new IllegalArgumentException("CtrDataset: sample " + s + " field " + f + " id " + id
                            + " outside [0, " + vocab[f] + ")");
                }
            }
        }
    }

    public int fields() {
        return vocab.length;
    }

    public int size() {
        return labels.length;
    }

    public int id(int sample, int field) {
        return ids[sample * vocab.length + field];
    }

    /** Samples [from, to) as a new data set (copies). */
    public CtrDataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        int f = fields();
        return new CtrDataset(vocab, Arrays.copyOfRange(ids, from * f, to * f), Arrays.copyOfRange(labels, from, to));
    }

    /** Fraction of positive labels. */
    public double positiveRate() {
        double p = 0;
        for (float y : labels) {
            p += y;
        }
        return size() == 0 ? 0 : p / size();
    }
}
