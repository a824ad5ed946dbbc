/**
 * Approximate nearest-neighbour search for two-stage retrieval: {@link org.reckernels.ann.IvfPqIndex}
 * (IVF coarse quantizer + product quantization of residuals, ADC scan, 4-bit fast scan, exact
 * re-rank), {@link org.reckernels.ann.ExactSearch} (brute force, the ground truth) and
 * {@link org.reckernels.ann.SyntheticVectors} (seeded clustered benchmark data).
 *
 * <p>Status: CPU only (pure Java, Vector API). Not yet done: Backend ops (pqLut, adcScanTopK,
 * topK) and the CUDA kernels (kernels/ivfpq.cu: LUT in shared memory, ADC scan over codes read as
 * 32-bit words, warp-level top-k and block merge across lists; kernels/topk.cu) with their
 * launcher and {@code @Tag("gpu")} tests. Known performance gaps: {@link org.reckernels.ann.ExactSearch}
 * is a per-row dot loop (not a blocked GEMM), and the fast-scan path is slower than expected —
 * check in a JIT log that {@code ByteVector.selectFrom}/{@code reinterpretAsShorts} on 128-bit
 * species are intrinsified.
 */
package org.reckernels.ann;
