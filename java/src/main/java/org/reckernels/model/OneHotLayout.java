package org.reckernels.model;

import java.util.Arrays;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * The table layout the one-hot CTR models (FM, FFM) share: F fields of {@code vocab[f]} rows each,
 * stacked into one embedding table V (R x width, R = Σ vocab) and one linear table w (R + 1 x 1,
 * the last row the bias), with the sparse optimizer's state beside them, and the identity bag
 * offsets of one-id-per-field batches.
 */
final class OneHotLayout {
    private OneHotLayout() {
    }

    /** R = Σ vocab, after checking F >= 1, d >= 1 and every vocab size >= 1 (errors name {@code model}). */
    static long rows(String model, int[] vocab, int dim) {
        if (vocab.length < 1 || dim < 1) {
            throw new IllegalArgumentException(model + ": needs >= 1 field and dim >= 1 (got " + vocab.length
                    + " fields, dim " + dim + ")");
        }
        long r = 0;
        for (int n : vocab) {
            if (n < 1) {
                throw new IllegalArgumentException(model + ": vocab sizes must be >= 1: " + Arrays.toString(vocab));
            }
            r += n;
        }
        return r;
    }

    /** Row offsets of the F value tables inside V: (F + 1) prefix sums of vocab. */
    static long[] valueTables(int[] vocab) {
        long[] t = new long[vocab.length + 1];
        for (int f = 0; f < vocab.length; f++) {
            t[f + 1] = t[f] + vocab[f];
        }
        return t;
    }

    /** Row offsets of the F linear tables inside w plus the one-row bias table: F + 2 entries. */
    static long[] linearTables(long[] valueTables) {
        long[] t = Arrays.copyOf(valueTables, valueTables.length + 1);
        t[valueTables.length] = t[valueTables.length - 1] + 1;
        return t;
    }

    /** V ~ N(0, initStd²) as an R x width host matrix (caller closes). */
    static HostMatrix gaussian(long rows, long width, float initStd, long seed) {
        Random rnd = new Random(seed);
        HostMatrix hv = HostMatrix.zeros(rows, width);
        for (long i = 0; i < rows; i++) {
            for (long c = 0; c < width; c++) {
                hv.set(i, c, (float) (rnd.nextGaussian() * initStd));
            }
        }
        return hv;
    }

    /**
     * The optimizer state {stateV1, stateV2, stateW1, stateW2} for V (rows x width) and w (rows + 1 x 1),
     * null where the optimizer keeps none (see {@code EmbeddingBags.OptimizerKind}).
     */
    static Matrix[] optimizerState(Backend backend, SparseOptimizer optimizer, long rows, long width) {
        return switch (optimizer.kind()) {
            case SGD -> new Matrix[4];
            case ADAGRAD -> new Matrix[] {backend.allocate(rows, width), null, backend.allocate(rows + 1, 1), null};
            case ROWWISE_ADAGRAD -> new Matrix[] {backend.allocate(rows, 1), null, backend.allocate(rows + 1, 1), null};
            case ADAM -> new Matrix[] {backend.allocate(rows, width), backend.allocate(rows, width),
                    backend.allocate(rows + 1, 1), backend.allocate(rows + 1, 1)};
        };
    }

    /** Bag offsets 0, 1, ..., n: one id per bag. */
    static int[] identityOffsets(int n) {
        int[] o = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            o[i] = i;
        }
        return o;
    }
}
