/*
 * reckernels native helpers — a small C ABI over CUB device-wide algorithms, called from Java
 * through Panama (FFM downcalls). Library: libreckernels_native.so (CUDA runtime linked
 * statically; needs only libcuda.so.1 at run time).
 *
 * Context: these functions use the CUDA runtime API, which works in the context current to the
 * calling thread; with no current context it uses the primary context of the current device.
 * The Java side (JCuda driver API) retains the device's primary context and makes it current
 * on the calling thread, so runtime and driver share one context and device pointers pass
 * through unchanged.
 *
 * Conventions for every function below:
 *   - pointers named keys/vals/degrees/row_ptr/temp are DEVICE pointers of that context;
 *   - `stream` is a CUstream / cudaStream_t passed as void* (NULL = the legacy default stream);
 *   - work is enqueued asynchronously on `stream`; nothing is allocated, nothing synchronises;
 *   - `int` return values are cudaError_t codes: 0 = success; rk_native_error_string names them;
 *   - `temp` is caller-owned device scratch of at least the matching *_temp_bytes(n) bytes
 *     (any alignment: the size includes CUB's alignment slack); it may be reused by the next
 *     call on the same stream; a too-small buffer gives cudaErrorInvalidValue.
 *   - *_temp_bytes(n) return 0 when the size query itself failed (no device, no context,
 *     bad n); rk_native_last_error() then gives the cudaError_t code. A successful query always
 *     returns at least 1.
 */
#ifndef RECKERNELS_NATIVE_H
#define RECKERNELS_NATIVE_H

#include <stddef.h>

#if defined(_WIN32)
#define RK_NATIVE_API __declspec(dllexport)
#else
#define RK_NATIVE_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this C ABI; bumped on any incompatible change. Currently 1. */
RK_NATIVE_API int rk_native_abi_version(void);

/* CUDA runtime version the library was linked with (cudaRuntimeGetVersion), e.g. 13000;
 * negative cudaError_t code on failure. Needs no device. */
RK_NATIVE_API int rk_native_runtime_version(void);

/* Name of a cudaError_t code, e.g. "cudaErrorInvalidValue" (cudaGetErrorName). Static string,
 * never NULL. */
RK_NATIVE_API const char* rk_native_error_string(int code);

/* cudaError_t code of the last failed *_temp_bytes query on this thread (0 if none). */
RK_NATIVE_API int rk_native_last_error(void);

/* ---- CSR row pointers from per-row degrees (exclusive prefix sum, 64-bit) ----
 *
 *   degrees  (n)      int32, each >= 0
 *   row_ptr  (n + 1)  int64, written: row_ptr[0] = 0, row_ptr[i + 1] = Σ_{j <= i} degrees[j]
 *
 * Sums are accumulated in int64, so totals past 2^31 are exact. Requires 0 <= n < INT_MAX;
 * n = 0 writes row_ptr[0] = 0. degrees and row_ptr must not overlap. */
RK_NATIVE_API size_t rk_row_ptr_from_degrees_temp_bytes(int n);
RK_NATIVE_API int rk_row_ptr_from_degrees(void* temp, size_t temp_bytes, const int* degrees,
                                          long long* row_ptr, int n, void* stream);

/* ---- Stable LSD radix sort of (key, value) int32 pairs by key ----
 *
 *   keys_in, vals_in    (n) int32, read only (left unchanged)
 *   keys_out, vals_out  (n) int32, written: pairs ordered by key, equal keys keep input order
 *
 * Sorts on key bits [0, end_bit), 1 <= end_bit <= 32. end_bit = 32 orders all int32 keys,
 * negatives first. With end_bit < 32 every key must lie in [0, 2^end_bit); fewer bits mean
 * fewer passes (e.g. end_bit = ceil(log2(n_items)) for item ids).
 * Outputs must not overlap inputs or each other. Requires n >= 0.
 * rk_sort_pairs_i32_temp_bytes(n) suffices for every end_bit. */
RK_NATIVE_API size_t rk_sort_pairs_i32_temp_bytes(int n);
RK_NATIVE_API int rk_sort_pairs_i32(void* temp, size_t temp_bytes, const int* keys_in,
                                    int* keys_out, const int* vals_in, int* vals_out, int n,
                                    int end_bit, void* stream);

#ifdef __cplusplus
}
#endif

#endif /* RECKERNELS_NATIVE_H */
