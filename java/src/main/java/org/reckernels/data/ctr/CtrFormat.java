package org.reckernels.data.ctr;

import java.util.Locale;

/** The CTR text formats {@link CtrLoader} reads. */
public enum CtrFormat {
    /**
     * Criteo display-advertising TSV: {@code label \t I1..I13 \t C1..C26}, exactly 40 tab-separated columns;
     * label 0 or 1; I integer counts (may be negative); C hexadecimal hashes; any column but the label may be empty
     * (missing). 39 fields: the 13 integer fields first, then the 26 categorical ones.
     */
    CRITEO,
    /**
     * libsvm: {@code label idx:val idx:val ...}, whitespace separated, indices from 1. Every index is one field
     * (field idx − 1), so this suits low-dimensional data (up to {@link CtrLoadOptions#maxFields()} indices).
     */
    LIBSVM,
    /**
     * libffm: {@code label field:idx:val ...}, fields from 0, at most one feature per field and line (the
     * one-feature-per-field model input of {@link CtrDataset}).
     */
    LIBFFM;

    /** Parses "criteo", "libsvm", "libffm" (any case). */
    public static CtrFormat of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown CTR format '" + name + "' (accepted: criteo, libsvm, libffm)");
        }
    }
}
