package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.testing.PlantedCommunities;

/** LightGCN, MF and NGCF learn the planted communities of the synthetic data (CPU, a few seconds). */
class GraphTrainingTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lightgcn", "mf", "ngcf"})
    void learnsPlantedStructureFarAboveRandom(String name) {
        TrainTestSplit data = PlantedCommunities.smallSplit();
        List<Double> losses = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpoch(Epoch e) {
                losses.add(e.loss());
            }
        };
        BprConfig config = new BprConfig(15, 512, 5e-3f, 1e-4f, 1, 5, 0, "recall@20");
        GraphModelConfig model = new GraphModelConfig(name, 32, 2, 0.1f, 3);
        try (JavaBackend backend = new JavaBackend(2)) {
            GraphTraining.Outcome o = GraphTraining.run(backend, data, model, config, listener, 20);
            try {
                double random = 20.0 / data.numItems();
                double recall = o.finalEval().recall(20);
                assertTrue(recall > 10 * random, name + " recall@20 " + recall + " vs random " + random);
                assertTrue(losses.get(losses.size() - 1) < 0.7 * losses.get(0), "loss did not fall: " + losses);
                assertEquals(15, o.training().epochsRun());
                assertEquals(data.numUsers() + data.numItems(), o.embeddings().rows());
            } finally {
                o.embeddings().close();
            }
        }
    }
}
