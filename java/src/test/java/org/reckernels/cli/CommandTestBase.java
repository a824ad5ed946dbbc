package org.reckernels.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@link Main} with captured output, and writes the tiny ranking data set the command tests train on. */
abstract class CommandTestBase {
    protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
    protected final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs the CLI with {@code args}; its output adds to {@link #out} and {@link #err}. */
    protected int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * Writes train.txt and test.txt into {@code dir}: 60 users in three groups of ten items, six training items
     * and one test item each ({@code user item item ...} lines).
     *
     * @param trainLineEnd     the line ending of train.txt ("\n", or "\r\n" to exercise the loader)
     * @param trailingBlankLine whether train.txt ends with an extra blank line
     */
    protected static void writeRankingData(Path dir, String trainLineEnd, boolean trailingBlankLine) throws IOException {
        StringBuilder train = new StringBuilder();
        StringBuilder test = new StringBuilder();
        for (int u = 0; u < 60; u++) {
            int base = (u % 3) * 10;
            train.append(u);
            for (int j = 0; j < 6; j++) {
                train.append(' ').append(base + (u + j) % 10);
            }
            train.append(trainLineEnd);
            test.append(u).append(' ').append(base + (u + 7) % 10).append('\n');
        }
        if (trailingBlankLine) {
            train.append('\n');
        }
        Files.writeString(dir.resolve("train.txt"), train);
        Files.writeString(dir.resolve("test.txt"), test);
    }
}
