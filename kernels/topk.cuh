// reckernels — block-wide top-k selection shared by kernels/topk.cu and kernels/ivfpq.cu.
//
// One thread block selects the k smallest (distance, id) pairs of one row of n candidates,
// ties going to the lower id (the order of org.reckernels.ann.TopK), and writes them best first:
//   1. radix select on the 32-bit order-preserving key of the distance (4 passes of 8-bit
//      digits, shared-memory histograms with warp-aggregated increments) finds the k-th smallest distance T and how many
//      candidates equal to T are needed;
//   2. only when more candidates equal T than are needed (duplicate distances), a second radix
//      select over the 64-bit ids of those candidates (8 passes) finds the largest id kept;
//   3. the (exactly) min(k, n) selected pairs are gathered into shared memory, padded to a power
//      of two and sorted by a block bitonic sort; rows shorter than k are padded with id -1 and
//      +inf.
// Every pass reads the row again (5 reads of n floats in the common case): simple and exact for
// any n, at the cost of bandwidth; a fused warp-select in the scan is future work.
// k <= kMaxK (2048): the sort buffer, 2048 x (4 + 8) bytes, is static shared memory.

#pragma once

#include "common.cuh"

#ifndef RK_DEVICE_MEMBER
#define RK_DEVICE_MEMBER __device__ __forceinline__
#endif

namespace rk {
namespace topk {

constexpr int kBlock = 256;
constexpr int kMaxK = 2048;

// Order-preserving map float -> unsigned (-0 folded onto +0 so that they tie, as in Java's ==).
RK_DEVICE unsigned float_key(float f) {
    if (f == 0.f) f = 0.f;
    const unsigned u = __float_as_uint(f);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Order-preserving map signed int64 -> unsigned int64.
RK_DEVICE unsigned long long id_key(long long id) {
    return (unsigned long long)id ^ 0x8000000000000000ull;
}

RK_DEVICE bool pair_less(float da, long long ia, float db, long long ib) {
    return da < db || (da == db && ia < ib);
}

struct Shared {
    unsigned hist[256];
    unsigned long long prefix;
    long long rank;
    unsigned last_count;  // after a select: how many candidates have exactly the selected key
    int count;
    float dist[kMaxK];
    long long ids[kMaxK];
};

// Over the candidates e in [0, n) with pred(e), finds the key of the rank-th smallest key (rank
// 0-based) and leaves in sh.rank that rank among the candidates equal to it, in sh.last_count
// how many candidates have that key. KeyBits: 32 or 64. Every thread of the block must call it.
template <int KeyBits, class KeyFn, class Pred>
RK_DEVICE unsigned long long radix_select(long long n, long long rank, KeyFn key, Pred pred, Shared& sh) {
    unsigned long long prefix = 0;
    unsigned long long mask = 0;
    for (int shift = KeyBits - 8; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < 256; b += blockDim.x) sh.hist[b] = 0;
        __syncthreads();
        // Uniform trip count, so that every lane of a warp reaches the vote; lanes with the same
        // digit add once (warp-aggregated), as the first passes put most keys in a few bins.
        for (long long e0 = 0; e0 < n; e0 += blockDim.x) {
            const long long e = e0 + threadIdx.x;
            bool take = false;
            unsigned digit = 0;
            if (e < n && pred(e)) {
                const unsigned long long k = key(e);
                take = (k & mask) == prefix;
                digit = unsigned(k >> shift) & 255u;
            }
            const unsigned voters = __ballot_sync(kFullMask, take);
            if (take) {
                const unsigned peers = __match_any_sync(voters, digit);
                if ((int)lane_id() == __ffs(peers) - 1) atomicAdd(&sh.hist[digit], (unsigned)__popc(peers));
            }
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            long long cum = 0;
            int digit = 255;
            for (int b = 0; b < 256; ++b) {
                if (cum + (long long)sh.hist[b] > rank) {
                    digit = b;
                    break;
                }
                cum += sh.hist[b];
            }
            sh.prefix = prefix | ((unsigned long long)digit << shift);
            sh.rank = rank - cum;
            sh.last_count = sh.hist[digit];
        }
        __syncthreads();
        prefix = sh.prefix;
        rank = sh.rank;
        mask |= 255ull << shift;
        __syncthreads();  // sh.* read by all before the next pass rewrites them
    }
    return prefix;
}

// Selects the min(k, n) best of a row and writes k results best first to out_ids/out_dist.
// Row: long long size(); float dist(long long e); long long id(long long e).
template <class Row>
RK_DEVICE void select_row(const Row& row, int k, long long* __restrict__ out_ids, float* __restrict__ out_dist,
                          Shared& sh) {
    const long long n = row.size();
    const int kk = (int)(n < (long long)k ? n : (long long)k);
    if (threadIdx.x == 0) sh.count = 0;
    __syncthreads();
    if (kk > 0 && n > kk) {
        auto dkey = [&](long long e) -> unsigned long long { return float_key(row.dist(e)); };
        auto all = [](long long) { return true; };
        const unsigned t_key = (unsigned)radix_select<32>(n, kk - 1, dkey, all, sh);
        const long long needed_equal = sh.rank + 1;
        const bool all_equal_fit = (long long)sh.last_count == needed_equal;
        unsigned long long t_id = ~0ull;
        if (!all_equal_fit) {
            auto ikey = [&](long long e) -> unsigned long long { return id_key(row.id(e)); };
            auto eq = [&](long long e) { return float_key(row.dist(e)) == t_key; };
            t_id = radix_select<64>(n, needed_equal - 1, ikey, eq, sh);
        }
        for (long long e = threadIdx.x; e < n; e += blockDim.x) {
            const float dv = row.dist(e);
            const unsigned kv = float_key(dv);
            if (kv < t_key || (kv == t_key && (all_equal_fit || id_key(row.id(e)) <= t_id))) {
                const int pos = atomicAdd(&sh.count, 1);
                if (pos < kMaxK) {
                    sh.dist[pos] = dv;
                    sh.ids[pos] = row.id(e);
                }
            }
        }
    } else {
        for (long long e = threadIdx.x; e < n; e += blockDim.x) {
            sh.dist[e] = row.dist(e);
            sh.ids[e] = row.id(e);
        }
    }
    __syncthreads();
    int p2 = 1;
    while (p2 < kk) p2 <<= 1;
    for (int i = kk + threadIdx.x; i < p2; i += blockDim.x) {
        sh.dist[i] = __int_as_float(0x7f800000);
        sh.ids[i] = 0x7fffffffffffffffll;
    }
    for (int size = 2; size <= p2; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            __syncthreads();
            for (int i = threadIdx.x; i < p2 / 2; i += blockDim.x) {
                const int lo = (i / stride) * stride * 2 + (i % stride);
                const int hi = lo + stride;
                const bool ascending = (lo & size) == 0;
                const bool swap = ascending ? pair_less(sh.dist[hi], sh.ids[hi], sh.dist[lo], sh.ids[lo])
                                            : pair_less(sh.dist[lo], sh.ids[lo], sh.dist[hi], sh.ids[hi]);
                if (swap) {
                    const float td = sh.dist[lo];
                    sh.dist[lo] = sh.dist[hi];
                    sh.dist[hi] = td;
                    const long long ti = sh.ids[lo];
                    sh.ids[lo] = sh.ids[hi];
                    sh.ids[hi] = ti;
                }
            }
        }
    }
    __syncthreads();
    for (int r = threadIdx.x; r < k; r += blockDim.x) {
        out_ids[r] = r < kk ? sh.ids[r] : -1ll;
        out_dist[r] = r < kk ? sh.dist[r] : __int_as_float(0x7f800000);
    }
    __syncthreads();  // sh is reused by the block's next row
}

}  // namespace topk
}  // namespace rk
