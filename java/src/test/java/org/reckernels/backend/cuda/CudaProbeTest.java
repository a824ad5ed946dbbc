package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.BackendUnavailableException;
import org.reckernels.backend.Backends;

/** The probe and the explicit "cuda" request; these run everywhere (the second part only without a GPU). */
class CudaProbeTest {

    @Test
    void probeNeverThrowsAndAlwaysGivesAReason() {
        CudaProbe.Result r = CudaProbe.probe();
        assertFalse(r.reason() == null || r.reason().isBlank(), "empty reason");
        assertSame(r, CudaProbe.probe(), "the probe is cached");
    }

    @Test
    void requestingCudaWithoutAGpuFailsWithTheProbeReason() {
        CudaProbe.Result r = CudaProbe.probe();
        Assumptions.assumeFalse(r.available(), "a GPU is present: " + r.reason());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.open("cuda"));
        assertTrue(e.getMessage().contains(r.reason()), e.getMessage());
        BackendUnavailableException direct = assertThrows(BackendUnavailableException.class, () -> CudaBackend.open(0));
        assertTrue(direct.getMessage().contains(r.reason()), direct.getMessage());
    }

    @Test
    void autoFallsBackToJavaWithTheReason() {
        CudaProbe.Result r = CudaProbe.probe();
        Assumptions.assumeFalse(r.available(), "a GPU is present: " + r.reason());
        Backends.Choice c = Backends.open("auto");
        try {
            assertTrue(c.backend().name().equals("java"), c.backend().name());
            assertTrue(c.reason().contains(r.reason()), c.reason());
        } finally {
            c.backend().close();
        }
    }

    @Test
    void linkFailureKeepsTheDynamicLinkerLine() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver\"\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver in java.library.path: /usr/lib\n"
                + "    at java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285)\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file\n");
        assertTrue(CudaProbe.linkFailure(e).equals(
                "libcuda.so.1 not found: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file"),
                CudaProbe.linkFailure(e));
        String other = CudaProbe.linkFailure(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver"));
        assertTrue(other.startsWith("the JCuda driver natives failed to load: NoClassDefFoundError"), other);
    }
}
