package org.reckernels.data.ctr;

/** Thrown by a parser for a bad line; cheap (no stack trace): bad lines can be frequent. */
final class BadLineException extends Exception {
    final BadLineKind kind;
    final String value;

    BadLineException(BadLineKind kind, String value, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.value = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    }
}
