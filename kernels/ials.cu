// reckernels — implicit ALS (iALS): one half-sweep of conjugate-gradient solves of the
// per-row normal equations, never forming the d x d system (Hu, Koren & Volinsky 2008; Rendle
// et al., "Revisiting the Performance of iALS", 2021; CG as in Takács, Pilászy & Tikk 2011).
//
//   rk_ials_cg_k{1,2,4,8}_f32
//     R: (rows x n) CSR — row_ptr (rows + 1) int64, col_idx (nnz) int32, values (nnz) float32 or
//        NULL (every value 1);  V: (n x d) fixed factors;  G = VᵀV: (d x d), symmetric;
//     X: (rows x d), in: warm start, out: the CG iterate.  d <= 32·K.
//     For each row u, with c_ui = 1 + alpha·r_ui and λ_u = lambda·(|I(u)| + reg_base)^nu
//     (reg_base = w0·n; nu = 0 gives plain lambda):
//       A_u = w0·G + Σ_{i∈I(u)} (c_ui − w0) v_i v_iᵀ + λ_u I,     b_u = Σ_{i∈I(u)} c_ui v_i
//       A·y  = w0·G·y + Σ_i (c_ui − w0)(v_i·y) v_i + λ_u y                      (matvec)
//       b−A·x = Σ_i (c_ui − (c_ui − w0)(v_i·x)) v_i − w0·G·x − λ_u x            (residual)
//     CG from x:  r = b − A·x; p = r; rs = r·r
//       cg_steps times while rs > 0:  q = A·p; stop if p·q <= 0; a = rs/(p·q);
//       x += a·p; r −= a·q; rs' = r·r; p = r + (rs'/rs)·p; rs = rs'
//     (the same recurrences as the Java backend's AlsSolver and ReferenceOps.alsConjugateGradient).
//
// One warp per row (grid-stride over rows). Lane l owns columns l, l+32, ..., l+32(K−1) of the
// four CG vectors x, r, p, q, held in registers (columns >= d stay 0). G·y is Σ_m y_m G[m, :]
// (row m of G read coalesced; G symmetric), y_m broadcast from its owner lane by a shuffle; G is
// d² floats and stays in L1/L2. Per interaction: the fixed row is loaded once per product
// (coalesced), one warp reduction gives v_i·y, then q += coef·v_i. Column ids and values are
// loaded 32 at a time, one per lane, and broadcast by shuffles. Dot products are butterfly warp
// reductions, so every lane holds the same bits and the CG control flow is warp-uniform.
// No atomics: the result does not depend on the launch shape.
//
// Launch contract: blockDim = (256, 1, 1); any grid >= 1; X must not alias V or G; the launcher
// checks shapes and hyper-parameters (CSR indices were validated when the CSR was built).

#include "common.cuh"

namespace rk {
namespace ials {

RK_DEVICE long long warp_global() { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / kWarpSize; }
RK_DEVICE long long warps_total() { return (long long)gridDim.x * blockDim.x / kWarpSize; }

// Σ_j a_j b_j over the warp's distributed vectors; every lane gets the total.
template <int K>
RK_DEVICE float wdot(const float (&a)[K], const float (&b)[K]) {
    float s = 0.f;
#pragma unroll
    for (int k = 0; k < K; ++k) s = fmaf(a[k], b[k], s);
    return warp_reduce_sum(s);
}

// out = sign·(w0·G·y + reg·y) + Σ_i coef_i v_i, where coef_i = (c_i − w0)(v_i·y), or for the
// residual (sign = −1) coef_i = c_i − (c_i − w0)(v_i·y). See the header for the formulas.
template <int K, bool kResidual>
RK_DEVICE void apply(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                     const float* __restrict__ values, long long u, const float* __restrict__ v,
                     const float* __restrict__ g, int d, float alpha, float w0, float reg,
                     const float (&y)[K], float (&out)[K]) {
    const int lane = int(lane_id());
    // Dense part.
#pragma unroll
    for (int k = 0; k < K; ++k) out[k] = reg * y[k];
#pragma unroll
    for (int k = 0; k < K; ++k) {
        for (int src = 0; src < kWarpSize; ++src) {
            const int m = k * kWarpSize + src;               // warp-uniform
            const float ym = w0 * __shfl_sync(kFullMask, y[k], src);
            if (m >= d) break;                               // uniform: all lanes leave together
            const float* grow = g + (long long)m * d;
#pragma unroll
            for (int kk = 0; kk < K; ++kk) {
                const int j = kk * kWarpSize + lane;
                if (j < d) out[kk] = fmaf(ym, __ldg(grow + j), out[kk]);
            }
        }
    }
    if (kResidual) {
#pragma unroll
        for (int k = 0; k < K; ++k) out[k] = -out[k];
    }
    // Sparse part.
    const long long s = row_ptr[u];
    const long long e = row_ptr[u + 1];
    for (long long base = s; base < e; base += kWarpSize) {
        const long long mine = base + lane;
        int my_col = 0;
        float my_val = 1.f;
        if (mine < e) {
            my_col = col_idx[mine];
            if (values != nullptr) my_val = values[mine];
        }
        const int n = int(min((long long)kWarpSize, e - base));
        for (int t = 0; t < n; ++t) {
            const long long vo = (long long)__shfl_sync(kFullMask, my_col, t) * d;
            const float conf = fmaf(alpha, __shfl_sync(kFullMask, my_val, t), 1.f);
            float vi[K];
            float part = 0.f;
#pragma unroll
            for (int k = 0; k < K; ++k) {
                const int j = k * kWarpSize + lane;
                vi[k] = j < d ? __ldg(v + vo + j) : 0.f;
                part = fmaf(vi[k], y[k], part);
            }
            const float dy = warp_reduce_sum(part);
            const float coef = kResidual ? conf - (conf - w0) * dy : (conf - w0) * dy;
#pragma unroll
            for (int k = 0; k < K; ++k) out[k] = fmaf(coef, vi[k], out[k]);
        }
    }
}

template <int K>
RK_DEVICE void cg_rows(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                       const float* __restrict__ values, int rows, const float* __restrict__ v,
                       const float* __restrict__ g, float* __restrict__ x_all, int d, float alpha,
                       float w0, float lambda, float nu, float reg_base, int cg_steps) {
    const int lane = int(lane_id());
    for (long long u = warp_global(); u < rows; u += warps_total()) {
        const long long xo = u * d;
        float x[K], r[K], p[K], q[K];
#pragma unroll
        for (int k = 0; k < K; ++k) {
            const int j = k * kWarpSize + lane;
            x[k] = j < d ? x_all[xo + j] : 0.f;
        }
        const float degree = float(row_ptr[u + 1] - row_ptr[u]);
        const float reg = nu == 0.f ? lambda : lambda * powf(degree + reg_base, nu);
        apply<K, true>(row_ptr, col_idx, values, u, v, g, d, alpha, w0, reg, x, r);
#pragma unroll
        for (int k = 0; k < K; ++k) p[k] = r[k];
        float rs = wdot<K>(r, r);
        for (int step = 0; step < cg_steps && rs > 0.f; ++step) {
            apply<K, false>(row_ptr, col_idx, values, u, v, g, d, alpha, w0, reg, p, q);
            const float pq = wdot<K>(p, q);
            if (!(pq > 0.f)) break;
            const float a = rs / pq;
#pragma unroll
            for (int k = 0; k < K; ++k) {
                x[k] = fmaf(a, p[k], x[k]);
                r[k] = fmaf(-a, q[k], r[k]);
            }
            const float rs_new = wdot<K>(r, r);
            const float beta = rs_new / rs;
#pragma unroll
            for (int k = 0; k < K; ++k) p[k] = fmaf(beta, p[k], r[k]);
            rs = rs_new;
        }
#pragma unroll
        for (int k = 0; k < K; ++k) {
            const int j = k * kWarpSize + lane;
            if (j < d) x_all[xo + j] = x[k];
        }
    }
}

}  // namespace ials
}  // namespace rk

#define RK_IALS_ENTRY(K)                                                                         \
    extern "C" __global__ void __launch_bounds__(256) rk_ials_cg_k##K##_f32(                      \
        const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,                   \
        const float* __restrict__ values, int rows, const float* __restrict__ v,                  \
        const float* __restrict__ g, float* __restrict__ x, int d, float alpha, float w0,         \
        float lambda, float nu, float reg_base, int cg_steps) {                                   \
        rk::ials::cg_rows<K>(row_ptr, col_idx, values, rows, v, g, x, d, alpha, w0, lambda, nu,   \
                             reg_base, cg_steps);                                                 \
    }

RK_IALS_ENTRY(1)
RK_IALS_ENTRY(2)
RK_IALS_ENTRY(4)
RK_IALS_ENTRY(8)

#undef RK_IALS_ENTRY
