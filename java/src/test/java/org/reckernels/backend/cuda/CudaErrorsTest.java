package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.BackendInfo;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.TestMatrices;

/** Error messages, info, the bench hooks and lifecycle of the CUDA backend. */
@GpuTest
class CudaErrorsTest {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    @Test
    void outOfMemoryNamesTheCallTheRequestAndTheFreeBytes() {
        long absurd = 1L << 50; // 1 PiB
        CudaException e = assertThrows(CudaException.class, () -> backend.allocateBuffer(absurd));
        String m = e.getMessage();
        assertTrue(m.contains("cuMemAlloc"), m);
        assertTrue(m.contains("CUDA_ERROR_OUT_OF_MEMORY"), m);
        assertTrue(m.contains("requested " + absurd + " bytes"), m);
        assertTrue(m.contains("free of") && m.contains("total"), m);
        assertEquals(jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY, e.code());
        // The failed allocation leaves the backend usable.
        try (Matrix ok = backend.allocate(4, 4)) {
            backend.synchronize();
        }
    }

    @Test
    void allocateReturnsZeros() {
        try (Matrix m = backend.allocate(33, 17); HostMatrix h = HostMatrix.zeros(33, 17)) {
            h.fill(Float.NaN);
            backend.download(m, h);
            assertArrayEquals(new float[33 * 17], h.toArray());
        }
    }

    @Test
    void infoNamesTheDeviceAndTheKernels() {
        BackendInfo info = backend.info();
        assertEquals("cuda", info.name());
        assertEquals(backend.deviceName(), info.device());
        assertTrue(info.kernels().containsAll(SpmmLauncher.entryPoints()), info.kernels().toString());
        assertTrue(backend.driverVersion().matches("\\d+\\.\\d+"), backend.driverVersion());
    }

    @Test
    void benchHooksExposeRawHandles() {
        try (CsrMatrix a = TestMatrices.uniform(100, 80, 4, false, 3);
             CsrMatrix unit = TestMatrices.uniform(10, 8, 2, true, 4);
             SparseMatrix da = backend.upload(a);
             SparseMatrix du = backend.upload(unit);
             Matrix x = backend.allocate(80, 64);
             Matrix y = backend.allocate(100, 64)) {
            assertNotEquals(0L, backend.streamHandle());
            assertEquals(0L, backend.devicePointer(x) % 256);
            long[] p = backend.devicePointers(da);
            assertTrue(p[0] != 0 && p[1] != 0 && p[2] != 0);
            assertEquals(0L, backend.devicePointers(du)[2]);
            float[] ms = backend.timeWithEvents(() -> backend.spmm(da, x, y), 2, 5);
            assertEquals(5, ms.length);
            for (float t : ms) {
                assertTrue(t >= 0 && t < 1000, "ms = " + t);
            }
        }
    }

    @Test
    void opsFromAnotherThreadWork() throws Exception {
        try (HostMatrix h = TestMatrices.dense(16, 8, 5); HostMatrix back = HostMatrix.zeros(16, 8)) {
            Thread t = new Thread(() -> {
                try (Matrix m = backend.upload(h)) {
                    backend.download(m, back);
                }
            });
            t.start();
            t.join();
            assertArrayEquals(h.toArray(), back.toArray());
        }
    }

    @Test
    void closeIsIdempotentAndLaterOpsFailClearly() {
        CudaBackend b = CudaBackend.open(0);
        b.close();
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.allocate(2, 2));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
