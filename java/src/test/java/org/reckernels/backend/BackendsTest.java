package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.reckernels.backend.cuda.CudaProbe;

class BackendsTest {

    @Test
    void javaIsAlwaysAvailable() {
        Backends.Choice c = Backends.open("java");
        try (Backend b = c.backend()) {
            assertEquals("java", b.name());
            assertTrue(b.info().kernels().stream().anyMatch(k -> k.startsWith("spmm")), b.info().kernels().toString());
        }
    }

    @Test
    void autoFallsBackToJavaOnlyWhenCudaIsUnavailableAndSaysWhy() {
        Backends.Choice c = Backends.open("auto");
        try (Backend b = c.backend()) {
            CudaProbe.Result probe = CudaProbe.probe();
            assertEquals(probe.available() ? "cuda" : "java", b.name());
            assertTrue(c.reason().startsWith("auto:") && c.reason().length() > 10, c.reason());
        }
    }

    @Test
    void unknownKindIsRejectedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open("opencl"));
        assertTrue(e.getMessage().contains("opencl"), e.getMessage());
    }

    @Test
    void requestedKindReadsTheSystemProperty() {
        String old = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, " Java ");
            assertEquals("java", Backends.requestedKind());
            System.setProperty(Backends.PROPERTY, "gpu");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Backends::requestedKind);
            assertTrue(e.getMessage().contains(Backends.PROPERTY) && e.getMessage().contains("gpu"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, old);
            }
        }
    }
}
