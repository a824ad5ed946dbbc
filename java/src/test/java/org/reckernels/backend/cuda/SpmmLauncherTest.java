package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.reckernels.backend.cuda.SpmmLauncher.Variant;

/** The launch-shape rules of {@link SpmmLauncher}; pure arithmetic, runs without a GPU. */
class SpmmLauncherTest {

    @Test
    void choosesTheSmallestGroupThatCoversTheWidth() {
        assertEquals(Variant.V4G8, SpmmLauncher.choose(4, 0, 256));
        assertEquals(Variant.V4G8, SpmmLauncher.choose(32, 0, 256));
        assertEquals(Variant.V4G16, SpmmLauncher.choose(36, 0, 256));
        assertEquals(Variant.V4G16, SpmmLauncher.choose(64, 0, 256));
        assertEquals(Variant.V4G32, SpmmLauncher.choose(68, 0, 256));
        assertEquals(Variant.V4G32, SpmmLauncher.choose(128, 0, 256));
        assertEquals(Variant.V4G32, SpmmLauncher.choose(132, 0, 256));
        assertEquals(Variant.V4G32, SpmmLauncher.choose(1024, 0, 256));
    }

    @Test
    void widthsNotMultipleOfFourOrMisalignedPointersTakeTheScalarKernel() {
        assertEquals(Variant.V1G32, SpmmLauncher.choose(1, 0, 0));
        assertEquals(Variant.V1G32, SpmmLauncher.choose(63, 0, 0));
        assertEquals(Variant.V1G32, SpmmLauncher.choose(513, 0, 0));
        assertEquals(Variant.V1G32, SpmmLauncher.choose(64, 8, 0));
        assertEquals(Variant.V1G32, SpmmLauncher.choose(64, 0, 4));
        // The accumulating form: a misaligned ACC also takes the scalar kernel.
        assertEquals(Variant.V4G16, SpmmLauncher.choose(64, 0, 256, 512));
        assertEquals(Variant.V1G32, SpmmLauncher.choose(64, 0, 256, 4));
    }

    @Test
    void everyVariantHasAnAccumulatingEntryPoint() {
        assertEquals(3 * Variant.values().length, SpmmLauncher.entryPoints().size());
        for (Variant v : Variant.values()) {
            assertEquals(v.entry.replace("rk_spmm_csr_", "rk_spmm_acc_csr_"), v.accEntry);
            assertEquals(v.entry, v.entry(false));
            assertEquals(v.accEntry, v.entry(true));
            assertEquals(true, SpmmLauncher.entryPoints().contains(v.accEntry));
        }
    }

    @Test
    void gridCoversEveryRow() {
        assertEquals(1, SpmmLauncher.gridFor(Variant.V4G8, 1));
        assertEquals(1, SpmmLauncher.gridFor(Variant.V4G8, 32));
        assertEquals(2, SpmmLauncher.gridFor(Variant.V4G8, 33));
        assertEquals(64, SpmmLauncher.gridFor(Variant.V4G16, 1024));
        assertEquals(129, SpmmLauncher.gridFor(Variant.V4G32, 1025));
        assertEquals(268_435_456, SpmmLauncher.gridFor(Variant.V1G32, Integer.MAX_VALUE - 1));
        for (Variant v : Variant.values()) {
            assertEquals(256, v.rowsPerBlock() * v.lanesPerRow);
        }
    }

    @Test
    void rejectsWidthsWhoseColumnPassCounterWouldOverflow() {
        // c0 += 128 (v4g32) must stay below 2^31: d <= 2^31 - 129.
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> SpmmLauncher.checkWidth("spmm", Integer.MAX_VALUE - 128L));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SpmmLauncher.checkWidth("spmm", Integer.MAX_VALUE - 127L));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SpmmLauncher.checkWidth("spmm", Integer.MAX_VALUE));
    }
}
