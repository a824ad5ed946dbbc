package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shared-memory budget of {@link SgnsLauncher}; pure arithmetic, runs without a GPU. */
class SgnsLauncherTest {

    @Test
    void sharedBytesMatchTheKernelsCarving() {
        // tile + dout (2·m·d floats), G (16·m), sen + senpos (2·1000 ints), tgt (m), ctx (16)
        assertEquals(4L * (2 * 6 * 64 + 16 * 6 + 2000 + 6 + 16), SgnsLauncher.sharedBytes(64, 5));
        // s_len, s_m, s_n, s_q (ints) and s_loss[128 / 32] (floats) in kernels/sgns.cu
        assertEquals(32, SgnsLauncher.STATIC_SHARED);
    }

    @Test
    void theDynamicBudgetLeavesRoomForTheStaticSharedMemory() {
        long maxDynamic = SgnsLauncher.MAX_SHARED - SgnsLauncher.STATIC_SHARED;
        // d = 5124, k = 0 needs 49124 dynamic bytes: under 48 KiB alone, over it with the 32 static bytes.
        long shared = SgnsLauncher.sharedBytes(5124, 0);
        assertTrue(shared <= SgnsLauncher.MAX_SHARED && shared + SgnsLauncher.STATIC_SHARED > SgnsLauncher.MAX_SHARED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SgnsLauncher.checkShared(5124, 0, shared, maxDynamic));
        assertTrue(e.getMessage().contains("49124"), e.getMessage());
        assertDoesNotThrow(() -> SgnsLauncher.checkShared(300, 5, SgnsLauncher.sharedBytes(300, 5), maxDynamic));
    }
}
