package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Launch arithmetic of the device adjacency builder (CPU only; CudaAdjacencyTest runs it). */
class AdjacencyBuilderTest {
    @Test
    void sortBitsCoverTheItemIds() {
        assertEquals(1, AdjacencyBuilder.sortBits(1));
        assertEquals(1, AdjacencyBuilder.sortBits(2));
        assertEquals(2, AdjacencyBuilder.sortBits(3));
        assertEquals(10, AdjacencyBuilder.sortBits(1024));
        assertEquals(11, AdjacencyBuilder.sortBits(1025));
        assertEquals(31, AdjacencyBuilder.sortBits(Integer.MAX_VALUE));
    }
}
