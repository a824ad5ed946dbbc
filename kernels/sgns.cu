// reckernels — skip-gram negative sampling (word2vec / Item2Vec), Hogwild, one epoch per launch.
//
//   rk_sgns_epoch_f32
//     in:  (V × d) item vectors ("syn0"), row-major;  out: (V × d) context vectors ("syn1neg")
//     ids: (T) int32 token ids in [0, V);  starts: (S + 1) int32 sequence offsets (≤ 1000 tokens each)
//     keep: (V) subsampling keep-probabilities;  alias_prob, alias_idx: (V) alias table (unigram^0.75)
//     per kept position p of a sequence, center w, contexts c_1..c_n (dynamic window drawn from
//     1..window, or the whole sequence), targets o_0 = w (label 1) and o_1..o_k negatives drawn once
//     for the window (a draw equal to w is dropped), in chunks of at most kMaxCtx contexts:
//       G_ij = alpha · (label_j − σ(IN[c_i]·OUT[o_j]))      σ clipped to 0 / 1 beyond |x| > 6 (word2vec)
//       IN[c_i] += Σ_j G_ij OUT_old[o_j];   OUT[o_j] += Σ_i G_ij IN_old[c_i]
//     alpha = max(min_alpha, alpha0 − (alpha0 − min_alpha) · (epoch·T + starts[s]) / (epochs·T))
//     loss_sum (1): += Σ softplus(∓F) over the pairs (a loss estimate, one atomicAdd per block)
//
// Shape (BlazingText, SC17 MLHPC): one thread block per sequence (grid-stride over sequences),
// threads across dimensions. The block subsamples its sequence into shared memory, and per window
// keeps the k+1 target rows (a shared-memory tile) and their gradient sums in shared memory, so the
// target rows are read once and written once per window. Dot products: one warp per (context,
// target) pair, lanes across d, shuffle reduction. Updates are Hogwild: plain read-modify-write of
// global rows, as the word2vec C tool does between threads; blocks running concurrently may lose
// an update to a shared row now and then.
//
// Randomness is counter-based: every draw is a hash (splitmix64 finaliser) of (seed, epoch, token
// position, stream), so the draws — subsampling, window, negatives — do not depend on the launch
// shape or on scheduling; only the Hogwild interleaving does. With grid = 1 a launch is
// deterministic (the GPU test compares it with a host simulation of the same draws).
//
// Launch contract: blockDim = (128, 1, 1); dynamic shared memory = sgns_shared_bytes(d, k) (the
// launcher computes it); d ≥ 1, 0 ≤ k ≤ 64; the launcher validated ids, starts and table sizes.

#include "common.cuh"

namespace rk {
namespace sgns {

constexpr int kBlock = 128;
constexpr int kWarps = kBlock / kWarpSize;
constexpr int kMaxCtx = 16;
constexpr int kMaxSeq = 1000;
constexpr float kMaxExp = 6.f;

RK_HOST_DEVICE unsigned long long mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The draw for (seed, epoch, position, stream): identical on host (SgnsLauncher.draw) and device.
RK_HOST_DEVICE unsigned long long draw(unsigned long long seed, int epoch, long long pos, int stream) {
    unsigned long long key = mix64(seed + 0x9E3779B97F4A7C15ull * (unsigned long long)(epoch + 1));
    key = mix64(key ^ ((unsigned long long)pos * 0xD1B54A32D192ED03ull));
    return mix64(key + 0x632BE59BD9B4E019ull * (unsigned long long)(stream + 1));
}

RK_DEVICE float uniform24(unsigned long long r) { return (float)((r >> 40) & 0xFFFFFF) * 0x1.0p-24f; }

RK_DEVICE int alias_sample(unsigned long long r, const float* __restrict__ prob, const int* __restrict__ alias, int v) {
    int i = (int)(((r >> 32) * (unsigned long long)v) >> 32);
    float u = (float)((r >> 8) & 0xFFFFFF) * 0x1.0p-24f;
    return u < prob[i] ? i : alias[i];
}

RK_DEVICE float softplus(float x) { return x > 0.f ? x + log1pf(__expf(-x)) : log1pf(__expf(x)); }

}  // namespace sgns
}  // namespace rk

extern "C" __global__ void __launch_bounds__(128)
rk_sgns_epoch_f32(float* __restrict__ in, float* __restrict__ out, const int* __restrict__ ids,
                  const int* __restrict__ starts, int num_seq, long long total_tokens,
                  const float* __restrict__ keep, const float* __restrict__ alias_prob,
                  const int* __restrict__ alias_idx, int v, int d, int window, int negative,
                  int whole_sequence, float alpha0, float min_alpha, int epoch, int epochs,
                  unsigned long long seed, float* __restrict__ loss_sum) {
    using namespace rk;
    using namespace rk::sgns;
    extern __shared__ float smem[];
    const int m_max = negative + 1;
    float* tile = smem;                                  // m_max × d: target rows (old values)
    float* dout = tile + (size_t)m_max * d;              // m_max × d: Σ_i G_ij IN_old[c_i]
    float* g = dout + (size_t)m_max * d;                 // kMaxCtx × m_max
    int* sen = reinterpret_cast<int*>(g + kMaxCtx * m_max);  // kMaxSeq kept tokens
    int* senpos = sen + kMaxSeq;                         // their corpus positions (RNG counters)
    int* tgt = senpos + kMaxSeq;                         // m_max target ids
    int* ctx = tgt + m_max;                              // kMaxCtx context ids
    __shared__ int s_len;
    __shared__ int s_m;
    __shared__ int s_n;
    __shared__ int s_q;
    __shared__ float s_loss[kWarps];
    const int warp = threadIdx.x / kWarpSize;
    const int lane = lane_id();
    float block_loss = 0.f;  // per-lane partial, lane 0 of each warp counts

    for (int s = blockIdx.x; s < num_seq; s += gridDim.x) {
        const int a = starts[s];
        const int b = starts[s + 1];
        const double progress = ((double)epoch * total_tokens + a) / ((double)epochs * total_tokens);
        const float alpha = fmaxf(min_alpha, alpha0 - (alpha0 - min_alpha) * (float)progress);
        // subsample (thread 0: the order must be the corpus order)
        if (threadIdx.x == 0) {
            int len = 0;
            for (int p = a; p < b && len < kMaxSeq; ++p) {
                const int w = ids[p];
                const float kp = keep[w];
                if (kp >= 1.f || uniform24(draw(seed, epoch, p, 0)) < kp) {
                    sen[len] = w;
                    senpos[len] = p;
                    ++len;
                }
            }
            s_len = len;
        }
        __syncthreads();
        const int len = s_len;
        for (int pos = 0; pos < len && len >= 2; ++pos) {
            const int center = sen[pos];
            const long long cpos = senpos[pos];
            int lo, hi;
            if (whole_sequence) {
                lo = 0;
                hi = len - 1;
            } else {
                const int eff = window - (int)((draw(seed, epoch, cpos, 1) >> 33) % (unsigned long long)window);
                lo = max(0, pos - eff);
                hi = min(len - 1, pos + eff);
            }
            if (threadIdx.x == 0) s_q = lo;
            __syncthreads();
            for (int chunk = 0;; ++chunk) {
                const bool more = s_q <= hi;  // every thread reads s_q before thread 0 moves it
                __syncthreads();
                if (!more) break;
                // contexts and targets of this chunk (thread 0), then the target tile
                if (threadIdx.x == 0) {
                    int q = s_q;
                    int n = 0;
                    for (; q <= hi && n < kMaxCtx; ++q) {
                        if (q != pos) ctx[n++] = sen[q];
                    }
                    int m = 1;
                    tgt[0] = center;
                    for (int t = 0; t < negative; ++t) {
                        const int neg = alias_sample(draw(seed, epoch, cpos, 2 + chunk * 65 + t), alias_prob, alias_idx, v);
                        if (neg != center) tgt[m++] = neg;
                    }
                    s_n = n;
                    s_m = n == 0 ? 0 : m;
                    s_q = n == 0 ? hi + 1 : q;
                }
                __syncthreads();
                const int m = s_m;
                const int n = s_n;
                if (m == 0) break;  // uniform: every thread read the same s_m
                for (int j = 0; j < m; ++j) {
                    const float* row = out + (size_t)tgt[j] * d;
                    for (int c = threadIdx.x; c < d; c += kBlock) {
                        tile[j * d + c] = row[c];
                        dout[j * d + c] = 0.f;
                    }
                }
                __syncthreads();
                // dots: one warp per (i, j) pair
                for (int p = warp; p < n * m; p += kWarps) {
                    const int i = p / m;
                    const int j = p % m;
                    const float* x = in + (size_t)ctx[i] * d;
                    float acc = 0.f;
                    for (int c = lane; c < d; c += kWarpSize) acc = fmaf(x[c], tile[j * d + c], acc);
                    acc = warp_reduce_sum(acc);
                    if (lane == 0) {
                        const float label = j == 0 ? 1.f : 0.f;
                        const float sig = acc > kMaxExp ? 1.f : acc < -kMaxExp ? 0.f : 1.f / (1.f + __expf(-acc));
                        g[i * m_max + j] = alpha * (label - sig);
                        block_loss += softplus(j == 0 ? -acc : acc);
                    }
                }
                __syncthreads();
                // ΔOut from the old IN rows, then IN += G·OUT_old (thread per dimension)
                for (int c = threadIdx.x; c < d; c += kBlock) {
                    for (int i = 0; i < n; ++i) {
                        float* x = in + (size_t)ctx[i] * d;
                        const float xi = x[c];
                        float upd = 0.f;
                        for (int j = 0; j < m; ++j) {
                            const float gij = g[i * m_max + j];
                            dout[j * d + c] = fmaf(gij, xi, dout[j * d + c]);
                            upd = fmaf(gij, tile[j * d + c], upd);
                        }
                        x[c] = xi + upd;
                    }
                }
                __syncthreads();
                for (int j = 0; j < m; ++j) {
                    float* row = out + (size_t)tgt[j] * d;
                    for (int c = threadIdx.x; c < d; c += kBlock) row[c] += dout[j * d + c];
                }
                __syncthreads();
            }
        }
        __syncthreads();
    }
    if (lane == 0) s_loss[warp] = block_loss;
    __syncthreads();
    if (threadIdx.x == 0) {
        float t = 0.f;
        for (int w = 0; w < kWarps; ++w) t += s_loss[w];
        if (t != 0.f) atomicAdd(loss_sum, t);
    }
}
