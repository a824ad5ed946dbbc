package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI trains on a tiny data set, saves, evaluates the saved file, and rejects bad input. */
class TrainEvalCommandTest extends CommandTestBase {
    @TempDir
    Path dir;

    @Test
    void trainSaveAndEvalRoundTrip() throws IOException {
        writeRankingData(dir, "\r\n", true); // Windows line endings and blank lines are accepted
        Path saved = dir.resolve("emb.rkt");
        assertEquals(0, run("train", "mf", "--data", dir.toString(), "--epochs", "3", "--dim", "8", "--batch", "64",
                "--eval-every", "0", "--backend", "java", "--save", saved.toString()), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("epoch    3/3") && s.contains("recall@20") && s.contains("saved final embeddings"), s);
        out.reset();
        assertEquals(0, run("eval", "--embeddings", saved.toString(), "--data", dir.toString(), "--k", "20"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("model: mf"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badInputIsReportedWithFileLineAndValue() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "0 1 2\n1 x\n");
        Files.writeString(dir.resolve("test.txt"), "0 3\n");
        assertEquals(1, run("train", "lightgcn", "--data", dir.toString(), "--epochs", "1"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("train.txt") && e.contains("line 2") && e.contains("x"), e);
        err.reset();
        assertEquals(1, run("train", "lightgcn", "--epochs", "many"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--epochs 'many'"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(1, run("train", "transformer"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("transformer"), err.toString(StandardCharsets.UTF_8));
    }
}
