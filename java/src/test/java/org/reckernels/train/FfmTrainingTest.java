package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.model.FieldAwareFM;

/** The field-aware FM, driven by the CTR trainer, learns the planted-FM synthetic data (AUC far above 0.5). */
class FfmTrainingTest {

    @Test
    void ffmLearnsPlantedDataAndSavesLoads(@TempDir Path dir) throws Exception {
        SyntheticCtr gen = SyntheticCtr.generate(new SyntheticCtr.Spec(36_000, 8, 40, 4, -0.5f, 0.3f, 1.2f, 13));
        CtrDataset all = gen.data();
        int split = 30_000;
        CtrDataset train = all.slice(0, split);
        CtrDataset test = all.slice(split, all.size());
        double trueAuc = BinaryMetrics.auc(Arrays.copyOfRange(gen.trueLogits(), split, all.size()), test.labels());
        SparseOptimizer opt = SparseOptimizer.adagrad(0.05f, 1e-6f);
        CtrTrainer.Config c = new CtrTrainer.Config(4, 256, 4, opt, 0f, 0.05f, 5);
        try (JavaBackend backend = new JavaBackend(2);
             FieldAwareFM model = FieldAwareFM.create(backend, train.vocab(), 4, opt, 0.05f, 5)) {
            float[] before = model.predictLogits(test.ids(), test.size(), 512);
            double aucBefore = BinaryMetrics.auc(before, test.labels());
            CtrTrainer.Outcome<FieldAwareFM> o = CtrTrainer.runModel(backend, model, train, test, c, TrainingListener.NONE);
            System.out.printf("FFM held-out AUC %.4f (untrained %.4f, planted model %.4f)%n", o.auc(), aucBefore, trueAuc);
            assertTrue(o.auc() > 0.68 && o.auc() > aucBefore + 0.15, "FFM AUC " + o.auc() + " (untrained " + aucBefore
                    + ", true model " + trueAuc + ")");
            assertTrue(o.logloss() < BinaryMetrics.logloss(new float[test.size()], test.labels()));
            Path f = dir.resolve("ffm.rkt");
            model.save(f, Map.of("data", "synthetic"));
            try (FieldAwareFM back = FieldAwareFM.load(backend, f, opt)) {
                assertArrayEquals(model.predictLogits(test.ids(), 300, 100), back.predictLogits(test.ids(), 300, 100));
            }
            assertThrows(IllegalArgumentException.class, () -> CtrTrainer.runModel(backend, model, all.slice(0, 10),
                    new CtrDataset(new int[] {2}, new int[] {0}, new float[] {1}), c, TrainingListener.NONE));
        }
    }
}
