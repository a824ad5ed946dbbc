package org.reckernels.eval;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.data.Interactions;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * Full-ranking top-K on a device ({@link AnnKernels} next to its {@link Backend}: CUDA, or the CPU
 * reference in tests), the same answer as {@link ExactTopK}:
 * <pre>
 *   for each tile of users u0 .. u0+t:
 *     S = U[tile] · Iᵀ                       (t x items, Backend.gemm: cuBLAS)
 *     S[u, train items of u] = −∞           (Backend.maskEntries, kernels/eval.cu)
 *     top-K of −S per row                    (AnnKernels.topkAffine, alpha = −1: K largest scores,
 *                                            ties to the lower item id)
 * </pre>
 * Only the tile's scores live on the device (at most {@value #TILE_FLOATS} floats), never the
 * whole score matrix; only K ids and scores per user come back. A selected −∞ (a user with fewer
 * than K unmasked items) is reported as item −1, score −∞, as ExactTopK pads. Scores are cuBLAS
 * sums, so near-ties may order differently from ExactTopK's left-to-right sums.
 */
public final class KernelTopK {
    /** Floats of one tile of scores (256 MiB). */
    static final long TILE_FLOATS = 1L << 26;

    private KernelTopK() {
    }

    /** Top-K per user with {@code train}'s items masked (train may be null: no mask). */
    public static TopKResult topK(AnnKernels kernels, HostMatrix users, HostMatrix items, Interactions train, int k) {
        return topK(kernels, users, items, train, k, TILE_FLOATS);
    }

    /** As {@link #topK(AnnKernels, HostMatrix, HostMatrix, Interactions, int)} with a tile of at most tileFloats scores. */
    static TopKResult topK(AnnKernels kernels, HostMatrix users, HostMatrix items, Interactions train, int k,
                           long tileFloats) {
        Objects.requireNonNull(kernels, "kernels");
        int numUsers = Math.toIntExact(users.rows());
        int numItems = Math.toIntExact(items.rows());
        int d = Math.toIntExact(users.cols());
        if (users.cols() != items.cols()) {
            throw new IllegalArgumentException("KernelTopK: user embeddings are " + users.shape() + " but item embeddings are "
                    + items.shape());
        }
        if (k < 1 || k > numItems || k > AnnKernels.MAX_K) {
            throw new IllegalArgumentException("KernelTopK: k=" + k + " outside [1, min(" + numItems + " items, "
                    + AnnKernels.MAX_K + ")]");
        }
        if (train != null && (train.numUsers() != numUsers || train.numItems() != numItems)) {
            throw new IllegalArgumentException("KernelTopK: mask " + train + " does not match " + numUsers + " users x "
                    + numItems + " items");
        }
        Backend backend = kernels.backend();
        int tile = (int) Math.max(1, Math.min(numUsers, tileFloats / Math.max(1, numItems)));
        int[] outItems = new int[Math.multiplyExact(numUsers, k)];
        float[] outScores = new float[outItems.length];
        try (CsrMatrix trainHost = train == null ? null : train.toCsr();
             SparseMatrix mask = trainHost == null ? null : backend.upload(trainHost);
             Matrix itemsDev = backend.upload(items)) {
            for (int u0 = 0; u0 < numUsers; u0 += tile) {
                int t = Math.min(tile, numUsers - u0);
                try (HostMatrix userTile = HostMatrix.zeros(t, d)) {
                    MemorySegment.copy(users.segment(), (long) u0 * d * Float.BYTES, userTile.segment(), 0,
                            (long) t * d * Float.BYTES);
                    selectTile(kernels, backend, userTile, itemsDev, mask, u0, k, outItems, outScores);
                }
            }
        }
        return new TopKResult(numUsers, k, outItems, outScores);
    }

    private static void selectTile(AnnKernels kernels, Backend backend, HostMatrix userTile, Matrix itemsDev,
                                   SparseMatrix mask, int u0, int k, int[] outItems, float[] outScores) {
        int t = Math.toIntExact(userTile.rows());
        long numItems = itemsDev.rows();
        long[] ids = new long[t * k];
        try (Matrix u = backend.upload(userTile);
             Matrix scores = backend.allocate(t, numItems);
             Matrix dist = backend.allocate(t, k);
             AnnKernels.Buffer idBuf = kernels.allocateLongs((long) t * k);
             HostMatrix distHost = HostMatrix.zeros(t, k)) {
            backend.gemm(false, true, 1f, u, itemsDev, 0f, scores);
            if (mask != null) {
                backend.maskEntries(scores, mask, u0, Float.NEGATIVE_INFINITY);
            }
            kernels.topkAffine(scores, numItems, -1f, null, null, false, null, k, idBuf, dist);
            kernels.download(idBuf, ids);
            backend.download(dist, distHost);
            float[] dv = distHost.toArray();
            int base = u0 * k;
            for (int j = 0; j < ids.length; j++) {
                boolean real = ids[j] >= 0 && dv[j] != Float.POSITIVE_INFINITY;
                outItems[base + j] = real ? (int) ids[j] : -1;
                outScores[base + j] = real ? -dv[j] + 0f : Float.NEGATIVE_INFINITY; // + 0f: -0 → +0, as ExactTopK sums
            }
        }
    }
}
