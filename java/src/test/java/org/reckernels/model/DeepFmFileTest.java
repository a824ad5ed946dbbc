package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.io.TableFile;
import org.reckernels.nn.Activation;
import org.reckernels.nn.Dense;
import org.reckernels.nn.Mlp;
import org.reckernels.tensor.HostMatrix;

/**
 * DeepFM save/load: a trained model comes back with the same logits (FM part and MLP, bit for bit) and keeps
 * training; truncated, corrupt and foreign files are rejected naming the file; a failed save leaves the previous
 * file as it was.
 */
class DeepFmFileTest {
    private static final SparseOptimizer OPT = SparseOptimizer.adagrad(0.05f, 1e-6f);
    private static final int[] VOCAB = {3, 5, 7, 2};
    private static final int N = 96;

    @TempDir
    Path dir;

    private static int[] ids(long seed) {
        Random rnd = new Random(seed);
        int[] ids = new int[N * VOCAB.length];
        for (int s = 0; s < N; s++) {
            for (int f = 0; f < VOCAB.length; f++) {
                ids[s * VOCAB.length + f] = rnd.nextInt(VOCAB[f]);
            }
        }
        return ids;
    }

    private static float[] labels(long seed) {
        Random rnd = new Random(seed);
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            y[i] = rnd.nextInt(2);
        }
        return y;
    }

    /** A DeepFM with odd widths (d = 3, hidden 5-2) after a few steps, so every parameter moved from its init. */
    private static DeepFM trained(JavaBackend backend) {
        DeepFM m = DeepFM.create(backend, VOCAB, 3, OPT, 0.01f, 0.1f, new DeepFM.DeepSpec(new int[] {5, 2}, 1e-2f, 1e-4f), 3);
        int[] ids = ids(1);
        float[] y = labels(2);
        for (int step = 0; step < 4; step++) {
            m.trainStep(ids, null, 0, N, y);
        }
        return m;
    }

    @Test
    void savedAndLoadedModelPredictsTheSameLogits() throws IOException {
        Path f = dir.resolve("deepfm.rkt");
        try (JavaBackend backend = new JavaBackend(2); DeepFM m = trained(backend)) {
            m.save(f, Map.of("data", "test"));
            Map<String, String> meta = metadata(f);
            assertEquals("deepfm", meta.get("model"));
            assertEquals("relu,relu,none", meta.get("mlp_activations"));
            assertEquals("12x5,1x5,5x2,1x2,2x1,1x1", meta.get("extra"));
            int[] test = ids(7);
            float[] expected = m.predictLogits(test, N, 40);
            try (DeepFM back = DeepFM.load(backend, f, OPT)) {
                assertArrayEquals(expected, back.predictLogits(test, N, 40), "same logits after load");
                assertArrayEquals(expected, back.predictLogits(test, N, N), "any batch size");
                assertEquals(m.mlpLr(), back.mlpLr());
                assertEquals(m.mlpL2(), back.mlpL2());
                assertEquals(m.fm().l2(), back.fm().l2());
                for (int i = 0; i < m.mlp().parameters().size(); i++) {
                    assertArrayEquals(host(backend, m.mlp().parameters().get(i)), host(backend, back.mlp().parameters().get(i)),
                            "MLP parameter " + i);
                }
                // Both keep training the same way from here (fresh optimizer state on both sides).
                back.trainStep(ids(1), null, 0, N, labels(2));
                assertFalse(Arrays.equals(expected, back.predictLogits(test, N, 40)), "the loaded model trains");
            }
        }
    }

    private static Map<String, String> metadata(Path f) throws IOException {
        TableFile.Loaded l = TableFile.read(f);
        l.table().close();
        return l.metadata();
    }

    private static float[] host(JavaBackend backend, org.reckernels.tensor.Matrix m) {
        try (HostMatrix h = HostMatrix.zeros(m.rows(), m.cols())) {
            backend.download(m, h);
            return h.toArray();
        }
    }

    @Test
    void rejectsTruncatedCorruptAndForeignFiles() throws IOException {
        Path f = dir.resolve("deepfm.rkt");
        Path fmFile = dir.resolve("fm.rkt");
        try (JavaBackend backend = new JavaBackend(1); DeepFM m = trained(backend)) {
            m.save(f, Map.of());
            m.fm().save(fmFile, Map.of());
            byte[] good = Files.readAllBytes(f);

            Files.write(f, Arrays.copyOf(good, good.length - 30));
            IOException truncated = assertThrows(IOException.class, () -> DeepFM.load(backend, f, OPT));
            assertTrue(truncated.getMessage().contains("truncated") && truncated.getMessage().contains("deepfm.rkt"),
                    truncated.getMessage());

            byte[] flipped = good.clone();
            flipped[good.length - 40] ^= 0x10;   // inside the MLP part
            Files.write(f, flipped);
            IOException corrupt = assertThrows(IOException.class, () -> DeepFM.load(backend, f, OPT));
            assertTrue(corrupt.getMessage().contains("checksum"), corrupt.getMessage());

            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> DeepFM.load(backend, fmFile, OPT));
            assertTrue(foreign.getMessage().contains("fm.rkt") && foreign.getMessage().contains("not an DEEPFM model file")
                    && foreign.getMessage().contains("model = fm"), foreign.getMessage());
            Files.write(f, good);
            IllegalArgumentException asFm = assertThrows(IllegalArgumentException.class,
                    () -> FactorizationMachine.load(backend, f, OPT));
            assertTrue(asFm.getMessage().contains("model = deepfm"), asFm.getMessage());

            Files.writeString(f, "label\tI1\tC1\n1\t2\t68fd1e64\n0\t5\t80e26c9b\n");
            IOException text = assertThrows(IOException.class, () -> DeepFM.load(backend, f, OPT));
            assertTrue(text.getMessage().contains("not a reckernels table file"), text.getMessage());
        }
    }

    @Test
    void rejectsMlpShapesThatDoNotChain() throws IOException {
        Path f = dir.resolve("odd.rkt");
        try (JavaBackend backend = new JavaBackend(1)) {
            // A hand-made file: the MLP takes 7 inputs where F·d = 12.
            Random rnd = new Random(5);
            FactorizationMachine fm = FactorizationMachine.create(backend, VOCAB, 3, OPT, 0.1f, 1);
            try (Mlp wrong = new Mlp(backend, List.of(new Dense(backend, 7, 2, Activation.RELU, rnd),
                    new Dense(backend, 2, 1, Activation.NONE, rnd)))) {
                fm.write(f, "deepfm", Map.of("mlp_activations", "relu,none", "mlp_lr", "0.001", "mlp_l2", "0"),
                        wrong.parameters());
            } finally {
                fm.close();
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeepFM.load(backend, f, OPT));
            assertTrue(e.getMessage().contains("odd.rkt") && e.getMessage().contains("needs 12"), e.getMessage());
        }
    }

    @Test
    void aFailedSaveLeavesThePreviousFile() throws IOException {
        Path f = dir.resolve("deepfm.rkt");
        try (JavaBackend backend = new JavaBackend(1); DeepFM m = trained(backend)) {
            m.save(f, Map.of("run", "first"));
            byte[] before = Files.readAllBytes(f);
            m.trainStep(ids(1), null, 0, N, labels(2));
            assertThrows(IllegalArgumentException.class, () -> m.save(f, Map.of("run", "second\nline")));
            assertArrayEquals(before, Files.readAllBytes(f), "the previous file is untouched");
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temporary file left behind");
            }
            try (DeepFM back = DeepFM.load(backend, f, OPT)) {
                assertEquals("first", metadata(f).get("run"));
                assertEquals(VOCAB.length, back.fields());
            }
        }
    }
}
