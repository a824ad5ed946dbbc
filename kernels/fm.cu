// reckernels — factorization-machine second-order term (sum-square identity), its backward, and the
// fused logistic loss + gradient: the CTR side of FM / DeepFM training.
//
//   rk_fm_fwd_f32
//     v: (B × F·d) pooled field embeddings, field f of sample b at columns [f·d, (f+1)·d)
//     linear: null or (B × L);  logits: (B) written
//       logits[b] = Σ_l linear[b, l] + ½ Σ_c [ (Σ_f v[b,f,c])² − Σ_f v[b,f,c]² ]
//
//   rk_fm_bwd_f32
//     g: (B) d loss / d logits;  grad_v: (B × F·d) written;  grad_linear: null or (B × L) written
//       S[b,c] = Σ_f v[b,f,c];  grad_v[b,f,c] = g_b·(S[b,c] − v[b,f,c]);  grad_linear[b,l] = g_b
//
//   rk_logistic_loss_grad_f32
//     z, y, grad: (B);  loss_sum: (1) accumulated into
//       loss_sum += Σ_b softplus(z_b) − y_b·z_b;   grad[b] = scale·(σ(z_b) − y_b)   (grad may alias z)
//
// FM: one warp per sample, lanes stride over the d columns and keep the field sums in registers
// (each pooled value is read once per pass), the column partials are warp-reduced. With d < 32 part
// of the warp idles; a sub-warp-per-sample variant is future work. Loss: per-thread partials,
// warp + shared-memory block reduction, one atomicAdd per block (the loss's last bits may vary).
//
// Launch contract: blockDim = (256, 1, 1); any grid >= 1 (grid-stride loops).

#include "common.cuh"

namespace rk {
namespace fm {

constexpr int kBlock = 256;
constexpr int kWarps = kBlock / kWarpSize;

RK_DEVICE long long warp_global() { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / kWarpSize; }
RK_DEVICE long long warps_total() { return (long long)gridDim.x * blockDim.x / kWarpSize; }

}  // namespace fm
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_fm_fwd_f32(const float* __restrict__ v, int batch, int fields, int d, const float* __restrict__ linear,
              int linear_cols, float* __restrict__ logits) {
    using namespace rk;
    using namespace rk::fm;
    const int lane = int(lane_id());
    const long long vc = (long long)fields * d;
    for (long long b = warp_global(); b < batch; b += warps_total()) {
        const float* row = v + b * vc;
        float part = 0.f;
        for (int c = lane; c < d; c += kWarpSize) {
            float s = 0.f;
            float q = 0.f;
            for (int f = 0; f < fields; ++f) {
                const float x = row[(long long)f * d + c];
                s += x;
                q = fmaf(x, x, q);
            }
            part += fmaf(s, s, -q);
        }
        float lin = 0.f;
        if (linear) {
            for (int l = lane; l < linear_cols; l += kWarpSize) lin += linear[b * linear_cols + l];
        }
        const float z = 0.5f * warp_reduce_sum(part) + warp_reduce_sum(lin);
        if (lane == 0) logits[b] = z;
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_fm_bwd_f32(const float* __restrict__ v, int batch, int fields, int d, const float* __restrict__ g,
              float* __restrict__ grad_v, float* __restrict__ grad_linear, int linear_cols) {
    using namespace rk;
    using namespace rk::fm;
    const int lane = int(lane_id());
    const long long vc = (long long)fields * d;
    for (long long b = warp_global(); b < batch; b += warps_total()) {
        const float gb = g[b];
        const float* row = v + b * vc;
        float* out = grad_v + b * vc;
        for (int c = lane; c < d; c += kWarpSize) {
            float s = 0.f;
            for (int f = 0; f < fields; ++f) s += row[(long long)f * d + c];
            for (int f = 0; f < fields; ++f) {
                const long long o = (long long)f * d + c;
                out[o] = gb * (s - row[o]);
            }
        }
        if (grad_linear) {
            for (int l = lane; l < linear_cols; l += kWarpSize) grad_linear[b * linear_cols + l] = gb;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_logistic_loss_grad_f32(const float* z, const float* __restrict__ y, int n, float scale, float* grad,
                          float* __restrict__ loss_sum) {
    using namespace rk;
    using namespace rk::fm;
    float loss = 0.f;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float zi = z[i];
        const float yi = y[i];
        const float e = __expf(-fabsf(zi));
        loss += fmaxf(zi, 0.f) + log1pf(e) - yi * zi;
        const float sig = zi >= 0.f ? 1.f / (1.f + e) : e / (1.f + e);
        grad[i] = scale * (sig - yi);
    }
    __shared__ float partial[kWarps];
    loss = warp_reduce_sum(loss);
    if (lane_id() == 0) partial[threadIdx.x / kWarpSize] = loss;
    __syncthreads();
    if (threadIdx.x == 0) {
        float s = 0.f;
        for (int w = 0; w < kWarps; ++w) s += partial[w];
        if (s != 0.f) atomicAdd(loss_sum, s);
    }
}
