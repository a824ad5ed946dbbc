package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link FfmKernels}: each pair's two d-vectors are read in vector chunks (masked at the tail) and
 * multiplied into one accumulator per sample, reduced once at the end. For d below one vector (d = 4 with 16
 * lanes) a masked op per pair wastes most lanes, so those go to the scalar loops.
 */
final class VectorFfmKernels implements FfmKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarFfmKernels NARROW = new ScalarFfmKernels();

    @Override
    public String describe() {
        return "vector(" + S.vectorBitSize() + "-bit)";
    }

    private static FloatVector load(MemorySegment s, long o, int c, int d) {
        long b = (o + c) * Float.BYTES;
        return c + L <= d ? FloatVector.fromMemorySegment(S, s, b, LE)
                : FloatVector.fromMemorySegment(S, s, b, LE, S.indexInRange(c, d));
    }

    private static void store(FloatVector v, MemorySegment s, long o, int c, int d) {
        long b = (o + c) * Float.BYTES;
        if (c + L <= d) {
            v.intoMemorySegment(s, b, LE);
        } else {
            v.intoMemorySegment(s, b, LE, S.indexInRange(c, d));
        }
    }

    @Override
    public float pairTerm(MemorySegment v, long base, int fields, int d) {
        if (d < L) {
            return NARROW.pairTerm(v, base, fields, d);
        }
        long row = (long) fields * d;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < fields; i++) {
            for (int j = i + 1; j < fields; j++) {
                long a = base + i * row + (long) j * d;
                long b = base + j * row + (long) i * d;
                for (int c = 0; c < d; c += L) {
                    acc = load(v, a, c, d).fma(load(v, b, c, d), acc);
                }
            }
        }
        return LaneSum.sum(acc);
    }

    @Override
    public void pairGrad(MemorySegment v, long base, int fields, int d, float g, MemorySegment gv, long gbase) {
        if (d < L) {
            NARROW.pairGrad(v, base, fields, d, g, gv, gbase);
            return;
        }
        long row = (long) fields * d;
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < fields; i++) {
            for (int j = 0; j < fields; j++) {
                long dst = gbase + i * row + (long) j * d;
                long src = base + j * row + (long) i * d;
                for (int c = 0; c < d; c += L) {
                    store(i == j ? zero : load(v, src, c, d).mul(g), gv, dst, c, d);
                }
            }
        }
    }
}
