package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.model.FactorizationMachine;

/** The FM trainer on planted-FM synthetic data reaches the true model's held-out AUC within 0.01. */
class FmTrainingTest {

    @Test
    void trainedAucWithinOneHundredthOfTheTrueModel(@TempDir Path dir) throws Exception {
        SyntheticCtr gen = SyntheticCtr.generate(new SyntheticCtr.Spec(240_000, 10, 50, 4, -0.5f, 0.3f, 1.2f, 11));
        CtrDataset all = gen.data();
        int split = 200_000;
        CtrDataset train = all.slice(0, split);
        CtrDataset test = all.slice(split, all.size());
        float[] trueZ = java.util.Arrays.copyOfRange(gen.trueLogits(), split, all.size());
        double trueAuc = BinaryMetrics.auc(trueZ, test.labels());
        try (JavaBackend backend = new JavaBackend(2)) {
            var o = CtrTrainer.run(backend, train, test, CtrTrainer.Config.defaults(4), TrainingListener.NONE);
            try (FactorizationMachine m = o.model()) {
                assertTrue(o.auc() >= trueAuc - 0.01, "trained AUC " + o.auc() + " vs true " + trueAuc);
                assertTrue(o.logloss() < BinaryMetrics.logloss(new float[test.size()], test.labels()),
                        "logloss " + o.logloss() + " must beat the constant 0.5 predictor");
                Path f = dir.resolve("fm.rkt");
                m.save(f, Map.of("data", "synthetic"));
                assertTrue(Files.size(f) > 0);
                try (FactorizationMachine back = FactorizationMachine.load(backend, f, CtrTrainer.Config.defaults(1).optimizer())) {
                    int n = 500;
                    assertArrayEquals(m.predictLogits(test.ids(), n, 128), back.predictLogits(test.ids(), n, 128));
                }
            }
        }
    }

    @Test
    void aucHandlesTiesAndPerfectOrder() {
        assertEquals(1.0, BinaryMetrics.auc(new float[] {0.1f, 0.9f}, new float[] {0, 1}));
        assertEquals(0.5, BinaryMetrics.auc(new float[] {1f, 1f, 1f, 1f}, new float[] {0, 1, 0, 1}));
        assertEquals(0.875, BinaryMetrics.auc(new float[] {-1f, 0f, 0f, 2f}, new float[] {0, 0, 1, 1}), 1e-12);
        assertEquals(Math.log(2), BinaryMetrics.logloss(new float[] {0f}, new float[] {1f}), 1e-12);
    }
}
