package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.LongToIntFunction;

/** Checks of the launchers' grid-size arithmetic (CPU only). */
final class GridAssertions {
    private GridAssertions() {
    }

    /**
     * {@code grid} is ceil(n / perBlock) blocks, at least 1 and at most {@code cap}: one unit of work and a
     * full block take one block, one more unit takes two, and {@code huge} units hit the cap.
     */
    static void assertCeilDivCapped(String what, LongToIntFunction grid, long perBlock, int cap, long huge) {
        assertEquals(1, grid.applyAsInt(1), what + "(1)");
        assertEquals(1, grid.applyAsInt(perBlock), what + "(" + perBlock + ")");
        assertEquals(2, grid.applyAsInt(perBlock + 1), what + "(" + (perBlock + 1) + ")");
        assertEquals(cap, grid.applyAsInt(huge), what + "(" + huge + ")");
    }
}
