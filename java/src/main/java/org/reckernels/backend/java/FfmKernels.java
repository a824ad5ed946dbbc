package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;

/**
 * Inner loops of the field-aware FM ops for one sample ({@link FfmOps} splits the batch): the F·F·d floats of
 * the sample start at {@code base}, vector (i, j) at {@code base + (i·F + j)·d}. Two implementations:
 * {@link VectorFfmKernels} (Vector API) and {@link ScalarFfmKernels}.
 */
interface FfmKernels {

    String describe();

    /** Σ_{i<j} ⟨v[i,j], v[j,i]⟩. */
    float pairTerm(MemorySegment v, long base, int fields, int d);

    /** gv[i,j] = g·v[j,i] for i ≠ j, gv[i,i] = 0. */
    void pairGrad(MemorySegment v, long base, int fields, int d, float g, MemorySegment gv, long gbase);
}
