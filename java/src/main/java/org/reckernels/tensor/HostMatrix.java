package org.reckernels.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Off-heap float32 row-major matrix ({@code rows x cols}, little-endian), the host tensor of the
 * library and the storage of the Java backend. It owns its memory through a shared arena, so any
 * thread may read and write it; {@link #close()} frees it.
 */
public final class HostMatrix implements Matrix {
    /** Row starts are aligned to this many bytes when cols allows; the base is always aligned. */
    public static final long ALIGNMENT = 64;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Arena arena;
    private final boolean closable; // false for scratch matrices (automatic arena, freed by the GC)
    private final MemorySegment data;
    private final long rows;
    private final long cols;

    private HostMatrix(long rows, long cols) {
        this(rows, cols, Arena.ofShared(), true);
    }

    private HostMatrix(long rows, long cols, Arena arena, boolean closable) {
        Shapes.checkShape("HostMatrix", rows, cols);
        this.rows = rows;
        this.cols = cols;
        this.arena = arena;
        this.closable = closable;
        // Arena.allocate zero-fills; size 0 is allowed and yields an empty segment.
        this.data = arena.allocate(Math.multiplyExact(Math.multiplyExact(rows, cols), Float.BYTES), ALIGNMENT);
    }

    /** A zero-filled {@code rows x cols} matrix. */
    public static HostMatrix zeros(long rows, long cols) {
        return new HostMatrix(rows, cols);
    }

    /**
     * A zero-filled scratch matrix for an op's short-lived temporaries, freed by the garbage
     * collector ({@link #close()} does nothing). Closing a shared arena is a handshake with every
     * thread, far too slow to do per op; an automatic arena avoids it.
     */
    public static HostMatrix scratch(long rows, long cols) {
        return new HostMatrix(rows, cols, Arena.ofAuto(), false);
    }

    /** Copies a row-major array into a new matrix; {@code values.length} must be rows*cols. */
    public static HostMatrix of(long rows, long cols, float[] values) {
        Objects.requireNonNull(values, "values");
        if ((long) values.length != rows * cols) {
            throw new IllegalArgumentException("HostMatrix.of: " + values.length + " values for shape " + rows + "x" + cols
                    + " (needs " + rows * cols + ")");
        }
        HostMatrix m = new HostMatrix(rows, cols);
        MemorySegment.copy(values, 0, m.data, FLOAT, 0, values.length);
        return m;
    }

    /** Copies a rectangular {@code float[rows][cols]} into a new matrix. */
    public static HostMatrix of(float[][] rowsArray) {
        int r = rowsArray.length;
        int c = r == 0 ? 0 : rowsArray[0].length;
        HostMatrix m = new HostMatrix(r, c);
        for (int i = 0; i < r; i++) {
            if (rowsArray[i].length != c) {
                throw new IllegalArgumentException("HostMatrix.of: row " + i + " has " + rowsArray[i].length
                        + " columns, row 0 has " + c);
            }
            MemorySegment.copy(rowsArray[i], 0, m.data, FLOAT, (long) i * c * Float.BYTES, c);
        }
        return m;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public long cols() {
        return cols;
    }

    /** The backing memory: {@code rows * cols} floats, row-major, little-endian. */
    public MemorySegment segment() {
        return data;
    }

    public long byteSize() {
        return data.byteSize();
    }

    public float get(long r, long c) {
        return data.getAtIndex(FLOAT, index(r, c));
    }

    public void set(long r, long c, float v) {
        data.setAtIndex(FLOAT, index(r, c), v);
    }

    /** A copy of the whole matrix as a flat row-major array (for tests and small matrices). */
    public float[] toArray() {
        return data.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** A copy of row {@code r}. */
    public float[] row(long r) {
        Objects.checkIndex(r, rows);
        float[] out = new float[Math.toIntExact(cols)];
        MemorySegment.copy(data, FLOAT, r * cols * Float.BYTES, out, 0, out.length);
        return out;
    }

    /** Copies all elements of {@code src}, which must have the same shape. */
    public void copyFrom(HostMatrix src) {
        Shapes.requireSameShape("HostMatrix.copyFrom", this, src);
        MemorySegment.copy(src.data, 0, data, 0, data.byteSize());
    }

    public void fill(float v) {
        for (long i = 0, n = elements(); i < n; i++) {
            data.setAtIndex(FLOAT, i, v);
        }
    }

    private long index(long r, long c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return r * cols + c;
    }

    @Override
    public void close() {
        if (closable && arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "HostMatrix[" + shape() + "]";
    }
}
