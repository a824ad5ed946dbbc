package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.CtrFormat;
import org.reckernels.data.ctr.CtrLoadOptions;
import org.reckernels.data.ctr.CtrLoader;
import org.reckernels.model.FactorizationMachine;
import org.reckernels.model.FieldAwareFM;

/**
 * A small real data set in libsvm format: LIBLINEAR's {@code heart_scale} (Statlog heart disease, 270 patients,
 * 13 scaled features, labels ±1), which Debian ships in {@code liblinear-tools}. Not click data, but real libsvm
 * text through the same loader and trainers; logistic models reach a held-out AUC near 0.9 on it. Skipped when the
 * file is absent: set {@code -Dreckernels.heartScale=FILE} or {@code RECKERNELS_HEART_SCALE}, or
 * {@code apt-get install liblinear-tools}.
 */
class HeartScaleTest {

    static Path locate() {
        String p = System.getProperty("reckernels.heartScale", System.getenv("RECKERNELS_HEART_SCALE"));
        return Stream.of(p == null ? null : Path.of(p), Path.of("/usr/share/doc/liblinear-tools/examples/heart_scale"),
                        Path.of("/usr/share/doc/liblinear-tools/examples/heart_scale.gz"))
                .filter(x -> x != null && Files.isReadable(x)).findFirst().orElse(null);
    }

    @Test
    void fmAndFfmLearnHeartScale() throws Exception {
        Path file = locate();
        Assumptions.assumeTrue(file != null, "heart_scale not found (apt-get install liblinear-tools)");
        CtrLoader.Loaded l = CtrLoader.load(file, CtrLoadOptions.defaults(CtrFormat.LIBSVM).withVocabulary(3));
        assertEquals(270, l.report().samples());
        assertEquals(0, l.report().badLines());
        assertEquals(13, l.data().fields());
        CtrDataset train = l.data().slice(0, 216);
        CtrDataset test = l.data().slice(216, 270);
        SparseOptimizer opt = SparseOptimizer.adagrad(0.05f, 1e-6f);
        CtrTrainer.Config c = new CtrTrainer.Config(20, 16, 4, opt, 0f, 0.01f, 2020);
        try (JavaBackend backend = new JavaBackend(2)) {
            CtrTrainer.Outcome<FactorizationMachine> fm = CtrTrainer.run(backend, train, test, c, TrainingListener.NONE);
            try (FactorizationMachine m = fm.model()) {
                System.out.printf("heart_scale FM held-out AUC %.4f logloss %.4f%n", fm.auc(), fm.logloss());
                assertTrue(fm.auc() > 0.8, "FM AUC " + fm.auc());
            }
            try (FieldAwareFM ffm = FieldAwareFM.create(backend, train.vocab(), 4, opt, 0.01f, 2020)) {
                CtrTrainer.Outcome<FieldAwareFM> o = CtrTrainer.runModel(backend, ffm, train, test, c,
                        TrainingListener.NONE);
                System.out.printf("heart_scale FFM held-out AUC %.4f logloss %.4f%n", o.auc(), o.logloss());
                assertTrue(o.auc() > 0.8, "FFM AUC " + o.auc());
            }
        }
    }
}
