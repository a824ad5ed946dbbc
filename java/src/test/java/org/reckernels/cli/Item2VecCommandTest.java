package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reckernels train item2vec}: synthetic default with precision, files, bad input. */
class Item2VecCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void syntheticDefaultPrintsPrecisionAndSaves(@TempDir Path dir) {
        Path m = dir.resolve("m.rk");
        Path v = dir.resolve("v.txt");
        assertEquals(0, run("train", "item2vec", "--epochs", "2", "--vector-size", "32", "--workers", "2", "--backend", "java",
                "--save", m.toString(), "--export", v.toString()), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("precision@10 against the planted clusters") && s.contains("words/s"), s);
        assertTrue(Files.exists(m) && Files.exists(dir.resolve("m.rk.vocab")) && Files.exists(v), s);
    }

    @Test
    void textDataWithBadBitsAndClearErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.txt");
        byte[] body = "a b c a b\n\nsolo\n\u00ff bad \n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, body);
        assertEquals(0, run("train", "item2vec", "--data", f.toString(), "--min-count", "1", "--epochs", "1", "--vector-size", "8",
                "--backend", "java", "--query", "a"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, run("train", "item2vec", "--data", f.toString(), "--min-count", "50", "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("vocabulary is empty"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, run("train", "item2vec", "--data", dir.resolve("missing.txt").toString(), "--backend", "java"));
        assertEquals(1, run("train", "item2vec", "--data", f.toString(), "--min-count", "1", "--query", "zzz", "--epochs", "1",
                "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'zzz' is not in the vocabulary"), err.toString(StandardCharsets.UTF_8));
    }
}
