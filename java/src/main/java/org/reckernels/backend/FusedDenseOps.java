package org.reckernels.backend;

import org.reckernels.tensor.Matrix;

/**
 * An optional capability of a {@link Backend} (the Java backend has it): a dense layer's GEMM with its element-wise
 * epilogue applied to each tile of the output while the tile is still in cache, instead of a second pass over the
 * output. {@code nn.Dense} uses it when {@code backend instanceof FusedDenseOps}; results equal the separate ops'
 * bit for bit. leaky(v) = v > 0 ? v : slope·v (slope 0: ReLU; 1: identity).
 */
public interface FusedDenseOps {

    /**
     * {@code y = leaky(x·W + bias)}: {@link Backend#gemm} then {@link Backend#addBiasLeakyRelu}.
     * <pre>x: (rows x in), W: (in x out), bias: (1 x out), y: (rows x out), y distinct from x and W</pre>
     */
    void gemmBiasLeakyRelu(Matrix x, Matrix w, Matrix bias, float slope, Matrix y);

    /**
     * {@code gradX = (g·Wᵀ) ⊙ leaky'(y)}, the input gradient of a layer taken through the activation of the layer
     * below (whose output y is this layer's input): {@link Backend#gemm} then {@link Backend#leakyReluBackward}.
     * <pre>g: (rows x out), W: (in x out), y, gradX: (rows x in), gradX distinct from g, W and y</pre>
     */
    void gemmNtLeakyReluBackward(Matrix g, Matrix w, Matrix y, float slope, Matrix gradX);
}
