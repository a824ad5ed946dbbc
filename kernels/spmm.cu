// reckernels — CSR sparse × dense matrix product (SpMM), the graph-propagation step of
// LightGCN / NGCF.
//
//   Y = A · X                                   (rk_spmm_csr_f32_*)
//   Y = A · X  and  ACC = ACC + alpha · Y        (rk_spmm_acc_csr_f32_*, the fused layer
//                                                combination of LightGCN propagation)
//   Y = A · X,  SUM = Y + X,  BI = Y ⊙ X         (rk_spmm_bi_csr_f32_*, NGCF's propagation with
//                                                its bi-interaction; A square, X row r pairs
//                                                with Y row r)
//
//   A  (n_rows × n_cols) sparse, CSR:
//        row_ptr  (n_rows + 1)  int64, row_ptr[0] = 0, non-decreasing, row_ptr[n_rows] = nnz
//        col_idx  (nnz)         int32, each in [0, n_cols)
//        values   (nnz)         float32, or NULL: every stored value is 1.0f
//   X  (n_cols × d)  float32, row-major, dense
//   Y  (n_rows × d)  float32, row-major, dense, fully overwritten (rows without non-zeros → 0)
//
//   ACC (n_rows × d) float32, row-major, dense, ACC variants only: read and written once per
//        element, ACC[r, c] = fmaf(alpha, Y[r, c], ACC[r, c]) (rows without non-zeros unchanged)
//
//   Y[r, c] = Σ_{k = row_ptr[r]}^{row_ptr[r+1]-1}  values[k] · X[col_idx[k], c]   (fp32 accumulate)
//
// Algorithm (GE-SpMM, Huang et al., SC20): a group of G consecutive lanes owns one row. The group
// loads up to G (col_idx, value) pairs of the row at once — one per lane, coalesced — and
// broadcasts them one by one with width-G shuffles ("coalesced row caching"); each lane then
// gathers its own column slice of X[col] and accumulates. Rows of one warp are 32/G ("coarse
// grained warp merging"), so a 64-wide embedding is served by 16 lanes × float4 with two rows
// per warp. Columns beyond one pass (4·G for v4, G for v1) are handled by further passes over
// the row. Every offset is computed in 64 bits.
//
// Entry points (all share one signature):
//   rk_spmm_csr_f32_v4g8   G = 8,  lane owns float4 slices, 32 columns per pass
//   rk_spmm_csr_f32_v4g16  G = 16, lane owns float4 slices, 64 columns per pass
//   rk_spmm_csr_f32_v4g32  G = 32, lane owns float4 slices, 128 columns per pass
//   rk_spmm_csr_f32_v1g32  G = 32, lane owns one float,     32 columns per pass
//     (row_ptr, col_idx, values, x, y, n_rows, d)
// and their accumulating forms, the same bodies with an epilogue that also updates ACC from
// the registers that hold Y (one extra read + write of ACC instead of a separate axpby pass,
// which would read Y and ACC and write ACC):
//   rk_spmm_acc_csr_f32_v4g8, _v4g16, _v4g32, _v1g32
//     (row_ptr, col_idx, values, x, y, n_rows, d, float alpha, float* acc)
// and the bi-interaction forms (one read of X's own row, two extra writes, instead of three
// elementwise passes that would read Y and X again):
//   rk_spmm_bi_csr_f32_v4g8, _v4g16, _v4g32, _v1g32
//     (row_ptr, col_idx, values, x, y, n_rows, d, float* sum, float* bi)
//     SUM, BI: (n_rows × d), 16-byte aligned for v4, distinct from each other, X and Y.
//
// Launch contract (the Java launcher checks these; the kernel does not):
//   blockDim = (256, 1, 1); rows per block = 256 / G;
//   gridDim.x = ceil(n_rows / (256 / G)), or fewer (a grid-stride loop covers the rest), >= 1;
//   n_rows >= 0 (for 0 rows skip the launch), 1 <= d <= 2^31 - 129;
//   every col_idx in [0, n_cols); row_ptr as above;
//   v4 variants: d % 4 == 0 and x, y (and acc) 16-byte aligned (cudaMalloc / cuMemAlloc base
//   pointers are);
//   v1g32: any d >= 1, 4-byte aligned x, y (and acc);
//   y must not overlap x, row_ptr, col_idx or values (all pointers are __restrict__);
//   acc must not overlap y, x, row_ptr, col_idx or values (x is read through the non-coherent
//   cache by other groups while acc is written).
// Choosing a variant: d % 4 != 0 -> v1g32; else d <= 32 -> v4g8, d <= 64 -> v4g16, else v4g32
// (idle lanes otherwise). Results do not depend on the grid size (no atomics): deterministic.
//
// Future work: power-law graphs have rows of 10^5 non-zeros; a single group per row is correct
// for them but slow. Split long rows across warps (nnz-balanced / merge-path) and combine the
// partial sums; fuse degree normalisation into the gather/epilogue.

#include "common.cuh"

namespace rk {
namespace spmm {

// One group of G lanes computes whole rows of Y, grid-stride over rows.
// VEC = 4: lane owns columns [c0 + 4·lane, c0 + 4·lane + 4) of each pass (float4 loads/stores);
// VEC = 1: lane owns column c0 + lane.
//
// Shuffle safety: `row`, `start`, `end`, `base` and `count` are identical across the lanes of a
// group, so every lane of a group runs the same number of shuffles with the same group mask.
// Lanes whose column slice is past d, and lanes past the row's last non-zero in the final
// chunk, still execute every shuffle; they only skip the loads/stores. Groups with no row left
// (grid tail) skip the loop entirely and run no shuffle; their lanes are never named in another
// group's mask.
//
// The epilogue EPI runs next to the store of Y (same lane, same columns: no synchronisation):
//   kPlain: none (alpha, acc_out, sum_out, bi_out unused, nullptr by convention);
//   kAcc:   acc_row[col] = fmaf(alpha, y, acc_row[col]);
//   kBi:    sum_row[col] = y + x_row[col],  bi_row[col] = y * x_row[col]  (x_row = X's row `row`).
// Each is `if constexpr`, so the plain kernel's code is what it was before the epilogues existed.
constexpr int kPlain = 0;
constexpr int kAcc = 1;
constexpr int kBi = 2;

template <int G, int VEC, int EPI>
RK_DEVICE void csr_rows(const long long* __restrict__ row_ptr,
                        const int* __restrict__ col_idx,
                        const float* __restrict__ values,
                        const float* __restrict__ x,
                        float* __restrict__ y,
                        int n_rows,
                        int d,
                        float alpha,
                        float* __restrict__ acc_out,
                        float* __restrict__ sum_out = nullptr,
                        float* __restrict__ bi_out = nullptr) {
    static_assert(VEC == 1 || VEC == 4, "VEC must be 1 or 4");
    constexpr int kColsPerPass = VEC * G;

    const int lane = int(threadIdx.x) & (G - 1);  // lane inside the group
    const unsigned mask = group_mask<G>();
    const long long groups_per_block = blockDim.x / G;
    const long long row_stride = groups_per_block * gridDim.x;
    const bool has_values = values != nullptr;

    for (long long row = blockIdx.x * groups_per_block + threadIdx.x / G; row < n_rows;
         row += row_stride) {
        const long long start = row_ptr[row];
        const long long end = row_ptr[row + 1];
        float* __restrict__ y_row = y + row * d;
        // Only dereferenced by their epilogue (the pointers are nullptr otherwise).
        float* __restrict__ acc_row = EPI == kAcc ? acc_out + row * d : nullptr;
        float* __restrict__ sum_row = EPI == kBi ? sum_out + row * d : nullptr;
        float* __restrict__ bi_row = EPI == kBi ? bi_out + row * d : nullptr;
        const float* __restrict__ x_row = x + row * d;  // kBi: X's own row (A is square)

        for (int c0 = 0; c0 < d; c0 += kColsPerPass) {
            const int col = c0 + VEC * lane;  // first column this lane owns in this pass
            const bool col_ok = col < d;      // v4: d % 4 == 0, so col..col+3 are all < d

            float4 acc = zero_f4();  // VEC = 1 uses acc.x only

            for (long long base = start; base < end; base += G) {
                // Coalesced: lane i of the group fetches non-zero base + i.
                const long long k = base + lane;
                int my_col = 0;
                float my_val = 0.f;
                if (k < end) {
                    my_col = col_idx[k];
                    my_val = has_values ? values[k] : 1.f;
                }
                const int count = int(min(end - base, (long long)G));  // group-uniform

#pragma unroll 4
                for (int j = 0; j < count; ++j) {
                    const int c = __shfl_sync(mask, my_col, j, G);
                    // has_values is uniform over the grid: the group stays converged.
                    const float v = has_values ? __shfl_sync(mask, my_val, j, G) : 1.f;
                    if (col_ok) {
                        const float* __restrict__ x_elem = x + (long long)c * d + col;
                        if constexpr (VEC == 4) {
                            fma_f4(acc, v, load_f4(x_elem));
                        } else {
                            acc.x = fmaf(v, __ldg(x_elem), acc.x);
                        }
                    }
                }
            }

            if (col_ok) {
                if constexpr (VEC == 4) {
                    store_f4(y_row + col, acc);
                } else {
                    y_row[col] = acc.x;
                }
                if constexpr (EPI == kBi) {
                    if constexpr (VEC == 4) {
                        const float4 e = load_f4(x_row + col);
                        store_f4(sum_row + col, make_float4(acc.x + e.x, acc.y + e.y, acc.z + e.z, acc.w + e.w));
                        store_f4(bi_row + col, make_float4(acc.x * e.x, acc.y * e.y, acc.z * e.z, acc.w * e.w));
                    } else {
                        const float e = __ldg(x_row + col);
                        sum_row[col] = acc.x + e;
                        bi_row[col] = acc.x * e;
                    }
                }
                if constexpr (EPI == kAcc) {
                    // Plain (coherent) load: acc is written by this kernel. Each element is
                    // read and written by exactly one lane.
                    if constexpr (VEC == 4) {
                        float4 prev = *reinterpret_cast<const float4*>(acc_row + col);
                        fma_f4(prev, alpha, acc);
                        store_f4(acc_row + col, prev);
                    } else {
                        acc_row[col] = fmaf(alpha, acc.x, acc_row[col]);
                    }
                }
            }
        }
    }
}

}  // namespace spmm
}  // namespace rk

// ---- entry points (names are looked up by the Java launcher) ----
//
// __launch_bounds__(256, 4): with the thread bound alone, ptxas aims at full occupancy (32
// registers) and spills; allowing up to 64 registers it uses ~35 and spills nothing.

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_csr_f32_v4g8(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                     const float* __restrict__ values, const float* __restrict__ x,
                     float* __restrict__ y, int n_rows, int d) {
    rk::spmm::csr_rows<8, 4, rk::spmm::kPlain>(row_ptr, col_idx, values, x, y, n_rows, d, 0.f, nullptr);
}

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_csr_f32_v4g16(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                      const float* __restrict__ values, const float* __restrict__ x,
                      float* __restrict__ y, int n_rows, int d) {
    rk::spmm::csr_rows<16, 4, rk::spmm::kPlain>(row_ptr, col_idx, values, x, y, n_rows, d, 0.f, nullptr);
}

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_csr_f32_v4g32(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                      const float* __restrict__ values, const float* __restrict__ x,
                      float* __restrict__ y, int n_rows, int d) {
    rk::spmm::csr_rows<32, 4, rk::spmm::kPlain>(row_ptr, col_idx, values, x, y, n_rows, d, 0.f, nullptr);
}

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_csr_f32_v1g32(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                      const float* __restrict__ values, const float* __restrict__ x,
                      float* __restrict__ y, int n_rows, int d) {
    rk::spmm::csr_rows<32, 1, rk::spmm::kPlain>(row_ptr, col_idx, values, x, y, n_rows, d, 0.f, nullptr);
}

// Accumulating forms: Y = A·X and ACC += alpha·Y (see the header).

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_acc_csr_f32_v4g8(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                         const float* __restrict__ values, const float* __restrict__ x,
                         float* __restrict__ y, int n_rows, int d, float alpha,
                         float* __restrict__ acc) {
    rk::spmm::csr_rows<8, 4, rk::spmm::kAcc>(row_ptr, col_idx, values, x, y, n_rows, d, alpha, acc);
}

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_acc_csr_f32_v4g16(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                          const float* __restrict__ values, const float* __restrict__ x,
                          float* __restrict__ y, int n_rows, int d, float alpha,
                          float* __restrict__ acc) {
    rk::spmm::csr_rows<16, 4, rk::spmm::kAcc>(row_ptr, col_idx, values, x, y, n_rows, d, alpha, acc);
}

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_acc_csr_f32_v4g32(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                          const float* __restrict__ values, const float* __restrict__ x,
                          float* __restrict__ y, int n_rows, int d, float alpha,
                          float* __restrict__ acc) {
    rk::spmm::csr_rows<32, 4, rk::spmm::kAcc>(row_ptr, col_idx, values, x, y, n_rows, d, alpha, acc);
}

extern "C" __global__ void __launch_bounds__(256, 4)
rk_spmm_acc_csr_f32_v1g32(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,
                          const float* __restrict__ values, const float* __restrict__ x,
                          float* __restrict__ y, int n_rows, int d, float alpha,
                          float* __restrict__ acc) {
    rk::spmm::csr_rows<32, 1, rk::spmm::kAcc>(row_ptr, col_idx, values, x, y, n_rows, d, alpha, acc);
}

// Bi-interaction forms: Y = A·X, SUM = Y + X, BI = Y ⊙ X (see the header).
#define RK_SPMM_BI_ENTRY(NAME, G, VEC)                                                              \
    extern "C" __global__ void __launch_bounds__(256, 4)                                           \
    NAME(const long long* __restrict__ row_ptr, const int* __restrict__ col_idx,                   \
         const float* __restrict__ values, const float* __restrict__ x, float* __restrict__ y,     \
         int n_rows, int d, float* __restrict__ sum, float* __restrict__ bi) {                     \
        rk::spmm::csr_rows<G, VEC, rk::spmm::kBi>(row_ptr, col_idx, values, x, y, n_rows, d, 0.f,  \
                                                  nullptr, sum, bi);                               \
    }

RK_SPMM_BI_ENTRY(rk_spmm_bi_csr_f32_v4g8, 8, 4)
RK_SPMM_BI_ENTRY(rk_spmm_bi_csr_f32_v4g16, 16, 4)
RK_SPMM_BI_ENTRY(rk_spmm_bi_csr_f32_v4g32, 32, 4)
RK_SPMM_BI_ENTRY(rk_spmm_bi_csr_f32_v1g32, 32, 1)
