package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingFmContract;

/** The embedding-bag / FM / logistic-loss contract on the CUDA backend. */
@Tag("gpu")
class CudaEmbeddingFmTest extends EmbeddingFmContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    @Override
    protected Backend backend() {
        return backend;
    }

    @Test
    void launcherHelpers() {
        assertEquals(257, EmbeddingLauncher.tablesParam(new long[] {0, 5}).length);
        assertEquals(3, EmbeddingLauncher.sortBits(5));
        assertEquals(31, EmbeddingLauncher.sortBits(Integer.MAX_VALUE - 1));
    }
}
