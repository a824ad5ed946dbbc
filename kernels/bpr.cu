// reckernels — BPR loss and gradient with the row gathers fused in, and the L2 penalty on rows:
// the loss side of LightGCN / NGCF / MF-BPR training.
//
//   rk_bpr_loss_grad_f32
//     F: (n × d) final embeddings, row-major;  users, pos, neg: (batch) int32 row ids of F
//     grad: (n × d) accumulated into;  loss_sum: (1) accumulated into
//       s_b = F[u_b]·F[p_b] − F[u_b]·F[n_b]
//       loss_sum += Σ_b softplus(−s_b)
//       g_b = scale · (σ(s_b) − 1)
//       grad[u_b] += g_b·(F[p_b] − F[n_b]);  grad[p_b] += g_b·F[u_b];  grad[n_b] −= g_b·F[u_b]
//
//   rk_l2_rows_loss_grad_f32
//     E: (n × d);  rows: (count) int32;  grad: (n × d);  loss_sum: (1)
//       loss_sum += coef/2 · Σ_r ‖E[r]‖²;   grad[r] += coef · E[r]
//
// One warp per triple (per row for L2), lanes stride over the d columns, dot products by warp
// reduction. Rows repeat inside a batch (popular items, the same user twice), so the scatter
// uses atomicAdd: no update is lost, but the summation order — and so the last bits — may vary
// between runs. Loss: per-warp partial sums, one shared-memory block reduction, one atomicAdd
// per block.
//
// Launch contract: blockDim = (256, 1, 1) (8 warps); any grid >= 1 (grid-stride over warps);
// grad must not alias F / E; the launcher bound-checks the row ids.

#include "common.cuh"

namespace rk {
namespace bpr {

constexpr int kBlock = 256;
constexpr int kWarps = kBlock / kWarpSize;

RK_DEVICE long long warp_global() { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / kWarpSize; }
RK_DEVICE long long warps_total() { return (long long)gridDim.x * blockDim.x / kWarpSize; }

// log(1 + e^x) without overflow.
RK_DEVICE float softplus(float x) { return x > 0.f ? x + log1pf(__expf(-x)) : log1pf(__expf(x)); }

// Adds each warp's lane-0 value into *out with one atomic per block.
RK_DEVICE void block_add(float warp_value, float* out) {
    __shared__ float partial[kWarps];
    const int warp = threadIdx.x / kWarpSize;
    if (lane_id() == 0) partial[warp] = warp_value;
    __syncthreads();
    if (threadIdx.x == 0) {
        float s = 0.f;
        for (int w = 0; w < kWarps; ++w) s += partial[w];
        if (s != 0.f) atomicAdd(out, s);
    }
}

}  // namespace bpr
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_bpr_loss_grad_f32(const float* __restrict__ f, const int* __restrict__ users,
                     const int* __restrict__ pos, const int* __restrict__ neg, int batch, int d,
                     float scale, float* __restrict__ grad, float* __restrict__ loss_sum) {
    using namespace rk;
    using namespace rk::bpr;
    const int lane = int(lane_id());
    float warp_loss = 0.f;  // meaningful in lane 0
    for (long long b = warp_global(); b < batch; b += warps_total()) {
        const long long u = (long long)users[b] * d;
        const long long p = (long long)pos[b] * d;
        const long long q = (long long)neg[b] * d;
        float s = 0.f;
        for (int c = lane; c < d; c += kWarpSize) {
            s = fmaf(f[u + c], f[p + c] - f[q + c], s);
        }
        s = warp_reduce_sum(s);
        const float g = scale * -1.f / (1.f + __expf(s));  // scale·(σ(s) − 1)
        if (lane == 0) warp_loss += softplus(-s);
        for (int c = lane; c < d; c += kWarpSize) {
            const float fu = f[u + c];
            atomicAdd(grad + u + c, g * (f[p + c] - f[q + c]));
            atomicAdd(grad + p + c, g * fu);
            atomicAdd(grad + q + c, -g * fu);
        }
    }
    block_add(warp_loss, loss_sum);
}

extern "C" __global__ void __launch_bounds__(256)
rk_l2_rows_loss_grad_f32(const float* __restrict__ e, const int* __restrict__ rows, int count,
                         int d, float coef, float* __restrict__ grad, float* __restrict__ loss_sum) {
    using namespace rk;
    using namespace rk::bpr;
    float warp_sq = 0.f;
    for (long long i = warp_global(); i < count; i += warps_total()) {
        const long long r = (long long)rows[i] * d;
        float sq = 0.f;
        for (int c = int(lane_id()); c < d; c += kWarpSize) {
            const float v = e[r + c];
            sq = fmaf(v, v, sq);
            atomicAdd(grad + r + c, coef * v);
        }
        sq = warp_reduce_sum(sq);
        if (lane_id() == 0) warp_sq += sq;
    }
    block_add(0.5f * coef * warp_sq, loss_sum);
}
