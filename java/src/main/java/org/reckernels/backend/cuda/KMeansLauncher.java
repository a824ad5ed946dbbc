package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;

/**
 * Launches the k-means and PQ-encoding kernels of {@code kernels/kmeans.cu} and
 * {@code kernels/ivfpq.cu} (shapes and semantics there and in
 * {@link org.reckernels.backend.AnnKernels}); arguments are validated by {@link CudaAnnKernels}.
 *
 * <pre>
 *   rk_kmeans_row_norms_f32(src, rows, cols, out)
 *   rk_kmeans_argmin_f32(dots, ldd, rows, k, cnorms, labels)
 *   rk_kmeans_sub_argmin_f32(x, n, d, m, centroids, cnorms, k, use_smem, labels)      grid (x, m)
 *   rk_kmeans_segments_i32(sorted_keys, n, groups, offsets)
 *   rk_kmeans_update_f32(x, d, m, k, sorted_points, offsets, centroids)
 *   rk_kmeans_repair_f32(x, d, m, k, centroids, plan, entries)                         grid 1
 *   rk_kmeans_pp_dist_f32(x, n, d, m, centroids, k, j, first, best, block_sums)         grid (ceil(n/256), m)
 *   rk_kmeans_pp_pick_f32(x, n, d, m, best, plan, centroids, k, j)                      grid m
 *   rk_kmeans_gather_f32(x, d, rows, row0, count, centroids, labels, out)
 *   rk_ivfpq_encode_f32(x, n, d, coarse, labels, codebooks, code_norms, m, ksub, use_smem, codes)  grid (x, m)
 *   rk_ivfpq_terms_f32(codes, n, d, coarse, labels, codebooks, m, ksub, terms)
 * </pre>
 * Launch shape: blockDim 256; 1-D grids capped at {@link #MAX_GRID} (grid-stride). The sub-space
 * argmin and the encoder stage one sub-space's codewords and norms in shared memory, k·(dsub + 1)
 * floats, when that fits the default 48 KiB (else they read them from global memory, L1-cached).
 */
final class KMeansLauncher {
    static final String ROW_NORMS = "rk_kmeans_row_norms_f32";
    static final String ARGMIN = "rk_kmeans_argmin_f32";
    static final String SUB_ARGMIN = "rk_kmeans_sub_argmin_f32";
    static final String SEGMENTS = "rk_kmeans_segments_i32";
    static final String UPDATE = "rk_kmeans_update_f32";
    static final String REPAIR = "rk_kmeans_repair_f32";
    static final String PP_DIST = "rk_kmeans_pp_dist_f32";
    static final String PP_PICK = "rk_kmeans_pp_pick_f32";
    static final String GATHER = "rk_kmeans_gather_f32";
    static final String ENCODE = "rk_ivfpq_encode_f32";
    static final String TERMS = "rk_ivfpq_terms_f32";
    static final int BLOCK = 256;
    static final int MAX_GRID = 65535;
    /** Shared memory a block gets without opting in. */
    static final int DEFAULT_SMEM = 48 * 1024;
    /** Blocks per sub-space of the sub-space argmin / encoder (grid-stride beyond). */
    static final int TILES_PER_SUBSPACE = 1024;

    private final CudaContext ctx;
    private final KernelModule module;

    KMeansLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(ROW_NORMS, ARGMIN, SUB_ARGMIN, SEGMENTS, UPDATE, REPAIR, PP_DIST, PP_PICK, GATHER, ENCODE, TERMS);
    }

    static int grid(long threads) {
        return (int) Math.max(1, Math.min(MAX_GRID, (threads + BLOCK - 1) / BLOCK));
    }

    /** Shared bytes to stage k codewords of dsub floats and their norms, or 0 when they do not fit. */
    static int codebookSmem(int k, int dsub) {
        long bytes = (long) k * (dsub + 1) * Float.BYTES;
        return bytes <= DEFAULT_SMEM ? (int) bytes : 0;
    }

    void rowNorms(long src, long rows, int cols, long out) {
        if (rows == 0) {
            return;
        }
        launch(ROW_NORMS, grid(rows), 1, 0, ptr(src), longs(rows), ints(cols), ptr(out));
    }

    void argmin(long dots, long ldd, long rows, int k, long cnorms, long labels) {
        if (rows == 0) {
            return;
        }
        int rowsPerBlock = BLOCK / 32;
        launch(ARGMIN, (int) Math.max(1, Math.min(MAX_GRID, (rows + rowsPerBlock - 1) / rowsPerBlock)), 1, 0, ptr(dots),
                longs(ldd), longs(rows), ints(k), ptr(cnorms), ptr(labels));
    }

    void subArgmin(long x, long n, int d, int m, long centroids, long cnorms, int k, long labels) {
        if (n == 0) {
            return;
        }
        int smem = codebookSmem(k, d / m);
        launch(SUB_ARGMIN, Math.min(TILES_PER_SUBSPACE, grid(n)), m, smem, ptr(x), longs(n), ints(d), ints(m),
                ptr(centroids), ptr(cnorms), ints(k), ints(smem > 0 ? 1 : 0), ptr(labels));
    }

    void segments(long sortedKeys, int n, int groups, long offsets) {
        launch(SEGMENTS, grid(groups + 1L), 1, 0, ptr(sortedKeys), ints(n), ints(groups), ptr(offsets));
    }

    void update(long x, int d, int m, int k, long sortedPoints, long offsets, long centroids) {
        launch(UPDATE, grid((long) k * d), 1, 0, ptr(x), ints(d), ints(m), ints(k), ptr(sortedPoints), ptr(offsets),
                ptr(centroids));
    }

    void repair(long x, int d, int m, int k, long centroids, long plan, int entries) {
        if (entries == 0) {
            return;
        }
        launch(REPAIR, 1, 1, 0, ptr(x), ints(d), ints(m), ints(k), ptr(centroids), ptr(plan), ints(entries));
    }

    void ppDistances(long x, int n, int d, int m, long centroids, int k, int j, boolean first, long best, long blockSums) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        launch(PP_DIST, blocks, m, 0, ptr(x), ints(n), ints(d), ints(m), ptr(centroids), ints(k), ints(j),
                ints(first ? 1 : 0), ptr(best), ptr(blockSums));
    }

    void ppPick(long x, int n, int d, int m, long best, long plan, long centroids, int k, int j) {
        launch(PP_PICK, m, 1, 0, ptr(x), ints(n), ints(d), ints(m), ptr(best), ptr(plan), ptr(centroids), ints(k), ints(j));
    }

    void gather(long x, int d, long rows, long row0, long count, long centroids, long labels, long out) {
        if (count == 0) {
            return;
        }
        launch(GATHER, grid(count * d), 1, 0, ptr(x), ints(d), ptr(rows), longs(row0), longs(count), ptr(centroids),
                ptr(labels), ptr(out));
    }

    void encode(long x, long n, int d, long coarse, long labels, long codebooks, long codeNorms, int m, int ksub,
                long codes, long terms) {
        if (n == 0) {
            return;
        }
        int smem = codebookSmem(ksub, d / m);
        launch(ENCODE, Math.min(TILES_PER_SUBSPACE, grid(n)), m, smem, ptr(x), longs(n), ints(d), ptr(coarse), ptr(labels),
                ptr(codebooks), ptr(codeNorms), ints(m), ints(ksub), ints(smem > 0 ? 1 : 0), ptr(codes));
        if (terms != 0) {
            launch(TERMS, grid(n), 1, 0, ptr(codes), longs(n), ints(d), ptr(coarse), ptr(labels), ptr(codebooks), ints(m),
                    ints(ksub), ptr(terms));
        }
    }

    private static Pointer ints(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer longs(long v) {
        return Pointer.to(new long[] {v});
    }

    private static Pointer ptr(long address) {
        return Launch.ptr(address);
    }

    private void launch(String entry, int gridX, int gridY, int smem, Pointer... args) {
        ctx.makeCurrent();
        CUfunction f = module.function(entry);
        CudaException.check(cuLaunchKernel(f, gridX, gridY, 1, BLOCK, 1, 1, smem, ctx.stream(), Pointer.to(args), null),
                "cuLaunchKernel(" + entry + ")", "grid (" + gridX + ", " + gridY + "), block " + BLOCK + ", shared " + smem
                        + " bytes");
        ctx.afterLaunch(entry);
    }
}
