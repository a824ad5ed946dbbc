package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link CtrKernels}: one vector (masked at the tail) per column chunk of a row; the FM
 * sums over fields stay in registers per chunk, so each pooled vector is read once per pass.
 */
final class VectorCtrKernels implements CtrKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * Rows narrower than one vector (the FM's d = 1 first-order table) go to the scalar kernels: a masked
     * vector op per 1-float row costs far more than the scalar loop, and the element-wise ops below
     * (mul, fma, div, sqrt per lane) give the same bits either way.
     */
    private static final ScalarCtrKernels NARROW = new ScalarCtrKernels();
    /** Lane rotations by L/2, L/4, .., 1 for {@link #sumLanes}. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int i = 0, sh = L / 2; sh >= 1; i++, sh /= 2) {
            out[i] = VectorShuffle.iota(S, sh, 1, true);
        }
        return out;
    }

    /**
     * Σ of the lanes in a fixed pairwise order (rotate-and-add). The Vector API's ADD lane reduction leaves the
     * order to the implementation, and its JIT-compiled and interpreted forms differ in the last bits, so a
     * run's result could depend on when a method got compiled; this order is the same in both.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.add(v.rearrange(h));
        }
        return v.lane(0);
    }

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
    public void scaleCopy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int d) {
        if (d < L) {
            NARROW.scaleCopy(a, x, xo, y, yo, d);
            return;
        }
        for (int c = 0; c < d; c += L) {
            store(load(x, xo, c, d).mul(a), y, yo, c, d);
        }
    }

    @Override
    public void axpy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int d) {
        if (d < L) {
            NARROW.axpy(a, x, xo, y, yo, d);
            return;
        }
        FloatVector av = FloatVector.broadcast(S, a);
        for (int c = 0; c < d; c += L) {
            store(load(x, xo, c, d).fma(av, load(y, yo, c, d)), y, yo, c, d);
        }
    }

    @Override
    public void zero(MemorySegment y, long yo, int d) {
        if (d < L) {
            NARROW.zero(y, yo, d);
            return;
        }
        FloatVector z = FloatVector.zero(S);
        for (int c = 0; c < d; c += L) {
            store(z, y, yo, c, d);
        }
    }

    @Override
    public float sumSquares(MemorySegment g, long go, int d) {
        FloatVector acc = FloatVector.zero(S);
        for (int c = 0; c < d; c += L) {
            FloatVector x = load(g, go, c, d); // masked lanes load 0
            acc = x.fma(x, acc);
        }
        return sumLanes(acc);
    }

    @Override
    public void adagradRow(MemorySegment w, long wo, MemorySegment h, long ho, MemorySegment g, long go, int d, float lr,
                           float eps) {
        if (d < L) {
            NARROW.adagradRow(w, wo, h, ho, g, go, d, lr, eps);
            return;
        }
        for (int c = 0; c < d; c += L) {
            FloatVector gv = load(g, go, c, d);
            FloatVector hv = gv.fma(gv, load(h, ho, c, d));
            store(hv, h, ho, c, d);
            FloatVector step = gv.mul(lr).div(hv.sqrt().add(eps));
            store(load(w, wo, c, d).sub(step), w, wo, c, d);
        }
    }

    @Override
    public void stepRow(MemorySegment w, long wo, MemorySegment g, long go, int d, float coef) {
        axpy(-coef, g, go, w, wo, d);
    }

    @Override
    public void adamRow(MemorySegment w, long wo, MemorySegment m, MemorySegment v, long so, MemorySegment g, long go,
                        int d, float beta1, float beta2, float eps, float c1, float c2) {
        if (d < L) {
            NARROW.adamRow(w, wo, m, v, so, g, go, d, beta1, beta2, eps, c1, c2);
            return;
        }
        FloatVector b1 = FloatVector.broadcast(S, beta1);
        FloatVector b2 = FloatVector.broadcast(S, beta2);
        for (int c = 0; c < d; c += L) {
            FloatVector gv = load(g, go, c, d);
            FloatVector mv = b1.fma(load(m, so, c, d), gv.mul(1f - beta1));
            FloatVector vv = b2.fma(load(v, so, c, d), gv.mul(1f - beta2).mul(gv));
            store(mv, m, so, c, d);
            store(vv, v, so, c, d);
            FloatVector step = mv.mul(c1).div(vv.sqrt().mul(c2).add(eps));
            store(load(w, wo, c, d).sub(step), w, wo, c, d);
        }
    }

    @Override
    public float fmInteraction(MemorySegment v, long base, int fields, int d) {
        FloatVector total = FloatVector.zero(S);
        for (int c = 0; c < d; c += L) {
            FloatVector s = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            for (int f = 0; f < fields; f++) {
                FloatVector x = load(v, base + (long) f * d, c, d);
                s = s.add(x);
                q = x.fma(x, q);
            }
            total = total.add(s.fma(s, q.neg()));
        }
        return 0.5f * sumLanes(total);
    }

    @Override
    public void fmGrad(MemorySegment v, long base, int fields, int d, float g, MemorySegment gv, long gbase) {
        for (int c = 0; c < d; c += L) {
            FloatVector s = FloatVector.zero(S);
            for (int f = 0; f < fields; f++) {
                s = s.add(load(v, base + (long) f * d, c, d));
            }
            for (int f = 0; f < fields; f++) {
                long o = (long) f * d;
                store(s.sub(load(v, base + o, c, d)).mul(g), gv, gbase + o, c, d);
            }
        }
    }

    @Override
    public float fmGatherSum(MemorySegment v, int[] rows, int first, int stride, int fields, int d, float[] s, int so) {
        FloatVector total = FloatVector.zero(S);
        for (int c = 0; c < d; c += L) {
            FloatVector sum = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            for (int f = 0, p = first; f < fields; f++, p += stride) {
                FloatVector x = load(v, (long) rows[p] * d, c, d);
                sum = sum.add(x);
                q = x.fma(x, q);
            }
            if (c + L <= d) {
                sum.intoArray(s, so + c);
            } else {
                sum.intoArray(s, so + c, S.indexInRange(c, d));
            }
            total = total.add(sum.fma(sum, q.neg()));
        }
        return 0.5f * sumLanes(total);
    }

    @Override
    public int fmAccumulateField(MemorySegment v, int[] rows, int rowFirst, int rowStride, int b, float[] sums,
                                 float[] grad, float l2, int[] slotOfRow, int[] rowOfSlot, int first, float[] acc,
                                 float[] accW, int d) {
        int slots = 0;
        for (int i = 0, p = rowFirst; i < b; i++, p += rowStride) {
            int r = rows[p];
            int slot = slotOfRow[r];
            boolean fresh = slot < 0;
            if (fresh) {
                slot = slots++;
                slotOfRow[r] = slot;
                rowOfSlot[first + slot] = r;
            }
            float g = grad[i];
            long vo = (long) r * d;
            int so = i * d;
            int ao = (first + slot) * d;
            for (int c = 0; c < d; c += L) {
                FloatVector x;
                FloatVector gr;
                if (c + L <= d) {
                    x = FloatVector.fromMemorySegment(S, v, (vo + c) * Float.BYTES, LE);
                    gr = FloatVector.fromArray(S, sums, so + c).sub(x).mul(g);
                    if (l2 != 0f) {
                        gr = gr.add(x.mul(l2));
                    }
                    if (!fresh) {
                        gr = gr.add(FloatVector.fromArray(S, acc, ao + c));
                    }
                    gr.intoArray(acc, ao + c);
                } else {
                    var m = S.indexInRange(c, d);
                    x = FloatVector.fromMemorySegment(S, v, (vo + c) * Float.BYTES, LE, m);
                    gr = FloatVector.fromArray(S, sums, so + c, m).sub(x).mul(g);
                    if (l2 != 0f) {
                        gr = gr.add(x.mul(l2));
                    }
                    if (!fresh) {
                        gr = gr.add(FloatVector.fromArray(S, acc, ao + c, m));
                    }
                    gr.intoArray(acc, ao + c, m);
                }
            }
            accW[first + slot] = fresh ? g : g + accW[first + slot];
        }
        return slots;
    }

    @Override
    public float fmGatherSumCopy(MemorySegment v, int[] rows, int first, int fields, int d, float[] s, int so,
                                 MemorySegment pooled, long po) {
        FloatVector total = FloatVector.zero(S);
        for (int c = 0; c < d; c += L) {
            FloatVector sum = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            for (int f = 0; f < fields; f++) {
                FloatVector x = load(v, (long) rows[first + f] * d, c, d);
                store(x, pooled, po + (long) f * d, c, d);
                sum = sum.add(x);
                q = x.fma(x, q);
            }
            if (c + L <= d) {
                sum.intoArray(s, so + c);
            } else {
                sum.intoArray(s, so + c, S.indexInRange(c, d));
            }
            total = total.add(sum.fma(sum, q.neg()));
        }
        return 0.5f * sumLanes(total);
    }

    @Override
    public int fmAccumulateFieldExtra(MemorySegment v, int[] rows, int rowFirst, int rowStride, int b, float[] sums,
                                      float[] grad, float l2, int[] slotOfRow, int[] rowOfSlot, int first, float[] acc,
                                      float[] accW, int d, MemorySegment extra, long eo, long eStride) {
        if (d < L) {
            return NARROW.fmAccumulateFieldExtra(v, rows, rowFirst, rowStride, b, sums, grad, l2, slotOfRow, rowOfSlot,
                    first, acc, accW, d, extra, eo, eStride);
        }
        int slots = 0;
        for (int i = 0, p = rowFirst; i < b; i++, p += rowStride) {
            int r = rows[p];
            int slot = slotOfRow[r];
            boolean fresh = slot < 0;
            if (fresh) {
                slot = slots++;
                slotOfRow[r] = slot;
                rowOfSlot[first + slot] = r;
            }
            float g = grad[i];
            long vo = (long) r * d;
            long xo = eo + i * eStride;
            int so = i * d;
            int ao = (first + slot) * d;
            int c = 0;
            for (; c + L <= d; c += L) {
                FloatVector x = FloatVector.fromMemorySegment(S, v, (vo + c) * Float.BYTES, LE);
                FloatVector gr = FloatVector.fromArray(S, sums, so + c).sub(x).mul(g)
                        .add(FloatVector.fromMemorySegment(S, extra, (xo + c) * Float.BYTES, LE));
                if (l2 != 0f) {
                    gr = gr.add(x.mul(l2));
                }
                if (!fresh) {
                    gr = gr.add(FloatVector.fromArray(S, acc, ao + c));
                }
                gr.intoArray(acc, ao + c);
            }
            for (; c < d; c++) { // the tail lane by lane: the same roundings as the lanes above
                float x = v.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, vo + c);
                float gr = (sums[so + c] - x) * g + extra.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, xo + c);
                if (l2 != 0f) {
                    gr = gr + x * l2;
                }
                acc[ao + c] = fresh ? gr : gr + acc[ao + c];
            }
            accW[first + slot] = fresh ? g : g + accW[first + slot];
        }
        return slots;
    }
}
