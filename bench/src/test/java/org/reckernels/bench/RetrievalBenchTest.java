package org.reckernels.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.data.SyntheticInteractions;

/**
 * The measurement logic of {@link RetrievalBench} on a small synthetic split (no Gowalla files):
 * with every list probed and every candidate re-ranked, the retriever's candidates are the exact
 * top-100 (overlap 1) and the two-stage metrics equal the exact ones; a one-list 4-bit probe
 * without re-rank misses some (overlap below 1), so the overlap can fail.
 */
class RetrievalBenchTest {
    @Test
    void fullProbeAndFullRerankReproduceTheExactRankingAndACheapProbeDoesNot(@TempDir Path noGowalla) throws Exception {
        SyntheticInteractions.Config tiny = new SyntheticInteractions.Config(300, 500, 8, 20, 0.8, 1.0, 0.2, 3);
        LearnedVectors.Source src = LearnedVectors.load(noGowalla, tiny, "retrieval-test", "retrieval-test-fallback");
        LearnedVectors.Trained trained = LearnedVectors.trainIals(src);
        int items = src.data().numItems();

        RetrievalBench.Exact exact = RetrievalBench.exact(trained, s -> { });
        assertTrue(exact.report().recall(RetrievalBench.K) > 0, "the model should find some test items");
        RetrievalBench.Plan full = new RetrievalBench.Plan(List.of(new RetrievalBench.IvfConfig(8, 16, 8)), new int[]{8},
                new int[]{items}, 4096, 50);
        RetrievalBench.Plan cheap = new RetrievalBench.Plan(List.of(new RetrievalBench.IvfConfig(16, 8, 4)), new int[]{1},
                new int[]{0}, 4096, 50);
        Map<String, Object> settings = new LinkedHashMap<>();
        RetrievalBench.Point p = RetrievalBench.sweep(trained, exact, full, 2, settings, s -> { }).getFirst();
        RetrievalBench.Point c = RetrievalBench.sweep(trained, exact, cheap, 2, settings, s -> { }).getFirst();

        assertEquals(1.0, p.overlap(), 1e-12);
        assertEquals(exact.report().recall(RetrievalBench.K), p.recall(), 1e-12);
        assertEquals(exact.report().ndcg(RetrievalBench.K), p.ndcg(), 1e-12);
        assertEquals(exact.report().recall(RetrievalBench.K), p.recallRetrieverOrder(), 1e-6);
        assertTrue(p.qps() > 0);
        assertTrue(c.overlap() < 0.99 && c.overlap() > 0, "one probed list of 16 should miss candidates: " + c.overlap());
        assertTrue(c.recall() <= p.recall() + 1e-12, c + " vs " + p);
        assertEquals(p, RetrievalBench.atOverlap(List.of(c, p), "", 0.9));
        assertEquals(null, RetrievalBench.atOverlap(List.of(c), "", 0.999));
    }
}
