// reckernels — per-row top-k of an affine transform of a matrix: the selection step of the
// coarse quantizer (queries x centroids) and of exact brute-force search (queries x base), after
// the GEMM that produced x (cuBLAS on the backend's stream).
//
//   rk_topk_affine_f32
//     x: (rows x n) row-major, leading dimension ldx;  col_term: null or (n);  row_term: null or (rows)
//     ids: null or (n) int64 — the id of column j (null: j itself)
//     out_ids: (rows x k) int64;  out_dist: (rows x k) float, written best first
//       dist(r, j) = alpha * x[r, j] + col_term[j] + row_term[r], then max(0, .) when clamp_zero
//       out: the min(k, n) smallest dist(r, .) per row, ties to the lower id; the rest id -1, +inf
//     (L2: alpha = -2, col_term = ||b_j||^2, row_term = ||q_r||^2, clamp; inner product: alpha = -1.)
//
// Selection: rk::topk::select_row (kernels/topk.cuh) — block radix select + bitonic sort, k <= 2048.
// Launch contract: blockDim = (256, 1, 1); any grid >= 1 (one block per row, grid-stride over rows).

#include "topk.cuh"

namespace rk {
namespace topk {

struct AffineRow {
    const float* x;
    long long n;
    float alpha;
    const float* col_term;
    float row_value;
    bool clamp_zero;
    const long long* ids;

    RK_DEVICE_MEMBER long long size() const { return n; }
    RK_DEVICE_MEMBER float dist(long long j) const {
        float v = alpha * x[j] + (col_term ? col_term[j] : 0.f) + row_value;
        return clamp_zero ? fmaxf(v, 0.f) : v;
    }
    RK_DEVICE_MEMBER long long id(long long j) const { return ids ? ids[j] : j; }
};

}  // namespace topk
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_topk_affine_f32(const float* __restrict__ x, long long ldx, int rows, long long n, float alpha,
                   const float* __restrict__ col_term, const float* __restrict__ row_term, int clamp_zero,
                   const long long* __restrict__ ids, int k, long long* __restrict__ out_ids,
                   float* __restrict__ out_dist) {
    using namespace rk::topk;
    __shared__ Shared sh;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        AffineRow row{x + (long long)r * ldx, n, alpha, col_term, row_term ? row_term[r] : 0.f, clamp_zero != 0, ids};
        select_row(row, k, out_ids + (long long)r * k, out_dist + (long long)r * k, sh);
    }
}
