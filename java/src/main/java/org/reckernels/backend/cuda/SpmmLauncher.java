package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * Launches the CSR SpMM kernels of {@code kernels/spmm.cu}, plain and accumulating.
 *
 * <pre>
 *   Y = A · X                          (plain)
 *   Y = A · X;  ACC = ACC + alpha · Y  (accumulating, one pass)
 *   A   (n_rows x n_cols) CSR: row_ptr (n_rows + 1) int64, col_idx (nnz) int32 in [0, n_cols),
 *                              values (nnz) float32 or NULL (every value 1)
 *   X   (n_cols x d) float32 row-major
 *   Y   (n_rows x d) float32 row-major, fully overwritten (empty rows give zeros)
 *   ACC (n_rows x d) float32 row-major, accumulated into; distinct from X and Y
 *
 *   extern "C" __global__ void rk_spmm_csr_f32_{v4g8,v4g16,v4g32,v1g32}(
 *       const long long* row_ptr, const int* col_idx, const float* values, const float* x,
 *       float* y, int n_rows, int d)
 *   extern "C" __global__ void rk_spmm_acc_csr_f32_{v4g8,v4g16,v4g32,v1g32}(
 *       const long long* row_ptr, const int* col_idx, const float* values, const float* x,
 *       float* y, int n_rows, int d, float alpha, float* acc)
 * </pre>
 *
 * Launch shape: blockDim = (256, 1, 1); a group of G consecutive lanes owns one row, so a block
 * holds 256 / G rows; gridDim.x = ceil(n_rows / (256 / G)) (the kernel's grid-stride loop
 * would also cover a smaller grid). v4 variants need d % 4 == 0 and 16-byte aligned x and y,
 * and acc for the accumulating form (cuMemAlloc bases are 256-byte aligned); v1g32 takes any
 * d >= 1.
 *
 * <p>Choice (the same for both forms): d % 4 == 0 with every pointer 16-byte aligned → the
 * smallest G in {8, 16, 32} with 4·G ≥ d (G = 32 when d > 128), otherwise v1g32. n_rows == 0 or
 * d == 0 launch nothing (ACC is then left unchanged, as A·X has no entries to add).
 */
final class SpmmLauncher {
    static final int BLOCK = 256;

    /** The kernel variants: G lanes per row, VEC floats per lane per pass. */
    enum Variant {
        V4G8("rk_spmm_csr_f32_v4g8", "rk_spmm_acc_csr_f32_v4g8", "rk_spmm_bi_csr_f32_v4g8", 8, 4),
        V4G16("rk_spmm_csr_f32_v4g16", "rk_spmm_acc_csr_f32_v4g16", "rk_spmm_bi_csr_f32_v4g16", 16, 4),
        V4G32("rk_spmm_csr_f32_v4g32", "rk_spmm_acc_csr_f32_v4g32", "rk_spmm_bi_csr_f32_v4g32", 32, 4),
        V1G32("rk_spmm_csr_f32_v1g32", "rk_spmm_acc_csr_f32_v1g32", "rk_spmm_bi_csr_f32_v1g32", 32, 1);

        /** The plain kernel, Y = A·X. */
        final String entry;
        /** The accumulating kernel, Y = A·X and ACC += alpha·Y. */
        final String accEntry;
        /** The bi-interaction kernel, Y = A·X, SUM = Y + X, BI = Y ⊙ X. */
        final String biEntry;
        final int lanesPerRow;
        final int vec;

        Variant(String entry, String accEntry, String biEntry, int lanesPerRow, int vec) {
            this.entry = entry;
            this.accEntry = accEntry;
            this.biEntry = biEntry;
            this.lanesPerRow = lanesPerRow;
            this.vec = vec;
        }

        /** The entry point of the plain ({@code acc == false}) or accumulating form. */
        String entry(boolean acc) {
            return acc ? accEntry : entry;
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
        for (Variant v : Variant.values()) {
            names.add(v.accEntry);
        }
        for (Variant v : Variant.values()) {
            names.add(v.biEntry);
        }
        return names;
    }

    /** The variant for width d with x, y at the given addresses. */
    static Variant choose(long d, long xAddress, long yAddress) {
        return choose(d, xAddress, yAddress, 0);
    }

    /** The variant for width d with x, y and acc at the given addresses (acc = 0 when there is none). */
    static Variant choose(long d, long xAddress, long yAddress, long accAddress) {
        boolean aligned = xAddress % 16 == 0 && yAddress % 16 == 0 && accAddress % 16 == 0;
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

    /** Widest d the kernels take: their column-pass counter {@code c0 += 4·G} (int) must not pass 2^31 − 1. */
    static final long MAX_D = Integer.MAX_VALUE - 128L;

    /** Throws if {@code d > MAX_D} (kernels/spmm.cu's launch contract: d <= 2^31 − 129). */
    static void checkWidth(String op, long d) {
        if (d > MAX_D) {
            throw new IllegalArgumentException(op + ": d = " + d + " exceeds the kernels' limit " + MAX_D
                    + " (int column counters)");
        }
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
        launch(a, x, y, 0f, null, forced);
    }

    /**
     * Validates and launches {@code Y = A·X} and, when {@code acc} is not null, {@code ACC += alpha·Y}
     * in the same kernel ({@code rk_spmm_acc_csr_f32_*}):
     * <pre>A (n_rows x n_cols) CSR,  X (n_cols x d),  Y (n_rows x d) overwritten,  ACC (n_rows x d)</pre>
     * with the chosen variant (or {@code forced} when not null) on the backend's stream. Shapes,
     * aliasing and tensor ownership were checked by the caller ({@code Shapes.checkSpmmAccumulate}).
     */
    void launch(DeviceCsr a, DeviceMatrix x, DeviceMatrix y, float alpha, DeviceMatrix acc, Variant forced) {
        String op = acc == null ? "spmm" : "spmmAccumulate";
        int nRows = rowsFor(op, a);
        int d = widthFor(op, x);
        if (nRows == 0 || d == 0) {
            return;
        }
        long xAddr = x.address();
        long yAddr = y.address();
        long accAddr = acc == null ? 0L : acc.address();
        Variant v = forced != null ? forced : choose(d, xAddr, yAddr, accAddr);
        String entry = v.entry(acc != null);
        if (v.vec == 4 && (d % 4 != 0 || xAddr % 16 != 0 || yAddr % 16 != 0 || accAddr % 16 != 0)) {
            throw new IllegalArgumentException(op + ": " + entry + " needs d % 4 == 0 and 16-byte aligned X and Y"
                    + (acc == null ? "" : " and ACC") + "; d = " + d + ", X at 0x" + Long.toHexString(xAddr) + ", Y at 0x"
                    + Long.toHexString(yAddr) + (acc == null ? "" : ", ACC at 0x" + Long.toHexString(accAddr)));
        }
        int grid = gridFor(v, nRows);
        Pointer params = acc == null
                ? Pointer.to(
                        Pointer.to(new long[] {a.rowPtrAddress()}),
                        Pointer.to(new long[] {a.colIdxAddress()}),
                        Pointer.to(new long[] {a.valuesAddress()}),
                        Pointer.to(new long[] {xAddr}),
                        Pointer.to(new long[] {yAddr}),
                        Pointer.to(new int[] {nRows}),
                        Pointer.to(new int[] {d}))
                : Pointer.to(
                        Pointer.to(new long[] {a.rowPtrAddress()}),
                        Pointer.to(new long[] {a.colIdxAddress()}),
                        Pointer.to(new long[] {a.valuesAddress()}),
                        Pointer.to(new long[] {xAddr}),
                        Pointer.to(new long[] {yAddr}),
                        Pointer.to(new int[] {nRows}),
                        Pointer.to(new int[] {d}),
                        Pointer.to(new float[] {alpha}),
                        Pointer.to(new long[] {accAddr}));
        run(entry, grid, nRows, d, params);
    }

    /** A's row count as the kernels' int, or a clear error. */
    private static int rowsFor(String op, DeviceCsr a) {
        if (a.rows() > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(op + ": A has " + a.rows() + " rows; the kernels take at most "
                    + (Integer.MAX_VALUE - 1));
        }
        return (int) a.rows();
    }

    /** X's width as the kernels' int, or a clear error. */
    private static int widthFor(String op, DeviceMatrix x) {
        checkWidth(op, x.cols());
        return (int) x.cols();
    }

    private void run(String entry, int grid, int nRows, int d, Pointer params) {
        CudaException.check(cuLaunchKernel(module.function(entry), grid, 1, 1, BLOCK, 1, 1, 0, ctx.stream(), params, null),
                "cuLaunchKernel(" + entry + ")", "grid " + grid + ", block " + BLOCK + ", n_rows " + nRows + ", d " + d);
        ctx.afterLaunch(entry);
    }

    /**
     * Validates and launches {@code Y = A·X, SUM = Y + X, BI = Y ⊙ X} ({@code rk_spmm_bi_csr_f32_*}):
     * <pre>A (n x n) CSR,  X, Y, SUM, BI (n x d), pairwise distinct</pre>
     * Shapes, aliasing and ownership were checked by the caller ({@code Shapes.checkSpmmBiInteraction}).
     */
    void launchBi(DeviceCsr a, DeviceMatrix x, DeviceMatrix y, DeviceMatrix sum, DeviceMatrix bi, Variant forced) {
        String op = "spmmBiInteraction";
        int nRows = rowsFor(op, a);
        int d = widthFor(op, x);
        if (nRows == 0 || d == 0) {
            return;
        }
        long xAddr = x.address();
        long yAddr = y.address();
        long sumAddr = sum.address();
        long biAddr = bi.address();
        boolean aligned = sumAddr % 16 == 0 && biAddr % 16 == 0;
        Variant v = forced != null ? forced : aligned ? choose(d, xAddr, yAddr) : Variant.V1G32;
        if (v.vec == 4 && (d % 4 != 0 || xAddr % 16 != 0 || yAddr % 16 != 0 || !aligned)) {
            throw new IllegalArgumentException(op + ": " + v.biEntry + " needs d % 4 == 0 and 16-byte aligned X, Y, SUM"
                    + " and BI; d = " + d);
        }
        int grid = gridFor(v, nRows);
        Pointer params = Pointer.to(
                Pointer.to(new long[] {a.rowPtrAddress()}),
                Pointer.to(new long[] {a.colIdxAddress()}),
                Pointer.to(new long[] {a.valuesAddress()}),
                Pointer.to(new long[] {xAddr}),
                Pointer.to(new long[] {yAddr}),
                Pointer.to(new int[] {nRows}),
                Pointer.to(new int[] {d}),
                Pointer.to(new long[] {sumAddr}),
                Pointer.to(new long[] {biAddr}));
        run(v.biEntry, grid, nRows, d, params);
    }
}
