package org.reckernels.backend.cuda;

import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * A CSR matrix in device memory, uploaded from a validated {@link CsrMatrix}:
 * <pre>
 *   rowPtr : (rows + 1) int64
 *   colIdx : (nnz) int32, each in [0, cols)
 *   values : (nnz) float32, or no buffer (address 0) when every value is 1
 * </pre>
 * The indices were checked on the host when the CsrMatrix was built, so kernels may trust them.
 */
final class DeviceCsr implements SparseMatrix {
    private final CudaBackend owner;
    private final long rows;
    private final long cols;
    private final long nnz;
    private final DeviceBuffer rowPtr;
    private final DeviceBuffer colIdx;
    private final DeviceBuffer values; // null when unit values

    private DeviceCsr(CudaBackend owner, CsrMatrix src, DeviceBuffer rowPtr, DeviceBuffer colIdx, DeviceBuffer values) {
        this.owner = owner;
        this.rows = src.rows();
        this.cols = src.cols();
        this.nnz = src.nnz();
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
    }

    /** Allocates and copies the three arrays; frees what it allocated if a step fails. */
    static DeviceCsr upload(CudaBackend owner, CudaContext ctx, CsrMatrix src) {
        DeviceBuffer rp = null;
        DeviceBuffer ci = null;
        DeviceBuffer vs = null;
        try {
            rp = DeviceBuffer.allocate(ctx, (src.rows() + 1) * Long.BYTES);
            rp.copyFromHost(src.rowPtrSegment());
            ci = DeviceBuffer.allocate(ctx, src.nnz() * Integer.BYTES);
            ci.copyFromHost(src.colIdxSegment());
            if (!src.unitValues()) {
                vs = DeviceBuffer.allocate(ctx, src.nnz() * Float.BYTES);
                vs.copyFromHost(src.valuesSegment());
            }
            return new DeviceCsr(owner, src, rp, ci, vs);
        } catch (RuntimeException e) {
            for (DeviceBuffer b : new DeviceBuffer[] {vs, ci, rp}) {
                if (b != null) {
                    try {
                        b.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            throw e;
        }
    }

    CudaBackend owner() {
        return owner;
    }

    long rowPtrAddress() {
        return rowPtr.address();
    }

    long colIdxAddress() {
        return colIdx.address();
    }

    /** 0 when every value is 1 (the kernels read NULL values as ones). */
    long valuesAddress() {
        return values == null ? 0L : values.address();
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
    public long nnz() {
        return nnz;
    }

    @Override
    public boolean unitValues() {
        return values == null;
    }

    @Override
    public void close() {
        rowPtr.close();
        colIdx.close();
        if (values != null) {
            values.close();
        }
    }

    @Override
    public String toString() {
        return "DeviceCsr[" + rows + "x" + cols + ", nnz=" + nnz + (values == null ? ", unit" : "") + "]";
    }
}
