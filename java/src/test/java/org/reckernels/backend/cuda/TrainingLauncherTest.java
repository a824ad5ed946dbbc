package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Launch-shape arithmetic of the training kernels (CPU only). */
class TrainingLauncherTest {
    @Test
    void elementwiseGridCoversFloat4ChunksAndIsCapped() {
        GridAssertions.assertCeilDivCapped("elementwiseGrid", TrainingLauncher::elementwiseGrid, 1024,
                TrainingLauncher.MAX_GRID, 1L << 40);
    }

    @Test
    void warpPerItemGridGivesEachItemAWarp() {
        GridAssertions.assertCeilDivCapped("warpPerItemGrid", TrainingLauncher::warpPerItemGrid, 8,
                TrainingLauncher.MAX_GRID, Integer.MAX_VALUE);
        assertEquals(256, TrainingLauncher.warpPerItemGrid(2048));
    }
}
