package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The offset arithmetic and table checks of {@link EmbeddingBags}, on numbers alone (no big allocations). */
class EmbeddingBagsTest {

    @Test
    void elementOffsetsPast2To31FloatsAreExact() {
        // 3 tables of 100M, 50M, 1 rows at d = 64: table 1 starts at float 6.4e9 > 2^31.
        long[] to = {0, 100_000_000L, 150_000_000L, 150_000_001L};
        int d = 64;
        assertEquals(150_000_000, EmbeddingBags.checkTableOffsets("t", to, 150_000_001L) + 50_000_000);
        assertEquals(6_400_000_000L, EmbeddingBags.elementOffset(to, 1, 0, d));
        assertEquals((150_000_000L - 1) * 64, EmbeddingBags.elementOffset(to, 1, 49_999_999, d));
        assertEquals(150_000_000L * 64, EmbeddingBags.elementOffset(to, 2, 0, d)); // last table's only row
        assertEquals(9_600_000_000L + 63, EmbeddingBags.elementOffset(to, 2, 0, d) + d - 1);
        assertThrows(ArithmeticException.class, () -> EmbeddingBags.elementOffset(new long[] {0, Long.MAX_VALUE / 2}, 0,
                Long.MAX_VALUE / 2, 4));
    }

    @Test
    void tableOffsetChecksNameTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingBags.checkTableOffsets("t", new long[] {0}, 0));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingBags.checkTableOffsets("t", new long[] {1, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingBags.checkTableOffsets("t", new long[] {0, 5, 3}, 3));
        var e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingBags.checkTableOffsets("t", new long[] {0, 3_000_000_000L}, 3_000_000_000L));
        assertEquals(true, e.getMessage().contains("int32"));
    }
}
