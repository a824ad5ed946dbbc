/**
 * Approximate nearest-neighbour search for two-stage retrieval: {@link org.reckernels.ann.IvfPqIndex}
 * (IVF coarse quantizer + product quantization of residuals, ADC scan, 4-bit fast scan, exact
 * re-rank), {@link org.reckernels.ann.ExactSearch} (brute force, the ground truth) and
 * {@link org.reckernels.ann.SyntheticVectors} (seeded clustered benchmark data).
 *
 * <p>Batched search on an {@link org.reckernels.backend.AnnKernels} executor (CUDA:
 * kernels/ivfpq.cu and kernels/topk.cu; or the CPU reference, which tests the same pipeline):
 * {@link org.reckernels.ann.IvfPqGpuSearcher} (coarse GEMM + top-nprobe, per-(query, list) LUT in
 * shared memory fused with the ADC scan, per-query block top-k) and
 * {@link org.reckernels.ann.GpuExactSearch} (GEMM + top-k). The CUDA side is GPU-unverified; not
 * yet done there: a fused warp-select in the scan (candidates' distances go through global memory
 * now), the 4-bit fast-scan layout and exact re-rank on the device. Known performance gaps: {@link org.reckernels.ann.ExactSearch}
 * is a per-row dot loop (not a blocked GEMM), and the fast-scan path is slower than expected —
 * check in a JIT log that {@code ByteVector.selectFrom}/{@code reinterpretAsShorts} on 128-bit
 * species are intrinsified.
 */
package org.reckernels.ann;
