package org.reckernels.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
        this(owner, src.rows(), src.cols(), src.nnz(), rowPtr, colIdx, values);
    }

    private DeviceCsr(CudaBackend owner, long rows, long cols, long nnz, DeviceBuffer rowPtr, DeviceBuffer colIdx,
                      DeviceBuffer values) {
        this.owner = owner;
        this.rows = rows;
        this.cols = cols;
        this.nnz = nnz;
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

    /**
     * Takes ownership of CSR arrays built on the device (e.g. by {@link AdjacencyBuilder}); the
     * builder guarantees what {@link CsrMatrix} validation guarantees on the host.
     */
    static DeviceCsr adopt(CudaBackend owner, long rows, long cols, long nnz, DeviceBuffer rowPtr, DeviceBuffer colIdx,
                           DeviceBuffer values) {
        return new DeviceCsr(owner, rows, cols, nnz, rowPtr, colIdx, values);
    }

    /** A host copy (tests and diagnostics): waits for pending work, then validates as any CsrMatrix. */
    CsrMatrix toHost() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rp = arena.allocate(JAVA_LONG, rows + 1);
            MemorySegment ci = arena.allocate(JAVA_INT, Math.max(nnz, 1));
            rowPtr.copyToHost(rp);
            colIdx.copyToHost(ci.asSlice(0, nnz * Integer.BYTES));
            float[] vals = null;
            if (values != null) {
                MemorySegment vs = arena.allocate(JAVA_FLOAT, Math.max(nnz, 1));
                values.copyToHost(vs.asSlice(0, nnz * Float.BYTES));
                vals = vs.asSlice(0, nnz * Float.BYTES).toArray(JAVA_FLOAT);
            }
            return CsrMatrix.of(rows, cols, rp.toArray(JAVA_LONG),
                    ci.asSlice(0, nnz * Integer.BYTES).toArray(JAVA_INT), vals);
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
