package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    void rejectsOptionsOfTheOtherModel() {
        assertEquals(1, run("train", "fm", "--hidden", "8", "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("train deepfm"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, run("train", "deepfm", "--hidden", "8,x", "--samples", "100", "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--hidden '8,x'"), err.toString(StandardCharsets.UTF_8));
    }
}
