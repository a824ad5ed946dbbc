// reckernels — evaluation helpers: masking a tile of a score matrix by a CSR pattern.
//
//   rk_mask_csr_rows_f32
//     m: (rows x ld) float32 row-major, a tile of scores (e.g. users u0 .. u0+rows of U·Iᵀ);
//     pattern: CSR row_ptr (>= row0 + rows + 1) int64, col_idx int32 in [0, ld) — validated when
//     the CSR was built; rows row0 .. row0+rows of it are applied:
//       m[r, col_idx[k]] = value   for k in [row_ptr[row0 + r], row_ptr[row0 + r + 1])
//     (full-ranking evaluation sets the users' train items to −∞ before the top-K.)
//
// One warp per row (grid-stride), lanes over the row's entries; duplicate columns write the
// same value, so the result does not depend on the order.
// Launch contract: blockDim = (256, 1, 1), any grid >= 1.

#include "common.cuh"

extern "C" __global__ void rk_mask_csr_rows_f32(float* __restrict__ m, long long ld, long long rows,
                                                const long long* __restrict__ row_ptr,
                                                const int* __restrict__ col_idx, long long row0,
                                                float value) {
    const long long warps = (long long)gridDim.x * blockDim.x / rk::kWarpSize;
    for (long long r = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / rk::kWarpSize; r < rows;
         r += warps) {
        const long long start = row_ptr[row0 + r];
        const long long end = row_ptr[row0 + r + 1];
        for (long long k = start + rk::lane_id(); k < end; k += rk::kWarpSize) {
            m[r * ld + col_idx[k]] = value;
        }
    }
}
