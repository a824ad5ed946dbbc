/**
 * Dense layers and multi-layer perceptrons over {@link org.reckernels.backend.Backend} matrices:
 * {@link org.reckernels.nn.Dense} (weights, bias, activation, their gradients and optimizer state),
 * {@link org.reckernels.nn.Mlp} (a stack of them) and {@link org.reckernels.nn.MlpWorkspace} (the
 * activations and gradient buffers of one batch size, reused across batches). Every step is a
 * Backend op (gemm, addBias, leakyRelu with slope 0, leakyReluBackward, columnSums, adam, axpby),
 * so the same code runs on the Java and the CUDA backend.
 */
package org.reckernels.nn;
