// reckernels — table-batched embedding bags: forward (sum / mean / none pooling, optional per-sample
// weights) and a deterministic backward fused with a sparse optimizer row update (FBGEMM TBE style).
//
// Layout (org.reckernels.backend.EmbeddingBags):
//   W: (R × d) float32, the T tables stacked; table t owns rows [row_offset[t], row_offset[t+1])
//   tables.row_offset: (T + 1) int64, passed BY VALUE in the kernel parameters (T <= kMaxTables)
//   indices: (nnz) int32 local row ids;  offsets: (T·B + 1) int32 CSR bounds, bag g = t·B + b
//   psw: null or (nnz) per-sample weights w_k
//   out (SUM/MEAN): (B × T·d), bag (t, b) → row b, columns [t·d, (t+1)·d);  out (NONE): (nnz × d)
//   Element offsets are (row_offset[t] + idx)·d in int64: tables may pass 2^31 floats.
//
//   rk_embedding_bag_fwd_f32
//     out[b, t·d + c] = scale · Σ_{k in bag} w_k · W[row_offset[t] + indices[k], c]
//     scale = 1/len for MEAN (empty bag → zeros, never a division by zero), else 1.
//     One warp per bag. The lanes load 32 (index, weight) pairs at once and broadcast them with
//     shuffles; with d % 4 == 0 and d <= 256 each lane owns float4 column slices 4·lane and
//     4·lane + 128 (fp32 accumulation in registers); other d use 32-column tiles, one column per lane.
//
//   Backward, three steps launched by EmbeddingLauncher (no float atomics → bitwise reproducible):
//   1. rk_embedding_bwd_keys: for each position k of each bag, key[k] = row_offset[t] + indices[k]
//      (global row; an index outside its table gets the sentinel R), val[k] = k, bag_of[k] = bag.
//      Positions not covered by any bag keep the sentinel the launcher memsets beforehand.
//   2. rk_sort_pairs_i32 (native/, CUB stable radix sort) on (key, k): equal rows become runs,
//      ordered by ascending k.
//   3. rk_embedding_bwd_update: one warp per group of 32 sorted positions finds the run heads by a
//      ballot; for each head the warp walks the run (32 positions per step, shuffles), reduces
//        g[c] = Σ_{k in run} coef_k · grad_out[bag(k) or k, c]     (coef = w_k, 1/len for MEAN)
//      in ascending k, then applies the optimizer to that row once:
//        SGD      w −= lr·g
//        ADAGRAD  h += g²; w −= lr·g / (sqrt(h) + eps)                       h: (R × d)
//        ROWWISE  h_r += Σ_c g²/d; w −= lr·g / (sqrt(h_r) + eps)             h: (R)
//        ADAM     m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= c1·m / (sqrt(v)·c2 + eps)
//      Runs are disjoint, so each row is written by exactly one warp. A very hot row is walked by
//      one warp serially (FBGEMM splits long runs over a block; not done here).
//
// Launch contract: blockDim = (256, 1, 1); any grid >= 1 (grid-stride over warps); W 16-byte
// aligned (cuMemAlloc); grad_out/out/state must not alias W. The launcher validates shapes and the
// global index range; the kernels skip an index outside its own table (never read outside W).

#include "common.cuh"

namespace rk {
namespace embedding {

constexpr int kMaxTables = 256;
// pooling codes: 0 = SUM, 1 = MEAN, 2 = NONE; optimizer codes: 0 SGD, 1 ADAGRAD, 2 ROWWISE, 3 ADAM
constexpr int kMean = 1;
constexpr int kNone = 2;
constexpr int kSgd = 0;
constexpr int kAdagrad = 1;
constexpr int kRowwiseAdagrad = 2;

// Table row offsets, by value in the kernel parameters (8·257 bytes < the 4 KiB parameter limit).
struct Tables {
    long long row_offset[kMaxTables + 1];
};

RK_DEVICE long long warp_global() { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / kWarpSize; }
RK_DEVICE long long warps_total() { return (long long)gridDim.x * blockDim.x / kWarpSize; }

RK_DEVICE float4 scale_f4(float4 v, float s) { return make_float4(v.x * s, v.y * s, v.z * s, v.w * s); }

// Pooled forward of one bag; vec: d % 4 == 0 && d <= 256.
template <bool kVec>
RK_DEVICE void pool_bag(const float* __restrict__ w, long long base, long long rows, int start, int end,
                        const int* __restrict__ indices, const float* __restrict__ psw, int d, float scale,
                        float* __restrict__ dst) {
    const int lane = int(lane_id());
    if constexpr (kVec) {
        const int c0 = 4 * lane;
        const int c1 = 4 * lane + 128;
        float4 a0 = zero_f4();
        float4 a1 = zero_f4();
        for (int chunk = start; chunk < end; chunk += kWarpSize) {
            const int k = chunk + lane;
            int my_idx = -1;
            float my_w = 0.f;
            if (k < end) {
                my_idx = indices[k];
                my_w = psw ? psw[k] : 1.f;
            }
            const int n = min(kWarpSize, end - chunk);
            for (int j = 0; j < n; ++j) {
                const int idx = __shfl_sync(kFullMask, my_idx, j);
                const float wt = __shfl_sync(kFullMask, my_w, j);
                if (idx < 0 || idx >= rows) continue;  // same for every lane
                const float* row = w + (base + idx) * d;
                if (c0 < d) fma_f4(a0, wt, load_f4(row + c0));
                if (c1 < d) fma_f4(a1, wt, load_f4(row + c1));
            }
        }
        if (c0 < d) store_f4(dst + c0, scale_f4(a0, scale));
        if (c1 < d) store_f4(dst + c1, scale_f4(a1, scale));
    } else {
        for (int tile = 0; tile < d; tile += kWarpSize) {
            const int c = tile + lane;
            float acc = 0.f;
            for (int chunk = start; chunk < end; chunk += kWarpSize) {
                const int k = chunk + lane;
                int my_idx = -1;
                float my_w = 0.f;
                if (k < end) {
                    my_idx = indices[k];
                    my_w = psw ? psw[k] : 1.f;
                }
                const int n = min(kWarpSize, end - chunk);
                for (int j = 0; j < n; ++j) {
                    const int idx = __shfl_sync(kFullMask, my_idx, j);
                    const float wt = __shfl_sync(kFullMask, my_w, j);
                    if (idx < 0 || idx >= rows) continue;
                    if (c < d) acc = fmaf(wt, w[(base + idx) * d + c], acc);
                }
            }
            if (c < d) dst[c] = acc * scale;
        }
    }
}

// NONE pooling: out row k = w_k · W[row_k] (zeros for an index outside its table).
RK_DEVICE void copy_rows(const float* __restrict__ w, long long base, long long rows, int start, int end,
                         const int* __restrict__ indices, const float* __restrict__ psw, int d,
                         float* __restrict__ out) {
    const int lane = int(lane_id());
    for (int k = start; k < end; ++k) {
        const int idx = indices[k];  // same address for every lane: one broadcast load
        const float wt = psw ? psw[k] : 1.f;
        const bool ok = idx >= 0 && idx < rows;
        float* dst = out + (long long)k * d;
        for (int c = lane; c < d; c += kWarpSize) {
            dst[c] = ok ? wt * w[(base + idx) * d + c] : 0.f;
        }
    }
}

// Walks the run of sorted positions [start, first key != row) 32 at a time and calls
// visit(coef, grad_out element offset) for each, in ascending sorted order (= ascending k).
template <typename Visit>
RK_DEVICE void walk_run(const int* __restrict__ keys, const int* __restrict__ pos, const int* __restrict__ bag_of,
                        const int* __restrict__ offsets, long long n, long long start, int row, int batch,
                        const float* __restrict__ psw, int pooling, int d, long long out_cols, Visit visit) {
    const int lane = int(lane_id());
    for (long long p0 = start;; p0 += kWarpSize) {
        const long long p = p0 + lane;
        int key = -1;
        float coef = 0.f;
        long long go = 0;
        if (p < n) {
            key = keys[p];
            if (key == row) {
                const int k = pos[p];
                const int bag = bag_of[k];
                if (pooling == kNone) {
                    go = (long long)k * d;
                } else {
                    const int t = bag / batch;
                    const int b = bag - t * batch;
                    go = (long long)b * out_cols + (long long)t * d;
                }
                if (pooling == kMean) {
                    coef = 1.f / float(offsets[bag + 1] - offsets[bag]);
                } else {
                    coef = psw ? psw[k] : 1.f;
                }
            }
        }
        const unsigned stop = __ballot_sync(kFullMask, key != row);
        const int m = stop ? __ffs(stop) - 1 : kWarpSize;
        for (int j = 0; j < m; ++j) {
            visit(__shfl_sync(kFullMask, coef, j), __shfl_sync(kFullMask, go, j));
        }
        if (m < kWarpSize) break;
    }
}

RK_DEVICE void adagrad1(float& w, float& h, float g, float lr, float eps) {
    h = fmaf(g, g, h);
    w -= lr * g / (sqrtf(h) + eps);
}

RK_DEVICE void adam1(float& w, float& m, float& v, float g, float b1, float b2, float eps, float c1, float c2) {
    m = fmaf(b1, m, (1.f - b1) * g);
    v = fmaf(b2, v, (1.f - b2) * g * g);
    w -= c1 * m / (sqrtf(v) * c2 + eps);
}

struct Opt {
    int kind;
    float lr, eps, beta1, beta2, c1, c2;
};

// Optimizer on the 4 columns starting at c of row `row` (vec path) given their gradient.
RK_DEVICE void update_f4(float* __restrict__ w, float* __restrict__ s1, float* __restrict__ s2, long long off,
                         float4 g, const Opt& o, float rowwise_coef) {
    float4 wv = *reinterpret_cast<const float4*>(w + off);
    if (o.kind == kSgd || o.kind == kRowwiseAdagrad) {
        const float a = o.kind == kSgd ? o.lr : rowwise_coef;
        wv.x -= a * g.x; wv.y -= a * g.y; wv.z -= a * g.z; wv.w -= a * g.w;
    } else if (o.kind == kAdagrad) {
        float4 h = *reinterpret_cast<const float4*>(s1 + off);
        adagrad1(wv.x, h.x, g.x, o.lr, o.eps);
        adagrad1(wv.y, h.y, g.y, o.lr, o.eps);
        adagrad1(wv.z, h.z, g.z, o.lr, o.eps);
        adagrad1(wv.w, h.w, g.w, o.lr, o.eps);
        store_f4(s1 + off, h);
    } else {
        float4 m = *reinterpret_cast<const float4*>(s1 + off);
        float4 v = *reinterpret_cast<const float4*>(s2 + off);
        adam1(wv.x, m.x, v.x, g.x, o.beta1, o.beta2, o.eps, o.c1, o.c2);
        adam1(wv.y, m.y, v.y, g.y, o.beta1, o.beta2, o.eps, o.c1, o.c2);
        adam1(wv.z, m.z, v.z, g.z, o.beta1, o.beta2, o.eps, o.c1, o.c2);
        adam1(wv.w, m.w, v.w, g.w, o.beta1, o.beta2, o.eps, o.c1, o.c2);
        store_f4(s1 + off, m);
        store_f4(s2 + off, v);
    }
    store_f4(w + off, wv);
}

RK_DEVICE void update_1(float* __restrict__ w, float* __restrict__ s1, float* __restrict__ s2, long long off, float g,
                        const Opt& o, float rowwise_coef) {
    if (o.kind == kSgd) {
        w[off] -= o.lr * g;
    } else if (o.kind == kRowwiseAdagrad) {
        w[off] -= rowwise_coef * g;
    } else if (o.kind == kAdagrad) {
        adagrad1(w[off], s1[off], g, o.lr, o.eps);
    } else {
        adam1(w[off], s1[off], s2[off], g, o.beta1, o.beta2, o.eps, o.c1, o.c2);
    }
}

// Row-wise Adagrad: h_r += sq/d (sq = Σ_c g², the warp total), returns lr / (sqrt(h_r) + eps).
RK_DEVICE float rowwise_step(float* __restrict__ s1, int row, float sq, int d, const Opt& o) {
    const float h = s1[row] + sq / float(d);
    __syncwarp();  // every lane has read the old h before lane 0 writes the new one
    if (lane_id() == 0) s1[row] = h;
    return o.lr / (sqrtf(h) + o.eps);
}

}  // namespace embedding
}  // namespace rk

extern "C" __global__ void __launch_bounds__(256)
rk_embedding_bag_fwd_f32(const float* __restrict__ w, rk::embedding::Tables tables, int num_tables, int batch,
                         const int* __restrict__ indices, const int* __restrict__ offsets,
                         const float* __restrict__ psw, int pooling, int d, float* __restrict__ out) {
    using namespace rk;
    using namespace rk::embedding;
    const long long bags = (long long)num_tables * batch;
    const long long out_cols = (long long)num_tables * d;
    const bool vec = (d & 3) == 0 && d <= 256;
    for (long long bag = warp_global(); bag < bags; bag += warps_total()) {
        const int t = int(bag / batch);
        const long long b = bag - (long long)t * batch;
        const int start = offsets[bag];
        const int end = max(start, offsets[bag + 1]);
        const long long base = tables.row_offset[t];
        const long long rows = tables.row_offset[t + 1] - base;
        if (pooling == kNone) {
            copy_rows(w, base, rows, start, end, indices, psw, d, out);
            continue;
        }
        const float scale = (pooling == kMean && end > start) ? 1.f / float(end - start) : 1.f;
        float* dst = out + b * out_cols + (long long)t * d;
        if (vec) {
            pool_bag<true>(w, base, rows, start, end, indices, psw, d, scale, dst);
        } else {
            pool_bag<false>(w, base, rows, start, end, indices, psw, d, scale, dst);
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_embedding_bwd_keys(rk::embedding::Tables tables, int num_tables, int batch, const int* __restrict__ indices,
                      const int* __restrict__ offsets, int sentinel, int* __restrict__ keys, int* __restrict__ vals,
                      int* __restrict__ bag_of) {
    using namespace rk;
    using namespace rk::embedding;
    const long long bags = (long long)num_tables * batch;
    for (long long bag = warp_global(); bag < bags; bag += warps_total()) {
        const int t = int(bag / batch);
        const int start = offsets[bag];
        const int end = offsets[bag + 1];
        const long long base = tables.row_offset[t];
        const long long rows = tables.row_offset[t + 1] - base;
        for (int k = start + int(lane_id()); k < end; k += kWarpSize) {
            const int idx = indices[k];
            keys[k] = (idx >= 0 && idx < rows) ? int(base + idx) : sentinel;
            vals[k] = k;
            bag_of[k] = int(bag);
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_embedding_bwd_update(const int* __restrict__ keys, const int* __restrict__ pos, const int* __restrict__ bag_of,
                        const int* __restrict__ offsets, int n, int sentinel, int num_tables, int batch,
                        const float* __restrict__ psw, int pooling, int d, const float* __restrict__ grad_out,
                        float* __restrict__ w, float* __restrict__ state1, float* __restrict__ state2, int opt_kind,
                        float lr, float eps, float beta1, float beta2, float c1, float c2) {
    using namespace rk;
    using namespace rk::embedding;
    const Opt o{opt_kind, lr, eps, beta1, beta2, c1, c2};
    const int lane = int(lane_id());
    const long long out_cols = pooling == kNone ? (long long)d : (long long)num_tables * d;
    const bool vec = (d & 3) == 0 && d <= 256;
    for (long long base = warp_global() * kWarpSize; base < n; base += warps_total() * kWarpSize) {
        const long long i = base + lane;
        int key = sentinel;
        bool head = false;
        if (i < n) {
            key = keys[i];
            head = key != sentinel && (i == 0 || keys[i - 1] != key);
        }
        unsigned heads = __ballot_sync(kFullMask, head);
        while (heads) {
            const int j = __ffs(heads) - 1;
            heads &= heads - 1;
            const int row = __shfl_sync(kFullMask, key, j);
            const long long start = base + j;
            const long long roff = (long long)row * d;
            if (vec) {
                const int c0 = 4 * lane;
                const int c1i = 4 * lane + 128;
                float4 g0 = zero_f4();
                float4 g1 = zero_f4();
                walk_run(keys, pos, bag_of, offsets, n, start, row, batch, psw, pooling, d, out_cols,
                         [&](float coef, long long go) {
                             if (c0 < d) fma_f4(g0, coef, load_f4(grad_out + go + c0));
                             if (c1i < d) fma_f4(g1, coef, load_f4(grad_out + go + c1i));
                         });
                float rw = 0.f;
                if (o.kind == kRowwiseAdagrad) {
                    float sq = 0.f;
                    if (c0 < d) sq += g0.x * g0.x + g0.y * g0.y + g0.z * g0.z + g0.w * g0.w;
                    if (c1i < d) sq += g1.x * g1.x + g1.y * g1.y + g1.z * g1.z + g1.w * g1.w;
                    rw = rowwise_step(state1, row, warp_reduce_sum(sq), d, o);
                }
                if (c0 < d) update_f4(w, state1, state2, roff + c0, g0, o, rw);
                if (c1i < d) update_f4(w, state1, state2, roff + c1i, g1, o, rw);
            } else {
                float rw = 0.f;
                if (o.kind == kRowwiseAdagrad) {  // first pass: Σ g² over every tile
                    float sq = 0.f;
                    for (int tile = 0; tile < d; tile += kWarpSize) {
                        const int c = tile + lane;
                        float g = 0.f;
                        walk_run(keys, pos, bag_of, offsets, n, start, row, batch, psw, pooling, d, out_cols,
                                 [&](float coef, long long go) { if (c < d) g = fmaf(coef, grad_out[go + c], g); });
                        sq = fmaf(g, g, sq);
                    }
                    rw = rowwise_step(state1, row, warp_reduce_sum(sq), d, o);
                }
                for (int tile = 0; tile < d; tile += kWarpSize) {
                    const int c = tile + lane;
                    float g = 0.f;
                    walk_run(keys, pos, bag_of, offsets, n, start, row, batch, psw, pooling, d, out_cols,
                             [&](float coef, long long go) { if (c < d) g = fmaf(coef, grad_out[go + c], g); });
                    if (c < d) update_1(w, state1, state2, roff + c, g, o, rw);
                }
            }
        }
    }
}
