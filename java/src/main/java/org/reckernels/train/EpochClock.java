package org.reckernels.train;

/**
 * Times a trainer's epochs and reports them to its listener, as the BPR and NCF trainers do: progress
 * at most every 10 s inside an epoch (long epochs on CPU or big graphs still show life), then one
 * {@link TrainingListener.Epoch} per epoch with its rate and the estimated time to the last epoch.
 */
final class EpochClock {
    /** Within an epoch, report progress at most this often. */
    private static final long PROGRESS_NANOS = 10_000_000_000L;

    private final TrainingListener listener;
    private final int epochs;
    private int epoch;
    private int ended;
    private long start;
    private long lastProgress;
    private double totalSeconds;

    /** @param epochs the planned epochs (for the ETA) */
    EpochClock(TrainingListener listener, int epochs) {
        this.listener = listener;
        this.epochs = epochs;
    }

    /** Starts timing {@code epoch} (1-based). */
    void start(int epoch) {
        this.epoch = epoch;
        start = System.nanoTime();
        lastProgress = start;
    }

    /** {@code done} of {@code total} samples of the current epoch are through; reports them if 10 s have passed. */
    void progress(long done, long total) {
        long now = System.nanoTime();
        if (now - lastProgress > PROGRESS_NANOS) {
            lastProgress = now;
            listener.onProgress(epoch, done, total, done / ((now - start) / 1e9));
        }
    }

    /** Ends the current epoch: {@code samples} trained at mean loss {@code loss}; reports the epoch. */
    void end(double loss, long samples) {
        double seconds = (System.nanoTime() - start) / 1e9;
        totalSeconds += seconds;
        ended++;
        double eta = totalSeconds / epoch * (epochs - epoch);
        listener.onEpoch(new TrainingListener.Epoch(epoch, epochs, loss, samples / seconds, seconds, eta));
    }

    /** Mean wall time of the ended epochs (0 when none). */
    double secondsPerEpoch() {
        return ended == 0 ? 0 : totalSeconds / ended;
    }
}
