package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-loop {@link FfmKernels} (no Vector API; also the vector kernels' path for d below one vector). */
final class ScalarFfmKernels implements FfmKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public float pairTerm(MemorySegment v, long base, int fields, int d) {
        long row = (long) fields * d;
        float z = 0f;
        for (int i = 0; i < fields; i++) {
            for (int j = i + 1; j < fields; j++) {
                long a = base + i * row + (long) j * d;
                long b = base + j * row + (long) i * d;
                float s = 0f;
                for (int c = 0; c < d; c++) {
                    s = Math.fma(v.getAtIndex(F, a + c), v.getAtIndex(F, b + c), s);
                }
                z += s;
            }
        }
        return z;
    }

    @Override
    public void pairGrad(MemorySegment v, long base, int fields, int d, float g, MemorySegment gv, long gbase) {
        long row = (long) fields * d;
        for (int i = 0; i < fields; i++) {
            for (int j = 0; j < fields; j++) {
                long dst = gbase + i * row + (long) j * d;
                long src = base + j * row + (long) i * d;
                for (int c = 0; c < d; c++) {
                    gv.setAtIndex(F, dst + c, i == j ? 0f : g * v.getAtIndex(F, src + c));
                }
            }
        }
    }
}
