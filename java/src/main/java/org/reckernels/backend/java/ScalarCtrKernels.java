package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-loop {@link CtrKernels}: the fallback without the Vector API, and the second test configuration. */
final class ScalarCtrKernels implements CtrKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public void scaleCopy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int d) {
        for (int j = 0; j < d; j++) {
            y.setAtIndex(F, yo + j, a * x.getAtIndex(F, xo + j));
        }
    }

    @Override
    public void axpy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int d) {
        for (int j = 0; j < d; j++) {
            y.setAtIndex(F, yo + j, Math.fma(a, x.getAtIndex(F, xo + j), y.getAtIndex(F, yo + j)));
        }
    }

    @Override
    public void zero(MemorySegment y, long yo, int d) {
        y.asSlice(yo * Float.BYTES, (long) d * Float.BYTES).fill((byte) 0);
    }

    @Override
    public float sumSquares(MemorySegment g, long go, int d) {
        float s = 0f;
        for (int j = 0; j < d; j++) {
            float v = g.getAtIndex(F, go + j);
            s = Math.fma(v, v, s);
        }
        return s;
    }

    @Override
    public void adagradRow(MemorySegment w, long wo, MemorySegment h, long ho, MemorySegment g, long go, int d, float lr,
                           float eps) {
        for (int j = 0; j < d; j++) {
            float gj = g.getAtIndex(F, go + j);
            float hj = Math.fma(gj, gj, h.getAtIndex(F, ho + j));
            h.setAtIndex(F, ho + j, hj);
            w.setAtIndex(F, wo + j, w.getAtIndex(F, wo + j) - lr * gj / ((float) Math.sqrt(hj) + eps));
        }
    }

    @Override
    public void stepRow(MemorySegment w, long wo, MemorySegment g, long go, int d, float coef) {
        axpy(-coef, g, go, w, wo, d);
    }

    @Override
    public void adamRow(MemorySegment w, long wo, MemorySegment m, MemorySegment v, long so, MemorySegment g, long go,
                        int d, float beta1, float beta2, float eps, float c1, float c2) {
        for (int j = 0; j < d; j++) {
            float gj = g.getAtIndex(F, go + j);
            float mj = Math.fma(beta1, m.getAtIndex(F, so + j), (1f - beta1) * gj);
            float vj = Math.fma(beta2, v.getAtIndex(F, so + j), (1f - beta2) * gj * gj);
            m.setAtIndex(F, so + j, mj);
            v.setAtIndex(F, so + j, vj);
            w.setAtIndex(F, wo + j, w.getAtIndex(F, wo + j) - c1 * mj / ((float) Math.sqrt(vj) * c2 + eps));
        }
    }

    @Override
    public float fmInteraction(MemorySegment v, long base, int fields, int d) {
        float total = 0f;
        for (int c = 0; c < d; c++) {
            float s = 0f;
            float q = 0f;
            for (int f = 0; f < fields; f++) {
                float x = v.getAtIndex(F, base + (long) f * d + c);
                s += x;
                q = Math.fma(x, x, q);
            }
            total += Math.fma(s, s, -q);
        }
        return 0.5f * total;
    }

    @Override
    public void fmGrad(MemorySegment v, long base, int fields, int d, float g, MemorySegment gv, long gbase) {
        for (int c = 0; c < d; c++) {
            float s = 0f;
            for (int f = 0; f < fields; f++) {
                s += v.getAtIndex(F, base + (long) f * d + c);
            }
            for (int f = 0; f < fields; f++) {
                long o = (long) f * d + c;
                gv.setAtIndex(F, gbase + o, g * (s - v.getAtIndex(F, base + o)));
            }
        }
    }

    @Override
    public float fmGatherSum(MemorySegment v, int[] rows, int first, int stride, int fields, int d, float[] s, int so) {
        float total = 0f;
        for (int c = 0; c < d; c++) {
            float sum = 0f;
            float q = 0f;
            for (int f = 0, p = first; f < fields; f++, p += stride) {
                float x = v.getAtIndex(F, (long) rows[p] * d + c);
                sum += x;
                q = Math.fma(x, x, q);
            }
            s[so + c] = sum;
            total += Math.fma(sum, sum, -q);
        }
        return 0.5f * total;
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
            int ao = (first + slot) * d;
            for (int j = 0; j < d; j++) {
                float x = v.getAtIndex(F, (long) r * d + j);
                float gr = g * (sums[i * d + j] - x);
                if (l2 != 0f) {
                    gr = l2 * x + gr;
                }
                acc[ao + j] = fresh ? gr : gr + acc[ao + j];
            }
            accW[first + slot] = fresh ? g : g + accW[first + slot];
        }
        return slots;
    }

    @Override
    public float fmGatherSumCopy(MemorySegment v, int[] rows, int first, int fields, int d, float[] s, int so,
                                 MemorySegment pooled, long po) {
        for (int f = 0; f < fields; f++) {
            MemorySegment.copy(v, (long) rows[first + f] * d * Float.BYTES, pooled, (po + (long) f * d) * Float.BYTES,
                    (long) d * Float.BYTES);
        }
        return fmGatherSum(v, rows, first, 1, fields, d, s, so);
    }

    @Override
    public int fmAccumulateFieldExtra(MemorySegment v, int[] rows, int rowFirst, int rowStride, int b, float[] sums,
                                      float[] grad, float l2, int[] slotOfRow, int[] rowOfSlot, int first, float[] acc,
                                      float[] accW, int d, MemorySegment extra, long eo, long eStride) {
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
            int ao = (first + slot) * d;
            long xo = eo + i * eStride;
            for (int j = 0; j < d; j++) {
                float x = v.getAtIndex(F, (long) r * d + j);
                float gr = extra.getAtIndex(F, xo + j) + g * (sums[i * d + j] - x);
                if (l2 != 0f) {
                    gr = l2 * x + gr;
                }
                acc[ao + j] = fresh ? gr : gr + acc[ao + j];
            }
            accW[first + slot] = fresh ? g : g + accW[first + slot];
        }
        return slots;
    }
}
