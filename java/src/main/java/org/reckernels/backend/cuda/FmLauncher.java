package org.reckernels.backend.cuda;

import static org.reckernels.backend.cuda.Launch.ptr;

import java.util.List;
import jcuda.Pointer;

/**
 * Launches the FM and logistic-loss kernels of {@code kernels/fm.cu}.
 *
 * <pre>
 *   rk_fm_fwd_f32(const float* v, int B, int F, int d, const float* linear, int L, float* logits)
 *       v: (B x F·d);  linear: null or (B x L);  logits: (B)
 *   rk_fm_bwd_f32(const float* v, int B, int F, int d, const float* g, float* grad_v, float* grad_linear, int L)
 *       g: (B);  grad_v: (B x F·d);  grad_linear: null or (B x L)
 *   rk_logistic_loss_grad_f32(const float* z, const float* y, int n, float scale, float* grad, float* loss_sum)
 * </pre>
 * Launch shape: blockDim = 256; FM grids give each sample one warp; the loss covers n threads; grids capped
 * at {@link TrainingLauncher#MAX_GRID}. Shapes were validated by the backend.
 */
final class FmLauncher {
    static final String FWD = "rk_fm_fwd_f32";
    static final String BWD = "rk_fm_bwd_f32";
    static final String LOGISTIC = "rk_logistic_loss_grad_f32";

    private final CudaContext ctx;
    private final KernelModule module;

    FmLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(FWD, BWD, LOGISTIC);
    }

    private static int checkInt(String op, String what, long v) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " = " + v + " exceeds the kernels' int range");
        }
        return (int) v;
    }

    /** Throws if d would let the kernels' int column counter ({@code c += 32}) pass 2^31 − 1. */
    static void checkDim(String op, int d) {
        if (d > CudaBackend.MAX_WIDTH) {
            throw new IllegalArgumentException(op + ": d = " + d + " exceeds the kernels' limit " + CudaBackend.MAX_WIDTH);
        }
    }

    void forward(DeviceMatrix v, int fields, int d, DeviceMatrix linear, DeviceMatrix logits) {
        checkDim("fmForward", d);
        int b = checkInt("fmForward", "batch", v.rows());
        if (b == 0) {
            return;
        }
        launch(FWD, TrainingLauncher.warpPerItemGrid(b), ptr(v.address()), ints(b), ints(fields), ints(d),
                ptr(linear == null ? 0L : linear.address()), ints(linear == null ? 0 : checkInt("fmForward", "L",
                        linear.cols())), ptr(logits.address()));
    }

    void backward(DeviceMatrix v, int fields, int d, DeviceMatrix g, DeviceMatrix gradV, DeviceMatrix gradLinear) {
        checkDim("fmBackward", d);
        int b = checkInt("fmBackward", "batch", v.rows());
        if (b == 0) {
            return;
        }
        launch(BWD, TrainingLauncher.warpPerItemGrid(b), ptr(v.address()), ints(b), ints(fields), ints(d),
                ptr(g.address()), ptr(gradV.address()), ptr(gradLinear == null ? 0L : gradLinear.address()),
                ints(gradLinear == null ? 0 : checkInt("fmBackward", "L", gradLinear.cols())));
    }

    void logistic(DeviceMatrix z, DeviceMatrix y, float scale, DeviceMatrix grad, DeviceMatrix lossSum) {
        int n = checkInt("logisticLossGrad", "batch", z.rows());
        if (n == 0) {
            return;
        }
        int grid = (int) Math.min(TrainingLauncher.MAX_GRID, (n + TrainingLauncher.BLOCK - 1L) / TrainingLauncher.BLOCK);
        launch(LOGISTIC, grid, ptr(z.address()), ptr(y.address()), ints(n), Pointer.to(new float[] {scale}),
                ptr(grad.address()), ptr(lossSum.address()));
    }

    private static Pointer ints(int v) {
        return Pointer.to(new int[] {v});
    }


    private void launch(String entry, int grid, Pointer... args) {
        Launch.run(ctx, module, entry, grid, TrainingLauncher.BLOCK, args);
    }
}
