package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.reckernels.tensor.HostMatrix;

/**
 * The Java backend's field-aware FM ops (arguments shape-checked by {@link org.reckernels.backend.FieldAwareShapes}):
 * samples are independent, so the batch is split into row ranges over the worker pool; each sample's pair sum is
 * accumulated in one order whatever the thread count (results do not depend on it).
 */
final class FfmOps {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final long SERIAL_WORK = 1L << 15;

    private final Parallel parallel;
    private final FfmKernels k;

    FfmOps(Parallel parallel, FfmKernels kernels) {
        this.parallel = parallel;
        this.k = kernels;
    }

    private void rows(long n, long width, java.util.function.BiConsumer<Long, Long> body) {
        int chunks = n * Math.max(1, width) < SERIAL_WORK ? 1 : (int) Math.min(n, parallel.threads() * 8L);
        parallel.forEach(chunks, t -> body.accept(n * t / chunks, n * (t + 1) / chunks));
    }

    void forward(HostMatrix v, int fields, HostMatrix linear, HostMatrix logits) {
        int d = (int) (v.cols() / ((long) fields * fields));
        long vc = v.cols();
        long lc = linear == null ? 0 : linear.cols();
        MemorySegment vs = v.segment();
        MemorySegment ls = linear == null ? null : linear.segment();
        MemorySegment out = logits.segment();
        rows(v.rows(), vc + lc, (r0, r1) -> {
            for (long b = r0; b < r1; b++) {
                float z = k.pairTerm(vs, b * vc, fields, d);
                for (long l = 0; l < lc; l++) {
                    z += ls.getAtIndex(F, b * lc + l);
                }
                out.setAtIndex(F, b, z);
            }
        });
    }

    void backward(HostMatrix v, int fields, HostMatrix gradLogits, HostMatrix gradV, HostMatrix gradLinear) {
        int d = (int) (v.cols() / ((long) fields * fields));
        long vc = v.cols();
        long lc = gradLinear == null ? 0 : gradLinear.cols();
        MemorySegment vs = v.segment();
        MemorySegment gs = gradLogits.segment();
        MemorySegment gv = gradV.segment();
        MemorySegment gl = gradLinear == null ? null : gradLinear.segment();
        rows(v.rows(), vc + lc, (r0, r1) -> {
            for (long b = r0; b < r1; b++) {
                float g = gs.getAtIndex(F, b);
                k.pairGrad(vs, b * vc, fields, d, g, gv, b * vc);
                for (long l = 0; l < lc; l++) {
                    gl.setAtIndex(F, b * lc + l, g);
                }
            }
        });
    }
}
