package org.reckernels.bench;

/**
 * The standard reduction of maximum inner-product search to L2 nearest-neighbour search
 * (Bachrach et al., RecSys 2014, "Speeding up the Xbox recommender system using a Euclidean
 * transformation for inner-product spaces"): with {@code phi = max ||x||} over the base,
 * an item x becomes {@code [x, sqrt(phi^2 - ||x||^2)]} and a query q becomes {@code [q, 0]}, so
 * {@code ||q' - x'||^2 = ||q||^2 + phi^2 - 2<q, x>}: for one query the L2 order is the inner-product
 * order. For peers that have no inner-product metric of their own.
 */
final class MipsToL2 {
    private MipsToL2() {
    }

    /** Base rows (n x d) to (n x (d + 1)) with the norm-completing coordinate. */
    static float[] items(float[] base, int d) {
        int n = base.length / d;
        double[] sq = new double[n];
        double phi2 = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = base[i * d + j];
                s += v * v;
            }
            sq[i] = s;
            phi2 = Math.max(phi2, s);
        }
        float[] out = new float[n * (d + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(base, i * d, out, i * (d + 1), d);
            out[i * (d + 1) + d] = (float) Math.sqrt(Math.max(0, phi2 - sq[i]));
        }
        return out;
    }

    /** Query rows (nq x d) to (nq x (d + 1)) with a zero last coordinate. */
    static float[] queries(float[] queries, int d) {
        int nq = queries.length / d;
        float[] out = new float[nq * (d + 1)];
        for (int q = 0; q < nq; q++) {
            System.arraycopy(queries, q * d, out, q * (d + 1), d);
        }
        return out;
    }
}
