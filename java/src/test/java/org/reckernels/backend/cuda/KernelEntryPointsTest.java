package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every entry point a launcher asks for is in the built fatbin — checked on CPU by looking for
 * the kernel's {@code .text.<name>} ELF section name in the (uncompressed) fatbin bytes, so a
 * misspelt or forgotten kernel fails CI instead of the first GPU run. Skips when the kernels were
 * not built (RECKERNELS_SKIP_KERNELS); CI builds them.
 */
class KernelEntryPointsTest {
    @Test
    void everyLauncherEntryPointIsInTheFatbin() {
        assumeTrue(KernelResources.fatbinPresent(), "kernels not built");
        String bytes = new String(KernelResources.readFatbin(), StandardCharsets.ISO_8859_1);
        List<String> entries = CudaBackend.kernelEntryPoints();
        List<String> missing = new ArrayList<>();
        for (String e : entries) {
            if (!bytes.contains(".text." + e + "\0")) {
                missing.add(e);
            }
        }
        assertTrue(missing.isEmpty(), "entry points missing from the fatbin: " + missing);
    }

    @Test
    void entryPointNamesAreUnique() {
        List<String> entries = CudaBackend.kernelEntryPoints();
        assertEquals(entries.size(), new HashSet<>(entries).size(), entries.toString());
    }
}
