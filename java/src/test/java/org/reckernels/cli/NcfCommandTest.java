package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train ncf} and {@code leaderboard --models ncf} on a tiny data set; bad options are named. */
class NcfCommandTest extends CommandTestBase {
    @TempDir
    Path dir;

    @Test
    void trainsAndReportsProgressAndFinalMetrics() throws IOException {
        writeRankingData(dir, "\n", false);
        assertEquals(0, run("train", "ncf", "--data", dir.toString(), "--epochs", "2", "--dim", "4", "--layers", "8,4",
                "--batch", "32", "--eval-every", "1", "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("epoch    2/2") && s.contains("eval @ epoch 1") && s.contains("recall@20")
                && s.contains("gmfDim=4") && s.contains("tower=[8, 4]"), s);
    }

    @Test
    void leaderboardRunsTheSelectedModelAndWritesItsResultsFile() throws IOException {
        writeRankingData(dir, "\n", false);
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
        writeRankingData(dir, "\n", false);
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
