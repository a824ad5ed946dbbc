package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train ncf} and {@code leaderboard --models ncf} on a tiny data set; bad options are named. */
class NcfCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private void writeData() throws IOException {
        StringBuilder train = new StringBuilder();
        StringBuilder test = new StringBuilder();
        for (int u = 0; u < 60; u++) {
            int base = (u % 3) * 10;
            train.append(u);
            for (int j = 0; j < 6; j++) {
                train.append(' ').append(base + (u + j) % 10);
            }
            train.append('\n');
            test.append(u).append(' ').append(base + (u + 7) % 10).append('\n');
        }
        Files.writeString(dir.resolve("train.txt"), train);
        Files.writeString(dir.resolve("test.txt"), test);
    }

    @Test
    void trainsAndReportsProgressAndFinalMetrics() throws IOException {
        writeData();
        assertEquals(0, run("train", "ncf", "--data", dir.toString(), "--epochs", "2", "--dim", "4", "--layers", "8,4",
                "--batch", "32", "--eval-every", "1", "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("epoch    2/2") && s.contains("eval @ epoch 1") && s.contains("recall@20")
                && s.contains("gmfDim=4") && s.contains("tower=[8, 4]"), s);
    }

    @Test
    void leaderboardRunsTheSelectedModelAndWritesItsResultsFile() throws IOException {
        writeData();
        Path results = dir.resolve("results");
        assertEquals(0, run("leaderboard", "--data", dir.toString(), "--models", "ncf", "--epochs", "1",
                "--results", results.toString(), "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("== ncf") && !s.contains("== lightgcn"), s);
        List<Path> files;
        try (var list = Files.list(results)) {
            files = list.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().startsWith("ncf-"), files.toString());
        assertTrue(Files.readString(files.get(0)).contains("NcfConfig"), "settings name the NCF config");
    }

    @Test
    void badLayersAndModelsAreNamed() throws IOException {
        writeData();
        assertNotEquals(0, run("train", "ncf", "--data", dir.toString(), "--layers", "64,x"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--layers '64,x'"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertNotEquals(0, run("train", "ncf", "--data", dir.toString(), "--layers", "7,4"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("even input width"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertNotEquals(0, run("leaderboard", "--data", dir.toString(), "--models", "ncf,bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'bogus'"), err.toString(StandardCharsets.UTF_8));
    }
}
