// reckernels — field-aware factorization machine (FFM) pair terms and their backward.
//
//   rk_ffm_fwd_f32
//     v: (B × F·F·d) gathered embeddings, one feature per field; v[b,i,j,c] at column (i·F + j)·d + c is the
//        latent vector of field i's feature towards field j
//     linear: null or (B × L);  logits: (B) written
//       logits[b] = Σ_l linear[b, l] + Σ_{i<j} Σ_c v[b,i,j,c] · v[b,j,i,c]
//
//   rk_ffm_bwd_f32
//     g: (B) d loss / d logits;  grad_v: (B × F·F·d) written;  grad_linear: null or (B × L) written
//       grad_v[b,i,j,c] = g_b · v[b,j,i,c]  (i ≠ j),  grad_v[b,i,i,c] = 0;  grad_linear[b, l] = g_b
//
// Forward: one warp per sample. For each field i the vectors towards fields j > i are one contiguous run of
// (F − i − 1)·d floats, so the lanes stride over that run (coalesced), each lane fetching its partner
// v[b,j,i,c] (d-contiguous pieces); no lane idles on the lower triangle, and d = 1 or odd d need no special case.
// Partials are warp-reduced (fp32). Backward: element-wise, one thread per grad_v element, grid-stride over
// B·F·F·d (64-bit index); grad_linear by the same threads.
//
// Launch contract: blockDim = (256, 1, 1); any grid >= 1 (grid-stride loops). F·F·d < 2^31 (checked by the
// launcher).

#include "common.cuh"

namespace rk {
namespace ffm {

RK_DEVICE long long warp_global() { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / kWarpSize; }
RK_DEVICE long long warps_total() { return (long long)gridDim.x * blockDim.x / kWarpSize; }

}  // namespace ffm
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_ffm_fwd_f32(const float* __restrict__ v, int batch, int fields, int d, const float* __restrict__ linear,
               int linear_cols, float* __restrict__ logits) {
    using namespace rk;
    using namespace rk::ffm;
    const int lane = int(lane_id());
    const long long row = (long long)fields * d;   // floats of one field's F vectors
    const long long vc = row * fields;
    for (long long b = warp_global(); b < batch; b += warps_total()) {
        const float* s = v + b * vc;
        float part = 0.f;
        for (int i = 0; i + 1 < fields; ++i) {
            const float* run = s + i * row + (long long)(i + 1) * d;   // v[b, i, i+1.., :]
            const int len = (fields - i - 1) * d;
            for (int q = lane; q < len; q += kWarpSize) {
                const int j = i + 1 + q / d;
                const int c = q - (j - i - 1) * d;
                part = fmaf(run[q], s[j * row + (long long)i * d + c], part);
            }
        }
        float lin = 0.f;
        if (linear) {
            for (int l = lane; l < linear_cols; l += kWarpSize) lin += linear[b * linear_cols + l];
        }
        const float z = warp_reduce_sum(part) + warp_reduce_sum(lin);
        if (lane == 0) logits[b] = z;
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ffm_bwd_f32(const float* __restrict__ v, int batch, int fields, int d, const float* __restrict__ g,
               float* __restrict__ grad_v, float* __restrict__ grad_linear, int linear_cols) {
    const long long row = (long long)fields * d;
    const long long vc = row * fields;
    const long long total = vc * batch;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const long long b = t / vc;
        const long long r = t - b * vc;
        const int i = int(r / row);
        const int rem = int(r - i * row);
        const int j = rem / d;
        const int c = rem - j * d;
        grad_v[t] = i == j ? 0.f : g[b] * v[b * vc + (long long)j * row + (long long)i * d + c];
    }
    if (grad_linear) {
        const long long lt = (long long)batch * linear_cols;
        for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < lt; t += stride) {
            grad_linear[t] = g[t / linear_cols];
        }
    }
}
