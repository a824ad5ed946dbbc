package org.reckernels.data.ctr;

/**
 * One rejected line: where it is, why, and the offending value.
 *
 * @param file  the file's name as given to the loader
 * @param line  1-based line number
 * @param kind  why it was rejected
 * @param value the offending token (shortened to 80 characters)
 * @param detail a short explanation
 */
public record BadLine(String file, long line, BadLineKind kind, String value, String detail) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + kind + ": '" + value + "' (" + detail + ")";
    }
}
