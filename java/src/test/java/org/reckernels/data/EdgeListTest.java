package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeListTest {
    @TempDir
    Path dir;

    @Test
    void csvWithHeaderAndTimestampsRemapsIds() throws IOException {
        Path p = dir.resolve("events.csv");
        Files.writeString(p, "user_id,item_id,ts\r\nalice,sku-9,100\r\nbob,sku-1,101\r\n\r\nalice,sku-1,102\r\nalice,sku-9,103\r\n");
        MappedInteractions m = InteractionLoader.loadEdgeList(p);
        assertEquals(List.of("alice", "bob"), m.users().names());
        assertEquals(List.of("sku-9", "sku-1"), m.items().names());
        Interactions x = m.interactions();
        assertEquals(2, x.numUsers());
        assertEquals(2, x.numItems());
        assertArrayEquals(new int[] {0, 1}, x.itemArray(m.users().idOf("alice")));
        assertTrue(x.contains(m.users().idOf("bob"), m.items().idOf("sku-1")));
        assertEquals(1, m.report().duplicatesDropped());
        assertEquals(3, m.report().interactions());
        assertEquals(6, m.report().lines());
        assertEquals(-1, m.users().idOf("carol"));
    }

    @Test
    void tsvWithoutHeaderAndQuotes() throws IOException {
        Path p = dir.resolve("events.tsv");
        Files.writeString(p, "\"10\"\t 7 \n10\t8\n");
        MappedInteractions m = InteractionLoader.loadEdgeList(p);
        assertEquals(List.of("10"), m.users().names());
        assertEquals(List.of("7", "8"), m.items().names());
        assertEquals(2, m.interactions().size());
    }

    @Test
    void explicitSeparatorAndHeader() throws IOException {
        Path p = dir.resolve("events.txt");
        Files.writeString(p, "who;what\na;b\n");
        MappedInteractions m = InteractionLoader.loadEdgeList(p, ';', true);
        assertEquals(1, m.interactions().size());
        assertEquals("b", m.items().nameOf(0));
    }

    @Test
    void badLinesNameFileLineAndValue() throws IOException {
        Path p = dir.resolve("e.csv");
        Files.writeString(p, "a,b\nc\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InteractionLoader.loadEdgeList(p));
        assertEquals("e.csv line 2: 'c' has one field, expected user,item[,timestamp]", e.getMessage());
        Files.writeString(p, "a,b\na,,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> InteractionLoader.loadEdgeList(p));
        assertEquals("e.csv line 2: empty item id in 'a,,1'", e.getMessage());
        Files.writeString(p, "a,b,1,2\n");
        e = assertThrows(IllegalArgumentException.class, () -> InteractionLoader.loadEdgeList(p));
        assertEquals("e.csv line 1: 'a,b,1,2' has more than 3 fields, expected user,item[,timestamp]", e.getMessage());
    }

    @Test
    void idMapRoundTrips() throws IOException {
        IdMap m = IdMap.of(List.of("x", "ü 1", "42"));
        Path f = dir.resolve("items.ids");
        m.save(f);
        IdMap back = IdMap.load(f);
        assertEquals(m, back);
        assertEquals(1, back.idOf("ü 1"));
        assertEquals("42", back.nameOf(2));
        assertThrows(IllegalArgumentException.class, () -> IdMap.of(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> IdMap.of(List.of("a\nb")));
        Files.writeString(f, "a\nb\na\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdMap.load(f));
        assertEquals("items.ids line 3: id 'a' appears twice", e.getMessage());
    }
}
