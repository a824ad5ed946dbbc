package org.reckernels.data.ctr;

/** Why a line of a CTR file was rejected. */
public enum BadLineKind {
    /** Criteo: not 40 tab-separated columns. */
    WRONG_FIELD_COUNT,
    /** The label is not a number (or, for Criteo, not 0 or 1). */
    BAD_LABEL,
    /** Criteo: a categorical column that is not 1–16 hexadecimal digits. */
    NON_HEX_CATEGORICAL,
    /** Criteo: an integer column that is not a 64-bit integer. */
    BAD_INTEGER,
    /** libsvm / libffm: a feature that is not {@code idx:val} / {@code field:idx:val} with integer ids and a numeric value. */
    BAD_FEATURE,
    /** A label or feature value that is NaN or infinite. */
    NON_FINITE_VALUE,
    /** libsvm: an index seen twice in the line; libffm: a field seen twice in the line. */
    DUPLICATE_FEATURE,
    /** libsvm / libffm: an index or field beyond the configured or learned field count. */
    FIELD_OUT_OF_RANGE
}
