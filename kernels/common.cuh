// reckernels — helpers shared by every kernels/*.cu.
//
// kernels/*.cu are compiled together as ONE translation unit (CMakeLists.txt generates a unity
// file that #includes each of them), so:
//   - everything here is header-only, `static` / `inline` / templates;
//   - each family keeps its own helpers in `namespace rk::<family>` so names never collide;
//   - entry points are `extern "C" __global__ rk_<family>_<op>` and must be unique.
//
// Conventions: warp = 32 lanes; a "group" is G consecutive lanes of one warp (G a power of two,
// G <= 32), the unit that cooperates on one row. All offsets into tensors are `long long`.

#pragma once

#include <cuda_runtime.h>

#define RK_DEVICE static __device__ __forceinline__
#define RK_HOST_DEVICE static __host__ __device__ __forceinline__

namespace rk {

constexpr int kWarpSize = 32;
constexpr unsigned kFullMask = 0xffffffffu;

// ceil(a / b) for non-negative a and positive b.
template <typename T>
RK_HOST_DEVICE constexpr T ceil_div(T a, T b) {
    return (a + b - 1) / b;
}

// Lane index inside the warp. Assumes blockDim.x is a multiple of 32 (1-D blocks), which every
// reckernels launch contract requires.
RK_DEVICE unsigned lane_id() {
    return threadIdx.x & (kWarpSize - 1);
}

// Shuffle mask naming exactly the G lanes of the calling thread's group: G consecutive lanes
// starting at a multiple of G (the same layout as cooperative_groups::tiled_partition<G>).
// Groups of one warp may diverge (different rows, different trip counts); each group then
// synchronises only with itself.
template <int G>
RK_DEVICE unsigned group_mask() {
    static_assert(G >= 1 && G <= kWarpSize && (G & (G - 1)) == 0, "G must be a power of two <= 32");
    if constexpr (G == kWarpSize) {
        return kFullMask;
    } else {
        return ((1u << G) - 1u) << (lane_id() & ~unsigned(G - 1));
    }
}

// Butterfly sum over the W lanes of a group (W a power of two <= 32, mask = that group's mask).
// Every lane of the group ends with the total.
template <int W = kWarpSize>
RK_DEVICE float group_reduce_sum(float v, unsigned mask = kFullMask) {
#pragma unroll
    for (int offset = W / 2; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(mask, v, offset, W);
    }
    return v;
}

template <int W = kWarpSize>
RK_DEVICE float group_reduce_max(float v, unsigned mask = kFullMask) {
#pragma unroll
    for (int offset = W / 2; offset > 0; offset >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(mask, v, offset, W));
    }
    return v;
}

RK_DEVICE float warp_reduce_sum(float v) { return group_reduce_sum<kWarpSize>(v, kFullMask); }
RK_DEVICE float warp_reduce_max(float v) { return group_reduce_max<kWarpSize>(v, kFullMask); }

// ---- vector loads / stores (float4 requires a 16-byte aligned address) ----

// Read-only (non-coherent cache) load of 4 consecutive floats.
RK_DEVICE float4 load_f4(const float* __restrict__ p) {
    return __ldg(reinterpret_cast<const float4*>(p));
}

RK_DEVICE void store_f4(float* __restrict__ p, float4 v) {
    *reinterpret_cast<float4*>(p) = v;
}

RK_DEVICE float4 zero_f4() { return make_float4(0.f, 0.f, 0.f, 0.f); }

// acc += s * x, component-wise.
RK_DEVICE void fma_f4(float4& acc, float s, float4 x) {
    acc.x = fmaf(s, x.x, acc.x);
    acc.y = fmaf(s, x.y, acc.y);
    acc.z = fmaf(s, x.z, acc.z);
    acc.w = fmaf(s, x.w, acc.w);
}

}  // namespace rk

// Device-side invariant check, compiled only with -DRK_DEVICE_ASSERTS (debug builds): a broken
// invariant traps, which the host sees as cudaErrorIllegalInstruction / CUDA_ERROR_ASSERT at the
// next synchronisation. Argument validation is the Java launcher's job, not the kernel's.
#ifdef RK_DEVICE_ASSERTS
#include <cstdio>
#define RK_DEVICE_ASSERT(cond)                                                              \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            printf("reckernels: device assert failed: %s at %s:%d\n", #cond, __FILE__,     \
                   __LINE__);                                                               \
            __trap();                                                                       \
        }                                                                                   \
    } while (0)
#else
#define RK_DEVICE_ASSERT(cond) ((void)0)
#endif
