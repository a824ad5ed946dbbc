package org.reckernels.backend.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Row-major GEMM on cuBLAS: {@code C = alpha·op(A)·op(B) + beta·C}, with
 * <pre>op(A): (m x k),  op(B): (k x n),  C: (m x n), all float32 row-major</pre>
 *
 * A row-major matrix is its transpose in column-major order, so row-major
 * {@code C = op(A)·op(B)} is column-major {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: cublasSgemm gets B first,
 * with (m, n) swapped to (n, m), the same transpose flags, and leading dimensions equal to the
 * row-major column counts of the stored matrices (at least 1).
 *
 * <p>cuBLAS is loaded and a handle created on first use, so a machine without cuBLAS fails
 * only gemm. Edge cases: m == 0 or n == 0 does nothing; k == 0 makes {@code C = beta·C}
 * (beta == 0 zero-fills, ignoring NaN in C; beta == 1 does nothing; otherwise cublasSscal).
 */
final class GemmLauncher implements AutoCloseable {
    /** cublasSscal takes an int count; scale C in pieces of at most this many floats. */
    private static final int SCAL_CHUNK = 1 << 30;

    private final CudaContext ctx;
    private CublasBindings blas;
    private MemorySegment handle;

    GemmLauncher(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** The handle, created on first use on the backend's stream; the context must be current. */
    private synchronized MemorySegment handle() {
        if (handle == null) {
            CublasBindings b = CublasBindings.get();
            MemorySegment h = b.create();
            try {
                b.setStream(h, ctx.stream().address());
            } catch (RuntimeException e) {
                b.destroy(h);
                throw e;
            }
            blas = b;
            handle = h;
        }
        return handle;
    }

    /** Where cuBLAS came from, or null if gemm has not run yet. */
    synchronized String cublasSource() {
        return blas == null ? null : blas.from();
    }

    /** Shapes were checked by the caller (Shapes.checkGemm) and returned as {m, n, k}. */
    void launch(boolean transA, boolean transB, float alpha, DeviceMatrix a, DeviceMatrix b, float beta, DeviceMatrix c,
            long[] mnk) {
        long m = mnk[0];
        long n = mnk[1];
        long k = mnk[2];
        String dims = " (m=" + m + ", n=" + n + ", k=" + k + ")";
        requireInt("m", m, dims);
        requireInt("n", n, dims);
        requireInt("k", k, dims);
        requireInt("the leading dimension of A", a.cols(), dims);
        requireInt("the leading dimension of B", b.cols(), dims);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scaleC(beta, c);
            return;
        }
        MemorySegment h = handle();
        blas.sgemm(h, transB ? CublasBindings.OP_T : CublasBindings.OP_N, transA ? CublasBindings.OP_T : CublasBindings.OP_N,
                (int) n, (int) m, (int) k, alpha, b.address(), (int) Math.max(1, b.cols()), a.address(),
                (int) Math.max(1, a.cols()), beta, c.address(), (int) Math.max(1, n));
        ctx.afterLaunch("cublasSgemm_v2");
    }

    private static void requireInt(String what, long value, String dims) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemm: " + what + " = " + value + " exceeds cuBLAS's int range" + dims);
        }
    }

    private void scaleC(float beta, DeviceMatrix c) {
        if (beta == 1f) {
            return;
        }
        if (beta == 0f) {
            c.buffer().zeroAsync(c.buffer().byteSize());
            ctx.afterLaunch("cuMemsetD8Async (gemm with k = 0, beta = 0)");
            return;
        }
        MemorySegment h = handle();
        long total = c.elements();
        for (long off = 0; off < total; off += SCAL_CHUNK) {
            int len = (int) Math.min(SCAL_CHUNK, total - off);
            blas.sscal(h, len, beta, c.address() + off * Float.BYTES);
        }
        ctx.afterLaunch("cublasSscal_v2 (gemm with k = 0)");
    }

    /** Destroys the handle if one was made; the context must be current. Idempotent. */
    @Override
    public synchronized void close() {
        if (handle != null) {
            MemorySegment h = handle;
            handle = null;
            blas.destroy(h);
        }
    }
}
