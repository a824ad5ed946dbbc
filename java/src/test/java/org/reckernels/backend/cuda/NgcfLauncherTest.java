package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch-shape arithmetic of the NGCF kernels (CPU only). */
class NgcfLauncherTest {
    @Test
    void perElementGridCoversEveryElementAndIsCapped() {
        assertEquals(1, NgcfLauncher.perElementGrid(1));
        assertEquals(1, NgcfLauncher.perElementGrid(256));
        assertEquals(2, NgcfLauncher.perElementGrid(257));
        assertEquals(TrainingLauncher.MAX_GRID, NgcfLauncher.perElementGrid(1L << 40));
    }

    @Test
    void columnSumsGridGivesEachThreadAboutSixteenRows() {
        assertEquals(1, NgcfLauncher.columnSumsGridY(1));
        assertEquals(1, NgcfLauncher.columnSumsGridY(128));
        assertEquals(2, NgcfLauncher.columnSumsGridY(129));
        assertEquals(NgcfLauncher.MAX_GRID_Y, NgcfLauncher.columnSumsGridY(Long.MAX_VALUE / 2));
        assertTrue(NgcfLauncher.columnSumsGridY(70_000) <= 65_535, "grid.y limit");
    }

    @Test
    void entryPointsAreTheNgcfKernels() {
        assertEquals(9, NgcfLauncher.entryPoints().size());
        for (String e : NgcfLauncher.entryPoints()) {
            assertTrue(e.startsWith("rk_ngcf_") && e.endsWith("_f32"), e);
        }
    }
}
