package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.backend.Backend;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.SequenceCorpus;

/**
 * The bad-input list taken through training, not just loading: sequences of one token only,
 * a one-item vocabulary, non-UTF-8 tokens through save/load/export, tokens longer than a read
 * buffer, non-UTF-8 CSV. (Loading alone: SequenceCorpusTest; the CLI: Item2VecCommandTest.)
 */
class Item2VecBadInputTest {
    private static SequenceCorpus text(byte[] b, int minCount) throws IOException {
        return SequenceCorpus.readText(new ByteArrayInputStream(b), "t", minCount);
    }

    private static Item2Vec.Params small() {
        return Item2Vec.Params.defaults().withVectorSize(8).withMinCount(1).withEpochs(2).withWorkers(2).withSample(0);
    }

    @Test
    void oneTokenSequencesOnlyMakeNoPairsAndLeaveTheVectorsAsInitialised() throws IOException {
        SequenceCorpus c = text("a\n\nb\na\n\n\nc\n".getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals(4, c.numSequences());
        for (boolean whole : new boolean[] {false, true}) {
            for (boolean exact : new boolean[] {false, true}) {
                Item2Vec.Params p = small().withWholeSession(whole).withExactWord2Vec(exact);
                try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, c, p, null).model()) {
                    float[] init = Item2Vec.initialVectors(3, 8, p.seed()).toArray();
                    assertArrayEquals(init, m.vectors().toArray(), "whole " + whole + " exact " + exact);
                    assertEquals(3, m.mostSimilar("a", 5).size() + 1);
                }
            }
        }
    }

    @Test
    void aOneItemVocabularyTrainsAndEnds() throws IOException {
        SequenceCorpus c = text("x x x x\nx x\n".getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals(1, c.vocabulary().size());
        for (boolean exact : new boolean[] {false, true}) {
            Item2Vec.Params p = small().withExactWord2Vec(exact).withWindow(2);
            Item2Vec.Trained t = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (Backend b = new JavaBackend()) {
                    return Item2Vec.train(b, c, p, null);
                }
            });
            try (Item2Vec m = t.model()) {
                for (float x : m.vectors().toArray()) {
                    assertTrue(Float.isFinite(x));
                }
                assertTrue(m.mostSimilar("x", 3).isEmpty()); // no other item
                assertEquals((long) c.wordCount() * p.epochs(), t.result().wordsDone());
            }
        }
    }

    @Test
    void nonUtf8TokensTrainSaveLoadAndExportAsRawBytes(@TempDir Path dir) throws IOException {
        byte[] bad = {(byte) 0xFF, (byte) 0xC3, 'q'}; // not UTF-8
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            body.writeBytes(bad);
            body.writeBytes(" a b\nb a ".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(bad);
            body.write('\n');
        }
        SequenceCorpus c = text(body.toByteArray(), 1);
        assertEquals(3, c.vocabulary().size());
        int badId = c.vocabulary().id(bad);
        assertTrue(badId >= 0);
        try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, c, small(), null).model()) {
            Path f = dir.resolve("m.rk");
            m.save(f);
            try (Item2Vec back = Item2Vec.load(f)) {
                assertArrayEquals(bad, back.vocabulary().tokenBytes(back.vocabulary().id(bad)));
                assertArrayEquals(m.vectors().toArray(), back.vectors().toArray());
            }
            Path txt = dir.resolve("v.txt");
            m.exportWord2VecText(txt);
            byte[] out = Files.readAllBytes(txt);
            int line = 1 + badId; // header, then one line per id
            int pos = 0;
            for (int l = 0; l < line; l++) {
                while (out[pos] != '\n') {
                    pos++;
                }
                pos++;
            }
            byte[] head = java.util.Arrays.copyOfRange(out, pos, pos + bad.length + 1);
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xC3, 'q', ' '}, head);
        }
    }

    @Test
    void tokensLongerThanTheReadBufferAreTruncatedOnceAndTrain() throws IOException {
        String huge = "h".repeat(200_000); // spans four 64 KiB read buffers
        String body = (huge + " z y\n").repeat(3) + "z y " + huge; // the last line has no newline
        SequenceCorpus c = text(body.getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals(3, c.vocabulary().size());
        assertEquals(4, c.truncatedTokens());
        int h = c.vocabulary().id("h".repeat(SequenceCorpus.MAX_TOKEN_BYTES));
        assertEquals(4, c.vocabulary().count(h));
        assertEquals(4, c.numSequences());
        try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, c, small(), null).model()) {
            assertEquals(2, m.mostSimilar("z", 2).size());
        }
    }

    @Test
    void nonUtf8CsvIsAClearErrorNamingTheLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("e.csv");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("s1,a,1\ns1,b,2\ns2,".getBytes(StandardCharsets.US_ASCII));
        b.write(0xFF);
        b.writeBytes(",3\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(f, b.toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceCorpus.readCsv(f, 1));
        assertTrue(e.getMessage().contains("not UTF-8") && e.getMessage().contains(f + " line 3:"), e.getMessage());
        // a huge CSV item is truncated like a text token
        Files.writeString(f, "s1," + "w".repeat(5000) + ",1\ns1,v,2\n");
        SequenceCorpus c = SequenceCorpus.readCsv(f, 1);
        assertEquals(1, c.truncatedTokens());
        assertEquals(SequenceCorpus.MAX_TOKEN_BYTES, c.vocabulary().tokenBytes(c.vocabulary().id("w".repeat(1024))).length);
    }
}
