package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.nn.Activation;
import org.reckernels.nn.Dense;
import org.reckernels.nn.Mlp;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.train.CtrTrainer;
import org.reckernels.train.TrainingListener;

/**
 * DeepFM: the wiring (with a zero output layer the MLP adds nothing to the logit or to the embedding gradient, so
 * one step equals the FM's exactly; with a random MLP the step differs), and learning on planted-FM data (the FM
 * is the true model class there, so DeepFM should match it, not beat it by much).
 */
class DeepFmTest {
    private static final SparseOptimizer OPT = SparseOptimizer.adagrad(0.05f, 1e-6f);

    private static Mlp mlp(JavaBackend backend, int in, boolean zeroLast) {
        Random rnd = new Random(4);
        Dense hidden = new Dense(backend, in, 8, Activation.RELU, rnd);
        Dense last = zeroLast ? Dense.of(backend, HostMatrix.zeros(8, 1), HostMatrix.zeros(1, 1), Activation.NONE)
                : new Dense(backend, 8, 1, Activation.NONE, rnd);
        return new Mlp(backend, List.of(hidden, last));
    }

    @Test
    void aZeroOutputLayerLeavesTheFmStepUnchanged() {
        int[] vocab = {3, 5, 7};
        int n = 64;
        Random rnd = new Random(2);
        int[] ids = new int[n * vocab.length];
        float[] labels = new float[n];
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < vocab.length; f++) {
                ids[s * vocab.length + f] = rnd.nextInt(vocab[f]);
            }
            labels[s] = rnd.nextInt(2);
        }
        try (JavaBackend backend = new JavaBackend(2);
             FactorizationMachine fm = FactorizationMachine.create(backend, vocab, 4, OPT, 0.01f, 0.1f, 9);
             DeepFM zero = DeepFM.of(FactorizationMachine.create(backend, vocab, 4, OPT, 0.01f, 0.1f, 9),
                     mlp(backend, 12, true), 1e-3f, 0f);
             DeepFM random = DeepFM.of(FactorizationMachine.create(backend, vocab, 4, OPT, 0.01f, 0.1f, 9),
                     mlp(backend, 12, false), 1e-3f, 0f)) {
            assertTrue(zero.fm().fusedPath(), "the Java backend runs DeepFM's FM part fused");
            double lf = fm.trainStep(ids, null, 0, n, labels);
            double lz = zero.trainStep(ids, null, 0, n, labels);
            double lr = random.trainStep(ids, null, 0, n, labels);
            assertEquals(lf, lz, 0.0, "zero MLP: same loss");
            assertTrue(Math.abs(lf - lr) > 1e-6, "a random MLP changes the logits: " + lf + " vs " + lr);
            Map<String, HostMatrix> pf = fm.parameters();
            Map<String, HostMatrix> pz = zero.fmParameters();
            Map<String, HostMatrix> pr = random.fmParameters();
            for (String name : pf.keySet()) {
                assertArrayEquals(pf.get(name).toArray(), pz.get(name).toArray(), name + " (zero MLP)");
            }
            assertFalse(Arrays.equals(pf.get("v").toArray(), pr.get("v").toArray()),
                    "the MLP's input gradient reaches the shared embeddings");
        }
    }

    @Test
    void rejectsAnMlpOfTheWrongWidth() {
        try (JavaBackend backend = new JavaBackend(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeepFM.of(
                    FactorizationMachine.create(backend, new int[] {3, 5}, 4, OPT, 0.1f, 1), mlp(backend, 10, false),
                    1e-3f, 0f));
            assertTrue(e.getMessage().contains("needs 8"), e.getMessage());
        }
    }

    @Test
    void trainsOnPlantedFmDataAsWellAsTheFm() {
        SyntheticCtr gen = SyntheticCtr.generate(new SyntheticCtr.Spec(50_000, 6, 30, 4, -0.5f, 0.3f, 1.2f, 11));
        CtrDataset all = gen.data();
        int split = 40_000;
        CtrDataset train = all.slice(0, split);
        CtrDataset test = all.slice(split, all.size());
        double trueAuc = BinaryMetrics.auc(Arrays.copyOfRange(gen.trueLogits(), split, all.size()), test.labels());
        CtrTrainer.Config c = CtrTrainer.Config.defaults(3);
        try (JavaBackend backend = new JavaBackend(2)) {
            var fm = CtrTrainer.run(backend, train, test, c, TrainingListener.NONE);
            fm.model().close();
            var deep = CtrTrainer.runDeepFm(backend, train, test, c, new DeepFM.DeepSpec(new int[] {16, 8}, 1e-3f, 0f),
                    TrainingListener.NONE);
            deep.model().close();
            assertTrue(deep.auc() >= fm.auc() - 0.01, "DeepFM auc " + deep.auc() + " vs FM " + fm.auc());
            assertTrue(deep.auc() >= trueAuc - 0.03, "DeepFM auc " + deep.auc() + " vs true " + trueAuc);
        }
    }
}
