package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reckernels index build|search} on a small synthetic set, with the backend choice of the build. */
class IndexCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void buildsOnTheChosenBackendAndSearches(@TempDir Path dir) {
        Path file = dir.resolve("ix.rk");
        assertEquals(0, run("index", "build", "--out", file.toString(), "--n", "1500", "--nlist", "8", "--m", "8",
                "--nbits", "4", "--batch", "1000", "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("backend: java") && s.contains("added 1,500/1,500") && Files.exists(file), s);
        assertEquals(0, run("index", "search", "--index", file.toString(), "--queries", "50", "--nprobe", "8"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("recall@10 vs exact search"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsAnUnknownBackend(@TempDir Path dir) {
        assertEquals(1, run("index", "build", "--out", dir.resolve("x").toString(), "--n", "500", "--nlist", "4",
                "--backend", "tpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("tpu"), err.toString(StandardCharsets.UTF_8));
    }
}
