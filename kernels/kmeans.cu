// reckernels — Lloyd's k-means on the GPU, batched over independent sub-problems: the coarse
// quantizer of IVF-PQ (m = 1, k = nlist, dsub = d) and the M product-quantizer codebooks
// (m = M, k = ksub, dsub = d / M), with the same semantics and rounding as the CPU's
// org.reckernels.ann.KMeans (see kernels/kmeans.cuh for the sums).
//
// Shapes (row-major; n points; sub-problem s reads columns [s*dsub, (s+1)*dsub) of x):
//   x: (n x d);  centroids: (m*k x dsub), sub-problem s at rows [s*k, s*k + k);  cnorms: (m*k)
//   labels: (n x m) int32, labels[i*m + s] = s*k + j (a global cluster id g in [0, m*k))
//   sorted_points / offsets: the points of cluster g are sorted_points[offsets[g] .. offsets[g+1])
//     in increasing point order (a stable sort of (label, point) pairs, CUB radix sort in native/)
//
//   rk_kmeans_row_norms_f32    out[r] = sum_t src[r, t]^2 (in order, no fma)
//   rk_kmeans_argmin_f32       labels[r] = argmin_j (cnorms[j] - 2 dots[r, j]), j < k, ties to the
//                              lowest j: the assignment after the GEMM dots = X * C^T (cuBLAS); one
//                              warp per row, lanes keep their first minimum, then a (key, index) warp min
//   rk_kmeans_sub_argmin_f32   labels[i*m + s] = s*k + argmin_j (cnorms[s*k+j] - 2 <x_s(i), C[s*k+j]>),
//                              dots by fma in order: the direct assignment (no GEMM), for PQ
//                              sub-spaces (dsub <= 32: a GEMM would write n x k floats per
//                              sub-space for dsub multiply-adds each), and the exact coarse mode
//   rk_kmeans_segments_i32     offsets[g] = lower_bound(sorted_keys, g), g in [0, groups]
//   rk_kmeans_update_f32       C[g, t] = (float)(sum_{p in cluster g} (double) x[p, s*dsub + t] / count_g)
//                              for every non-empty g; empty clusters keep their centroid
//   rk_kmeans_repair_f32       applies the host's empty-cluster plan in order (one block):
//                              entry (s, a, src >= 0): split cluster src: C[a] = v + e, C[src] = v - e,
//                                 v = C[src], e_t = (t even ? 1 : -1) * EPS * (|v_t| + EPS), EPS = 1/1024
//                              entry (s, a, src < 0): C[a] = x_s(-src - 1) (copy a point; also the
//                                 RANDOM initialisation)
//   rk_kmeans_pp_dist_f32      k-means++: best[s, i] = min(best[s, i], ||x_s(i) - C[s*k + j]||^2)
//                              (first: the distance alone), and block_sums[s, b] = the double sum of
//                              best[s, b*256 .. b*256 + 255] by a fixed shared-memory tree
//   rk_kmeans_pp_pick_f32      k-means++: C[s*k + j] = x_s(p), p = plan[3s+2] when >= 0, else the
//                              first i >= plan[3s]*256 where r -= best[s, i] turns negative, r = plan[3s+1]
//                              (the host chose the block from block_sums), n - 1 if none
//   rk_kmeans_gather_f32       out[r] = x[row(r)] - (centroids ? centroids[labels[row(r)]] : 0),
//                              row(r) = rows ? rows[r] : row0 + r: residuals, and plain row copies
//
// Centroid update by sort + segmented reduce rather than atomics: a stable sort of the (label,
// point) pairs puts each cluster's points in increasing order, and one thread per (cluster,
// column) sums them in double in that order — the CPU's summation order, so the centroids equal
// the CPU's bit for bit when the assignments do, and every run gives the same bits (float or
// double atomics would make the sums depend on thread timing). The cost: a cluster's sum is
// sequential per column (a very large cluster is latency-bound); the sort is a few passes of CUB
// radix sort over ceil(log2(m*k)) key bits.
//
// Launch contracts (blockDim = (256, 1, 1) everywhere; grid-stride loops):
//   row_norms, segments, update, gather: 1-D grid;  argmin: 1-D grid, 8 rows (warps) per block;
//   sub_argmin: grid (x, m), dynamic shared memory k * (dsub + 1) floats when use_smem, else 0;
//   repair: grid 1;  pp_dist: grid (ceil(n / 256), m), exactly;  pp_pick: grid (m).

#include "kmeans.cuh"

namespace rk {
namespace kmeans {

constexpr float kRepairEps = 1.f / 1024.f;

// (key, index) minimum across the warp: smaller key, then lower index; index -1 = no candidate.
RK_DEVICE void warp_argmin(float& key, int& idx) {
#pragma unroll
    for (int off = kWarpSize / 2; off > 0; off >>= 1) {
        const float ok = __shfl_xor_sync(kFullMask, key, off);
        const int oi = __shfl_xor_sync(kFullMask, idx, off);
        if (oi >= 0 && (idx < 0 || ok < key || (ok == key && oi < idx))) {
            key = ok;
            idx = oi;
        }
    }
}

}  // namespace kmeans
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_row_norms_f32(const float* __restrict__ src, long long rows, int cols, float* __restrict__ out) {
    for (long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += (long long)gridDim.x * blockDim.x) {
        out[r] = rk::kmeans::sq_norm_seq(src + r * cols, cols);
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_argmin_f32(const float* __restrict__ dots, long long ldd, long long rows, int k,
                     const float* __restrict__ cnorms, int* __restrict__ labels) {
    using namespace rk::kmeans;
    const int warps = blockDim.x / rk::kWarpSize;
    const int lane = (int)rk::lane_id();
    for (long long r = (long long)blockIdx.x * warps + threadIdx.x / rk::kWarpSize; r < rows;
         r += (long long)gridDim.x * warps) {
        const float* row = dots + r * ldd;
        float key = __int_as_float(0x7f800000);
        int idx = -1;
        for (int j = lane; j < k; j += rk::kWarpSize) {
            const float dd = argmin_key(cnorms[j], row[j]);
            if (dd < key) {  // strict: a lane keeps its lowest index among equal keys
                key = dd;
                idx = j;
            }
        }
        warp_argmin(key, idx);
        if (lane == 0) labels[r] = idx < 0 ? 0 : idx;
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_sub_argmin_f32(const float* __restrict__ x, long long n, int d, int m, const float* __restrict__ centroids,
                         const float* __restrict__ cnorms, int k, int use_smem, int* __restrict__ labels) {
    using namespace rk::kmeans;
    extern __shared__ float smem[];
    const int s = blockIdx.y;
    auto emit = [&](long long i, int j) { labels[i * m + s] = s * k + j; };
    RK_KMEANS_DISPATCH_DSUB(d / m, (nearest_in_subspace<MAXD>(x, n, d, m, nullptr, nullptr, centroids, cnorms, k,
                                                                 use_smem ? smem : nullptr, emit)));
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_segments_i32(const int* __restrict__ sorted_keys, int n, int groups, int* __restrict__ offsets) {
    for (int g = blockIdx.x * blockDim.x + threadIdx.x; g <= groups; g += gridDim.x * blockDim.x) {
        int lo = 0;
        int hi = n;  // first position with key >= g
        while (lo < hi) {
            const int mid = lo + ((hi - lo) >> 1);
            if (sorted_keys[mid] < g) lo = mid + 1; else hi = mid;
        }
        offsets[g] = lo;
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_update_f32(const float* __restrict__ x, int d, int m, int k, const int* __restrict__ sorted_points,
                     const int* __restrict__ offsets, float* __restrict__ centroids) {
    const int dsub = d / m;
    const long long total = (long long)m * k * dsub;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        const long long g = e / dsub;
        const int t = (int)(e - g * dsub);
        const int s = (int)(g / k);
        const int start = offsets[g];
        const int end = offsets[g + 1];
        if (end <= start) continue;
        const float* col = x + (long long)s * dsub + t;
        double sum = 0.0;
#pragma unroll 4
        for (int p = start; p < end; ++p) sum += (double)col[(long long)sorted_points[p] * d];
        centroids[e] = (float)(sum / (double)(end - start));
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_repair_f32(const float* __restrict__ x, int d, int m, int k, float* __restrict__ centroids,
                     const int* __restrict__ plan, int entries) {
    using namespace rk::kmeans;
    const int dsub = d / m;
    for (int p = 0; p < entries; ++p) {
        const int s = plan[3 * p];
        const long long a = (long long)s * k + plan[3 * p + 1];
        const int src = plan[3 * p + 2];
        float* ca = centroids + a * dsub;
        if (src >= 0) {
            float* cb = centroids + ((long long)s * k + src) * dsub;
            for (int t = threadIdx.x; t < dsub; t += blockDim.x) {
                const float v = cb[t];
                const float sign = (t & 1) ? -1.f : 1.f;
                const float delta = __fmul_rn(__fmul_rn(sign, kRepairEps), __fadd_rn(fabsf(v), kRepairEps));
                ca[t] = __fadd_rn(v, delta);
                cb[t] = __fsub_rn(v, delta);
            }
        } else {
            const float* xp = x + (long long)(-src - 1) * d + (long long)s * dsub;
            for (int t = threadIdx.x; t < dsub; t += blockDim.x) ca[t] = xp[t];
        }
        __syncthreads();  // a later entry may split the cluster this one wrote
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_pp_dist_f32(const float* __restrict__ x, int n, int d, int m, const float* __restrict__ centroids, int k,
                      int j, int first, float* __restrict__ best, double* __restrict__ block_sums) {
    using namespace rk::kmeans;
    __shared__ double partial[kBlock];
    const int s = blockIdx.y;
    const int dsub = d / m;
    const int i = blockIdx.x * kBlock + threadIdx.x;
    double mine = 0.0;
    if (i < n) {
        const float dist = l2sq_seq(x + (long long)i * d + (long long)s * dsub,
                                    centroids + ((long long)s * k + j) * dsub, dsub);
        float* b = best + (long long)s * n + i;
        const float v = first ? dist : fminf(*b, dist);
        *b = v;
        mine = (double)v;
    }
    partial[threadIdx.x] = mine;
    __syncthreads();
    for (int stride = kBlock / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
        __syncthreads();
    }
    if (threadIdx.x == 0) block_sums[(long long)s * gridDim.x + blockIdx.x] = partial[0];
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_pp_pick_f32(const float* __restrict__ x, int n, int d, int m, const float* __restrict__ best,
                      const double* __restrict__ plan, float* __restrict__ centroids, int k, int j) {
    using namespace rk::kmeans;
    __shared__ int pick;
    const int s = blockIdx.x;
    const int dsub = d / m;
    if (threadIdx.x == 0) {
        const int explicit_point = (int)plan[3 * s + 2];
        if (explicit_point >= 0) {
            pick = explicit_point;
        } else {
            double r = plan[3 * s + 1];
            const float* b = best + (long long)s * n;
            int p = n - 1;
            for (int i = (int)plan[3 * s] * kBlock; i < n; ++i) {  // sequential, as the CPU's scan
                r -= (double)b[i];
                if (r < 0) {
                    p = i;
                    break;
                }
            }
            pick = p;
        }
    }
    __syncthreads();
    const float* xp = x + (long long)pick * d + (long long)s * dsub;
    float* c = centroids + ((long long)s * k + j) * dsub;
    for (int t = threadIdx.x; t < dsub; t += blockDim.x) c[t] = xp[t];
}

extern "C" __global__ void __launch_bounds__(256)
rk_kmeans_gather_f32(const float* __restrict__ x, int d, const int* __restrict__ rows, long long row0, long long count,
                     const float* __restrict__ centroids, const int* __restrict__ labels, float* __restrict__ out) {
    const long long total = count * d;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        const long long r = e / d;
        const int t = (int)(e - r * d);
        const long long row = rows ? (long long)rows[r] : row0 + r;
        const float v = x[row * d + t];
        out[e] = centroids ? __fsub_rn(v, centroids[(long long)labels[row] * d + t]) : v;
    }
}
