package org.reckernels.ann;

/**
 * The similarity an index ranks by. Internally every path minimises a distance: {@code L2} is the
 * squared Euclidean distance, {@code INNER_PRODUCT} uses {@code -<x, y>}. Search results report
 * {@link #external(float) external} values: squared L2 (smaller is better) or the inner product
 * (larger is better), always best first.
 */
public enum Metric {
    L2,
    INNER_PRODUCT;

    /** Internal distance (smaller is better) to the value reported to callers. */
    public float external(float internal) {
        return this == L2 ? internal : -internal;
    }

    public static Metric parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "l2" -> L2;
            case "ip", "inner_product", "dot" -> INNER_PRODUCT;
            default -> throw new IllegalArgumentException("metric '" + s + "': expected l2 or ip");
        };
    }
}
