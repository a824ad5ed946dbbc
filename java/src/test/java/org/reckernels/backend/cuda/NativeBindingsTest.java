package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Panama bindings of libreckernels_native.so: symbols, ABI version and the calls that need
 * no device. Runs without a GPU wherever the library was built (nvcc at build time).
 */
class NativeBindingsTest {

    @Test
    void loadsAndAnswersWithoutADevice() {
        Assumptions.assumeTrue(NativeBindings.class.getResource(KernelResources.NATIVE_LIB) != null
                || System.getenv(NativeBindings.ENV) != null, "native helper library not built");
        NativeBindings nat = NativeBindings.get();
        assertEquals(NativeBindings.ABI_VERSION, nat.abiVersion());
        assertTrue(nat.runtimeVersion() >= 12000 || nat.runtimeVersion() < 0, "runtime " + nat.runtimeVersion());
        assertEquals("cudaErrorInvalidValue", nat.errorName(1));
        assertTrue(nat.from().contains("libreckernels_native"), nat.from());
    }
}
