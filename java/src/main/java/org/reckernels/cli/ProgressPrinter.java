package org.reckernels.cli;

import java.io.PrintStream;
import java.util.Map;
import org.reckernels.train.TrainingListener;

/** Draws training progress on the terminal: one line per epoch and per evaluation. */
final class ProgressPrinter implements TrainingListener {
    private final PrintStream out;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpoch(Epoch e) {
        out.printf("epoch %4d/%d  loss %.5f  %,.0f samples/s  %.2fs  ETA %s%n", e.epoch(), e.epochs(), e.loss(),
                e.samplesPerSec(), e.seconds(), duration(e.etaSeconds()));
    }

    @Override
    public void onProgress(int epoch, long done, long total, double samplesPerSec) {
        out.printf("  epoch %d: %,d / %,d samples (%.0f%%), %,.0f samples/s, epoch ETA %s%n", epoch, done, total,
                100.0 * done / Math.max(1, total), samplesPerSec, duration((total - done) / Math.max(1e-9, samplesPerSec)));
    }

    @Override
    public void onEvaluation(int epoch, Map<String, Double> metrics, boolean best) {
        StringBuilder sb = new StringBuilder("  eval @ epoch ").append(epoch).append(':');
        metrics.forEach((k, v) -> sb.append(String.format("  %s %.4f", k, v)));
        out.println(sb.append(best ? "  (best)" : ""));
    }

    @Override
    public void onEarlyStop(int epoch, int bestEpoch) {
        out.println("early stop at epoch " + epoch + ": no improvement since epoch " + bestEpoch);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
