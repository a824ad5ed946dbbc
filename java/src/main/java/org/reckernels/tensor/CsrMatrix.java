package org.reckernels.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Host CSR matrix, float32 values, off-heap: the sparse tensor of the Java backend and the source
 * that the CUDA backend uploads.
 *
 * <pre>
 *   rowPtr : (rows + 1) int64, rowPtr[0] = 0, non-decreasing, rowPtr[rows] = nnz
 *   colIdx : (nnz) int32, each in [0, cols)
 *   values : (nnz) float32, or absent when every value is 1 (adjacency matrices)
 * </pre>
 * Row offsets are 64-bit so that nnz may pass 2^31; column indices are 32-bit.
 * Columns inside a row need not be sorted and may repeat (repeats add up).
 */
public final class CsrMatrix implements SparseMatrix {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Arena arena;
    private final long rows;
    private final long cols;
    private final long nnz;
    private final MemorySegment rowPtr;
    private final MemorySegment colIdx;
    private final MemorySegment values; // null when unit values

    private CsrMatrix(Arena arena, long rows, long cols, MemorySegment rowPtr, MemorySegment colIdx, MemorySegment values) {
        this.arena = arena;
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
        this.nnz = rowPtr.getAtIndex(LONG, rows);
    }

    /**
     * Copies and validates CSR arrays. {@code values} may be null (all ones).
     *
     * @throws IllegalArgumentException naming the first bad offset or index and where it is
     */
    public static CsrMatrix of(long rows, long cols, long[] rowPtr, int[] colIdx, float[] values) {
        Objects.requireNonNull(rowPtr, "rowPtr");
        Objects.requireNonNull(colIdx, "colIdx");
        Shapes.checkShape("CsrMatrix", rows, cols);
        if (cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CsrMatrix: cols " + cols + " exceeds the int32 column index range");
        }
        if (rowPtr.length != rows + 1) {
            throw new IllegalArgumentException("CsrMatrix: rowPtr has " + rowPtr.length + " entries, needs rows+1 = " + (rows + 1));
        }
        if (values != null && values.length != colIdx.length) {
            throw new IllegalArgumentException("CsrMatrix: values has " + values.length + " entries but colIdx has " + colIdx.length);
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment rp = arena.allocate((long) rowPtr.length * Long.BYTES, 64);
            MemorySegment ci = arena.allocate((long) colIdx.length * Integer.BYTES, 64);
            MemorySegment vs = values == null ? null : arena.allocate((long) values.length * Float.BYTES, 64);
            MemorySegment.copy(rowPtr, 0, rp, LONG, 0, rowPtr.length);
            MemorySegment.copy(colIdx, 0, ci, INT, 0, colIdx.length);
            if (vs != null) {
                MemorySegment.copy(values, 0, vs, FLOAT, 0, values.length);
            }
            validate(rows, cols, rp, ci, colIdx.length);
            return new CsrMatrix(arena, rows, cols, rp, ci, vs);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Builds a CSR matrix from coordinate triples (any order, duplicates kept and summed by ops).
     * {@code values} may be null (all ones).
     */
    public static CsrMatrix fromCoo(long rows, long cols, int[] rowIdx, int[] colIdx, float[] values) {
        Objects.requireNonNull(rowIdx, "rowIdx");
        Objects.requireNonNull(colIdx, "colIdx");
        if (rowIdx.length != colIdx.length || (values != null && values.length != rowIdx.length)) {
            throw new IllegalArgumentException("CsrMatrix.fromCoo: array lengths differ: rows " + rowIdx.length
                    + ", cols " + colIdx.length + (values == null ? "" : ", values " + values.length));
        }
        Shapes.checkShape("CsrMatrix.fromCoo", rows, cols);
        long[] ptr = new long[Math.toIntExact(rows + 1)];
        for (int k = 0; k < rowIdx.length; k++) {
            int r = rowIdx[k];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("CsrMatrix.fromCoo: entry " + k + " has row " + r + " outside [0, " + rows + ")");
            }
            ptr[r + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            ptr[r + 1] += ptr[r];
        }
        long[] next = ptr.clone();
        int[] ci = new int[colIdx.length];
        float[] vs = values == null ? null : new float[values.length];
        for (int k = 0; k < rowIdx.length; k++) {
            int pos = (int) next[rowIdx[k]]++;
            ci[pos] = colIdx[k];
            if (vs != null) {
                vs[pos] = values[k];
            }
        }
        return of(rows, cols, ptr, ci, vs);
    }

    private static void validate(long rows, long cols, MemorySegment rp, MemorySegment ci, long nnz) {
        if (rp.getAtIndex(LONG, 0) != 0) {
            throw new IllegalArgumentException("CsrMatrix: rowPtr[0] = " + rp.getAtIndex(LONG, 0) + ", must be 0");
        }
        for (long r = 0; r < rows; r++) {
            long a = rp.getAtIndex(LONG, r);
            long b = rp.getAtIndex(LONG, r + 1);
            if (b < a) {
                throw new IllegalArgumentException("CsrMatrix: rowPtr decreases at row " + r + ": " + a + " then " + b);
            }
        }
        if (rp.getAtIndex(LONG, rows) != nnz) {
            throw new IllegalArgumentException("CsrMatrix: rowPtr[rows] = " + rp.getAtIndex(LONG, rows)
                    + " but colIdx has " + nnz + " entries");
        }
        for (long k = 0; k < nnz; k++) {
            int c = ci.getAtIndex(INT, k);
            if (c < 0 || c >= cols) {
                throw new IllegalArgumentException("CsrMatrix: colIdx[" + k + "] = " + c + " outside [0, " + cols + ")");
            }
        }
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

    public long rowStart(long r) {
        return rowPtr.getAtIndex(LONG, r);
    }

    public long rowEnd(long r) {
        return rowPtr.getAtIndex(LONG, r + 1);
    }

    public int col(long k) {
        return colIdx.getAtIndex(INT, k);
    }

    public float value(long k) {
        return values == null ? 1f : values.getAtIndex(FLOAT, k);
    }

    /** (rows + 1) int64 row offsets. */
    public MemorySegment rowPtrSegment() {
        return rowPtr;
    }

    /** (nnz) int32 column indices. */
    public MemorySegment colIdxSegment() {
        return colIdx;
    }

    /** (nnz) float32 values, or null when every value is 1. */
    public MemorySegment valuesSegment() {
        return values;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + "x" + cols + ", nnz=" + nnz + (values == null ? ", unit" : "") + "]";
    }
}
