package org.reckernels.ann;

import java.util.stream.IntStream;

/**
 * Product quantizer: a d-dimensional vector is cut into M sub-vectors of {@code dsub = d/M}
 * floats, and each is replaced by the index of the nearest of {@code ksub = 2^nbits} centroids
 * of its subspace (nbits 8 → 256 codes, one byte; nbits 4 → 16 codes, kept one per byte here and
 * packed two per byte by the fast-scan layout). Codebooks are trained by {@link KMeans} per
 * subspace. Kept in two layouts: row-major {@code [m][j][t]} (decode) and transposed
 * {@code [m][t][j]}, which {@link VecMath#dotsT} reads to score one sub-vector against all
 * {@code ksub} codes at once (encoding, LUTs).
 */
public final class ProductQuantizer {
    final int d;
    final int m;
    final int nbits;
    final int ksub;
    final int dsub;
    /** [m][ksub][dsub] flattened. */
    final float[] codebooks;
    /** [m][dsub][ksub] flattened. */
    final float[] codebooksT;
    /** [m][ksub] squared norms of the codewords. */
    final float[] norms;

    ProductQuantizer(int d, int m, int nbits, float[] codebooks) {
        if (nbits != 4 && nbits != 8) {
            throw new IllegalArgumentException("PQ: nbits=" + nbits + " (supported: 4 or 8)");
        }
        if (m < 1 || d % m != 0) {
            throw new IllegalArgumentException("PQ: M=" + m + " must divide the dimension " + d);
        }
        this.d = d;
        this.m = m;
        this.nbits = nbits;
        this.ksub = 1 << nbits;
        this.dsub = d / m;
        if (codebooks.length != m * ksub * dsub) {
            throw new IllegalArgumentException("PQ: codebooks have " + codebooks.length + " floats, expected "
                    + (m * ksub * dsub));
        }
        this.codebooks = codebooks;
        this.codebooksT = new float[codebooks.length];
        this.norms = new float[m * ksub];
        for (int s = 0; s < m; s++) {
            int base = s * ksub * dsub;
            for (int j = 0; j < ksub; j++) {
                float nn = 0f;
                for (int t = 0; t < dsub; t++) {
                    float v = codebooks[base + j * dsub + t];
                    codebooksT[base + t * ksub + j] = v;
                    nn += v * v;
                }
                norms[s * ksub + j] = nn;
            }
        }
    }

    /** Trains the codebooks on n rows (n x d) with k-means per subspace. */
    static ProductQuantizer train(float[] x, int n, int d, int m, int nbits, int iterations, long seed) {
        if (m < 1 || d % m != 0) {
            throw new IllegalArgumentException("PQ: M=" + m + " must divide the dimension " + d);
        }
        int ksub = 1 << nbits;
        if (n < ksub) {
            throw new IllegalArgumentException("PQ: " + n + " training vectors for " + ksub
                    + " codes per subspace (need at least as many vectors as codes)");
        }
        int dsub = d / m;
        float[] cb = new float[m * ksub * dsub];
        for (int s = 0; s < m; s++) {
            float[] sub = new float[n * dsub];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, i * d + s * dsub, sub, i * dsub, dsub);
            }
            float[] c = KMeans.train(sub, n, dsub, ksub, iterations, seed + 7919L * s, KMeans.Init.KMEANS_PLUS_PLUS);
            System.arraycopy(c, 0, cb, s * ksub * dsub, ksub * dsub);
        }
        return new ProductQuantizer(d, m, nbits, cb);
    }

    /** Encodes row {@code xo} of x into M codes at {@code codes[co..co+M)}; {@code scratch} has ksub floats. */
    void encode(float[] x, int xo, byte[] codes, int co, float[] scratch) {
        for (int s = 0; s < m; s++) {
            VecMath.dotsT(x, xo + s * dsub, dsub, codebooksT, s * ksub * dsub, ksub, scratch, 0);
            int best = 0;
            float bd = Float.POSITIVE_INFINITY;
            int no = s * ksub;
            for (int j = 0; j < ksub; j++) {
                float dd = norms[no + j] - 2f * scratch[j];
                if (dd < bd) {
                    bd = dd;
                    best = j;
                }
            }
            codes[co + s] = (byte) best;
        }
    }

    /** Encodes n rows in parallel; returns n*M codes. */
    byte[] encodeAll(float[] x, int n) {
        byte[] out = new byte[n * m];
        IntStream.range(0, (n + 255) / 256).parallel().forEach(t -> {
            float[] scratch = new float[ksub];
            int end = Math.min(n, (t + 1) * 256);
            for (int i = t * 256; i < end; i++) {
                encode(x, i * d, out, i * m, scratch);
            }
        });
        return out;
    }

    /** Writes the reconstruction of the codes at {@code codes[co..co+M)} to {@code out[oo..oo+d)}. */
    void decode(byte[] codes, int co, float[] out, int oo) {
        for (int s = 0; s < m; s++) {
            int j = codes[co + s] & 0xFF;
            System.arraycopy(codebooks, (s * ksub + j) * dsub, out, oo + s * dsub, dsub);
        }
    }

    /**
     * The per-query lookup table, M x ksub: {@code lut[s*ksub + j] = scale * <x_s, C_s[j]>}.
     * With scale = -2 it is the {@code -2<x, r>} term of the L2 decomposition; with scale = -1 it
     * is the (negated) inner product with the residual's code words.
     */
    void lut(float[] x, int xo, float scale, float[] lut) {
        for (int s = 0; s < m; s++) {
            VecMath.dotsT(x, xo + s * dsub, dsub, codebooksT, s * ksub * dsub, ksub, lut, s * ksub);
        }
        for (int j = 0; j < m * ksub; j++) {
            lut[j] *= scale;
        }
    }

    int codeSize() {
        return m;
    }
}
