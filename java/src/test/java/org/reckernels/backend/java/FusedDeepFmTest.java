package org.reckernels.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.model.DeepFM;
import org.reckernels.tensor.HostMatrix;

/** DeepFM's fused Java step ({@code FusedFmOps} with a deep part) against DeepFM on the general ops. */
class FusedDeepFmTest {
    private static final SparseOptimizer OPT = SparseOptimizer.adagrad(0.05f, 1e-6f);
    private static final JavaBackend ONE_THREAD = new JavaBackend(1, new VectorKernels());

    /**
     * The fused Java step (FM passes around the MLP) against DeepFM on the general ops: the same losses, embeddings,
     * linear weights, MLP weights and predictions, bit for bit, over several steps with duplicate ids in a batch, for
     * every sparse optimizer, d below, at and past a vector (1, 3, 5, 16, 17), L2 on and off, the vector kernels on
     * 1 and 2 threads and the scalar ones on 3.
     */
    @ParameterizedTest(name = "{0} {1} d={2} l2={3}")
    @CsvSource({"vector1, adagrad, 3, 0.01", "vector, adagrad, 16, 0.03", "vector, adam, 17, 0.0", "scalar, sgd, 16, 0.01",
        "vector1, rowwise, 17, 0.02", "scalar, adagrad, 1, 0.0", "scalar, adam, 5, 0.02", "vector, sgd, 1, 0.01"})
    void fusedStepEqualsTheGeneralOps(String kind, String optName, int d, float l2) {
        SparseOptimizer opt = switch (optName) {
            case "adam" -> SparseOptimizer.adam(0.01f, 0.9f, 0.999f, 1e-8f);
            case "sgd" -> SparseOptimizer.sgd(0.1f);
            case "rowwise" -> SparseOptimizer.rowwiseAdagrad(0.05f, 1e-6f);
            default -> OPT;
        };
        int[] vocab = {3, 9, 2, 40, 5};
        int n = 300;
        Random rnd = new Random(d * 31L + kind.length());
        int[] ids = new int[n * vocab.length];
        float[] labels = new float[n];
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < vocab.length; f++) {
                ids[s * vocab.length + f] = rnd.nextInt(vocab[f]);
            }
            labels[s] = rnd.nextInt(2);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (i * 7919) % n;
        }
        DeepFM.DeepSpec spec = new DeepFM.DeepSpec(new int[] {7, 3}, 1e-2f, 1e-3f);
        JavaBackend backend = switch (kind) {
            case "vector1" -> ONE_THREAD;
            case "scalar" -> TestBackends.SCALAR;
            default -> TestBackends.VECTOR;
        };
        try (DeepFM fused = DeepFM.create(backend, vocab, d, opt, l2, 0.1f, spec, 5);
             DeepFM general = DeepFM.create(backend, vocab, d, opt, l2, 0.1f, spec, 5)) {
            general.fm().useFusedPath(false);
            assertTrue(fused.fm().fusedPath());
            for (int step = 0; step < 4; step++) {
                int from = step * 64;
                double a = fused.trainStep(ids, order, from, 64, labels);
                double b = general.trainStep(ids, order, from, 64, labels);
                assertEquals(b, (float) a, 0.0, "loss of step " + step + " (the general path sums into a float)");
            }
            assertArrayEquals(general.predictLogits(ids, n, 50), fused.predictLogits(ids, n, 50), "logits");
            Map<String, HostMatrix> pf = fused.fmParameters();
            Map<String, HostMatrix> pg = general.fmParameters();
            for (String name : pg.keySet()) {
                assertArrayEquals(pg.get(name).toArray(), pf.get(name).toArray(), name);
            }
            for (int i = 0; i < general.mlp().parameters().size(); i++) {
                try (HostMatrix x = HostMatrix.zeros(general.mlp().parameters().get(i).rows(),
                        general.mlp().parameters().get(i).cols());
                     HostMatrix y = HostMatrix.zeros(x.rows(), x.cols())) {
                    backend.download(general.mlp().parameters().get(i), x);
                    backend.download(fused.mlp().parameters().get(i), y);
                    assertArrayEquals(x.toArray(), y.toArray(), "MLP parameter " + i);
                }
            }
        }
    }

}
