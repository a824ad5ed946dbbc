// reckernels native helpers — host code over CUB device-wide algorithms (C ABI, see
// reckernels_native.h for the contract of every function).
//
//   rk_row_ptr_from_degrees:  row_ptr (n+1, int64) = exclusive prefix sum of degrees (n, int32)
//                             extended by one zero, so row_ptr[n] = total; 64-bit accumulation.
//   rk_sort_pairs_i32:        stable LSD radix sort of (int32 key, int32 value) pairs on key
//                             bits [0, end_bit).
//
// Every launching function: validates its arguments (cudaErrorInvalidValue), clears the
// runtime's last-error state left by an earlier failure (this runtime is private to the
// library: cudart is linked statically), checks that `temp` is large enough, then enqueues
// CUB on the caller's stream. Nothing is allocated and nothing synchronises.

#include "reckernels_native.h"

#include <climits>
#include <cstdint>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <cuda_runtime.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

namespace {

// Code of the last failed *_temp_bytes query on this thread.
thread_local int g_last_error = 0;

// degrees[i] widened to int64 for i < n, and 0 at i == n (the extra element that makes the
// exclusive scan of n + 1 items end with the total).
struct DegreeAt {
    const int* degrees;
    int n;
    __host__ __device__ long long operator()(int i) const {
        return i < n ? static_cast<long long>(degrees[i]) : 0LL;
    }
};

using DegreeIter = thrust::transform_iterator<DegreeAt, thrust::counting_iterator<int>, long long>;

DegreeIter degree_iter(const int* degrees, int n) {
    return DegreeIter(thrust::counting_iterator<int>(0), DegreeAt{degrees, n});
}

cudaError_t scan_bytes(int n, size_t* bytes) {
    if (n < 0 || n == INT_MAX) return cudaErrorInvalidValue;
    return cub::DeviceScan::ExclusiveSum(nullptr, *bytes, degree_iter(nullptr, n),
                                         static_cast<long long*>(nullptr), n + 1);
}

cudaError_t sort_bytes(int n, int end_bit, size_t* bytes) {
    if (n < 0 || end_bit < 1 || end_bit > 32) return cudaErrorInvalidValue;
    return cub::DeviceRadixSort::SortPairs(nullptr, *bytes, static_cast<const int*>(nullptr),
                                           static_cast<int*>(nullptr),
                                           static_cast<const int*>(nullptr),
                                           static_cast<int*>(nullptr), n, 0, end_bit);
}

// Query result for the C ABI: bytes >= 1 on success, 0 (and g_last_error set) on failure.
size_t report_bytes(cudaError_t err, size_t bytes) {
    if (err != cudaSuccess) {
        g_last_error = static_cast<int>(err);
        return 0;
    }
    return bytes > 0 ? bytes : 1;
}

}  // namespace

extern "C" {

int rk_native_abi_version(void) { return 1; }

int rk_native_runtime_version(void) {
    int version = 0;
    cudaError_t err = cudaRuntimeGetVersion(&version);
    return err == cudaSuccess ? version : -static_cast<int>(err);
}

const char* rk_native_error_string(int code) {
    const char* name = cudaGetErrorName(static_cast<cudaError_t>(code));
    return name != nullptr ? name : "unrecognized CUDA error code";
}

int rk_native_last_error(void) { return g_last_error; }

size_t rk_row_ptr_from_degrees_temp_bytes(int n) {
    size_t bytes = 0;
    cudaError_t err = scan_bytes(n, &bytes);
    return report_bytes(err, bytes);
}

int rk_row_ptr_from_degrees(void* temp, size_t temp_bytes, const int* degrees,
                            long long* row_ptr, int n, void* stream) {
    if (temp == nullptr || row_ptr == nullptr || (degrees == nullptr && n > 0)) {
        return cudaErrorInvalidValue;
    }
    (void)cudaGetLastError();
    size_t needed = 0;
    cudaError_t err = scan_bytes(n, &needed);
    if (err != cudaSuccess) return err;
    if (temp_bytes < needed) return cudaErrorInvalidValue;
    return cub::DeviceScan::ExclusiveSum(temp, temp_bytes, degree_iter(degrees, n), row_ptr,
                                         n + 1, static_cast<cudaStream_t>(stream));
}

size_t rk_sort_pairs_i32_temp_bytes(int n) {
    // The size grows with the number of radix passes, so the full 32-bit query bounds every
    // end_bit.
    size_t bytes = 0;
    cudaError_t err = sort_bytes(n, 32, &bytes);
    return report_bytes(err, bytes);
}

int rk_sort_pairs_i32(void* temp, size_t temp_bytes, const int* keys_in, int* keys_out,
                      const int* vals_in, int* vals_out, int n, int end_bit, void* stream) {
    if (temp == nullptr || (n > 0 && (keys_in == nullptr || keys_out == nullptr ||
                                      vals_in == nullptr || vals_out == nullptr))) {
        return cudaErrorInvalidValue;
    }
    (void)cudaGetLastError();
    size_t needed = 0;
    cudaError_t err = sort_bytes(n, end_bit, &needed);
    if (err != cudaSuccess) return err;
    if (temp_bytes < needed) return cudaErrorInvalidValue;
    return cub::DeviceRadixSort::SortPairs(temp, temp_bytes, keys_in, keys_out, vals_in,
                                           vals_out, n, 0, end_bit,
                                           static_cast<cudaStream_t>(stream));
}

}  // extern "C"
