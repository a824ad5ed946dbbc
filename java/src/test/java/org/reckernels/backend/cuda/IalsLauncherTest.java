package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch-shape arithmetic of the iALS kernels (CPU only). */
class IalsLauncherTest {
    @Test
    void columnsPerLaneCoverTheWidth() {
        assertEquals(1, IalsLauncher.lanesColumns(1));
        assertEquals(1, IalsLauncher.lanesColumns(32));
        assertEquals(2, IalsLauncher.lanesColumns(33));
        assertEquals(2, IalsLauncher.lanesColumns(64));
        assertEquals(4, IalsLauncher.lanesColumns(65));
        assertEquals(8, IalsLauncher.lanesColumns(256));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IalsLauncher.lanesColumns(257));
        assertTrue(e.getMessage().contains("257"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IalsLauncher.lanesColumns(0));
    }

    @Test
    void gridGivesEachRowAWarpAndIsCapped() {
        GridAssertions.assertCeilDivCapped("grid", IalsLauncher::grid, 8, IalsLauncher.MAX_GRID, Integer.MAX_VALUE);
    }

    @Test
    void entryPointsAreTheFourWidths() {
        assertEquals(4, IalsLauncher.entryPoints().size());
        assertTrue(IalsLauncher.entryPoints().contains("rk_ials_cg_k2_f32"));
    }
}
