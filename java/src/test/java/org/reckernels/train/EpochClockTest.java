package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The epoch events the BPR and NCF trainers report through their shared clock. */
class EpochClockTest {
    @Test
    void reportsEachEpochWithItsRateAndTheEtaFromTheMeanEpoch() {
        List<TrainingListener.Epoch> epochs = new ArrayList<>();
        List<Long> progress = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpoch(Epoch e) {
                epochs.add(e);
            }

            @Override
            public void onProgress(int epoch, long done, long total, double samplesPerSec) {
                progress.add(done);
            }
        };
        EpochClock clock = new EpochClock(listener, 4);
        assertEquals(0, clock.secondsPerEpoch(), "no epoch ended yet");
        for (int e = 1; e <= 2; e++) {
            clock.start(e);
            clock.progress(50, 100);
            clock.end(1.0 / e, 100);
        }
        assertTrue(progress.isEmpty(), "progress is reported only after 10 s: " + progress);
        assertEquals(2, epochs.size());
        TrainingListener.Epoch first = epochs.get(0);
        TrainingListener.Epoch second = epochs.get(1);
        assertEquals(1, first.epoch());
        assertEquals(4, first.epochs());
        assertEquals(0.5, second.loss());
        assertTrue(first.seconds() > 0 && second.seconds() > 0, epochs.toString());
        assertEquals(100 / second.seconds(), second.samplesPerSec(), 1e-9 * second.samplesPerSec());
        double mean = (first.seconds() + second.seconds()) / 2;
        assertEquals(mean * 2, second.etaSeconds(), 1e-12 + 1e-9 * mean, "two epochs left at the mean epoch time");
        assertEquals(first.seconds() * 3, first.etaSeconds(), 1e-12 + 1e-9 * first.seconds());
        assertEquals(mean, clock.secondsPerEpoch(), 1e-12 + 1e-9 * mean);
    }
}
