package org.reckernels.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index API: batches, remove, save/load, memory report, concurrency, bad input, recall. */
class IvfPqIndexApiTest {
    @TempDir
    Path dir;

    static final int D = 32;

    static IvfPqIndex filled(int n, int nbits) {
        float[] x = IvfPqKernelsTest.gaussian(n, D, 21);
        IvfPqIndex ix = IvfPqIndex.build(x, D, IvfPqIndex.Params.of(16, 8, nbits, Metric.L2).withIterations(6, 6));
        for (int b = 0; b < n; b += 500) { // in batches
            int e = Math.min(n, b + 500);
            long[] ids = new long[e - b];
            for (int i = b; i < e; i++) {
                ids[i - b] = i;
            }
            ix.add(ids, java.util.Arrays.copyOfRange(x, b * D, e * D));
        }
        return ix;
    }

    @Test
    void saveLoadRoundTripGivesIdenticalResults() throws IOException {
        IvfPqIndex ix = filled(2000, 8);
        Path f = dir.resolve("a.ivfpq");
        ix.save(f);
        IvfPqIndex back = IvfPqIndex.load(f);
        float[] qs = IvfPqKernelsTest.gaussian(20, D, 22);
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(10, 4).withRerank(50);
        assertArrayEquals(ix.search(qs, sp).ids(), back.search(qs, sp).ids());
        assertArrayEquals(ix.search(qs, sp).distances(), back.search(qs, sp).distances());
        assertEquals(ix.size(), back.size());
        assertEquals(ix.memory().bytesPerVector(), back.memory().bytesPerVector());
    }

    @Test
    void truncatedForeignAndCorruptFilesAreRejected() throws IOException {
        IvfPqIndex ix = filled(800, 8);
        Path f = dir.resolve("b.ivfpq");
        ix.save(f);
        byte[] all = Files.readAllBytes(f);
        Path t = dir.resolve("trunc.ivfpq");
        Files.write(t, java.util.Arrays.copyOf(all, all.length - 100));
        assertTrue(assertThrows(IOException.class, () -> IvfPqIndex.load(t)).getMessage().contains("truncated"));
        Path g = dir.resolve("foreign.ivfpq");
        Files.writeString(g, "this is not an index, just some text that is long enough");
        assertTrue(assertThrows(IOException.class, () -> IvfPqIndex.load(g)).getMessage().contains("bad magic"));
        Path c = dir.resolve("corrupt.ivfpq");
        byte[] bad = all.clone();
        bad[bad.length / 2] ^= 0x40;
        Files.write(c, bad);
        assertTrue(assertThrows(IOException.class, () -> IvfPqIndex.load(c)).getMessage().contains("checksum"));
    }

    @Test
    void failedSaveKeepsThePreviousFile() throws IOException {
        IvfPqIndex small = filled(600, 8);
        Path f = dir.resolve("c.ivfpq");
        small.save(f);
        byte[] before = Files.readAllBytes(f);
        IvfPqIndex other = filled(900, 8);
        IndexFile.beforeRename = p -> {
            throw new UncheckedIOException(new IOException("disk full (simulated)"));
        };
        try {
            assertThrows(UncheckedIOException.class, () -> other.save(f));
        } finally {
            IndexFile.beforeRename = null;
        }
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        assertEquals(600, IvfPqIndex.load(f).size());
    }

    @Test
    void removeTakesVectorsOut() {
        IvfPqIndex ix = filled(1500, 4);
        float[] q = IvfPqKernelsTest.gaussian(1, D, 21); // row 0 of the data: its own nearest neighbour
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(5, 16).withRerank(100).withFastScan(true);
        assertEquals(0L, ix.search(q, sp).id(0, 0));
        assertEquals(2, ix.remove(0L, 1L, 99999L));
        assertEquals(1498, ix.size());
        SearchResult r = ix.search(q, sp);
        for (long id : r.ids()) {
            assertTrue(id != 0 && id != 1);
        }
        ix.add(new long[]{0L}, java.util.Arrays.copyOf(q, D)); // re-adding a removed id is fine
        assertEquals(0L, ix.search(q, sp).id(0, 0));
    }

    @Test
    void memoryReport() {
        IvfPqIndex ix = filled(1000, 8);
        MemoryReport m = ix.memory();
        assertEquals(1000, m.vectors());
        assertEquals(8 + 8 + 4 + 4 * D, m.bytesPerVector(), 1e-9); // codes, id, L2 term, raw vector
        assertTrue(m.toString().contains("bytes/vector"));
    }

    @Test
    void concurrentSearchesAgreeWithSerialAndSurviveWrites() throws Exception {
        IvfPqIndex ix = filled(3000, 8);
        float[] qs = IvfPqKernelsTest.gaussian(64, D, 23);
        IvfPqIndex.SearchParams sp = IvfPqIndex.SearchParams.of(10, 6).withRerank(40);
        SearchResult serial = ix.search(qs, sp);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    long[] ids = new long[64 * 10];
                    for (int rep = 0; rep < 5; rep++) {
                        for (int q = 0; q < 64; q++) {
                            ix.searchOne(qs, q * D, sp, ids, new float[64 * 10], q * 10);
                        }
                    }
                    return ids;
                }));
            }
            for (Future<long[]> f : fs) {
                assertArrayEquals(serial.ids(), f.get());
            }
            // searches while another thread adds and removes vectors far from the queries
            Future<?> writer = pool.submit(() -> {
                float[] far = new float[D];
                java.util.Arrays.fill(far, 1000f);
                for (int i = 0; i < 50; i++) {
                    ix.add(new long[]{100_000L + i}, far.clone());
                    ix.remove(100_000L + i);
                }
            });
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(serial.ids(), ix.search(qs, sp).ids());
            }
            writer.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsRejectedClearly() {
        IvfPqIndex ix = filled(600, 8);
        String m;
        m = assertThrows(IllegalArgumentException.class, () -> ix.add(new long[]{1_000_000L}, new float[D + 1])).getMessage();
        assertTrue(m.contains("dimension mismatch"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ix.search(new float[D - 1], 5, 2)).getMessage();
        assertTrue(m.contains("dimension mismatch"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ix.search(new float[D], 601, 2)).getMessage();
        assertTrue(m.contains("k=601") && m.contains("600"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ix.search(new float[D], 5, 17)).getMessage();
        assertTrue(m.contains("nprobe=17") && m.contains("16"), m);
        assertThrows(IllegalArgumentException.class, () -> ix.search(new float[D], 5, 0));
        float[] nan = new float[D];
        nan[3] = Float.NaN;
        m = assertThrows(IllegalArgumentException.class, () -> ix.search(nan, 5, 2)).getMessage();
        assertTrue(m.contains("NaN"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ix.add(new long[]{1_000_001L}, nan)).getMessage();
        assertTrue(m.contains("NaN") && m.contains("column 3"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ix.add(new long[]{5L}, new float[D])).getMessage();
        assertTrue(m.contains("id 5"), m);
        assertEquals(600, ix.size(), "failed adds change nothing");
        m = assertThrows(IllegalArgumentException.class, () -> IvfPqIndex.build(new float[10 * D], D,
                IvfPqIndex.Params.of(16, 8, 8, Metric.L2))).getMessage();
        assertTrue(m.contains("10 training vectors") && m.contains("nlist=16"), m);
        float[] trainNan = IvfPqKernelsTest.gaussian(300, D, 1);
        trainNan[7] = Float.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> IvfPqIndex.build(trainNan, D, IvfPqIndex.Params.of(4, 8, 4, Metric.L2)));
        m = assertThrows(IllegalArgumentException.class, () -> IvfPqIndex.build(new float[300 * D], D,
                IvfPqIndex.Params.of(4, 7, 8, Metric.L2))).getMessage();
        assertTrue(m.contains("M=7"), m);
        IvfPqIndex noRaw = IvfPqIndex.build(IvfPqKernelsTest.gaussian(300, D, 1), D,
                IvfPqIndex.Params.of(4, 8, 8, Metric.L2).withStoreVectors(false));
        noRaw.add(new long[]{1}, new float[D]);
        assertThrows(IllegalArgumentException.class, () -> noRaw.search(new float[D], IvfPqIndex.SearchParams.of(1, 1).withRerank(10)));
        assertThrows(IllegalArgumentException.class, () -> ix.search(new float[D], IvfPqIndex.SearchParams.of(1, 1).withFastScan(true)));
    }

    @Test
    void recallCurveOnSyntheticClusteredDataReachesPointNine() {
        SyntheticVectors gen = SyntheticVectors.standard(7);
        int n = 20_000;
        float[] base = gen.sample(n, 1);
        float[] qs = gen.sample(100, 2);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        SearchResult truth = new ExactSearch(base, null, 128, Metric.L2).search(qs, 10);
        IvfPqIndex ix = IvfPqIndex.build(base, 128, IvfPqIndex.Params.of(128, 64, 4, Metric.L2).withIterations(8, 8));
        ix.add(ids, base);
        double r1 = SyntheticVectors.recall(ix.search(qs, IvfPqIndex.SearchParams.of(10, 1).withRerank(100).withFastScan(true)), truth, 10);
        double r16 = SyntheticVectors.recall(ix.search(qs, IvfPqIndex.SearchParams.of(10, 16).withRerank(100).withFastScan(true)), truth, 10);
        assertTrue(r1 < 0.8, "nprobe=1 should not already be enough (data too easy): " + r1);
        assertTrue(r16 >= 0.9, "recall@10 at nprobe=16: " + r16);
        assertFalse(Double.isNaN(r1));
    }
}
