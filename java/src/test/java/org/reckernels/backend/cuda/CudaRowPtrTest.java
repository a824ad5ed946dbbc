package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CudaBackend#rowPtrFromDegrees} (native CUB scan) against a CPU prefix sum in int64. */
@GpuTest
class CudaRowPtrTest {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    private static long[] onDevice(int[] degrees) {
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer d = backend.allocateBuffer((long) degrees.length * Integer.BYTES)) {
            d.copyFromHost(arena.allocateFrom(JAVA_INT, degrees));
            try (DeviceBuffer rowPtr = backend.rowPtrFromDegrees(d, degrees.length)) {
                assertEquals((degrees.length + 1L) * Long.BYTES, rowPtr.byteSize());
                MemorySegment out = arena.allocate(JAVA_LONG, degrees.length + 1L);
                rowPtr.copyToHost(out);
                return out.toArray(JAVA_LONG);
            }
        }
    }

    private static long[] onHost(int[] degrees) {
        long[] p = new long[degrees.length + 1];
        for (int i = 0; i < degrees.length; i++) {
            p[i + 1] = p[i] + degrees[i];
        }
        return p;
    }

    @Test
    void randomDegreesMatchThePrefixSum() {
        Random rnd = new Random(42);
        for (int n : new int[] {1, 2, 255, 256, 257, 100_003, 2_000_000}) {
            int[] deg = new int[n];
            for (int i = 0; i < n; i++) {
                deg[i] = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(500);
            }
            assertArrayEquals(onHost(deg), onDevice(deg), "n = " + n);
        }
    }

    @Test
    void totalsPastTwoToTheThirtyOneAreExact() {
        int big = 1 << 30;
        int[] deg = {big, big, big, 7, 0, big, Integer.MAX_VALUE, 3};
        long[] expected = onHost(deg);
        assertEquals(4L * big + 7 + Integer.MAX_VALUE + 3, expected[deg.length]);
        assertArrayEquals(expected, onDevice(deg));
    }

    @Test
    void zeroRowsGiveASingleZero() {
        assertArrayEquals(new long[] {0}, onDevice(new int[0]));
    }

    @Test
    void scratchIsReusedAndGrownAcrossCalls() {
        Random rnd = new Random(7);
        for (int n : new int[] {10, 3_000_000, 10, 5_000_000}) {
            int[] deg = new int[n];
            for (int i = 0; i < n; i++) {
                deg[i] = rnd.nextInt(100);
            }
            assertArrayEquals(onHost(deg), onDevice(deg), "n = " + n);
        }
    }
}
