package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.List;
import jcuda.Pointer;

/**
 * Launches the field-aware FM kernels of {@code kernels/ffm.cu}.
 *
 * <pre>
 *   rk_ffm_fwd_f32(const float* v, int B, int F, int d, const float* linear, int L, float* logits)
 *       v: (B x F·F·d);  linear: null or (B x L);  logits: (B)
 *   rk_ffm_bwd_f32(const float* v, int B, int F, int d, const float* g, float* grad_v, float* grad_linear, int L)
 *       g: (B);  grad_v: (B x F·F·d);  grad_linear: null or (B x L)
 * </pre>
 * Launch shape: blockDim = 256; the forward gives each sample one warp, the backward one thread per grad_v
 * element; grids capped at {@link TrainingLauncher#MAX_GRID} (grid-stride loops). Shapes were validated by the
 * backend ({@link org.reckernels.backend.FieldAwareShapes}: F·F·d fits an int).
 */
final class FfmLauncher {
    static final String FWD = "rk_ffm_fwd_f32";
    static final String BWD = "rk_ffm_bwd_f32";

    private final CudaContext ctx;
    private final KernelModule module;

    FfmLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(FWD, BWD);
    }

    private static int checkInt(String op, String what, long v) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " = " + v + " exceeds the kernels' int range");
        }
        return (int) v;
    }

    void forward(DeviceMatrix v, int fields, int d, DeviceMatrix linear, DeviceMatrix logits) {
        int b = checkInt("ffmForward", "batch", v.rows());
        if (b == 0) {
            return;
        }
        launch(FWD, TrainingLauncher.warpPerItemGrid(b), ptr(v.address()), ints(b), ints(fields), ints(d),
                ptr(linear == null ? 0L : linear.address()), ints(linear == null ? 0 : checkInt("ffmForward", "L",
                        linear.cols())), ptr(logits.address()));
    }

    void backward(DeviceMatrix v, int fields, int d, DeviceMatrix g, DeviceMatrix gradV, DeviceMatrix gradLinear) {
        int b = checkInt("ffmBackward", "batch", v.rows());
        if (b == 0) {
            return;
        }
        long elements = Math.max(v.rows() * v.cols(), gradLinear == null ? 0 : gradLinear.rows() * gradLinear.cols());
        int grid = (int) Math.max(1, Math.min(TrainingLauncher.MAX_GRID,
                (elements + TrainingLauncher.BLOCK - 1) / TrainingLauncher.BLOCK));
        launch(BWD, grid, ptr(v.address()), ints(b), ints(fields), ints(d), ptr(g.address()), ptr(gradV.address()),
                ptr(gradLinear == null ? 0L : gradLinear.address()),
                ints(gradLinear == null ? 0 : checkInt("ffmBackward", "L", gradLinear.cols())));
    }

    private static Pointer ints(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer ptr(long address) {
        return Pointer.to(new long[] {address});
    }

    private void launch(String entry, int grid, Pointer... args) {
        CudaException.check(cuLaunchKernel(module.function(entry), grid, 1, 1, TrainingLauncher.BLOCK, 1, 1, 0,
                ctx.stream(), Pointer.to(args), null), "cuLaunchKernel(" + entry + ")", "grid " + grid + ", block "
                + TrainingLauncher.BLOCK);
        ctx.afterLaunch(entry);
    }
}
