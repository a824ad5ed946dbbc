// Dense-layer epilogue kernels (org.reckernels.nn.Dense after its cuBLAS gemm).
//
//   rk_nn_bias_leaky_relu_f32   x[r, c] = leaky(x[r, c] + bias[c])      x: (rows × d), bias: (d)
//       leaky(v) = v > 0 ? v : slope·v   (slope 0: ReLU; slope 1: the bias alone)
//
// One read and one write of x instead of two of each (addBias, then leakyRelu), bit-identical to
// that pair: the same float add, then the same select. In place by design (each element is read
// and written by one thread). Launch contract: 1-D blocks of 256 threads, any grid >= 1, grid-stride
// over elements; offsets are 64-bit.

#include "common.cuh"

namespace rk {
namespace nn {

RK_DEVICE long long grid_thread() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
RK_DEVICE long long grid_threads() { return (long long)gridDim.x * blockDim.x; }

}  // namespace nn
}  // namespace rk

extern "C" __global__ void rk_nn_bias_leaky_relu_f32(float* x, const float* __restrict__ bias, long long rows, int d,
                                                     float slope) {
    using namespace rk::nn;
    const long long n = rows * d;
    for (long long i = grid_thread(); i < n; i += grid_threads()) {
        const float v = x[i] + bias[i % d];
        x[i] = v > 0.f ? v : slope * v;
    }
}
