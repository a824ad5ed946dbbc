package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;
import org.reckernels.tensor.CsrMatrix;

/**
 * The inner loops of the Java backend over a range of output rows; {@link JavaBackend} splits the
 * work and calls them from several threads. Two implementations: {@link VectorKernels} (Vector
 * API) and {@link ScalarKernels} (plain loops, used where the incubator module is absent or
 * {@code -Dreckernels.simd=false}). Matrices are float32 row-major segments.
 */
interface HostKernels {

    /** "vector(256-bit)" or "scalar". */
    String describe();

    /**
     * Rows [r0, r1) of {@code Y = A·X}: X (k x d), Y (m x d); when {@code acc} is not null, also
     * {@code ACC = ACC + alpha·Y} for those rows in the same pass (ACC (m x d), distinct from X
     * and Y). With {@code acc == null}, alpha is ignored.
     */
    void spmmRows(CsrMatrix a, MemorySegment x, MemorySegment y, int d, long r0, long r1, float alpha,
                  MemorySegment acc);

    /** {@code y[0..n) = beta·y + alpha·Σ_p a(p)·B[p, 0..n)}, reading a(p) at aBase + p·aStride floats. */
    void gemvRow(MemorySegment a, long aBase, long aStride, int k, MemorySegment b, int n, float alpha, float beta,
                 MemorySegment y, long yBase);

    /**
     * Rows [i0, i1) of {@code C = alpha·op(A)·B + beta·C} (beta = 0 ignores C): B (k x n) row-major,
     * C row-major with n columns, element (i, p) of op(A) at {@code i·aRowStride + p·aColStride}.
     * Each output element sums p = 0..k-1 in order (same order as {@link #gemvRow}); the vector
     * version holds a tile of several rows x up to four vectors of C in registers.
     */
    void gemmRows(MemorySegment a, long aRowStride, long aColStride, int k, MemorySegment b, int n, float alpha,
                  float beta, MemorySegment c, long i0, long i1);

    /**
     * {@code C[cBase + i·n + j] += Σ_{p in [p0, p1)} A[p·m + i]·B[p·n + j]} for all i < m, j < n:
     * A (k x m) and B (k x n) row-major (the rows p0..p1 of Aᵀ·B); each element sums p in order.
     */
    void gemmTransAAcc(MemorySegment a, int m, MemorySegment b, int n, long p0, long p1, MemorySegment c, long cBase);

    /** Elements [from, to) of {@code y = alpha·x + beta·y} (beta = 0 ignores y). */
    void axpby(float alpha, MemorySegment x, float beta, MemorySegment y, long from, long to);

    /** Elements [from, to) of {@code m} set to {@code value}. */
    void fill(MemorySegment m, float value, long from, long to);

    /** Dot product of the d floats at element offsets {@code ao} of a and {@code bo} of b. */
    float dot(MemorySegment a, long ao, MemorySegment b, long bo, int d);

    /** {@code y[yo .. yo+d) += alpha · x[xo .. xo+d)} (element offsets). */
    void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int d);

    /** Elements [from, to) of one Adam step; {@code c1 = lr / (1 − β1^t)}, {@code c2 = 1 / sqrt(1 − β2^t)}. */
    void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, float beta1, float beta2, float eps,
              float c1, float c2, long from, long to);

    /** Elements [from, to) of {@code c = alpha·(a ⊙ b) + beta·c} (beta = 0 ignores c). */
    void hadamard(float alpha, MemorySegment a, MemorySegment b, float beta, MemorySegment c, long from, long to);

    /** Elements [from, to) of {@code y = x > 0 ? x : slope·x}. */
    void leakyRelu(MemorySegment x, float slope, MemorySegment y, long from, long to);

    /** Elements [from, to) of {@code gx = gy · (x > 0 ? 1 : slope)}. */
    void leakyReluBackward(MemorySegment x, MemorySegment gy, float slope, MemorySegment gx, long from, long to);

    /**
     * Elements [from, to) of inverted dropout with the {@link org.reckernels.backend.DropoutMask} hash:
     * {@code y[i] = (h(i) >>> 8) >= threshold ? x[i]·scale : 0}.
     */
    void dropout(MemorySegment x, MemorySegment y, int k0, int k1, int threshold, float scale, long from, long to);

    /** The implementation to use, chosen once. */
    static HostKernels get() {
        return Holder.KERNELS;
    }

    /** Why {@link #get()} chose its implementation (for {@code reckernels info}). */
    static String reason() {
        return Holder.REASON;
    }

    final class Holder {
        static final HostKernels KERNELS;
        static final String REASON;

        static {
            if (!Boolean.parseBoolean(System.getProperty("reckernels.simd", "true"))) {
                KERNELS = new ScalarKernels();
                REASON = "-Dreckernels.simd=false";
            } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                KERNELS = new ScalarKernels();
                REASON = "jdk.incubator.vector not resolved; launch with --add-modules jdk.incubator.vector";
                System.getLogger(HostKernels.class.getName()).log(System.Logger.Level.WARNING,
                        "reckernels: Vector API unavailable, Java backend uses scalar loops ({0})", REASON);
            } else {
                KERNELS = new VectorKernels();
                REASON = "jdk.incubator.vector present";
            }
        }

        private Holder() {
        }
    }

    // ---- implicit ALS (see AlsSolver) ----

    /**
     * One product with the iALS system of row u (see {@code AlsParams}), never forming A_u:
     * <pre>
     *   residual = false:  out = A_u·x     = w0·G·x + Σ_i (c_ui − w0)(v_i·x) v_i + reg·x
     *   residual = true:   out = b_u − A_u·x = Σ_i (c_ui − (c_ui − w0)(v_i·x)) v_i − w0·G·x − reg·x
     * </pre>
     * with c_ui = 1 + alpha·r_ui over the stored entries of row u of r; fixed: (n x d) segment;
     * gram: (d x d) row-major, symmetric (G·x is computed as Σ_m x_m G[m, :]); x, out: length ≥ d.
     */
    void alsApply(CsrMatrix r, long u, MemorySegment fixed, float[] gram, int d, float alpha, float w0, float reg,
                  float[] x, float[] out, boolean residual);

    /** Σ_{j<d} a[j]·b[j]. */
    float dot(float[] a, float[] b, int d);

    /** {@code y[0..d) += alpha·x[0..d)}. */
    void axpy(float alpha, float[] x, float[] y, int d);

    /** {@code y[0..d) = x[0..d) + beta·y[0..d)}. */
    void xpby(float[] x, float beta, float[] y, int d);
}
