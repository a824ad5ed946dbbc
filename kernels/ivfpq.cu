// reckernels — IVF-PQ search on the GPU: per-(query, probed list) lookup tables, the ADC scan of
// the probed inverted lists, and the per-query top-k over the scanned candidates.
//
// Shapes (row-major; the index's lists concatenated in list order on the device):
//   queries: (nq x d);  centroids: (nlist x d);  codebooks: (M x ksub x dsub), dsub = d / M
//   probes: (nq x nprobe) int64 list numbers;  probe_dist: (nq x nprobe) coarse distances
//   list_off: (nlist + 1) int64, list l = rows [list_off[l], list_off[l+1]);  codes: (N x M) uint8
//   ids: (N) int64;  cand_off: (nq * nprobe + 1) int64, the candidates of (q, p) at
//   [cand_off[q*nprobe + p], cand_off[q*nprobe + p + 1]) of cand (list sizes, prefix-summed)
//
//   rk_ivfpq_lut_f32    lut: (nq x nprobe x M x ksub) written, for probe (q, p) on list c:
//       L2:            lut[s][j] = || (q - c)_s - C_s[j] ||^2     (L2 on the residual)
//       inner product: lut[s][j] = - < q_s, C_s[j] >
//   rk_ivfpq_scan_f32   cand written: for row i of the list probed by (q, p)
//       cand = base + sum_s lut[s][codes[i][s]],  base = 0 (L2) or probe_dist (= -<q, c>, inner product)
//     i.e. the distance from q to the decoded vector c + r: ||q - c - r||^2 or -<q, c + r>.
//   rk_ivfpq_select_f32 out_ids/out_dist: (nq x k), the k smallest candidates of each query, best
//       first, ties to the lower id, padded with -1 / +inf (rk::topk::select_row). ids null: the
//       "id" is the candidate's position in the concatenated lists (input of the re-rank).
//   rk_ivfpq_rerank_f32 exact re-rank: cand (nq x r) int64 positions (-1: none) from select with
//       null ids; vectors: (N x d) the raw vectors in list order. Per query: exact distance of each
//       candidate (L2: ||q - v||^2; inner product: -<q, v>; warp per candidate), then the k best
//       by (distance, ids[position]), padded with -1 / +inf; r <= 2048.
//   rk_ivfpq_encode_f32 codes: (n x M) uint8, codes[i][s] = argmin_j ||C_s[j]||^2 - 2 <r_s, C_s[j]>,
//       r = x_i - coarse[labels[i]] (coarse null: r = x_i); code_norms: (M x ksub); ties to the
//       lowest j; the rounding of ProductQuantizer.encode (kernels/kmeans.cuh)
//   rk_ivfpq_terms_f32  terms: (n), the L2 per-vector term ||rec||^2 + 2 <c, rec> of the decoded
//       residual rec = (C_s[codes[i][s]])_s and c = coarse[labels[i]] (fp32 in order)
//
// The scan builds its (q, p) table in shared memory (M * ksub floats; the launcher raises the
// dynamic shared memory limit above 48 KiB when M * ksub needs it) and then streams the list's
// codes, one vector per thread (16-byte loads when M % 16 == 0, 4-byte when M % 4 == 0).
// rk_ivfpq_lut_f32 writes the same tables to global memory (tests, and a precomputed-table
// variant); both use lut_entries().
// Launch contract: blockDim = (256, 1, 1); grid >= 1, one block per (q, p) pair (lut, scan) or per
// query (select, rerank), grid-stride. Dynamic shared memory: lut d floats; scan (d + M * ksub)
// floats. encode: grid (x, M), dynamic shared memory ksub * (dsub + 1) floats when use_smem;
// terms: 1-D grid, one thread per vector.

#include "topk.cuh"
#include "kmeans.cuh"

namespace rk {
namespace ivfpq {

// Block-cooperative: x (d floats, shared) -> table[s * ksub + j] for all M * ksub entries.
RK_DEVICE void lut_entries(const float* x, const float* __restrict__ codebooks, int m, int ksub, int dsub, bool l2,
                           float* table) {
    const int total = m * ksub;
    for (int e = threadIdx.x; e < total; e += blockDim.x) {
        const float* xs = x + (e / ksub) * dsub;
        const float* cw = codebooks + (long long)e * dsub;
        float acc = 0.f;
        if (l2) {
            for (int t = 0; t < dsub; ++t) {
                const float diff = xs[t] - __ldg(cw + t);
                acc = fmaf(diff, diff, acc);
            }
        } else {
            for (int t = 0; t < dsub; ++t) acc = fmaf(xs[t], __ldg(cw + t), acc);
            acc = -acc;
        }
        table[e] = acc;
    }
}

// Block-cooperative: x = q - c (L2) or q (inner product) into shared memory.
RK_DEVICE void query_vector(const float* __restrict__ q, const float* __restrict__ c, int d, bool l2, float* x) {
    for (int t = threadIdx.x; t < d; t += blockDim.x) x[t] = l2 && c ? q[t] - c[t] : q[t];
}

struct CandidateRow {
    const float* cand;
    const long long* seg_off;  // nprobe + 1 offsets of this query's segments into cand (absolute)
    const long long* probes;   // nprobe lists of this query
    int nprobe;
    const long long* list_off;
    const long long* ids;  // null: the candidate's position in the concatenated lists

    RK_DEVICE_MEMBER long long size() const { return seg_off[nprobe] - seg_off[0]; }
    RK_DEVICE_MEMBER float dist(long long e) const { return cand[seg_off[0] + e]; }
    RK_DEVICE_MEMBER long long id(long long e) const {
        const long long abs = seg_off[0] + e;
        int lo = 0;
        int hi = nprobe - 1;  // last segment whose start <= abs (empty segments skipped by the search)
        while (lo < hi) {
            const int mid = (lo + hi + 1) >> 1;
            if (seg_off[mid] <= abs) lo = mid; else hi = mid - 1;
        }
        const long long pos = list_off[probes[lo]] + (abs - seg_off[lo]);
        return ids ? ids[pos] : pos;
    }
};

}  // namespace ivfpq
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_ivfpq_lut_f32(const float* __restrict__ queries, int nq, int d, const float* __restrict__ centroids,
                 const long long* __restrict__ probes, int nprobe, const float* __restrict__ codebooks, int m,
                 int ksub, int l2, float* __restrict__ lut) {
    using namespace rk::ivfpq;
    extern __shared__ float smem[];
    const int dsub = d / m;
    const long long pairs = (long long)nq * nprobe;
    for (long long qp = blockIdx.x; qp < pairs; qp += gridDim.x) {
        const long long q = qp / nprobe;
        const long long list = probes[qp];
        __syncthreads();
        query_vector(queries + q * d, list >= 0 ? centroids + list * d : nullptr, d, l2 != 0, smem);
        __syncthreads();
        lut_entries(smem, codebooks, m, ksub, dsub, l2 != 0, lut + qp * m * ksub);
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ivfpq_scan_f32(const float* __restrict__ queries, int nq, int d, const float* __restrict__ centroids,
                  const long long* __restrict__ probes, const float* __restrict__ probe_dist, int nprobe,
                  const float* __restrict__ codebooks, int m, int ksub, int l2, const long long* __restrict__ list_off,
                  const unsigned char* __restrict__ codes, const long long* __restrict__ cand_off,
                  float* __restrict__ cand) {
    using namespace rk::ivfpq;
    extern __shared__ float smem[];
    float* x = smem;
    float* table = smem + d;
    const int dsub = d / m;
    const long long pairs = (long long)nq * nprobe;
    for (long long qp = blockIdx.x; qp < pairs; qp += gridDim.x) {
        const long long list = probes[qp];
        if (list < 0) continue;  // uniform over the block
        const long long q = qp / nprobe;
        __syncthreads();
        query_vector(queries + q * d, centroids + list * d, d, l2 != 0, x);
        __syncthreads();
        lut_entries(x, codebooks, m, ksub, dsub, l2 != 0, table);
        __syncthreads();
        const float base = l2 ? 0.f : probe_dist[qp];
        const long long start = list_off[list];
        const long long len = list_off[list + 1] - start;
        float* out = cand + cand_off[qp];
        const unsigned char* lcodes = codes + start * m;
        for (long long i = threadIdx.x; i < len; i += blockDim.x) {
            const unsigned char* c = lcodes + i * m;
            float dist = base;
            if ((m & 15) == 0) {
                for (int w = 0; w < m; w += 16) {
                    const uint4 v = __ldg(reinterpret_cast<const uint4*>(c + w));
                    const unsigned words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
                    for (int b = 0; b < 16; ++b) {
                        dist += table[(w + b) * ksub + ((words[b >> 2] >> ((b & 3) * 8)) & 255u)];
                    }
                }
            } else if ((m & 3) == 0) {
                for (int w = 0; w < m; w += 4) {
                    const unsigned v = __ldg(reinterpret_cast<const unsigned*>(c + w));
#pragma unroll
                    for (int b = 0; b < 4; ++b) dist += table[(w + b) * ksub + ((v >> (b * 8)) & 255u)];
                }
            } else {
                for (int s = 0; s < m; ++s) dist += table[s * ksub + c[s]];
            }
            out[i] = dist;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ivfpq_select_f32(const float* __restrict__ cand, const long long* __restrict__ cand_off,
                    const long long* __restrict__ probes, int nprobe, const long long* __restrict__ list_off,
                    const long long* __restrict__ ids, int nq, int k, long long* __restrict__ out_ids,
                    float* __restrict__ out_dist) {
    using namespace rk::ivfpq;
    using rk::topk::Shared;
    __shared__ Shared sh;
    for (int q = blockIdx.x; q < nq; q += gridDim.x) {
        CandidateRow row{cand, cand_off + (long long)q * nprobe, probes + (long long)q * nprobe, nprobe, list_off, ids};
        rk::topk::select_row(row, k, out_ids + (long long)q * k, out_dist + (long long)q * k, sh);
    }
}

namespace rk {
namespace ivfpq {

struct RerankRow {
    const float* exact;      // r exact distances (shared memory)
    const long long* cand;   // r positions, -1 = none
    const long long* ids;
    int r;

    RK_DEVICE_MEMBER long long size() const { return r; }
    RK_DEVICE_MEMBER float dist(long long e) const { return exact[e]; }
    RK_DEVICE_MEMBER long long id(long long e) const { return cand[e] >= 0 ? ids[cand[e]] : -1ll; }
};

}  // namespace ivfpq
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_ivfpq_rerank_f32(const float* __restrict__ queries, int nq, int d, const float* __restrict__ vectors,
                    const long long* __restrict__ ids, const long long* __restrict__ cand, int r, int l2, int k,
                    long long* __restrict__ out_ids, float* __restrict__ out_dist) {
    using rk::topk::Shared;
    __shared__ Shared sh;
    __shared__ float exact[rk::topk::kMaxK];
    const int warps = blockDim.x / rk::kWarpSize;
    const int warp = threadIdx.x / rk::kWarpSize;
    const int lane = (int)rk::lane_id();
    for (int q = blockIdx.x; q < nq; q += gridDim.x) {
        const float* qv = queries + (long long)q * d;
        const long long* row = cand + (long long)q * r;
        for (int e = warp; e < r; e += warps) {
            const long long pos = row[e];
            float acc = 0.f;
            if (pos >= 0) {
                const float* v = vectors + pos * d;
                for (int t = lane; t < d; t += rk::kWarpSize) {
                    if (l2) {
                        const float df = qv[t] - v[t];
                        acc = fmaf(df, df, acc);
                    } else {
                        acc = fmaf(qv[t], v[t], acc);
                    }
                }
                acc = rk::warp_reduce_sum(acc);
            }
            if (lane == 0) exact[e] = pos < 0 ? __int_as_float(0x7f800000) : (l2 ? acc : -acc);
        }
        __syncthreads();
        rk::ivfpq::RerankRow rr{exact, row, ids, r};
        rk::topk::select_row(rr, k, out_ids + (long long)q * k, out_dist + (long long)q * k, sh);
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ivfpq_encode_f32(const float* __restrict__ x, long long n, int d, const float* __restrict__ coarse,
                    const int* __restrict__ labels, const float* __restrict__ codebooks,
                    const float* __restrict__ code_norms, int m, int ksub, int use_smem, unsigned char* __restrict__ codes) {
    using namespace rk::kmeans;
    extern __shared__ float smem[];
    const int s = blockIdx.y;
    auto emit = [&](long long i, int j) { codes[i * m + s] = (unsigned char)j; };
    RK_KMEANS_DISPATCH_DSUB(d / m, (nearest_in_subspace<MAXD>(x, n, d, m, coarse, labels, codebooks, code_norms, ksub,
                                                                 use_smem ? smem : nullptr, emit)));
}

extern "C" __global__ void __launch_bounds__(256)
rk_ivfpq_terms_f32(const unsigned char* __restrict__ codes, long long n, int d, const float* __restrict__ coarse,
                   const int* __restrict__ labels, const float* __restrict__ codebooks, int m, int ksub,
                   float* __restrict__ terms) {
    const int dsub = d / m;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float* c = coarse + (long long)labels[i] * d;
        float rr = 0.f;
        float cr = 0.f;
        for (int s = 0; s < m; ++s) {
            const float* cw = codebooks + ((long long)s * ksub + codes[i * m + s]) * dsub;
            for (int t = 0; t < dsub; ++t) {
                const float v = cw[t];
                rr = fmaf(v, v, rr);
                cr = fmaf(c[s * dsub + t], v, cr);
            }
        }
        terms[i] = rr + 2.f * cr;
    }
}
