package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;

/** {@code train fm|ffm --data FILE --format criteo|libsvm|libffm}: loading, the bad-line report, training. */
class CtrCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Planted-FM samples written as Criteo lines (13 counts, 26 hex categoricals) plus one bad line. */
    private Path criteoFile(int samples) throws IOException {
        CtrDataset d = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(samples, 3)).data();
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < d.size(); s++) {
            StringBuilder b = new StringBuilder(d.labels()[s] == 1f ? "1" : "0");
            for (int f = 0; f < 39; f++) {
                int id = d.id(s, f);
                b.append('\t').append(f < 13 ? (id == 0 ? "" : Integer.toString(id)) : Integer.toHexString(id * 7919 + f));
            }
            lines.add(b.toString());
            if (s == 10) {
                lines.add("1\tnot\tenough");
            }
        }
        Path p = dir.resolve("sample.tsv");
        Files.write(p, lines);
        return p;
    }

    @Test
    void trainFmOnCriteoFileReportsBadLinesAndTrains() throws IOException {
        Path f = criteoFile(2000);
        int rc = run("train", "fm", "--data", f.toString(), "--format", "criteo", "--min-count", "2", "--epochs", "1",
                "--batch", "500", "--dim", "4", "--backend", "java");
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8) + o);
        assertTrue(o.contains("2001 lines, 2000 samples, 1 bad lines (WRONG_FIELD_COUNT 1)"), o);
        assertTrue(o.contains("sample.tsv:12: WRONG_FIELD_COUNT"), o);
        assertTrue(o.contains("final: auc"), o);

        // Fail-fast names the line; a test file is encoded with the training ids.
        assertEquals(1, run("train", "fm", "--data", f.toString(), "--format", "criteo", "--bad-lines", "fail",
                "--epochs", "1", "--backend", "java"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("sample.tsv:12: WRONG_FIELD_COUNT: '3'"), err.toString());
        assertEquals(0, run("train", "ffm", "--data", f.toString(), "--test", f.toString(), "--format", "criteo",
                "--encoding", "hash", "--buckets", "64", "--epochs", "1", "--batch", "512", "--dim", "2", "--backend", "java"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("test: "), out.toString());
    }

    @Test
    void trainFfmOnLibffmAndFmOnLibsvm() throws IOException {
        List<String> ffm = new ArrayList<>();
        List<String> svm = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(4);
        for (int s = 0; s < 600; s++) {
            int a = rnd.nextInt(5);
            int b = rnd.nextInt(5);
            int y = (a + b) % 2 == 0 ? 1 : 0; // an interaction no single field explains
            ffm.add(y + " 0:" + a + ":1 1:" + (10 + b) + ":1 2:" + (20 + rnd.nextInt(3)) + ":1");
            svm.add((y == 1 ? "+1" : "-1") + " " + (1 + a) + ":1 " + (6 + b) + ":1");
        }
        Path f = dir.resolve("x.ffm");
        Files.write(f, ffm);
        Path g = dir.resolve("x.svm");
        Files.write(g, svm);
        assertEquals(0, run("train", "ffm", "--data", f.toString(), "--format", "libffm", "--epochs", "2", "--batch", "64",
                "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("3 fields"), out.toString());
        assertEquals(0, run("train", "fm", "--data", g.toString(), "--format", "libsvm", "--epochs", "1", "--batch", "64",
                "--dim", "4", "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("10 fields"), out.toString());
    }

    @Test
    void badDataOptionsAreRejected() {
        assertEquals(1, run("train", "fm", "--format", "criteo"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--format needs --data FILE"), err.toString());
        assertEquals(1, run("train", "fm", "--data", "x.tsv"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--data needs --format"), err.toString());
        assertEquals(1, run("train", "fm", "--data", "x.tsv", "--format", "csv"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown CTR format 'csv'"), err.toString());
        assertEquals(1, run("train", "ffm", "--data", dir.resolve("missing.tsv").toString(), "--format", "criteo"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.tsv"), err.toString());
    }
}
