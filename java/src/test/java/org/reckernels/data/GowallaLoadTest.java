package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.reckernels.testing.GowallaSplit;

/** Loads the shared Gowalla split when present (skips otherwise) and checks the published counts. */
class GowallaLoadTest {

    @Test
    void publishedCounts() throws IOException {
        Path dir = GowallaSplit.dirOrSkip();
        TrainTestSplit s = TrainTestSplit.load(dir); // first load warms the JIT
        assertEquals(29_858, s.numUsers());
        assertEquals(40_981, s.numItems());
        assertEquals(810_128, s.train().size());
        assertEquals(217_242, s.test().size());
        assertEquals(0, s.trainReport().duplicatesDropped());
        assertEquals(0, s.testReport().duplicatesDropped());
        assertEquals(0, s.overlap());

        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            InteractionLoader.Loaded train = InteractionLoader.loadAdjacency(dir.resolve("train.txt"));
            best = Math.min(best, System.nanoTime() - t0);
            assertEquals(810_128, train.interactions().size());
        }
        System.out.printf("Gowalla train.txt load: best of 5 after warm-up %.1f ms; %s%n", best / 1e6, s);
    }
}
