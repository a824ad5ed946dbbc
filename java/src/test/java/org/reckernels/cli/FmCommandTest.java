package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.model.DeepFM;

/** {@code reckernels train fm|deepfm} on a small synthetic set, and the options that belong to one of them only. */
class FmCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void trainsDeepFmWithItsHiddenLayers() {
        assertEquals(0, run("train", "deepfm", "--samples", "6000", "--epochs", "1", "--batch", "512", "--hidden", "8,4",
                "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("hidden=[8, 4]") && s.contains("epoch    1/1") && s.contains("final: auc"), s);
    }

    @Test
    void trainDeepFmSavesALoadableModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("deepfm.rkt");
        assertEquals(0, run("train", "deepfm", "--samples", "3000", "--epochs", "1", "--batch", "256", "--hidden", "6",
                "--save", file.toString(), "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("saved model to " + file), out.toString(StandardCharsets.UTF_8));
        try (JavaBackend backend = new JavaBackend(1);
             DeepFM m = DeepFM.load(backend, file, SparseOptimizer.adagrad(0.05f, 1e-6f))) {
            assertEquals(39, m.fields());
            assertEquals(List.of(39 * 16, 6), List.of(m.mlp().inputWidth(), m.mlp().layers().get(0).out()));
        }
    }

    @Test
    void rejectsOptionsOfTheOtherModel() {
        assertEquals(1, run("train", "fm", "--hidden", "8", "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("train deepfm"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, run("train", "deepfm", "--hidden", "8,x", "--samples", "100", "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--hidden '8,x'"), err.toString(StandardCharsets.UTF_8));
    }
}
