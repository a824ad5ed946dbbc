package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.model.NCF;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.GpuTest;
import org.reckernels.testing.PlantedCommunities;
import org.reckernels.train.NcfConfig;
import org.reckernels.train.NcfTraining;

/** NCF end to end on the GPU: the same logits as the Java backend for one seed, and training far above random. */
@GpuTest
class CudaNcfTest {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    private static float[] logits(org.reckernels.backend.Backend b, int[] us, int[] is) {
        try (NCF model = new NCF(b, 50, 40, 8, new int[] {16, 8, 4}, 0.3f, 7);
             NCF.Batch batch = model.batch(us.length);
             IndexVector u = b.upload(us);
             IndexVector i = b.upload(is);
             HostMatrix out = HostMatrix.zeros(us.length, 1)) {
            Matrix z = model.forward(batch, u, i);
            b.download(z, out);
            return out.toArray();
        }
    }

    @Test
    void forwardMatchesTheJavaBackend() {
        int n = 300;
        int[] us = new int[n];
        int[] is = new int[n];
        java.util.Random rnd = new java.util.Random(5);
        for (int k = 0; k < n; k++) {
            us[k] = rnd.nextInt(50);
            is[k] = 50 + rnd.nextInt(40);
        }
        float[] gpu = logits(backend, us, is);
        float[] cpu;
        try (JavaBackend java = new JavaBackend(2)) {
            cpu = logits(java, us, is);
        }
        for (int k = 0; k < n; k++) {
            assertEquals(cpu[k], gpu[k], 1e-4 * (1 + Math.abs(cpu[k])), "logit " + k);
        }
    }

    @Test
    void trainsOnPlantedCommunitiesFarAboveRandom() {
        TrainTestSplit data = PlantedCommunities.smallSplit();
        NcfConfig config = PlantedCommunities.ncfFourEpochs();
        NcfTraining.Outcome o = NcfTraining.run(backend, data, config, null, 20);
        double random = 20.0 / data.numItems();
        assertTrue(o.finalEval().recall(20) > 6 * random, "recall@20 " + o.finalEval().recall(20) + " vs random " + random);
    }
}
