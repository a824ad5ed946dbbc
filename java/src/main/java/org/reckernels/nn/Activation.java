package org.reckernels.nn;

/** The activation a {@link Dense} layer applies after its affine map. */
public enum Activation {
    /** Identity (a linear layer, e.g. a prediction head). */
    NONE,
    /** {@code max(x, 0)}; its backward passes no gradient at x = 0 (the torch convention). */
    RELU
}
