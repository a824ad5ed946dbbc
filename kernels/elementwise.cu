// reckernels — elementwise ops over dense float32 tensors (flat views of n elements), used by the
// training loops: fill, axpby (layer combination, gradient accumulation) and the Adam step.
//
//   rk_fill_f32   y[i] = value                                  y: (n)
//   rk_axpby_f32  y[i] = alpha·x[i] + beta·y[i]                 x, y: (n); beta == 0 ignores y
//   rk_adam_f32   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= c1·m / (sqrt(v)·c2 + eps)
//                 with c1 = lr / (1 − β1^t), c2 = 1 / sqrt(1 − β2^t) (torch.optim.Adam)
//                                                              p, g, m, v: (n)
//
// Launch contract: 1-D blocks of 256 threads, any grid >= 1 (grid-stride loops over float4
// chunks, scalar tail); all pointers 16-byte aligned (cuMemAlloc bases); n >= 0 as int64. These
// are bandwidth-bound: one float4 per thread per iteration, no reuse.

#include "common.cuh"

namespace rk {
namespace elementwise {

RK_DEVICE long long grid_thread() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
RK_DEVICE long long grid_threads() { return (long long)gridDim.x * blockDim.x; }

RK_DEVICE float axpby1(float alpha, float x, float beta, float y) {
    return beta == 0.f ? alpha * x : fmaf(beta, y, alpha * x);
}

RK_DEVICE void adam1(float& p, float g, float& m, float& v, float b1, float b2, float eps, float c1,
                     float c2) {
    m = fmaf(b1, m, (1.f - b1) * g);
    v = fmaf(b2, v, (1.f - b2) * g * g);
    p -= c1 * m / (sqrtf(v) * c2 + eps);
}

}  // namespace elementwise
}  // namespace rk

extern "C" __global__ void rk_fill_f32(float* __restrict__ y, long long n, float value) {
    using namespace rk::elementwise;
    const long long n4 = n / 4;
    const float4 v4 = make_float4(value, value, value, value);
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        rk::store_f4(y + 4 * i, v4);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        y[i] = value;
    }
}

extern "C" __global__ void rk_axpby_f32(const float* __restrict__ x, float* __restrict__ y,
                                        long long n, float alpha, float beta) {
    using namespace rk::elementwise;
    const long long n4 = n / 4;
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        const float4 a = rk::load_f4(x + 4 * i);
        float4 b = *reinterpret_cast<const float4*>(y + 4 * i);
        b.x = axpby1(alpha, a.x, beta, b.x);
        b.y = axpby1(alpha, a.y, beta, b.y);
        b.z = axpby1(alpha, a.z, beta, b.z);
        b.w = axpby1(alpha, a.w, beta, b.w);
        rk::store_f4(y + 4 * i, b);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        y[i] = axpby1(alpha, x[i], beta, y[i]);
    }
}

extern "C" __global__ void rk_adam_f32(float* __restrict__ p, const float* __restrict__ g,
                                       float* __restrict__ m, float* __restrict__ v, long long n,
                                       float beta1, float beta2, float eps, float c1, float c2) {
    using namespace rk::elementwise;
    const long long n4 = n / 4;
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        float4 pp = *reinterpret_cast<const float4*>(p + 4 * i);
        const float4 gg = rk::load_f4(g + 4 * i);
        float4 mm = *reinterpret_cast<const float4*>(m + 4 * i);
        float4 vv = *reinterpret_cast<const float4*>(v + 4 * i);
        adam1(pp.x, gg.x, mm.x, vv.x, beta1, beta2, eps, c1, c2);
        adam1(pp.y, gg.y, mm.y, vv.y, beta1, beta2, eps, c1, c2);
        adam1(pp.z, gg.z, mm.z, vv.z, beta1, beta2, eps, c1, c2);
        adam1(pp.w, gg.w, mm.w, vv.w, beta1, beta2, eps, c1, c2);
        rk::store_f4(p + 4 * i, pp);
        rk::store_f4(m + 4 * i, mm);
        rk::store_f4(v + 4 * i, vv);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        adam1(p[i], g[i], m[i], v[i], beta1, beta2, eps, c1, c2);
    }
}
