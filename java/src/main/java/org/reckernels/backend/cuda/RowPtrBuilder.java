package org.reckernels.backend.cuda;

/**
 * CSR row offsets from per-row degrees on the device, through the native helper
 * {@code rk_row_ptr_from_degrees} (a CUB exclusive scan into int64):
 * <pre>
 *   degrees  (n)      int32, each >= 0
 *   row_ptr  (n + 1)  int64, row_ptr[0] = 0, row_ptr[i + 1] = Σ_{j <= i} degrees[j]
 * </pre>
 * The CUB scratch is one buffer kept between calls and grown when a larger n needs more; it is
 * used only on the backend's stream, so reuse is ordered. The native library loads on first use.
 */
final class RowPtrBuilder implements AutoCloseable {
    private final CudaContext ctx;
    private DeviceBuffer scratch;

    RowPtrBuilder(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** Enqueues the scan; the context must be current. Returns the new (n + 1) int64 buffer. */
    synchronized DeviceBuffer build(DeviceBuffer degrees, int n) {
        if (n < 0 || n == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rowPtrFromDegrees: n = " + n + " outside [0, " + Integer.MAX_VALUE + ")");
        }
        if (degrees.byteSize() < (long) n * Integer.BYTES) {
            throw new IllegalArgumentException("rowPtrFromDegrees: degrees buffer has " + degrees.byteSize()
                    + " bytes, n = " + n + " int32 degrees need " + (long) n * Integer.BYTES);
        }
        NativeBindings nat = NativeBindings.get();
        long tempBytes = nat.rowPtrFromDegreesTempBytes(n);
        ensureScratch(tempBytes);
        DeviceBuffer rowPtr = DeviceBuffer.allocate(ctx, ((long) n + 1) * Long.BYTES);
        try {
            nat.rowPtrFromDegrees(scratch.address(), scratch.byteSize(), degrees.address(), rowPtr.address(), n,
                    ctx.stream().address());
            ctx.afterLaunch("rk_row_ptr_from_degrees");
            return rowPtr;
        } catch (RuntimeException e) {
            rowPtr.close();
            throw e;
        }
    }

    private void ensureScratch(long bytes) {
        if (scratch != null && scratch.byteSize() >= bytes) {
            return;
        }
        if (scratch != null) {
            // Earlier scans on the stream may still read it.
            ctx.synchronize("rowPtrFromDegrees before growing its scratch");
            scratch.close();
            scratch = null;
        }
        scratch = DeviceBuffer.allocate(ctx, Math.max(bytes, 1L << 20));
    }

    @Override
    public synchronized void close() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
