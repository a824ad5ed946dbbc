package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.testing.TestMatrices;

/** The graph models' shared argument checks name the model and the bad values. */
class GraphShapesTest {
    @Test
    void sizesNeedPositiveCountsAndNonNegativeLayers() {
        GraphShapes.checkSizes("M", 1, 1, 1, 0);
        for (int[] bad : new int[][] {{0, 1, 1, 0}, {1, 0, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, -1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GraphShapes.checkSizes("M", bad[0], bad[1], bad[2], bad[3]));
            assertTrue(e.getMessage().startsWith("M: ") && e.getMessage().contains("layers=" + bad[3]), e.getMessage());
        }
    }

    @Test
    void adjacencyMustBeUsersPlusItemsSquare() {
        try (CsrMatrix square = TestMatrices.uniform(7, 7, 2, true, 1);
             CsrMatrix wide = TestMatrices.uniform(7, 8, 2, true, 1)) {
            assertEquals(7, GraphShapes.checkAdjacency("M", square, 3, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GraphShapes.checkAdjacency("M", square, 3, 5));
            assertTrue(e.getMessage().startsWith("M: adjacency is 7x7") && e.getMessage().contains("= 8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> GraphShapes.checkAdjacency("M", wide, 3, 4));
        }
    }
}
