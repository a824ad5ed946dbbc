package org.reckernels.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/** Off-heap int32 vector: the index tensor of the Java backend. */
public final class HostIndexVector implements IndexVector {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private final Arena arena; // null for a slice view
    private final MemorySegment data;
    private final long length;
    private final int min;
    private final int max;

    private HostIndexVector(int[] values) {
        this.arena = Arena.ofShared();
        this.length = values.length;
        this.data = arena.allocate(length * Integer.BYTES, 64);
        MemorySegment.copy(values, 0, data, INT, 0, values.length);
        int lo = 0;
        int hi = -1;
        if (values.length > 0) {
            lo = Integer.MAX_VALUE;
            hi = Integer.MIN_VALUE;
            for (int v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        this.min = lo;
        this.max = hi;
    }

    private HostIndexVector(MemorySegment view, int min, int max) {
        this.arena = null;
        this.data = view;
        this.length = view.byteSize() / Integer.BYTES;
        this.min = min;
        this.max = max;
    }

    @Override
    public HostIndexVector slice(long from, long len) {
        java.util.Objects.checkFromIndexSize(from, len, length);
        return new HostIndexVector(data.asSlice(from * Integer.BYTES, len * Integer.BYTES), min, max);
    }

    public static HostIndexVector of(int[] values) {
        return new HostIndexVector(Objects.requireNonNull(values, "values"));
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
    public long length() {
        return length;
    }

    public int get(long i) {
        return data.getAtIndex(INT, Objects.checkIndex(i, length));
    }

    public MemorySegment segment() {
        return data;
    }

    public int[] toArray() {
        return data.toArray(ValueLayout.JAVA_INT);
    }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
