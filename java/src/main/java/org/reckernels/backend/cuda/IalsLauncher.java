package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.List;
import jcuda.Pointer;
import org.reckernels.backend.AlsParams;

/**
 * Launches the iALS conjugate-gradient kernels of {@code kernels/ials.cu}:
 * <pre>
 *   rk_ials_cg_k{K}_f32(const long long* row_ptr, const int* col_idx, const float* values,
 *                       int rows, const float* v, const float* g, float* x, int d,
 *                       float alpha, float w0, float lambda, float nu, float reg_base, int cg_steps)
 *     R: (rows x n) CSR (values NULL = all ones);  v: (n x d);  g: (d x d);  x: (rows x d) in/out
 *     K = 1, 2, 4, 8: each lane keeps K columns of the CG vectors, so d <= 32·K (d <= 256 in all)
 * </pre>
 * Launch shape: blockDim = 256 (8 warps), one warp per row, grid = ceil(rows / 8) capped at
 * {@link #MAX_GRID} (the kernel grid-strides). Shapes, ownership and hyper-parameters were
 * validated by {@link CudaBackend} and {@link AlsParams}.
 */
final class IalsLauncher {
    static final int BLOCK = 256;
    static final int MAX_GRID = 65535;
    /** Widest d the register-resident kernels take. */
    static final int MAX_D = 256;

    private final CudaContext ctx;
    private final KernelModule module;

    IalsLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(entry(1), entry(2), entry(4), entry(8));
    }

    static String entry(int k) {
        return "rk_ials_cg_k" + k + "_f32";
    }

    /** Columns per lane for width d: the smallest K in {1, 2, 4, 8} with 32·K >= d. */
    static int lanesColumns(int d) {
        if (d < 1 || d > MAX_D) {
            throw new IllegalArgumentException("alsConjugateGradientStep on cuda: d = " + d + " outside [1, " + MAX_D
                    + "] (the CG vectors live in registers, 8 floats per lane at most)");
        }
        int k = 1;
        while (32 * k < d) {
            k *= 2;
        }
        return k;
    }

    static int grid(long rows) {
        long warpsPerBlock = BLOCK / 32;
        return (int) Math.max(1, Math.min(MAX_GRID, (rows + warpsPerBlock - 1) / warpsPerBlock));
    }

    void launch(DeviceCsr r, DeviceMatrix fixed, DeviceMatrix gramian, DeviceMatrix factors, int d, AlsParams p) {
        if (r.rows() == 0) {
            return;
        }
        int k = lanesColumns(d);
        int rows = Math.toIntExact(r.rows());
        float regBase = (float) ((double) p.w0() * fixed.rows());
        int grid = grid(rows);
        String entry = entry(k);
        Pointer args = Pointer.to(ptr(r.rowPtrAddress()), ptr(r.colIdxAddress()), ptr(r.valuesAddress()),
                Pointer.to(new int[] {rows}), ptr(fixed.address()), ptr(gramian.address()), ptr(factors.address()),
                Pointer.to(new int[] {d}), Pointer.to(new float[] {p.alpha()}), Pointer.to(new float[] {p.w0()}),
                Pointer.to(new float[] {p.lambda()}), Pointer.to(new float[] {p.nu()}), Pointer.to(new float[] {regBase}),
                Pointer.to(new int[] {p.cgSteps()}));
        CudaException.check(cuLaunchKernel(module.function(entry), grid, 1, 1, BLOCK, 1, 1, 0, ctx.stream(), args, null),
                "cuLaunchKernel(" + entry + ")", "grid " + grid + ", block " + BLOCK + ", rows " + rows + ", d " + d);
        ctx.afterLaunch(entry);
    }

    private static Pointer ptr(long address) {
        return Pointer.to(new long[] {address});
    }
}
