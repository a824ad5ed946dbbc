package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch-shape arithmetic of the NGCF kernels (CPU only). */
class NgcfLauncherTest {
    @Test
    void perElementGridCoversEveryElementAndIsCapped() {
        GridAssertions.assertCeilDivCapped("perElementGrid", NgcfLauncher::perElementGrid, 256, TrainingLauncher.MAX_GRID,
                1L << 40);
    }

    @Test
    void columnSumsGridGivesEachThreadAboutSixteenRows() {
        GridAssertions.assertCeilDivCapped("columnSumsGridY", NgcfLauncher::columnSumsGridY, 128, NgcfLauncher.MAX_GRID_Y,
                Long.MAX_VALUE / 2);
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
