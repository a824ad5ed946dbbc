package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;

import java.lang.foreign.MemorySegment;
import jcuda.Pointer;
import jcuda.driver.CUresult;
import org.reckernels.backend.cuda.RawHandles.DevPtr;

/**
 * Device memory from cuMemAlloc (base aligned to at least 256 bytes), freed by {@link #close()}.
 * A zero-byte buffer allocates nothing and has address 0.
 *
 * <p>Copies run on the backend's stream and then wait for it, so they are ordered after every
 * op issued before them and are complete when they return (synchronous from pageable host
 * memory; pinned staging and truly asynchronous copies are future work).
 *
 * <p>If the backend is closed first, the primary context may already be gone with the memory;
 * then {@code close()} frees nothing.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** Largest piece of one host copy: ByteBuffer views of a segment are limited to 2^31 - 1 bytes. */
    private static final long COPY_CHUNK = 1L << 30;

    private final CudaContext ctx;
    private final DevPtr ptr; // null when bytes == 0
    private final long bytes;
    private volatile boolean closed;

    private DeviceBuffer(CudaContext ctx, DevPtr ptr, long bytes) {
        this.ctx = ctx;
        this.ptr = ptr;
        this.bytes = bytes;
    }

    /**
     * Allocates {@code bytes} (uninitialised); the context must be current. On failure the
     * message names the bytes asked for and the device's free and total bytes.
     */
    static DeviceBuffer allocate(CudaContext ctx, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("DeviceBuffer: negative size " + bytes + " bytes");
        }
        if (bytes == 0) {
            return new DeviceBuffer(ctx, null, 0);
        }
        DevPtr p = new DevPtr();
        int rc = cuMemAlloc(p, bytes);
        if (rc != CUresult.CUDA_SUCCESS) {
            CudaException.check(rc, "cuMemAlloc", "requested " + bytes + " bytes (" + DeviceFacts.gib(bytes)
                    + "), device " + ctx.facts().ordinal() + " has " + ctx.memoryInfo());
        }
        return new DeviceBuffer(ctx, p, bytes);
    }

    public long byteSize() {
        return bytes;
    }

    /** The raw device address (0 for an empty buffer). For benchmarks, baselines and Panama calls. */
    public long address() {
        requireOpen();
        return ptr == null ? 0L : ptr.address();
    }

    boolean isClosed() {
        return closed;
    }

    DevPtr ptr() {
        requireOpen();
        return ptr;
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("DeviceBuffer of " + bytes + " bytes is closed");
        }
    }

    /** Zero-fills the first {@code n} bytes on the stream (no wait); the context must be current. */
    void zeroAsync(long n) {
        checkRange("zero", n);
        if (n > 0) {
            CudaException.check(cuMemsetD8Async(ptr, (byte) 0, n, ctx.stream()), "cuMemsetD8Async", n + " bytes");
        }
    }

    /** Copies all of {@code src} (native host memory) to the start of this buffer and waits. */
    public void copyFromHost(MemorySegment src) {
        long n = src.byteSize();
        checkRange("upload", n);
        requireNative(src);
        ctx.makeCurrent();
        for (long off = 0; off < n; off += COPY_CHUNK) {
            long len = Math.min(COPY_CHUNK, n - off);
            Pointer host = Pointer.to(src.asSlice(off, len).asByteBuffer());
            CudaException.check(cuMemcpyHtoDAsync(ptr.withByteOffset(off), host, len, ctx.stream()), "cuMemcpyHtoDAsync",
                    len + " bytes at offset " + off + " of " + bytes);
        }
        ctx.synchronize("upload of " + n + " bytes");
    }

    /** Waits for pending ops, then copies the first {@code dst.byteSize()} bytes into native host memory. */
    public void copyToHost(MemorySegment dst) {
        long n = dst.byteSize();
        checkRange("download", n);
        requireNative(dst);
        ctx.makeCurrent();
        for (long off = 0; off < n; off += COPY_CHUNK) {
            long len = Math.min(COPY_CHUNK, n - off);
            Pointer host = Pointer.to(dst.asSlice(off, len).asByteBuffer());
            CudaException.check(cuMemcpyDtoHAsync(host, ptr.withByteOffset(off), len, ctx.stream()), "cuMemcpyDtoHAsync",
                    len + " bytes at offset " + off + " of " + bytes);
        }
        ctx.synchronize("download of " + n + " bytes");
    }

    private static void requireNative(MemorySegment host) {
        if (!host.isNative()) {
            throw new IllegalArgumentException("DeviceBuffer copies need native (off-heap) host memory, got " + host);
        }
    }

    CudaContext context() {
        return ctx;
    }

    private void checkRange(String what, long n) {
        requireOpen();
        if (n < 0 || n > bytes) {
            throw new IllegalArgumentException("DeviceBuffer " + what + ": " + n + " bytes do not fit a buffer of " + bytes
                    + " bytes");
        }
    }

    /** Frees the memory (cuMemFree waits for work that uses it); idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (ptr == null || ctx.isClosed()) {
            return;
        }
        ctx.makeCurrent();
        CudaException.check(cuMemFree(ptr), "cuMemFree", bytes + " bytes");
    }

    @Override
    public String toString() {
        return "DeviceBuffer[" + bytes + " bytes" + (closed ? ", closed" : "") + "]";
    }
}
