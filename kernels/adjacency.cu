// reckernels — the normalised bipartite adjacency of LightGCN / NGCF, built on the device.
//
//   Input  R: (U x I) CSR — r_ptr (U + 1) int64, r_col (N) int32, ids validated on the host.
//   Output Â: (n x n) CSR, n = U + I, 2N entries — users first, then items:
//            Â[u, U+i] = Â[U+i, u] = 1 / sqrt(deg(u) · deg(U+i))
//   the same matrix, entry for entry and bit for bit, as graph/NormalizedAdjacency.build on the
//   host: user rows keep R's column order, item rows list their users in ascending order,
//   repeated interactions count once per entry.
//
// Steps (the launcher, AdjacencyBuilder, runs them on one stream):
//   1. rk_adj_expand_i32 (warp per user row): deg[u] = row length; deg[U+i] += 1 (atomics);
//      the user half of Â's columns (U + i, in place: entries [0, N)); and the (item, user) pairs
//      of the item half, in user-ascending order.
//   2. CUB stable radix sort of the pairs by item (native/scan.cu: rk_sort_pairs_i32) — stable,
//      so each item's users stay ascending.
//   3. CUB exclusive scan of deg into Â's int64 row pointers (rk_row_ptr_from_degrees).
//   4. rk_adj_values_f32: the item half's columns (entries [N, 2N)) and every value. The weight
//      is computed in double and rounded once, as the host builder does, so both agree exactly.
//
// Launch contract: blockDim = (256, 1, 1), any grid >= 1 (grid-stride loops); N < 2^30.

#include "common.cuh"

namespace rk {
namespace adj {

RK_DEVICE float weight(int deg_a, int deg_b) {
    return (float)(1.0 / sqrt((double)deg_a * (double)deg_b));
}

}  // namespace adj
}  // namespace rk

extern "C" __global__ void rk_adj_expand_i32(const long long* __restrict__ r_ptr,
                                             const int* __restrict__ r_col, int users,
                                             int* __restrict__ deg, int* __restrict__ a_col,
                                             int* __restrict__ pair_item, int* __restrict__ pair_user) {
    const unsigned lane = rk::lane_id();
    const long long warps = (long long)gridDim.x * blockDim.x / rk::kWarpSize;
    for (long long u = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / rk::kWarpSize; u < users;
         u += warps) {
        const long long start = r_ptr[u];
        const long long end = r_ptr[u + 1];
        if (lane == 0) {
            deg[u] = (int)(end - start);
        }
        for (long long k = start + lane; k < end; k += rk::kWarpSize) {
            const int i = r_col[k];
            atomicAdd(&deg[users + i], 1);
            a_col[k] = users + i;
            pair_item[k] = i;
            pair_user[k] = (int)u;
        }
    }
}

// Entries [0, N): user rows (warp per user, row u spans R's row u). Entries [N, 2N): item rows,
// the sorted pairs (item, user) in order.
extern "C" __global__ void rk_adj_values_f32(const long long* __restrict__ r_ptr, int users,
                                             const int* __restrict__ deg,
                                             const int* __restrict__ sorted_item,
                                             const int* __restrict__ sorted_user, long long n_pairs,
                                             int* __restrict__ a_col, float* __restrict__ a_val) {
    const unsigned lane = rk::lane_id();
    const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long threads = (long long)gridDim.x * blockDim.x;
    const long long warps = threads / rk::kWarpSize;
    for (long long u = tid / rk::kWarpSize; u < users; u += warps) {
        const long long start = r_ptr[u];
        const long long end = r_ptr[u + 1];
        const int du = deg[u];
        for (long long k = start + lane; k < end; k += rk::kWarpSize) {
            a_val[k] = rk::adj::weight(du, deg[a_col[k]]);
        }
    }
    for (long long j = tid; j < n_pairs; j += threads) {
        const int i = sorted_item[j];
        const int u = sorted_user[j];
        a_col[n_pairs + j] = u;
        a_val[n_pairs + j] = rk::adj::weight(deg[users + i], deg[u]);
    }
}
