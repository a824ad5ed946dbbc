package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * Launches the CSR SpMM kernels of {@code kernels/spmm.cu}.
 *
 * <pre>
 *   Y = A · X
 *   A  (n_rows x n_cols) CSR: row_ptr (n_rows + 1) int64, col_idx (nnz) int32 in [0, n_cols),
 *                             values (nnz) float32 or NULL (every value 1)
 *   X  (n_cols x d) float32 row-major
 *   Y  (n_rows x d) float32 row-major, fully overwritten (empty rows give zeros)
 *
 *   extern "C" __global__ void rk_spmm_csr_f32_{v4g8,v4g16,v4g32,v1g32}(
 *       const long long* row_ptr, const int* col_idx, const float* values, const float* x,
 *       float* y, int n_rows, int d)
 * </pre>
 *
 * Launch shape: blockDim = (256, 1, 1); a group of G consecutive lanes owns one row, so a block
 * holds 256 / G rows; gridDim.x = ceil(n_rows / (256 / G)) (the kernel's grid-stride loop
 * would also cover a smaller grid). v4 variants need d % 4 == 0 and 16-byte aligned x and y
 * (cuMemAlloc bases are 256-byte aligned); v1g32 takes any d >= 1.
 *
 * <p>Choice: d % 4 == 0 → the smallest G in {8, 16, 32} with 4·G ≥ d (G = 32 when d > 128),
 * otherwise v1g32. n_rows == 0 or d == 0 launch nothing.
 */
final class SpmmLauncher {
    static final int BLOCK = 256;

    /** The kernel variants: G lanes per row, VEC floats per lane per pass. */
    enum Variant {
        V4G8("rk_spmm_csr_f32_v4g8", 8, 4),
        V4G16("rk_spmm_csr_f32_v4g16", 16, 4),
        V4G32("rk_spmm_csr_f32_v4g32", 32, 4),
        V1G32("rk_spmm_csr_f32_v1g32", 32, 1);

        final String entry;
        final int lanesPerRow;
        final int vec;

        Variant(String entry, int lanesPerRow, int vec) {
            this.entry = entry;
            this.lanesPerRow = lanesPerRow;
            this.vec = vec;
        }

        int rowsPerBlock() {
            return BLOCK / lanesPerRow;
        }
    }

    private final CudaContext ctx;
    private final KernelModule module;

    SpmmLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        List<String> names = new ArrayList<>();
        for (Variant v : Variant.values()) {
            names.add(v.entry);
        }
        return names;
    }

    /** The variant for width d with x, y at the given addresses. */
    static Variant choose(long d, long xAddress, long yAddress) {
        boolean aligned = xAddress % 16 == 0 && yAddress % 16 == 0;
        if (d % 4 != 0 || !aligned) {
            return Variant.V1G32;
        }
        if (d <= 32) {
            return Variant.V4G8;
        }
        if (d <= 64) {
            return Variant.V4G16;
        }
        return Variant.V4G32;
    }

    /** gridDim.x for n_rows rows; always fits an int since n_rows does. */
    static int gridFor(Variant v, int nRows) {
        return (int) ((nRows + (long) v.rowsPerBlock() - 1) / v.rowsPerBlock());
    }

    /**
     * Validates and launches {@code Y = A·X} with the chosen variant (or {@code forced} when not
     * null) on the backend's stream. Shapes and tensor ownership were checked by the caller.
     */
    void launch(DeviceCsr a, DeviceMatrix x, DeviceMatrix y, Variant forced) {
        long nRowsL = a.rows();
        long dL = x.cols();
        if (nRowsL > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("spmm: A has " + nRowsL + " rows; the kernels take at most "
                    + (Integer.MAX_VALUE - 1));
        }
        if (dL > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("spmm: d = " + dL + " exceeds the kernels' int range");
        }
        int nRows = (int) nRowsL;
        int d = (int) dL;
        if (nRows == 0 || d == 0) {
            return;
        }
        long xAddr = x.address();
        long yAddr = y.address();
        Variant v = forced != null ? forced : choose(d, xAddr, yAddr);
        if (v.vec == 4 && (d % 4 != 0 || xAddr % 16 != 0 || yAddr % 16 != 0)) {
            throw new IllegalArgumentException("spmm: " + v.entry + " needs d % 4 == 0 and 16-byte aligned X and Y; d = " + d
                    + ", X at 0x" + Long.toHexString(xAddr) + ", Y at 0x" + Long.toHexString(yAddr));
        }
        int grid = gridFor(v, nRows);
        Pointer params = Pointer.to(
                Pointer.to(new long[] {a.rowPtrAddress()}),
                Pointer.to(new long[] {a.colIdxAddress()}),
                Pointer.to(new long[] {a.valuesAddress()}),
                Pointer.to(new long[] {xAddr}),
                Pointer.to(new long[] {yAddr}),
                Pointer.to(new int[] {nRows}),
                Pointer.to(new int[] {d}));
        CudaException.check(cuLaunchKernel(module.function(v.entry), grid, 1, 1, BLOCK, 1, 1, 0, ctx.stream(), params, null),
                "cuLaunchKernel(" + v.entry + ")", "grid " + grid + ", block " + BLOCK + ", n_rows " + nRows + ", d " + d);
        ctx.afterLaunch(v.entry);
    }
}
