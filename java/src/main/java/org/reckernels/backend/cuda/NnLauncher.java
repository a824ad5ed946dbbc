package org.reckernels.backend.cuda;

import static org.reckernels.backend.cuda.Launch.ptr;

import java.util.List;
import jcuda.Pointer;

/**
 * Launches the dense-layer epilogue of {@code kernels/nn.cu}.
 *
 * <pre>
 *   rk_nn_bias_leaky_relu_f32(float* x, const float* bias, long long rows, int d, float slope)
 *       x: (rows x d) in place, bias: (d)
 * </pre>
 * Launch shape: blockDim = 256 (1-D), one thread per element, capped ({@link NgcfLauncher#perElementGrid});
 * the kernel grid-strides. Arguments were validated by {@link CudaBackend}.
 */
final class NnLauncher {
    static final int BLOCK = TrainingLauncher.BLOCK;
    static final String BIAS_LEAKY_RELU = "rk_nn_bias_leaky_relu_f32";

    private final CudaContext ctx;
    private final KernelModule module;

    NnLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(BIAS_LEAKY_RELU);
    }

    void addBiasLeakyRelu(DeviceMatrix x, DeviceMatrix bias, float slope) {
        long n = x.elements();
        if (n == 0) {
            return;
        }
        Launch.run(ctx, module, BIAS_LEAKY_RELU, NgcfLauncher.perElementGrid(n), BLOCK, ptr(x.address()),
                ptr(bias.address()), Pointer.to(new long[] {x.rows()}), Pointer.to(new int[] {Math.toIntExact(x.cols())}),
                Pointer.to(new float[] {slope}));
    }
}
