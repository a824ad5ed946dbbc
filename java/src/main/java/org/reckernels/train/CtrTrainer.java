package org.reckernels.train;

import java.util.Map;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.model.FactorizationMachine;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * Mini-batch training of a {@link FactorizationMachine} on CTR data: samples shuffled each epoch, streamed in
 * batches (the last partial batch of an epoch is dropped), progress per epoch through a {@link TrainingListener}
 * (loss, samples/s, ETA) and an evaluation (AUC, logloss) on the held-out split after each epoch.
 */
public final class CtrTrainer {
    private CtrTrainer() {
    }

    /** Settings of a run. */
    public record Config(int epochs, int batch, int dim, SparseOptimizer optimizer, float initStd, long seed) {
        public Config {
            if (epochs < 1 || batch < 1 || dim < 1) {
                throw new IllegalArgumentException("CtrTrainer: epochs, batch and dim must be >= 1: " + epochs + ", " + batch
                        + ", " + dim);
            }
        }

        /** Defaults tuned on the synthetic planted-FM data: Adagrad lr 0.05, batch 2048, d = 16. */
        public static Config defaults(int epochs) {
            return new Config(epochs, 2048, 16, SparseOptimizer.adagrad(0.05f, 1e-6f), 0.01f, 2020);
        }
    }

    /** The trained model (caller closes it) and its held-out metrics. */
    public record Outcome(FactorizationMachine model, double auc, double logloss, double samplesPerSec, double seconds) {
    }

    public static Outcome run(Backend backend, CtrDataset train, CtrDataset test, Config c, TrainingListener listener) {
        if (train.fields() != test.fields()) {
            throw new IllegalArgumentException("CtrTrainer: train has " + train.fields() + " fields, test " + test.fields());
        }
        int f = train.fields();
        int n = train.size();
        int b = Math.min(c.batch(), n);
        if (b == 0) {
            throw new IllegalArgumentException("CtrTrainer: empty training set");
        }
        FactorizationMachine model = FactorizationMachine.create(backend, train.vocab(), c.dim(), c.optimizer(),
                c.initStd(), c.seed());
        try {
            Random rnd = new Random(c.seed());
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            int[] ids = new int[n * f];
            float[] labels = new float[n];
            int batches = n / b;
            double trainSeconds = 0;
            long trained = 0;
            double auc = Double.NaN;
            double logloss = Double.NaN;
            try (HostMatrix hy = HostMatrix.zeros(b, 1)) {
                for (int epoch = 1; epoch <= c.epochs(); epoch++) {
                    for (int i = n - 1; i > 0; i--) { // Fisher–Yates
                        int j = rnd.nextInt(i + 1);
                        int t = perm[i];
                        perm[i] = perm[j];
                        perm[j] = t;
                    }
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(train.ids(), perm[i] * f, ids, i * f, f);
                        labels[i] = train.labels()[perm[i]];
                    }
                    long t0 = System.nanoTime();
                    double loss = 0;
                    for (int k = 0; k < batches; k++) {
                        java.lang.foreign.MemorySegment.copy(labels, k * b, hy.segment(),
                                java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, b);
                        try (Matrix y = backend.upload(hy)) {
                            loss += model.trainStep(ids, k * b, b, y);
                        }
                    }
                    backend.synchronize();
                    double sec = (System.nanoTime() - t0) / 1e9;
                    trainSeconds += sec;
                    trained += (long) batches * b;
                    double sps = batches * (double) b / sec;
                    listener.onEpoch(new TrainingListener.Epoch(epoch, c.epochs(), loss / Math.max(1, batches * (long) b), sps,
                            sec, sec * (c.epochs() - epoch)));
                    float[] z = model.predictLogits(test.ids(), test.size(), b);
                    auc = BinaryMetrics.auc(z, test.labels());
                    logloss = BinaryMetrics.logloss(z, test.labels());
                    listener.onEvaluation(epoch, Map.of("auc", auc, "logloss", logloss), true);
                }
            }
            return new Outcome(model, auc, logloss, trained / trainSeconds, trainSeconds);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    // ---- any CtrModel, e.g. FieldAwareFM (kept at the end; run() above stays the FM path) ----

    /** A trained {@link org.reckernels.model.CtrModel} and its held-out metrics. */
    public record ModelOutcome<M extends org.reckernels.model.CtrModel>(M model, double auc, double logloss,
            double samplesPerSec, double seconds) {
    }

    /**
     * Trains {@code model} (created by the caller, who also closes it) as {@link #run} trains an FM: per epoch a
     * shuffle, full batches (the last partial batch dropped), progress and a held-out AUC / logloss. Only
     * {@code c.epochs()}, {@code c.batch()} and {@code c.seed()} are read; dim, optimizer and init belong to the model.
     */
    public static <M extends org.reckernels.model.CtrModel> ModelOutcome<M> runModel(Backend backend, M model,
            CtrDataset train, CtrDataset test, Config c, TrainingListener listener) {
        if (train.fields() != test.fields() || train.fields() != model.fields()) {
            throw new IllegalArgumentException("CtrTrainer: train has " + train.fields() + " fields, test " + test.fields()
                    + ", the model " + model.fields());
        }
        int f = train.fields();
        int n = train.size();
        int b = Math.min(c.batch(), n);
        if (b == 0) {
            throw new IllegalArgumentException("CtrTrainer: empty training set");
        }
        Random rnd = new Random(c.seed());
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        int[] ids = new int[n * f];
        float[] labels = new float[n];
        int batches = n / b;
        double trainSeconds = 0;
        long trained = 0;
        double auc = Double.NaN;
        double logloss = Double.NaN;
        try (HostMatrix hy = HostMatrix.zeros(b, 1)) {
            for (int epoch = 1; epoch <= c.epochs(); epoch++) {
                for (int i = n - 1; i > 0; i--) { // Fisher–Yates
                    int j = rnd.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                for (int i = 0; i < n; i++) {
                    System.arraycopy(train.ids(), perm[i] * f, ids, i * f, f);
                    labels[i] = train.labels()[perm[i]];
                }
                long t0 = System.nanoTime();
                double loss = 0;
                for (int k = 0; k < batches; k++) {
                    java.lang.foreign.MemorySegment.copy(labels, k * b, hy.segment(),
                            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, b);
                    try (Matrix y = backend.upload(hy)) {
                        loss += model.trainStep(ids, k * b, b, y);
                    }
                }
                backend.synchronize();
                double sec = (System.nanoTime() - t0) / 1e9;
                trainSeconds += sec;
                trained += (long) batches * b;
                listener.onEpoch(new TrainingListener.Epoch(epoch, c.epochs(), loss / Math.max(1, batches * (long) b),
                        batches * (double) b / sec, sec, sec * (c.epochs() - epoch)));
                float[] z = model.predictLogits(test.ids(), test.size(), b);
                auc = BinaryMetrics.auc(z, test.labels());
                logloss = BinaryMetrics.logloss(z, test.labels());
                listener.onEvaluation(epoch, Map.of("auc", auc, "logloss", logloss), true);
            }
        }
        return new ModelOutcome<>(model, auc, logloss, trained / trainSeconds, trainSeconds);
    }
}
