package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private IllegalArgumentException rejects(String text) throws IOException {
        Path p = write("train.txt", text);
        return assertThrows(IllegalArgumentException.class, () -> InteractionLoader.loadAdjacency(p));
    }

    @Test
    void readsTheLightGcnFormat() throws IOException {
        InteractionLoader.Loaded l = InteractionLoader.loadAdjacency(write("train.txt", "0 1 2 3\n1 0\n2 3 1\n"));
        Interactions x = l.interactions();
        assertEquals(3, x.numUsers());
        assertEquals(4, x.numItems());
        assertEquals(6, x.size());
        assertArrayEquals(new int[] {1, 2, 3}, x.itemArray(0));
        assertArrayEquals(new int[] {1, 3}, x.itemArray(2));
        LoadReport r = l.report();
        assertEquals("train.txt", r.file());
        assertEquals(3, r.lines());
        assertEquals(6, r.interactions());
        assertEquals(0, r.duplicatesDropped());
        assertEquals(0, r.emptyUsers());
    }

    @Test
    void toleratesBlankLinesCrLfTabsTrailingBlanksAndBom() throws IOException {
        String text = "\uFEFF0 1\t2 \r\n\r\n  \n1\t0  \t\r\n\n3 2";
        InteractionLoader.Loaded l = InteractionLoader.loadAdjacency(write("train.txt", text));
        Interactions x = l.interactions();
        assertEquals(4, x.numUsers());
        assertEquals(3, x.numItems());
        assertArrayEquals(new int[] {1, 2}, x.itemArray(0));
        assertArrayEquals(new int[] {0}, x.itemArray(1));
        assertArrayEquals(new int[] {}, x.itemArray(2));
        assertArrayEquals(new int[] {2}, x.itemArray(3));
        assertEquals(6, l.report().lines());
        assertEquals(1, l.report().emptyUsers()); // user 2 never listed
    }

    @Test
    void userWithoutItemsCountsTowardNumUsers() throws IOException {
        InteractionLoader.Loaded l = InteractionLoader.loadAdjacency(write("train.txt", "0 1\n5\n"));
        assertEquals(6, l.interactions().numUsers());
        assertEquals(0, l.interactions().degreeOfUser(5));
        assertEquals(5, l.report().emptyUsers());
    }

    @Test
    void duplicatesAreDroppedAndCounted() throws IOException {
        InteractionLoader.Loaded l = InteractionLoader.loadAdjacency(write("train.txt", "0 1 1 2 1\n1 3\n1 3 0\n"));
        assertArrayEquals(new int[] {1, 2}, l.interactions().itemArray(0));
        assertArrayEquals(new int[] {0, 3}, l.interactions().itemArray(1));
        assertEquals(4, l.report().interactions());
        assertEquals(3, l.report().duplicatesDropped());
    }

    @Test
    void emptyFile() throws IOException {
        InteractionLoader.Loaded l = InteractionLoader.loadAdjacency(write("train.txt", ""));
        assertEquals(0, l.interactions().numUsers());
        assertEquals(0, l.report().lines());
    }

    @Test
    void negativeItemIdNamesFileLineAndValue() throws IOException {
        String text = "0 1\n".repeat(16) + "16 4 -3 5\n";
        IllegalArgumentException e = rejects(text);
        assertEquals("train.txt line 17: item id -3 outside [0, 2147483647)", e.getMessage());
    }

    @Test
    void negativeUserId() throws IOException {
        assertEquals("train.txt line 2: user id -1 outside [0, 2147483647)", rejects("0 1\n-1 2\n").getMessage());
    }

    @Test
    void nonIntegers() throws IOException {
        assertEquals("train.txt line 1: item id '1.5' is not an integer", rejects("0 1.5\n").getMessage());
        assertEquals("train.txt line 3: item id '12a' is not an integer", rejects("0 1\n\n1 12a 4\n").getMessage());
        assertEquals("train.txt line 1: user id 'u7' is not an integer", rejects("u7 1 2\n").getMessage());
        assertEquals("train.txt line 1: item id '+3' is not an integer", rejects("0 +3\n").getMessage());
        assertEquals("train.txt line 1: item id '-' is not an integer", rejects("0 -\n").getMessage());
        assertEquals("train.txt line 2: item id '1,2' is not an integer", rejects("0 1\r\n1 1,2\r\n").getMessage());
    }

    @Test
    void idsPastIntRange() throws IOException {
        assertEquals("train.txt line 1: item id 2147483648 outside [0, 2147483647)", rejects("0 2147483648\n").getMessage());
        assertEquals("train.txt line 1: item id 2147483647 outside [0, 2147483647)", rejects("0 2147483647\n").getMessage());
        assertEquals("train.txt line 2: user id 99999999999999999999999 outside [0, 2147483647)",
                rejects("0 1\n99999999999999999999999 1\n").getMessage());
        assertEquals("train.txt line 1: item id -99999999999999999999 outside [0, 2147483647)",
                rejects("0 -99999999999999999999\n").getMessage());
        InteractionLoader.Loaded ok = InteractionLoader.loadAdjacency(write("ok.txt", "0 2147483\n"));
        assertEquals(2147484, ok.interactions().numItems());
    }

    @Test
    void splitSharesDimensionsAndReportsColdUsersAndItems() throws IOException {
        Path d = Files.createDirectory(dir.resolve("split"));
        Files.writeString(d.resolve("train.txt"), "0 0 1\n1 1 2\n2\n");
        Files.writeString(d.resolve("test.txt"), "0 2 2\n1 4\n3 0\n");
        TrainTestSplit s = TrainTestSplit.load(d);
        assertEquals(4, s.numUsers());
        assertEquals(5, s.numItems());
        assertEquals(4, s.train().numUsers());
        assertEquals(5, s.test().numItems());
        assertEquals(4, s.train().size());
        assertEquals(3, s.test().size());
        assertEquals(1, s.testUsersWithoutTrain()); // user 3
        assertEquals(1, s.testItemsWithoutTrain()); // item 4
        assertEquals(0, s.overlap());
        assertEquals(1, s.testReport().duplicatesDropped());
        assertEquals(2, s.trainReport().emptyUsers()); // users 2 (listed, no items) and 3
        assertEquals(1, s.testReport().emptyUsers()); // user 2
        assertEquals(5, s.trainReport().numItems());
        assertEquals("test.txt", s.testReport().file());
    }

    @Test
    void splitErrorsNameTheTestFile() throws IOException {
        Path d = Files.createDirectory(dir.resolve("bad"));
        Files.writeString(d.resolve("train.txt"), "0 0 1\n");
        Files.writeString(d.resolve("test.txt"), "0 2\n1 x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.load(d));
        assertEquals("test.txt line 2: item id 'x' is not an integer", e.getMessage());
    }
}
