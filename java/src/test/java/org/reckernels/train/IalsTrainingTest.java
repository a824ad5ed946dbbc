package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.SyntheticInteractions;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.testing.GowallaSplit;

/** iALS learns the planted communities on CPU, its objective never rises, and on Gowalla (when present) it reaches the bar. */
class IalsTrainingTest {

    @Test
    void learnsPlantedCommunitiesAndTheObjectiveNeverRises() {
        TrainTestSplit data = SyntheticInteractions.generate(7).split();
        IalsConfig config = new IalsConfig(32, 2f, 0.1f, 0.1f, 0f, 3, 8, 3, 0.01f, 4);
        List<Double> objective = new ArrayList<>();
        List<Double> evaluated = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpoch(Epoch e) {
                objective.add(e.loss());
            }

            @Override
            public void onEvaluation(int epoch, java.util.Map<String, Double> metrics, boolean best) {
                evaluated.add(metrics.get("recall@20"));
            }
        };
        try (JavaBackend backend = new JavaBackend(2)) {
            IalsTraining.Outcome o = IalsTraining.run(backend, data, config, true, listener, 10, 20);
            o.embeddings().close();
            double random = 20.0 / data.numItems();
            double recall = o.finalEval().recall(20);
            assertTrue(recall > 10 * random, "iALS recall@20 " + recall + " vs random " + random);
            assertEquals(8, objective.size());
            // CG from the previous iterate never increases a row's quadratic, so no half-sweep raises L.
            for (int s = 1; s < objective.size(); s++) {
                assertTrue(objective.get(s) <= objective.get(s - 1) * (1 + 1e-5), "objective rose: " + objective);
            }
            assertEquals(List.of(evaluated.get(0), recall), evaluated); // after sweeps 4 and 8
            assertEquals(data.numUsers() + data.numItems(), o.embeddings().rows());
            assertEquals(8, o.sweepSeconds().length);
        }
    }

    /** Gowalla d = 64, the tuned defaults: recall@20 >= 0.15 (skips when the split is absent). */
    @Test
    void gowallaReachesTheRecallBar() throws IOException {
        Path dir = GowallaSplit.dirOrSkip();
        TrainTestSplit data = TrainTestSplit.load(dir);
        try (JavaBackend backend = new JavaBackend()) {
            IalsTraining.Outcome o = IalsTraining.run(backend, data, IalsConfig.gowallaDefaults(), false,
                    TrainingListener.NONE, 20);
            o.embeddings().close();
            assertTrue(o.finalEval().recall(20) >= 0.15, "Gowalla iALS recall@20 " + o.finalEval().recall(20));
        }
    }
}
