package org.reckernels.backend.cuda;

import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.Shapes;

/**
 * A {@code rows x cols} float32 row-major matrix in device memory, owned by one
 * {@link CudaBackend}. Element (r, c) is at byte offset {@code 4 * (r * cols + c)} from
 * {@link #buffer()}'s base (256-byte aligned, so float4 access is aligned when cols % 4 == 0).
 */
final class DeviceMatrix implements Matrix {
    private final CudaBackend owner;
    private final DeviceBuffer buffer;
    private final long rows;
    private final long cols;

    DeviceMatrix(CudaBackend owner, DeviceBuffer buffer, long rows, long cols) {
        Shapes.checkShape("DeviceMatrix", rows, cols);
        if (buffer.byteSize() != rows * cols * Float.BYTES) {
            throw new IllegalArgumentException("DeviceMatrix " + rows + "x" + cols + " needs " + rows * cols * Float.BYTES
                    + " bytes, buffer has " + buffer.byteSize());
        }
        this.owner = owner;
        this.buffer = buffer;
        this.rows = rows;
        this.cols = cols;
    }

    CudaBackend owner() {
        return owner;
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    /** The raw device address of element (0, 0); 0 for an empty matrix. */
    long address() {
        return buffer.address();
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public long cols() {
        return cols;
    }

    @Override
    public void close() {
        buffer.close();
    }

    @Override
    public String toString() {
        return "DeviceMatrix[" + shape() + (buffer.isClosed() ? ", closed" : "") + "]";
    }
}
