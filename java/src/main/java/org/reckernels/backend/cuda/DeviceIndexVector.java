package org.reckernels.backend.cuda;

import java.util.Objects;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.IndexVector;

/**
 * int32 indices in device memory, owned by one {@link CudaBackend}: a whole buffer, or a slice
 * view of one (which does not free it). min/max are computed on the host at upload, so ops can
 * bound-check without reading the device.
 */
final class DeviceIndexVector implements IndexVector {
    private final CudaBackend owner;
    private final DeviceBuffer buffer;
    private final long offset;  // in elements
    private final long length;
    private final int min;
    private final int max;
    private final boolean ownsBuffer;

    private DeviceIndexVector(CudaBackend owner, DeviceBuffer buffer, long offset, long length, int min, int max,
                              boolean ownsBuffer) {
        this.owner = owner;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.min = min;
        this.max = max;
        this.ownsBuffer = ownsBuffer;
    }

    static DeviceIndexVector upload(CudaBackend owner, CudaContext ctx, int[] values) {
        // The host vector stages the copy in native memory and computes min/max once.
        try (HostIndexVector host = HostIndexVector.of(values)) {
            DeviceBuffer buf = DeviceBuffer.allocate(ctx, (long) values.length * Integer.BYTES);
            try {
                if (values.length > 0) {
                    buf.copyFromHost(host.segment());
                }
                return new DeviceIndexVector(owner, buf, 0, values.length, host.min(), host.max(), true);
            } catch (RuntimeException e) {
                buf.close();
                throw e;
            }
        }
    }

    CudaBackend owner() {
        return owner;
    }

    /** Device address of the first index (0 when empty). */
    long address() {
        return length == 0 ? 0L : buffer.address() + offset * Integer.BYTES;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int min() {
        return min;
    }

    @Override
    public int max() {
        return max;
    }

    @Override
    public IndexVector slice(long from, long len) {
        Objects.checkFromIndexSize(from, len, length);
        return new DeviceIndexVector(owner, buffer, offset + from, len, min, max, false);
    }

    @Override
    public void close() {
        if (ownsBuffer) {
            buffer.close();
        }
    }
}
