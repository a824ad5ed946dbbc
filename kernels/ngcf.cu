// reckernels — the elementwise, per-row and column-block ops of an NGCF layer (Wang et al.,
// SIGIR 2019) and its exact backward. The dense transforms (· W1, · W2) are cuBLAS GEMMs and the
// propagation Â·E is the CSR SpMM of spmm.cu; these kernels are everything in between.
//
//   rk_ngcf_hadamard_f32            c = alpha·(a ⊙ b) + beta·c              a, b, c: (n); beta == 0 ignores c
//   rk_ngcf_leaky_relu_f32          y = x > 0 ? x : slope·x                 x, y: (n)
//   rk_ngcf_leaky_relu_backward_f32 gx = gy · (x > 0 ? 1 : slope)           x, gy, gx: (n)
//   rk_ngcf_dropout_f32             y = keep(i) ? x·scale : 0               x, y: (n)
//       keep(i) = (h(i) >> 8) >= threshold,  h(i) = mix32(mix32(lo32(i) ^ k0) ^ hi32(i) ^ k1),
//       mix32 = Wellons' lowbias32; (k0, k1, threshold, scale) come from the host
//       (org.reckernels.backend.DropoutMask), so the mask equals the Java backend's bit for bit.
//   rk_ngcf_add_bias_f32            x[r, c] += bias[c]                      x: (rows × d), bias: (d)
//   rk_ngcf_column_sums_f32         out[c] += Σ_r x[r, c]                   x: (rows × d), out: (d)
//   rk_ngcf_row_l2_normalize_f32    y[r] = x[r] / max(‖x[r]‖, eps)          x, y: (rows × d)
//   rk_ngcf_row_l2_normalize_backward_f32
//       n = ‖x[r]‖ > eps:  gx[r] = beta·gx[r] + gy[r]/n − x[r]·(x[r]·gy[r])/n³
//       n <= eps:          gx[r] = beta·gx[r] + gy[r]/eps                x, gy, gx: (rows × d)
//   rk_ngcf_copy_columns_f32        dst[r, dst_col + j] = src[r, src_col + j], j < width
//                                                                         src: (rows × src_cols), dst: (rows × dst_cols)
//
// In-place use: the elementwise kernels and row normalisation may be called with the output equal
// to an input (each element is read and written by the same thread, so no __restrict__ and no
// read-only-cache loads on those). gx of the normalise backward must differ from x and gy, and
// copy_columns' src and dst must differ (the launcher checks both).
//
// Launch contract: 1-D blocks of 256 threads. Elementwise kernels: any grid >= 1, grid-stride over
// float4 chunks plus a scalar tail (all bases 16-byte aligned: whole cuMemAlloc buffers). add_bias
// and copy_columns: grid-stride over elements. Row kernels: one warp per row, grid-stride over
// rows. column_sums: grid (ceil(d / 32), Y); each block sums 32 columns over rows
// blockIdx.y·8 + slot (+ gridDim.y·8 ...) and adds its partial with one atomicAdd per column, so
// the last bits may vary between runs. Offsets are 64-bit throughout.

#include "common.cuh"

namespace rk {
namespace ngcf {

constexpr int kBlock = 256;
constexpr int kWarps = kBlock / kWarpSize;

RK_DEVICE long long grid_thread() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
RK_DEVICE long long grid_threads() { return (long long)gridDim.x * blockDim.x; }
RK_DEVICE long long warp_global() { return grid_thread() / kWarpSize; }
RK_DEVICE long long warps_total() { return grid_threads() / kWarpSize; }

RK_DEVICE float4 load4(const float* p) { return *reinterpret_cast<const float4*>(p); }
RK_DEVICE void store4(float* p, float4 v) { *reinterpret_cast<float4*>(p) = v; }

RK_DEVICE float hadamard1(float alpha, float a, float b, float beta, float c) {
    return beta == 0.f ? alpha * (a * b) : fmaf(beta, c, alpha * (a * b));
}

RK_DEVICE float leaky1(float x, float slope) { return x > 0.f ? x : slope * x; }

RK_DEVICE float leaky_grad1(float x, float g, float slope) { return x > 0.f ? g : slope * g; }

// Wellons' lowbias32, arithmetic mod 2^32 (DropoutMask.mix32 on the Java side).
RK_DEVICE unsigned mix32(unsigned x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

RK_DEVICE float dropout1(float x, unsigned k0, unsigned k1, unsigned threshold, float scale, long long i) {
    const unsigned long long u = (unsigned long long)i;
    const unsigned h = mix32(mix32(unsigned(u) ^ k0) ^ unsigned(u >> 32) ^ k1);
    return (h >> 8) >= threshold ? x * scale : 0.f;
}

}  // namespace ngcf
}  // namespace rk

extern "C" __global__ void rk_ngcf_hadamard_f32(const float* a, const float* b, float* c, long long n,
                                                float alpha, float beta) {
    using namespace rk::ngcf;
    const long long n4 = n / 4;
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        const float4 x = load4(a + 4 * i);
        const float4 y = load4(b + 4 * i);
        float4 z = load4(c + 4 * i);
        z.x = hadamard1(alpha, x.x, y.x, beta, z.x);
        z.y = hadamard1(alpha, x.y, y.y, beta, z.y);
        z.z = hadamard1(alpha, x.z, y.z, beta, z.z);
        z.w = hadamard1(alpha, x.w, y.w, beta, z.w);
        store4(c + 4 * i, z);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        c[i] = hadamard1(alpha, a[i], b[i], beta, c[i]);
    }
}

extern "C" __global__ void rk_ngcf_leaky_relu_f32(const float* x, float* y, long long n, float slope) {
    using namespace rk::ngcf;
    const long long n4 = n / 4;
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        float4 v = load4(x + 4 * i);
        v.x = leaky1(v.x, slope);
        v.y = leaky1(v.y, slope);
        v.z = leaky1(v.z, slope);
        v.w = leaky1(v.w, slope);
        store4(y + 4 * i, v);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        y[i] = leaky1(x[i], slope);
    }
}

extern "C" __global__ void rk_ngcf_leaky_relu_backward_f32(const float* x, const float* gy, float* gx,
                                                           long long n, float slope) {
    using namespace rk::ngcf;
    const long long n4 = n / 4;
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        const float4 v = load4(x + 4 * i);
        float4 g = load4(gy + 4 * i);
        g.x = leaky_grad1(v.x, g.x, slope);
        g.y = leaky_grad1(v.y, g.y, slope);
        g.z = leaky_grad1(v.z, g.z, slope);
        g.w = leaky_grad1(v.w, g.w, slope);
        store4(gx + 4 * i, g);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        gx[i] = leaky_grad1(x[i], gy[i], slope);
    }
}

extern "C" __global__ void rk_ngcf_dropout_f32(const float* x, float* y, long long n, unsigned k0,
                                               unsigned k1, unsigned threshold, float scale) {
    using namespace rk::ngcf;
    const long long n4 = n / 4;
    for (long long i = grid_thread(); i < n4; i += grid_threads()) {
        const long long e = 4 * i;
        float4 v = load4(x + e);
        v.x = dropout1(v.x, k0, k1, threshold, scale, e);
        v.y = dropout1(v.y, k0, k1, threshold, scale, e + 1);
        v.z = dropout1(v.z, k0, k1, threshold, scale, e + 2);
        v.w = dropout1(v.w, k0, k1, threshold, scale, e + 3);
        store4(y + e, v);
    }
    for (long long i = 4 * n4 + grid_thread(); i < n; i += grid_threads()) {
        y[i] = dropout1(x[i], k0, k1, threshold, scale, i);
    }
}

extern "C" __global__ void rk_ngcf_add_bias_f32(float* __restrict__ x, const float* __restrict__ bias,
                                                long long rows, int d) {
    using namespace rk::ngcf;
    const long long n = rows * d;
    for (long long i = grid_thread(); i < n; i += grid_threads()) {
        x[i] += bias[i % d];
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ngcf_column_sums_f32(const float* __restrict__ x, long long rows, int d, float* __restrict__ out) {
    using namespace rk;
    using namespace rk::ngcf;
    __shared__ float partial[kWarps][kWarpSize];
    const int lane = int(lane_id());
    const int slot = int(threadIdx.x) / kWarpSize;
    const int c = int(blockIdx.x) * kWarpSize + lane;
    float s = 0.f;
    if (c < d) {
        const long long step = (long long)gridDim.y * kWarps;
        for (long long r = (long long)blockIdx.y * kWarps + slot; r < rows; r += step) {
            s += x[r * d + c];
        }
    }
    partial[slot][lane] = s;
    __syncthreads();
    if (slot == 0 && c < d) {
        float t = 0.f;
#pragma unroll
        for (int w = 0; w < kWarps; ++w) t += partial[w][lane];
        atomicAdd(out + c, t);
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ngcf_row_l2_normalize_f32(const float* x, float* y, long long rows, int d, float eps) {
    using namespace rk;
    using namespace rk::ngcf;
    const int lane = int(lane_id());
    // The row loop's bound is the same for all lanes of a warp, so the shuffles see full warps.
    for (long long r = warp_global(); r < rows; r += warps_total()) {
        const float* xr = x + r * d;
        float* yr = y + r * d;
        float s = 0.f;
        for (int c = lane; c < d; c += kWarpSize) {
            const float v = xr[c];
            s = fmaf(v, v, s);
        }
        s = warp_reduce_sum(s);
        const float inv = 1.f / fmaxf(sqrtf(s), eps);
        for (int c = lane; c < d; c += kWarpSize) {
            yr[c] = xr[c] * inv;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
rk_ngcf_row_l2_normalize_backward_f32(const float* __restrict__ x, const float* __restrict__ gy,
                                      float* __restrict__ gx, long long rows, int d, float eps,
                                      float beta) {
    using namespace rk;
    using namespace rk::ngcf;
    const int lane = int(lane_id());
    for (long long r = warp_global(); r < rows; r += warps_total()) {
        const long long o = r * d;
        float s = 0.f;
        float xg = 0.f;
        for (int c = lane; c < d; c += kWarpSize) {
            const float v = x[o + c];
            s = fmaf(v, v, s);
            xg = fmaf(v, gy[o + c], xg);
        }
        s = warp_reduce_sum(s);
        xg = warp_reduce_sum(xg);
        const float n = sqrtf(s);
        float inv;
        float k;  // gx = gy·inv − x·k
        if (n > eps) {
            inv = 1.f / n;
            k = xg * inv * inv * inv;
        } else {
            inv = 1.f / eps;
            k = 0.f;
        }
        for (int c = lane; c < d; c += kWarpSize) {
            const float g = fmaf(-x[o + c], k, gy[o + c] * inv);
            gx[o + c] = beta == 0.f ? g : fmaf(beta, gx[o + c], g);
        }
    }
}

extern "C" __global__ void rk_ngcf_copy_columns_f32(const float* __restrict__ src, long long src_cols,
                                                    long long src_col, float* __restrict__ dst,
                                                    long long dst_cols, long long dst_col,
                                                    long long rows, long long width) {
    using namespace rk::ngcf;
    const long long n = rows * width;
    for (long long i = grid_thread(); i < n; i += grid_threads()) {
        const long long r = i / width;
        const long long j = i - r * width;
        dst[r * dst_cols + dst_col + j] = src[r * src_cols + src_col + j];
    }
}
