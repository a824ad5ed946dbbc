package org.reckernels.data.ctr;

/**
 * A load that was stopped: a bad line under {@link CtrLoadOptions.BadLinePolicy#FAIL_FAST}, too many bad lines
 * ({@link CtrLoadOptions#maxBadFraction()}), or a file with no usable sample. The message names the file and,
 * for a single bad line, its line number and value; {@link #report()} holds what was read until then.
 */
public final class CtrLoadException extends IllegalArgumentException {
    private final transient CtrLoadReport report;

    public CtrLoadException(String message, CtrLoadReport report) {
        super(message);
        this.report = report;
    }

    public CtrLoadReport report() {
        return report;
    }
}
