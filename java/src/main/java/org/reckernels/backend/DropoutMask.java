package org.reckernels.backend;

/**
 * The counter-based random mask of {@link Backend#dropout}: a pure function of (seed, step,
 * element index), so the Java and CUDA backends drop exactly the same elements, the backward
 * pass re-creates the forward's mask without storing it, and the result does not depend on
 * threads or launch shape.
 * <pre>
 *   (k0, k1) = low / high 32 bits of splitmix64(seed ^ splitmix64(step))       (host, once per call)
 *   h(i)     = mix32(mix32(lo32(i) ^ k0) ^ hi32(i) ^ k1)                        (per element i, uint32)
 *   mix32(x) : x ^= x >>> 16; x *= 0x7feb352d; x ^= x >>> 15; x *= 0x846ca68b; x ^= x >>> 16
 *              (Wellons' "lowbias32" integer hash, arithmetic mod 2^32)
 *   u(i)     = (h(i) >>> 8) / 2^24                                              (uniform in [0, 1))
 *   keep(i)  = u(i) >= rate   ⇔   (h(i) >>> 8) >= threshold,  threshold = ceil(rate · 2^24)
 *   y[i]     = keep(i) ? x[i] · scale : 0,  scale = (float) (1 / (1 − rate))
 * </pre>
 * The comparison is on integers and the scale is one float multiply, so both backends produce
 * bit-identical outputs. {@code kernels/ngcf.cu} (rk_ngcf_dropout_f32) implements the same hash.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** The two 32-bit keys {k0, k1} of (seed, step), packed as k0 in the low half. */
    public static long keys(long seed, long step) {
        return splitmix64(seed ^ splitmix64(step));
    }

    public static int k0(long keys) {
        return (int) keys;
    }

    public static int k1(long keys) {
        return (int) (keys >>> 32);
    }

    /** {@code ceil(rate · 2^24)}; rate must lie in [0, 1). */
    public static int threshold(float rate) {
        checkRate(rate);
        return (int) Math.ceil(rate * 16777216.0);
    }

    /** {@code (float) (1 / (1 − rate))}. */
    public static float scale(float rate) {
        checkRate(rate);
        return (float) (1.0 / (1.0 - rate));
    }

    public static void checkRate(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout: rate " + rate + " outside [0, 1)");
        }
    }

    /** The 32-bit hash h(i) of element {@code index}. */
    public static int hash(int k0, int k1, long index) {
        return mix32(mix32((int) index ^ k0) ^ (int) (index >>> 32) ^ k1);
    }

    /** Whether element {@code index} is kept. */
    public static boolean keep(int k0, int k1, int threshold, long index) {
        return (hash(k0, k1, index) >>> 8) >= threshold;
    }

    public static int mix32(int x) {
        x ^= x >>> 16;
        x *= 0x7feb352d;
        x ^= x >>> 15;
        x *= 0x846ca68b;
        x ^= x >>> 16;
        return x;
    }

    public static long splitmix64(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
