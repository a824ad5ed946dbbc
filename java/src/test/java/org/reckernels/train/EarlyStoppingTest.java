package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.TestMatrices;

/** The best-snapshot and patience rules the BPR and NCF trainers share. */
class EarlyStoppingTest {

    /** Records the listener events as text, in order. */
    private static final class Events implements TrainingListener {
        final List<String> log = new ArrayList<>();

        @Override
        public void onEvaluation(int epoch, Map<String, Double> metrics, boolean best) {
            log.add("eval " + epoch + (best ? " best" : ""));
        }

        @Override
        public void onEarlyStop(int epoch, int bestEpoch) {
            log.add("stop " + epoch + " best " + bestEpoch);
        }
    }

    @Test
    void keepsTheStrictlyBestParametersStopsAfterPatienceAndRestoresThem() {
        try (JavaBackend backend = new JavaBackend(1);
             HostMatrix a0 = TestMatrices.dense(3, 2, 1);
             HostMatrix b0 = TestMatrices.dense(1, 5, 2);
             Matrix a = backend.upload(a0);
             Matrix b = backend.upload(b0);
             EarlyStopping stopping = new EarlyStopping(backend, List.of(a, b), 2)) {
            Events events = new Events();
            Map<String, Double> first = Map.of("recall@20", 0.3);
            assertFalse(stopping.evaluated(1, first, 0.3, events));
            backend.fill(a, 7f);   // training moves on from the snapshot
            backend.fill(b, -7f);
            assertFalse(stopping.evaluated(2, Map.of("recall@20", 0.3), 0.3, events), "a tie is no improvement");
            assertTrue(stopping.evaluated(3, Map.of(), Double.NaN, events), "NaN is no improvement; patience 2 is spent");
            assertEquals(List.of("eval 1 best", "eval 2", "eval 3", "stop 3 best 1"), events.log);
            assertEquals(1, stopping.bestEpoch());
            assertEquals(first, stopping.bestMetrics());

            assertTrue(stopping.restoreBest(3));
            try (HostMatrix a1 = HostMatrix.zeros(3, 2); HostMatrix b1 = HostMatrix.zeros(1, 5)) {
                backend.download(a, a1);
                backend.download(b, b1);
                assertArrayEquals(a0.toArray(), a1.toArray());
                assertArrayEquals(b0.toArray(), b1.toArray());
            }
        }
    }

    @Test
    void improvementResetsPatienceAndTheBestLastEpochNeedsNoRestore() {
        try (JavaBackend backend = new JavaBackend(1);
             Matrix a = backend.allocate(2, 2);
             EarlyStopping stopping = new EarlyStopping(backend, List.of(a), 2)) {
            Events events = new Events();
            assertFalse(stopping.evaluated(1, Map.of(), 0.1, events));
            assertFalse(stopping.evaluated(2, Map.of(), 0.05, events));
            assertFalse(stopping.evaluated(3, Map.of(), 0.2, events));
            assertFalse(stopping.evaluated(4, Map.of(), 0.2, events));
            assertTrue(stopping.evaluated(5, Map.of(), 0.1, events));
            assertEquals(3, stopping.bestEpoch());
            assertFalse(stopping.restoreBest(3), "the last epoch is the best: nothing to restore");
        }
    }

    @Test
    void withoutPatienceOrEvaluationsNothingStopsOrIsRestored() {
        try (JavaBackend backend = new JavaBackend(1);
             Matrix a = backend.allocate(2, 2);
             EarlyStopping never = new EarlyStopping(backend, List.of(a), 0);
             EarlyStopping unused = new EarlyStopping(backend, List.of(a), 1)) {
            for (int epoch = 1; epoch <= 5; epoch++) {
                assertFalse(never.evaluated(epoch, Map.of(), Double.NaN, TrainingListener.NONE));
            }
            assertEquals(0, never.bestEpoch());
            assertFalse(never.restoreBest(5), "no evaluation ever improved");
            assertFalse(unused.restoreBest(5), "nothing was evaluated");
            assertEquals(Map.of(), unused.bestMetrics());
        }
    }
}
