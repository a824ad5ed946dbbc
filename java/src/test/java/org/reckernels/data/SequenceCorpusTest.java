package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceCorpusTest {
    private static SequenceCorpus text(String s, int minCount) throws IOException {
        return SequenceCorpus.readText(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "t", minCount);
    }

    @Test
    void countsSortsAndEncodes() throws IOException {
        SequenceCorpus c = text("b a a\n\n  c a b \n", 1);
        Vocabulary v = c.vocabulary();
        assertEquals(3, v.size());
        assertEquals("a", v.token(0));
        assertEquals(3, v.count(0));
        assertEquals("b", v.token(1)); // ties (b, c? no: b=2, c=1)
        assertEquals("c", v.token(2));
        assertArrayEquals(new int[] {1, 0, 0, 2, 0, 1}, c.ids());
        assertArrayEquals(new int[] {0, 3, 6}, c.starts());
        assertEquals(3, c.lines());
        assertEquals(6 + 3, c.wordCount()); // word2vec counts one </s> per line, empty lines included
        assertEquals(-1, v.id("zzz"));
        assertEquals(2, v.id("c"));
    }

    @Test
    void minCountDropsRareTokensAndEmptiedLines() throws IOException {
        SequenceCorpus c = text("x y\nrare1 rare2\nx y x\n", 2);
        assertEquals(2, c.vocabulary().size());
        assertEquals(2, c.numSequences());
        assertEquals(5, c.numTokens());
        assertEquals(7, c.tokensRead());
    }

    @Test
    void minCountThatEmptiesTheVocabularyIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> text("a b c\n", 5));
        assertTrue(e.getMessage().contains("min_count=5") && e.getMessage().contains("1 times"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> text("\n\n \n", 1));
    }

    @Test
    void nonUtf8BytesAndHugeTokensAreKeptOrTruncated() throws IOException {
        byte[] bad = {(byte) 0xFF, (byte) 0xFE, 'a', ' ', 'b', '\n', (byte) 0xFF, (byte) 0xFE, 'a', '\n'};
        SequenceCorpus c = SequenceCorpus.readText(new ByteArrayInputStream(bad), "bad", 1);
        assertEquals(2, c.vocabulary().size());
        assertEquals(0, c.vocabulary().id(new byte[] {(byte) 0xFF, (byte) 0xFE, 'a'}));
        String huge = "q".repeat(5000);
        SequenceCorpus h = text(huge + " " + huge + "x z\n", 1);
        assertEquals(1, h.vocabulary().size() - 1); // both truncated to the same 1024 bytes, plus z
        assertEquals(2, h.truncatedTokens());
        assertEquals(SequenceCorpus.MAX_TOKEN_BYTES, h.vocabulary().tokenBytes(0).length);
    }

    @Test
    void tokensCutByTheReadBufferAreWhole() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            sb.append("tok").append(i % 997).append(i % 13 == 0 ? '\n' : ' ');
        }
        SequenceCorpus c = text(sb.toString(), 1);
        assertEquals(997, c.vocabulary().size());
        assertEquals(40_000, c.numTokens());
    }

    @Test
    void longLinesAreSplitAndOneTokenLinesKept() throws IOException {
        String line = "a b ".repeat(1500) + "\nsolo\n";
        SequenceCorpus c = text(line, 1);
        assertEquals(3001, c.numTokens());
        assertEquals(4, c.numSequences()); // 1000 + 1000 + 1000 + "solo"
        assertEquals(1, c.starts()[4] - c.starts()[3]);
    }

    @Test
    void csvSessionsOrderedByTime(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("events.csv");
        Files.writeString(f, "session_id,item,time\ns1,b,20\ns2,x,1\ns1,a,10\n\ns1,c,30\ns2,y,2\n");
        SequenceCorpus c = SequenceCorpus.readCsv(f, 1);
        assertEquals(2, c.numSequences());
        Vocabulary v = c.vocabulary();
        int[] ids = c.ids();
        assertEquals(List.of("a", "b", "c", "x", "y"), java.util.stream.IntStream.of(ids).mapToObj(v::token).toList());
        Files.writeString(f, "s1,a,10\ns1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceCorpus.readCsv(f, 1));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(f, "s1,a,noon\n");
        assertThrows(IllegalArgumentException.class, () -> SequenceCorpus.readCsv(f, 1));
    }
}
