// reckernels — device helpers shared by kernels/kmeans.cu (k-means training) and kernels/ivfpq.cu
// (PQ encoding): sums in the rounding of the CPU code (org.reckernels.ann.KMeans,
// ProductQuantizer, VecMath), and the nearest codeword of one sub-vector.
//
// Rounding (so that the device and the CPU agree bit for bit where the CPU sums in order):
//   dot_fma:      acc = fma(a[t], b[t], acc), t = 0..n-1        (VecMath.dotsT: fma per column, in order)
//   sq_norm_seq:  s = s + a[t] * a[t], each step rounded, no fma (Java's `s += a * b`, ProductQuantizer norms)
//   l2sq_seq:     s = s + (a[t] - b[t])^2, each step rounded, no fma (VecMath.l2sq below one vector)
// The __f*_rn intrinsics keep nvcc from contracting the multiply-add pairs into an fma.

#pragma once

#include "common.cuh"

namespace rk {
namespace kmeans {

constexpr int kBlock = 256;

RK_DEVICE float sq_norm_seq(const float* __restrict__ a, int n) {
    float s = 0.f;
    for (int t = 0; t < n; ++t) s = __fadd_rn(s, __fmul_rn(a[t], a[t]));
    return s;
}

RK_DEVICE float l2sq_seq(const float* __restrict__ a, const float* __restrict__ b, int n) {
    float s = 0.f;
    for (int t = 0; t < n; ++t) {
        const float df = __fsub_rn(a[t], b[t]);
        s = __fadd_rn(s, __fmul_rn(df, df));
    }
    return s;
}

// Distance key of the "GEMM + argmin" form: ||c||^2 - 2 x.c (2 x.c is exact, so the order of
// the two roundings cannot matter).
RK_DEVICE float argmin_key(float cnorm, float dot) { return __fsub_rn(cnorm, __fmul_rn(2.f, dot)); }

// One point's sub-vector xs (dsub floats) against the k codewords of its subspace: index of the
// smallest argmin_key, ties to the lowest index; 0 when every key is +inf or NaN (as the CPU's
// strict `<` from +inf). MAXD > 0: xs lives in registers (dsub <= MAXD); MAXD == 0: any dsub,
// xs read through the pointer.
template <int MAXD>
struct SubVector {
    float v[MAXD];
};

template <int MAXD>
RK_DEVICE int nearest_code(const SubVector<MAXD>& xs, int dsub, const float* __restrict__ codewords,
                           const float* __restrict__ cnorms, int k) {
    int best = 0;
    float bd = __int_as_float(0x7f800000);
    for (int j = 0; j < k; ++j) {
        const float* c = codewords + (long long)j * dsub;
        float acc = 0.f;
#pragma unroll
        for (int t = 0; t < MAXD; ++t) {
            if (t < dsub) acc = fmaf(xs.v[t], c[t], acc);
        }
        const float dd = argmin_key(cnorms[j], acc);
        if (dd < bd) {
            bd = dd;
            best = j;
        }
    }
    return best;
}

// Generic form: the sub-vector is x[t] - (c ? c[t] : 0), recomputed per codeword (same rounding
// each time), for dsub above the register forms.
RK_DEVICE int nearest_code_generic(const float* __restrict__ x, const float* __restrict__ coarse, int dsub,
                                   const float* __restrict__ codewords, const float* __restrict__ cnorms, int k) {
    int best = 0;
    float bd = __int_as_float(0x7f800000);
    for (int j = 0; j < k; ++j) {
        const float* c = codewords + (long long)j * dsub;
        float acc = 0.f;
        for (int t = 0; t < dsub; ++t) {
            const float xv = coarse ? __fsub_rn(x[t], coarse[t]) : x[t];
            acc = fmaf(xv, c[t], acc);
        }
        const float dd = argmin_key(cnorms[j], acc);
        if (dd < bd) {
            bd = dd;
            best = j;
        }
    }
    return best;
}

// Block-cooperative: for subspace s = blockIdx.y and the points of this block's grid-stride
// tiles, the nearest of the k codewords of s to the sub-vector (x_i - coarse[labels[i]])_s
// (coarse == nullptr: x_i itself); calls emit(i, j) once per point.
//   x: (n x d); coarse: null or (nlist x d) with coarse_labels (n) int32;
//   centroids: (m*k x dsub), subspace s at rows [s*k, s*k + k);  cnorms: (m*k)
// With smem != nullptr the k codewords and norms of s are first staged in shared memory
// (k * (dsub + 1) floats); otherwise they are read from global memory.
template <int MAXD, class Emit>
RK_DEVICE void nearest_in_subspace(const float* __restrict__ x, long long n, int d, int m,
                                   const float* __restrict__ coarse, const int* __restrict__ coarse_labels,
                                   const float* __restrict__ centroids, const float* __restrict__ cnorms, int k,
                                   float* smem, Emit emit) {
    const int s = blockIdx.y;
    const int dsub = d / m;
    const float* cw = centroids + (long long)s * k * dsub;
    const float* cn = cnorms + (long long)s * k;
    if (smem) {
        for (int e = threadIdx.x; e < k * dsub; e += blockDim.x) smem[e] = cw[e];
        for (int e = threadIdx.x; e < k; e += blockDim.x) smem[k * dsub + e] = cn[e];
        __syncthreads();
        cw = smem;
        cn = smem + k * dsub;
    }
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float* xi = x + i * d + (long long)s * dsub;
        const float* ci = coarse ? coarse + (long long)coarse_labels[i] * d + (long long)s * dsub : nullptr;
        int j;
        if constexpr (MAXD > 0) {
            SubVector<MAXD> xs;
#pragma unroll
            for (int t = 0; t < MAXD; ++t) {
                xs.v[t] = t < dsub ? (ci ? __fsub_rn(xi[t], ci[t]) : xi[t]) : 0.f;
            }
            j = nearest_code<MAXD>(xs, dsub, cw, cn, k);
        } else {
            j = nearest_code_generic(xi, ci, dsub, cw, cn, k);
        }
        emit(i, j);
    }
}

}  // namespace kmeans
}  // namespace rk

// Runs CALL with the constant MAXD set to the smallest register form that holds dsub (4, 8, 16,
// 32), else 0 (the generic form).
#define RK_KMEANS_DISPATCH_DSUB(dsub, CALL)   \
    do {                                      \
        if ((dsub) <= 4) {                    \
            constexpr int MAXD = 4;           \
            CALL;                             \
        } else if ((dsub) <= 8) {             \
            constexpr int MAXD = 8;           \
            CALL;                             \
        } else if ((dsub) <= 16) {            \
            constexpr int MAXD = 16;          \
            CALL;                             \
        } else if ((dsub) <= 32) {            \
            constexpr int MAXD = 32;          \
            CALL;                             \
        } else {                              \
            constexpr int MAXD = 0;           \
            CALL;                             \
        }                                     \
    } while (0)
