package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.List;
import jcuda.Pointer;
import org.reckernels.backend.DropoutMask;

/**
 * Launches the NGCF layer kernels of {@code kernels/ngcf.cu}.
 *
 * <pre>
 *   rk_ngcf_hadamard_f32(const float* a, const float* b, float* c, long long n, float alpha, float beta)
 *   rk_ngcf_leaky_relu_f32(const float* x, float* y, long long n, float slope)
 *   rk_ngcf_leaky_relu_backward_f32(const float* x, const float* gy, float* gx, long long n, float slope)
 *   rk_ngcf_dropout_f32(const float* x, float* y, long long n, unsigned k0, unsigned k1, unsigned threshold,
 *                       float scale)
 *   rk_ngcf_add_bias_f32(float* x, const float* bias, long long rows, int d)
 *   rk_ngcf_column_sums_f32(const float* x, long long rows, int d, float* out)
 *   rk_ngcf_row_l2_normalize_f32(const float* x, float* y, long long rows, int d, float eps)
 *   rk_ngcf_row_l2_normalize_backward_f32(const float* x, const float* gy, float* gx, long long rows, int d,
 *                                         float eps, float beta)
 *   rk_ngcf_copy_columns_f32(const float* src, long long src_cols, long long src_col, float* dst,
 *                            long long dst_cols, long long dst_col, long long rows, long long width)
 * </pre>
 * Launch shape: blockDim = 256 (1-D). Elementwise kernels: {@link TrainingLauncher#elementwiseGrid}
 * (float4 chunks, capped; the kernels grid-stride). add_bias / copy_columns: one thread per element,
 * capped. Row kernels: one warp per row ({@link TrainingLauncher#warpPerItemGrid}). column_sums:
 * grid (ceil(d / 32), {@link #columnSumsGridY}). Arguments were validated by {@link CudaBackend}.
 */
final class NgcfLauncher {
    static final int BLOCK = TrainingLauncher.BLOCK;
    /** Rows each thread of column_sums sums at least (8 row slots per block). */
    static final int ROWS_PER_THREAD = 16;
    /** Cap on column_sums' grid.y: at most this many atomics per output column. */
    static final int MAX_GRID_Y = 1024;

    static final String HADAMARD = "rk_ngcf_hadamard_f32";
    static final String LEAKY_RELU = "rk_ngcf_leaky_relu_f32";
    static final String LEAKY_RELU_BACKWARD = "rk_ngcf_leaky_relu_backward_f32";
    static final String DROPOUT = "rk_ngcf_dropout_f32";
    static final String ADD_BIAS = "rk_ngcf_add_bias_f32";
    static final String COLUMN_SUMS = "rk_ngcf_column_sums_f32";
    static final String ROW_NORMALIZE = "rk_ngcf_row_l2_normalize_f32";
    static final String ROW_NORMALIZE_BACKWARD = "rk_ngcf_row_l2_normalize_backward_f32";
    static final String COPY_COLUMNS = "rk_ngcf_copy_columns_f32";

    private final CudaContext ctx;
    private final KernelModule module;

    NgcfLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(HADAMARD, LEAKY_RELU, LEAKY_RELU_BACKWARD, DROPOUT, ADD_BIAS, COLUMN_SUMS, ROW_NORMALIZE,
                ROW_NORMALIZE_BACKWARD, COPY_COLUMNS);
    }

    /** One thread per element, capped (the kernels grid-stride). */
    static int perElementGrid(long n) {
        return (int) Math.max(1, Math.min(TrainingLauncher.MAX_GRID, (n + BLOCK - 1) / BLOCK));
    }

    /** Row chunks of column_sums: each thread sums about {@link #ROWS_PER_THREAD} rows, capped. */
    static int columnSumsGridY(long rows) {
        long rowsPerBlock = (long) (BLOCK / 32) * ROWS_PER_THREAD;
        return (int) Math.max(1, Math.min(MAX_GRID_Y, (rows + rowsPerBlock - 1) / rowsPerBlock));
    }

    void hadamard(float alpha, DeviceMatrix a, DeviceMatrix b, float beta, DeviceMatrix c) {
        long n = c.elements();
        if (n == 0) {
            return;
        }
        launch(HADAMARD, TrainingLauncher.elementwiseGrid(n), 1, ptr(a), ptr(b), ptr(c), i64(n), f32(alpha), f32(beta));
    }

    void leakyRelu(DeviceMatrix x, float slope, DeviceMatrix y) {
        long n = x.elements();
        if (n == 0) {
            return;
        }
        launch(LEAKY_RELU, TrainingLauncher.elementwiseGrid(n), 1, ptr(x), ptr(y), i64(n), f32(slope));
    }

    void leakyReluBackward(DeviceMatrix x, DeviceMatrix gy, float slope, DeviceMatrix gx) {
        long n = x.elements();
        if (n == 0) {
            return;
        }
        launch(LEAKY_RELU_BACKWARD, TrainingLauncher.elementwiseGrid(n), 1, ptr(x), ptr(gy), ptr(gx), i64(n), f32(slope));
    }

    void dropout(DeviceMatrix x, float rate, long seed, long step, DeviceMatrix y) {
        long n = x.elements();
        if (n == 0) {
            return;
        }
        long keys = DropoutMask.keys(seed, step);
        launch(DROPOUT, TrainingLauncher.elementwiseGrid(n), 1, ptr(x), ptr(y), i64(n), i32(DropoutMask.k0(keys)),
                i32(DropoutMask.k1(keys)), i32(DropoutMask.threshold(rate)), f32(DropoutMask.scale(rate)));
    }

    void addBias(DeviceMatrix x, DeviceMatrix bias) {
        long n = x.elements();
        if (n == 0) {
            return;
        }
        launch(ADD_BIAS, perElementGrid(n), 1, ptr(x), ptr(bias), i64(x.rows()), i32(Math.toIntExact(x.cols())));
    }

    void columnSums(DeviceMatrix x, DeviceMatrix out) {
        if (x.elements() == 0) {
            return;
        }
        int d = Math.toIntExact(x.cols());
        launch(COLUMN_SUMS, (d + 31) / 32, columnSumsGridY(x.rows()), ptr(x), i64(x.rows()), i32(d), ptr(out));
    }

    void rowL2Normalize(DeviceMatrix x, float eps, DeviceMatrix y) {
        if (x.elements() == 0) {
            return;
        }
        launch(ROW_NORMALIZE, TrainingLauncher.warpPerItemGrid(x.rows()), 1, ptr(x), ptr(y), i64(x.rows()),
                i32(Math.toIntExact(x.cols())), f32(eps));
    }

    void rowL2NormalizeBackward(DeviceMatrix x, DeviceMatrix gy, float eps, float beta, DeviceMatrix gx) {
        if (x.elements() == 0) {
            return;
        }
        launch(ROW_NORMALIZE_BACKWARD, TrainingLauncher.warpPerItemGrid(x.rows()), 1, ptr(x), ptr(gy), ptr(gx),
                i64(x.rows()), i32(Math.toIntExact(x.cols())), f32(eps), f32(beta));
    }

    void copyColumns(DeviceMatrix src, long srcCol, DeviceMatrix dst, long dstCol, long width) {
        long n = src.rows() * width;
        if (n == 0) {
            return;
        }
        launch(COPY_COLUMNS, perElementGrid(n), 1, ptr(src), i64(src.cols()), i64(srcCol), ptr(dst), i64(dst.cols()),
                i64(dstCol), i64(src.rows()), i64(width));
    }

    private static Pointer ptr(DeviceMatrix m) {
        return Pointer.to(new long[] {m.address()});
    }

    private static Pointer i64(long v) {
        return Pointer.to(new long[] {v});
    }

    private static Pointer i32(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer f32(float v) {
        return Pointer.to(new float[] {v});
    }

    private void launch(String entry, int gridX, int gridY, Pointer... args) {
        CudaException.check(cuLaunchKernel(module.function(entry), gridX, gridY, 1, BLOCK, 1, 1, 0, ctx.stream(),
                Pointer.to(args), null), "cuLaunchKernel(" + entry + ")",
                "grid " + gridX + "x" + gridY + ", block " + BLOCK);
        ctx.afterLaunch(entry);
    }
}
