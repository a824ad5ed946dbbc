package org.reckernels.backend.cuda;

import static org.reckernels.backend.cuda.Launch.ptr;

import java.util.List;
import jcuda.Pointer;

/**
 * Launches the training kernels of {@code kernels/elementwise.cu} and {@code kernels/bpr.cu}.
 *
 * <pre>
 *   rk_fill_f32(float* y, long long n, float value)                                   y: (n)
 *   rk_axpby_f32(const float* x, float* y, long long n, float alpha, float beta)      x, y: (n)
 *   rk_adam_f32(float* p, const float* g, float* m, float* v, long long n,
 *               float beta1, float beta2, float eps, float c1, float c2)              p, g, m, v: (n)
 *   rk_bpr_loss_grad_f32(const float* f, const int* users, const int* pos, const int* neg,
 *                        int batch, int d, float scale, float* grad, float* loss_sum) f, grad: (n x d)
 *   rk_l2_rows_loss_grad_f32(const float* e, const int* rows, int count, int d, float coef,
 *                            float* grad, float* loss_sum)                            e, grad: (n x d)
 * </pre>
 * Launch shape: blockDim = 256; elementwise grids cover n/4 float4 chunks, capped (the kernels
 * grid-stride); BPR and L2 grids give each triple / row one warp (8 per block), capped.
 * Arguments (shapes, ownership, index ranges) were validated by {@link CudaBackend}.
 */
final class TrainingLauncher {
    static final int BLOCK = 256;
    /** Enough blocks to fill an H100 several times over; the kernels loop beyond it. */
    static final int MAX_GRID = 8192;

    static final String FILL = "rk_fill_f32";
    static final String AXPBY = "rk_axpby_f32";
    static final String ADAM = "rk_adam_f32";
    static final String BPR = "rk_bpr_loss_grad_f32";
    static final String L2_ROWS = "rk_l2_rows_loss_grad_f32";

    private final CudaContext ctx;
    private final KernelModule module;

    TrainingLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(FILL, AXPBY, ADAM, BPR, L2_ROWS);
    }

    static int elementwiseGrid(long n) {
        long chunks = Math.max(1, (n + 3) / 4);
        return (int) Math.min(MAX_GRID, (chunks + BLOCK - 1) / BLOCK);
    }

    static int warpPerItemGrid(long items) {
        long warpsPerBlock = BLOCK / 32;
        return (int) Math.max(1, Math.min(MAX_GRID, (items + warpsPerBlock - 1) / warpsPerBlock));
    }

    void fill(DeviceMatrix y, float value) {
        long n = y.elements();
        if (n == 0) {
            return;
        }
        launch(FILL, elementwiseGrid(n), ptr(y.address()), Pointer.to(new long[] {n}), Pointer.to(new float[] {value}));
    }

    void axpby(float alpha, DeviceMatrix x, float beta, DeviceMatrix y) {
        long n = y.elements();
        if (n == 0) {
            return;
        }
        launch(AXPBY, elementwiseGrid(n), ptr(x.address()), ptr(y.address()), Pointer.to(new long[] {n}),
                Pointer.to(new float[] {alpha}), Pointer.to(new float[] {beta}));
    }

    void adam(DeviceMatrix p, DeviceMatrix g, DeviceMatrix m, DeviceMatrix v, float beta1, float beta2, float eps,
              float c1, float c2) {
        long n = p.elements();
        if (n == 0) {
            return;
        }
        launch(ADAM, elementwiseGrid(n), ptr(p.address()), ptr(g.address()), ptr(m.address()), ptr(v.address()),
                Pointer.to(new long[] {n}), Pointer.to(new float[] {beta1}), Pointer.to(new float[] {beta2}),
                Pointer.to(new float[] {eps}), Pointer.to(new float[] {c1}), Pointer.to(new float[] {c2}));
    }

    void bpr(DeviceMatrix f, DeviceIndexVector users, DeviceIndexVector pos, DeviceIndexVector neg, float scale,
             DeviceMatrix grad, DeviceMatrix lossSum) {
        int batch = Math.toIntExact(users.length());
        if (batch == 0) {
            return;
        }
        launch(BPR, warpPerItemGrid(batch), ptr(f.address()), ptr(users.address()), ptr(pos.address()),
                ptr(neg.address()), Pointer.to(new int[] {batch}), Pointer.to(new int[] {Math.toIntExact(f.cols())}),
                Pointer.to(new float[] {scale}), ptr(grad.address()), ptr(lossSum.address()));
    }

    void l2Rows(DeviceMatrix e, DeviceIndexVector rows, float coef, DeviceMatrix grad, DeviceMatrix lossSum) {
        int count = Math.toIntExact(rows.length());
        if (count == 0) {
            return;
        }
        launch(L2_ROWS, warpPerItemGrid(count), ptr(e.address()), ptr(rows.address()), Pointer.to(new int[] {count}),
                Pointer.to(new int[] {Math.toIntExact(e.cols())}), Pointer.to(new float[] {coef}), ptr(grad.address()),
                ptr(lossSum.address()));
    }


    private void launch(String entry, int grid, Pointer... args) {
        Launch.run(ctx, module, entry, grid, BLOCK, args);
    }
}
