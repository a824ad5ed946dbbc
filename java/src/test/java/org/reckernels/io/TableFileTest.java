package org.reckernels.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.testing.TestMatrices;

class TableFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsTableAndMetadata() throws IOException {
        Path f = dir.resolve("model.rkt");
        try (HostMatrix t = TestMatrices.dense(33, 7, 1)) {
            TableFile.write(f, Map.of("model", "lightgcn", "users", "20"), t);
            TableFile.Loaded loaded = TableFile.read(f);
            try (HostMatrix back = loaded.table()) {
                assertArrayEquals(t.toArray(), back.toArray());
                assertEquals("lightgcn", loaded.metadata().get("model"));
                assertEquals("20", loaded.metadata().get("users"));
            }
        }
    }

    @Test
    void detectsCorruptionTruncationAndForeignFiles() throws IOException {
        Path f = dir.resolve("model.rkt");
        try (HostMatrix t = TestMatrices.dense(10, 4, 2)) {
            TableFile.write(f, Map.of("k", "v"), t);
        }
        byte[] good = Files.readAllBytes(f);
        byte[] flipped = good.clone();
        flipped[good.length - 20] ^= 1;
        Files.write(f, flipped);
        IOException e1 = assertThrows(IOException.class, () -> TableFile.read(f));
        assertTrue(e1.getMessage().contains("checksum") && e1.getMessage().contains("model.rkt"), e1.getMessage());
        Files.write(f, java.util.Arrays.copyOf(good, good.length - 9));
        IOException e2 = assertThrows(IOException.class, () -> TableFile.read(f));
        assertTrue(e2.getMessage().contains("truncated"), e2.getMessage());
        Files.writeString(f, "user item item\n0 1 2\n");
        IOException e3 = assertThrows(IOException.class, () -> TableFile.read(f));
        assertTrue(e3.getMessage().contains("not a reckernels table file"), e3.getMessage());
    }

    @Test
    void failedSaveKeepsThePreviousFile() throws IOException {
        Path f = dir.resolve("model.rkt");
        try (HostMatrix t = TestMatrices.dense(5, 3, 3)) {
            TableFile.write(f, Map.of("v", "1"), t);
            byte[] before = Files.readAllBytes(f);
            assertThrows(IllegalArgumentException.class, () -> TableFile.write(f, Map.of("bad\nkey", "x"), t));
            assertArrayEquals(before, Files.readAllBytes(f));
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temp files left behind");
            }
        }
    }
}
