package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.reckernels.tensor.CsrMatrix;

/** Plain-loop kernels: the fallback when the Vector API is off or missing. */
final class ScalarKernels implements HostKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public void spmmRows(CsrMatrix a, MemorySegment x, MemorySegment y, int d, long r0, long r1, float alpha,
                         MemorySegment out) {
        float[] acc = new float[d];
        for (long r = r0; r < r1; r++) {
            java.util.Arrays.fill(acc, 0f);
            for (long k = a.rowStart(r), e = a.rowEnd(r); k < e; k++) {
                float v = a.value(k);
                long xo = (long) a.col(k) * d;
                for (int j = 0; j < d; j++) {
                    acc[j] += v * x.getAtIndex(F, xo + j);
                }
            }
            MemorySegment.copy(acc, 0, y, F, r * d * Float.BYTES, d);
            if (out != null) { // fused layer combination: the row's sums are still in acc
                long o = r * d;
                for (int j = 0; j < d; j++) {
                    out.setAtIndex(F, o + j, out.getAtIndex(F, o + j) + alpha * acc[j]);
                }
            }
        }
    }

    @Override
    public void gemvRow(MemorySegment a, long aBase, long aStride, int k, MemorySegment b, int n, float alpha, float beta,
                        MemorySegment y, long yBase) {
        float[] acc = new float[n];
        for (int p = 0; p < k; p++) {
            float av = alpha * a.getAtIndex(F, aBase + p * aStride);
            long bo = (long) p * n;
            for (int j = 0; j < n; j++) {
                acc[j] += av * b.getAtIndex(F, bo + j);
            }
        }
        for (int j = 0; j < n; j++) {
            float prev = beta == 0f ? 0f : beta * y.getAtIndex(F, yBase + j);
            y.setAtIndex(F, yBase + j, acc[j] + prev);
        }
    }

    @Override
    public void gemmRows(MemorySegment a, long aRowStride, long aColStride, int k, MemorySegment b, int n, float alpha,
                         float beta, MemorySegment c, long i0, long i1) {
        for (long i = i0; i < i1; i++) {
            gemvRow(a, i * aRowStride, aColStride, k, b, n, alpha, beta, c, i * n);
        }
    }

    @Override
    public void gemmTransAAcc(MemorySegment a, int m, MemorySegment b, int n, long p0, long p1, MemorySegment c,
                              long cBase) {
        float[] acc = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0f);
            for (long p = p0; p < p1; p++) {
                float av = a.getAtIndex(F, p * m + i);
                long bo = p * n;
                for (int j = 0; j < n; j++) {
                    acc[j] += av * b.getAtIndex(F, bo + j);
                }
            }
            long co = cBase + (long) i * n;
            for (int j = 0; j < n; j++) {
                c.setAtIndex(F, co + j, c.getAtIndex(F, co + j) + acc[j]);
            }
        }
    }

    @Override
    public void axpby(float alpha, MemorySegment x, float beta, MemorySegment y, long from, long to) {
        for (long i = from; i < to; i++) {
            float prev = beta == 0f ? 0f : beta * y.getAtIndex(F, i);
            y.setAtIndex(F, i, alpha * x.getAtIndex(F, i) + prev);
        }
    }

    @Override
    public void fill(MemorySegment m, float value, long from, long to) {
        for (long i = from; i < to; i++) {
            m.setAtIndex(F, i, value);
        }
    }

    @Override
    public float dot(MemorySegment a, long ao, MemorySegment b, long bo, int d) {
        float s = 0f;
        for (int j = 0; j < d; j++) {
            s += a.getAtIndex(F, ao + j) * b.getAtIndex(F, bo + j);
        }
        return s;
    }

    @Override
    public void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int d) {
        for (int j = 0; j < d; j++) {
            y.setAtIndex(F, yo + j, y.getAtIndex(F, yo + j) + alpha * x.getAtIndex(F, xo + j));
        }
    }

    @Override
    public void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, float beta1, float beta2,
                     float eps, float c1, float c2, long from, long to) {
        for (long i = from; i < to; i++) {
            float gi = g.getAtIndex(F, i);
            float mi = beta1 * m.getAtIndex(F, i) + (1f - beta1) * gi;
            float vi = beta2 * v.getAtIndex(F, i) + (1f - beta2) * gi * gi;
            m.setAtIndex(F, i, mi);
            v.setAtIndex(F, i, vi);
            p.setAtIndex(F, i, p.getAtIndex(F, i) - c1 * mi / ((float) Math.sqrt(vi) * c2 + eps));
        }
    }

    @Override
    public void hadamard(float alpha, MemorySegment a, MemorySegment b, float beta, MemorySegment c, long from, long to) {
        for (long i = from; i < to; i++) {
            float prev = beta == 0f ? 0f : beta * c.getAtIndex(F, i);
            c.setAtIndex(F, i, alpha * (a.getAtIndex(F, i) * b.getAtIndex(F, i)) + prev);
        }
    }

    @Override
    public void leakyRelu(MemorySegment x, float slope, MemorySegment y, long from, long to) {
        for (long i = from; i < to; i++) {
            float v = x.getAtIndex(F, i);
            y.setAtIndex(F, i, v > 0f ? v : slope * v);
        }
    }

    @Override
    public void leakyReluBackward(MemorySegment x, MemorySegment gy, float slope, MemorySegment gx, long from, long to) {
        for (long i = from; i < to; i++) {
            float g = gy.getAtIndex(F, i);
            gx.setAtIndex(F, i, x.getAtIndex(F, i) > 0f ? g : slope * g);
        }
    }

    @Override
    public void dropout(MemorySegment x, MemorySegment y, int k0, int k1, int threshold, float scale, long from, long to) {
        for (long i = from; i < to; i++) {
            boolean keep = org.reckernels.backend.DropoutMask.keep(k0, k1, threshold, i);
            y.setAtIndex(F, i, keep ? x.getAtIndex(F, i) * scale : 0f);
        }
    }

    @Override
    public void alsApply(CsrMatrix r, long u, MemorySegment fixed, float[] gram, int d, float alpha, float w0, float reg,
                         float[] x, float[] out, boolean residual) {
        float sign = residual ? -1f : 1f;
        for (int j = 0; j < d; j++) {
            out[j] = reg * x[j];
        }
        for (int m = 0; m < d; m++) {
            float xm = w0 * x[m];
            int g = m * d;
            for (int j = 0; j < d; j++) {
                out[j] += xm * gram[g + j];
            }
        }
        for (int j = 0; j < d; j++) {
            out[j] *= sign;
        }
        for (long k = r.rowStart(u), e = r.rowEnd(u); k < e; k++) {
            long vo = (long) r.col(k) * d;
            float conf = 1f + alpha * r.value(k);
            float dx = 0f;
            for (int j = 0; j < d; j++) {
                dx += fixed.getAtIndex(F, vo + j) * x[j];
            }
            float coef = residual ? conf - (conf - w0) * dx : (conf - w0) * dx;
            for (int j = 0; j < d; j++) {
                out[j] += coef * fixed.getAtIndex(F, vo + j);
            }
        }
    }

    @Override
    public float dot(float[] a, float[] b, int d) {
        float s = 0f;
        for (int j = 0; j < d; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int d) {
        for (int j = 0; j < d; j++) {
            y[j] += alpha * x[j];
        }
    }

    @Override
    public void xpby(float[] x, float beta, float[] y, int d) {
        for (int j = 0; j < d; j++) {
            y[j] = x[j] + beta * y[j];
        }
    }
}
