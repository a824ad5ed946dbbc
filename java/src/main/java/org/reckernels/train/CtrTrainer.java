package org.reckernels.train;

import java.util.Map;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.model.CtrModel;
import org.reckernels.model.DeepFM;
import org.reckernels.model.FactorizationMachine;

/**
 * Mini-batch training of a {@link FactorizationMachine} or {@link DeepFM} on CTR data: samples shuffled each epoch (a permutation
 * of sample numbers; the data is not copied), streamed in batches (the last partial batch of an epoch is dropped), progress per epoch through a {@link TrainingListener}
 * (loss, samples/s, ETA) and an evaluation (AUC, logloss) on the held-out split after each epoch.
 */
public final class CtrTrainer {
    private CtrTrainer() {
    }

    /**
     * Settings of a run; {@code l2} is the frequency-weighted L2 on the embeddings (see
     * {@link FactorizationMachine#create(Backend, int[], int, SparseOptimizer, float, float, long)}).
     */
    public record Config(int epochs, int batch, int dim, SparseOptimizer optimizer, float l2, float initStd, long seed) {
        public Config {
            if (epochs < 1 || batch < 1 || dim < 1) {
                throw new IllegalArgumentException("CtrTrainer: epochs, batch and dim must be >= 1: " + epochs + ", " + batch
                        + ", " + dim);
            }
        }

        /** Defaults tuned on the synthetic planted-FM data: Adagrad lr 0.05, batch 2048, d = 16. */
        public static Config defaults(int epochs) {
            return new Config(epochs, 2048, 16, SparseOptimizer.adagrad(0.05f, 1e-6f), 0.03f, 0.01f, 2020);
        }
    }

    /** The trained model (caller closes it) and its held-out metrics after the last epoch. */
    public record Outcome<M extends CtrModel>(M model, double auc, double logloss, double samplesPerSec, double seconds) {
    }

    /** Trains a {@link FactorizationMachine}. */
    public static Outcome<FactorizationMachine> run(Backend backend, CtrDataset train, CtrDataset test, Config c,
                                                    TrainingListener listener) {
        check(train, test);
        return train(FactorizationMachine.create(backend, train.vocab(), c.dim(), c.optimizer(), c.l2(), c.initStd(),
                c.seed()), backend, train, test, c, listener, true);
    }

    /** Trains a {@link DeepFM}: the FM settings of {@code c} plus the deep part's. */
    public static Outcome<DeepFM> runDeepFm(Backend backend, CtrDataset train, CtrDataset test, Config c,
                                            DeepFM.DeepSpec deep, TrainingListener listener) {
        check(train, test);
        return train(DeepFM.create(backend, train.vocab(), c.dim(), c.optimizer(), c.l2(), c.initStd(), deep, c.seed()),
                backend, train, test, c, listener, true);
    }

    private static void check(CtrDataset train, CtrDataset test) {
        if (train.fields() != test.fields()) {
            throw new IllegalArgumentException("CtrTrainer: train has " + train.fields() + " fields, test " + test.fields());
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("CtrTrainer: empty training set");
        }
    }

    /** The training loop; closes the model on failure when the trainer created it ({@code owned}). */
    private static <M extends CtrModel> Outcome<M> train(M model, Backend backend, CtrDataset train, CtrDataset test,
                                                         Config c, TrainingListener listener, boolean owned) {
        int n = train.size();
        int b = Math.min(c.batch(), n);
        try {
            Random rnd = new Random(c.seed());
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            int batches = n / b;
            double trainSeconds = 0;
            long trained = 0;
            double auc = Double.NaN;
            double logloss = Double.NaN;
            double bestAuc = Double.NEGATIVE_INFINITY;
            for (int epoch = 1; epoch <= c.epochs(); epoch++) {
                long t0 = System.nanoTime();
                for (int i = n - 1; i > 0; i--) { // Fisher–Yates over the sample order; the data is not copied
                    int j = rnd.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                double loss = 0;
                for (int k = 0; k < batches; k++) {
                    loss += model.trainStep(train.ids(), perm, k * b, b, train.labels());
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
                boolean best = auc > bestAuc;
                bestAuc = Math.max(bestAuc, auc);
                listener.onEvaluation(epoch, Map.of("auc", auc, "logloss", logloss), best);
            }
            return new Outcome<>(model, auc, logloss, trained / trainSeconds, trainSeconds);
        } catch (RuntimeException e) {
            if (owned) {
                model.close();
            }
            throw e;
        }
    }

    /**
     * Trains any {@link CtrModel} (e.g. {@link org.reckernels.model.FieldAwareFM}) created by the caller, who also
     * closes it, as {@link #run} trains an FM. Only {@code c.epochs()}, {@code c.batch()} and {@code c.seed()} are
     * read; dim, optimizer and init belong to the model.
     */
    public static <M extends CtrModel> Outcome<M> runModel(Backend backend, M model, CtrDataset train, CtrDataset test,
                                                           Config c, TrainingListener listener) {
        check(train, test);
        if (train.fields() != model.fields()) {
            throw new IllegalArgumentException("CtrTrainer: the data has " + train.fields() + " fields, the model "
                    + model.fields());
        }
        return train(model, backend, train, test, c, listener, false);
    }
}
