package org.reckernels.ann;

import java.util.SplittableRandom;

/**
 * A seeded synthetic vector distribution for ANN benchmarks and tests, built to be clustered
 * but not trivially easy:
 * <ul>
 *   <li>{@code clusters} centres drawn from N(0, I) in {@code dim} dimensions;</li>
 *   <li>each cluster is a {@code intrinsic}-dimensional Gaussian "pancake" with its own random
 *       basis: {@code x = centre + spread * A_c z}, {@code z ~ N(0, I_intrinsic)}, columns of A_c
 *       drawn from N(0, I/dim) with decaying scales {@code 1/sqrt(1 + i)} (a few strong and many
 *       weak directions, as in learned embeddings);</li>
 *   <li>plus isotropic noise {@code noise * N(0, I/dim)} in all dimensions;</li>
 *   <li>cluster sizes are skewed (cluster c drawn with probability ~ 1/(c+10)^0.5), so inverted
 *       lists have unequal lengths.</li>
 * </ul>
 * With spread comparable to the distance between centres, clusters overlap, so a query's true
 * neighbours spread over several coarse cells and several k-means cells cut through one
 * cluster: recall needs nprobe well above 1, and PQ with 8-float subspaces loses ranking
 * precision (re-rank matters). Base and query sets come from independent streams of the same
 * distribution ({@link #sample(int, long)} with different stream seeds).
 */
public final class SyntheticVectors {
    private final int dim;
    private final int clusters;
    private final int intrinsic;
    private final float spread;
    private final float noise;
    private final float[] centres;
    private final float[] bases; // [c][dim][intrinsic]
    private final double[] cumulative;

    public SyntheticVectors(int dim, int clusters, int intrinsic, float spread, float noise, long seed) {
        if (dim < 1 || clusters < 1 || intrinsic < 1) {
            throw new IllegalArgumentException("synthetic vectors: dim, clusters and intrinsic must be >= 1");
        }
        this.dim = dim;
        this.clusters = clusters;
        this.intrinsic = intrinsic;
        this.spread = spread;
        this.noise = noise;
        SplittableRandom r = new SplittableRandom(seed);
        centres = new float[clusters * dim];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) gauss(r);
        }
        bases = new float[clusters * dim * intrinsic];
        double colScale = 1.0 / Math.sqrt(dim);
        for (int c = 0; c < clusters; c++) {
            for (int t = 0; t < dim; t++) {
                for (int i = 0; i < intrinsic; i++) {
                    bases[(c * dim + t) * intrinsic + i] = (float) (gauss(r) * colScale * Math.sqrt(dim) / Math.sqrt(1.0 + i));
                }
            }
        }
        cumulative = new double[clusters];
        double s = 0;
        for (int c = 0; c < clusters; c++) {
            s += 1.0 / Math.sqrt(c + 10.0);
            cumulative[c] = s;
        }
        for (int c = 0; c < clusters; c++) {
            cumulative[c] /= s;
        }
    }

    /**
     * The default benchmark distribution: 128 dimensions, 1000 clusters, 24 intrinsic dimensions,
     * spread 2.5 and noise 1.5: clusters overlap (a point's distance to its centre is comparable
     * to the distance between centres), so nprobe = 1 is far from enough.
     */
    public static SyntheticVectors standard(long seed) {
        return new SyntheticVectors(128, 1000, 24, 2.5f, 1.5f, seed);
    }

    public int dim() {
        return dim;
    }

    /** n vectors (n x dim, row-major) from stream {@code stream}. */
    public float[] sample(int n, long stream) {
        float[] out = new float[n * dim];
        java.util.stream.IntStream.range(0, (n + 4095) / 4096).parallel().forEach(chunk -> {
            SplittableRandom r = new SplittableRandom(stream * 0x9E3779B97F4A7C15L + chunk);
            double[] z = new double[intrinsic];
            int end = Math.min(n, (chunk + 1) * 4096);
            for (int i = chunk * 4096; i < end; i++) {
                int c = java.util.Arrays.binarySearch(cumulative, r.nextDouble());
                c = c < 0 ? Math.min(clusters - 1, -c - 1) : c;
                for (int k = 0; k < intrinsic; k++) {
                    z[k] = gauss(r);
                }
                double ns = noise / Math.sqrt(dim);
                for (int t = 0; t < dim; t++) {
                    double v = centres[c * dim + t];
                    int bo = (c * dim + t) * intrinsic;
                    double acc = 0;
                    for (int k = 0; k < intrinsic; k++) {
                        acc += bases[bo + k] * z[k];
                    }
                    v += spread * acc / Math.sqrt(intrinsic) + ns * gauss(r);
                    out[i * dim + t] = (float) v;
                }
            }
        });
        return out;
    }

    private static double gauss(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** recall@k of {@code got} against {@code truth}: |got ∩ truth| / k per query, averaged. */
    public static double recall(SearchResult got, SearchResult truth, int k) {
        double sum = 0;
        for (int q = 0; q < truth.queries(); q++) {
            java.util.Set<Long> t = new java.util.HashSet<>();
            for (int r = 0; r < k; r++) {
                t.add(truth.id(q, r));
            }
            int hit = 0;
            for (int r = 0; r < Math.min(k, got.k()); r++) {
                if (t.contains(got.id(q, r))) {
                    hit++;
                }
            }
            sum += (double) hit / k;
        }
        return sum / truth.queries();
    }
}
