package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Launch-shape arithmetic of the training kernels (CPU only). */
class TrainingLauncherTest {
    @Test
    void elementwiseGridCoversFloat4ChunksAndIsCapped() {
        assertEquals(1, TrainingLauncher.elementwiseGrid(1));
        assertEquals(1, TrainingLauncher.elementwiseGrid(1024));
        assertEquals(2, TrainingLauncher.elementwiseGrid(1025));
        assertEquals(TrainingLauncher.MAX_GRID, TrainingLauncher.elementwiseGrid(1L << 40));
    }

    @Test
    void warpPerItemGridGivesEachItemAWarp() {
        assertEquals(1, TrainingLauncher.warpPerItemGrid(1));
        assertEquals(1, TrainingLauncher.warpPerItemGrid(8));
        assertEquals(2, TrainingLauncher.warpPerItemGrid(9));
        assertEquals(256, TrainingLauncher.warpPerItemGrid(2048));
        assertEquals(TrainingLauncher.MAX_GRID, TrainingLauncher.warpPerItemGrid(Integer.MAX_VALUE));
    }
}
