package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;

/**
 * Launches the top-k and IVF-PQ kernels of {@code kernels/topk.cu} and {@code kernels/ivfpq.cu}
 * (shapes and semantics in those files and in {@link org.reckernels.backend.AnnKernels}).
 *
 * <pre>
 *   rk_topk_affine_f32(x, ldx, rows, n, alpha, col_term, row_term, clamp_zero, ids, k, out_ids, out_dist)
 *   rk_ivfpq_lut_f32(queries, nq, d, centroids, probes, nprobe, codebooks, m, ksub, l2, lut)
 *   rk_ivfpq_scan_f32(queries, nq, d, centroids, probes, probe_dist, nprobe, codebooks, m, ksub, l2,
 *                     list_off, codes, cand_off, cand)
 *   rk_ivfpq_select_f32(cand, cand_off, probes, nprobe, list_off, ids, nq, k, out_ids, out_dist)
 *   rk_ivfpq_rerank_f32(queries, nq, d, vectors, ids, cand, r, l2, k, out_ids, out_dist)
 * </pre>
 * Launch shape: blockDim 256; one block per row / (query, probe) pair / query, grid capped at
 * {@link #MAX_GRID} (grid-stride). The scan's dynamic shared memory is (d + M·ksub) floats; above
 * 48 KiB the launcher raises the function's limit (cuFuncSetAttribute), and a size the device
 * cannot give fails there with the driver's error.
 */
final class AnnLauncher {
    static final String TOPK = "rk_topk_affine_f32";
    static final String LUT = "rk_ivfpq_lut_f32";
    static final String SCAN = "rk_ivfpq_scan_f32";
    static final String SELECT = "rk_ivfpq_select_f32";
    static final String RERANK = "rk_ivfpq_rerank_f32";
    static final int BLOCK = 256;
    static final int MAX_GRID = 65535;
    private static final int DEFAULT_SMEM = 48 * 1024;

    private final CudaContext ctx;
    private final KernelModule module;

    AnnLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(TOPK, LUT, SCAN, SELECT, RERANK);
    }

    static int grid(long items) {
        return (int) Math.max(1, Math.min(MAX_GRID, items));
    }

    void topkAffine(long x, long ldx, int rows, long n, float alpha, long colTerm, long rowTerm, boolean clampZero,
                    long ids, int k, long outIds, long outDist) {
        if (rows == 0) {
            return;
        }
        launch(TOPK, grid(rows), 0, ptr(x), longs(ldx), ints(rows), longs(n), floats(alpha), ptr(colTerm), ptr(rowTerm),
                ints(clampZero ? 1 : 0), ptr(ids), ints(k), ptr(outIds), ptr(outDist));
    }

    void lut(long queries, int nq, int d, long centroids, long probes, int nprobe, long codebooks, int m, int ksub,
             boolean l2, long lut) {
        long pairs = (long) nq * nprobe;
        if (pairs == 0) {
            return;
        }
        launch(LUT, grid(pairs), d * Float.BYTES, ptr(queries), ints(nq), ints(d), ptr(centroids), ptr(probes),
                ints(nprobe), ptr(codebooks), ints(m), ints(ksub), ints(l2 ? 1 : 0), ptr(lut));
    }

    void scan(long queries, int nq, int d, long centroids, long probes, long probeDist, int nprobe, long codebooks, int m,
              int ksub, boolean l2, long listOff, long codes, long candOff, long cand) {
        long pairs = (long) nq * nprobe;
        if (pairs == 0) {
            return;
        }
        int smem = (d + m * ksub) * Float.BYTES;
        launch(SCAN, grid(pairs), smem, ptr(queries), ints(nq), ints(d), ptr(centroids), ptr(probes), ptr(probeDist),
                ints(nprobe), ptr(codebooks), ints(m), ints(ksub), ints(l2 ? 1 : 0), ptr(listOff), ptr(codes),
                ptr(candOff), ptr(cand));
    }

    void select(long cand, long candOff, long probes, int nprobe, long listOff, long ids, int nq, int k, long outIds,
                long outDist) {
        if (nq == 0) {
            return;
        }
        launch(SELECT, grid(nq), 0, ptr(cand), ptr(candOff), ptr(probes), ints(nprobe), ptr(listOff), ptr(ids), ints(nq),
                ints(k), ptr(outIds), ptr(outDist));
    }

    void rerank(long queries, int nq, int d, long vectors, long ids, long cand, int r, boolean l2, int k, long outIds,
                long outDist) {
        if (nq == 0) {
            return;
        }
        launch(RERANK, grid(nq), 0, ptr(queries), ints(nq), ints(d), ptr(vectors), ptr(ids), ptr(cand), ints(r),
                ints(l2 ? 1 : 0), ints(k), ptr(outIds), ptr(outDist));
    }

    private static Pointer ints(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer longs(long v) {
        return Pointer.to(new long[] {v});
    }

    private static Pointer floats(float v) {
        return Pointer.to(new float[] {v});
    }

    private static Pointer ptr(long address) {
        return Pointer.to(new long[] {address});
    }

    private void launch(String entry, int grid, int smem, Pointer... args) {
        ctx.makeCurrent();
        CUfunction f = module.function(entry);
        if (smem > DEFAULT_SMEM) {
            CudaException.check(cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    smem), "cuFuncSetAttribute(" + entry + ", max dynamic shared memory)", smem
                    + " bytes of lookup table (d + M*ksub floats) exceed what this device gives one block; use a smaller M");
        }
        CudaException.check(cuLaunchKernel(f, grid, 1, 1, BLOCK, 1, 1, smem, ctx.stream(), Pointer.to(args), null),
                "cuLaunchKernel(" + entry + ")", "grid " + grid + ", block " + BLOCK + ", shared " + smem + " bytes");
        ctx.afterLaunch(entry);
    }
}
