package org.reckernels.reference;

import org.reckernels.backend.DropoutMask;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Shapes;
import org.reckernels.backend.AlsParams;

/**
 * Tiny, obviously-correct implementations of every op, accumulating in double. They are the test
 * oracle that both backends are compared with (and the check a benchmark runs before timing);
 * they are slow on purpose and never used by models.
 */
public final class ReferenceOps {
    private ReferenceOps() {
    }

    /** {@code Y = A·X}; A (m x k) CSR, X (k x d), Y (m x d) overwritten. */
    public static void spmm(CsrMatrix a, HostMatrix x, HostMatrix y) {
        Shapes.checkSpmm(a, x, y);
        long d = x.cols();
        double[] acc = new double[Math.toIntExact(d)];
        for (long r = 0; r < a.rows(); r++) {
            java.util.Arrays.fill(acc, 0.0);
            for (long k = a.rowStart(r); k < a.rowEnd(r); k++) {
                double v = a.value(k);
                int c = a.col(k);
                for (int j = 0; j < d; j++) {
                    acc[j] += v * x.get(c, j);
                }
            }
            for (int j = 0; j < d; j++) {
                y.set(r, j, (float) acc[j]);
            }
        }
    }

    /**
     * {@code Y = A·X} and {@code ACC = ACC + alpha·Y}; A (m x k) CSR, X (k x d), Y (m x d)
     * overwritten, ACC (m x d) accumulated into. ACC is updated from the double sums (Y's float
     * rounding does not enter it).
     */
    public static void spmmAccumulate(CsrMatrix a, HostMatrix x, HostMatrix y, float alpha, HostMatrix acc) {
        Shapes.checkSpmmAccumulate(a, x, y, acc);
        long d = x.cols();
        double[] sum = new double[Math.toIntExact(d)];
        for (long r = 0; r < a.rows(); r++) {
            java.util.Arrays.fill(sum, 0.0);
            for (long k = a.rowStart(r); k < a.rowEnd(r); k++) {
                double v = a.value(k);
                int c = a.col(k);
                for (int j = 0; j < d; j++) {
                    sum[j] += v * x.get(c, j);
                }
            }
            for (int j = 0; j < d; j++) {
                y.set(r, j, (float) sum[j]);
                acc.set(r, j, (float) (acc.get(r, j) + (double) alpha * sum[j]));
            }
        }
    }

    /** {@code SIDE = A·X, SUM = SIDE + X, BI = SIDE ⊙ X}; SIDE summed in double, rounded once. */
    public static void spmmBiInteraction(CsrMatrix a, HostMatrix x, HostMatrix side, HostMatrix sum, HostMatrix bi) {
        Shapes.checkSpmmBiInteraction(a, x, side, sum, bi);
        spmm(a, x, side);
        for (long r = 0; r < x.rows(); r++) {
            for (long j = 0; j < x.cols(); j++) {
                float s = side.get(r, j);
                float e = x.get(r, j);
                sum.set(r, j, s + e);
                bi.set(r, j, s * e);
            }
        }
    }

    /** {@code C = alpha·op(A)·op(B) + beta·C}; beta = 0 ignores C's contents. */
    public static void gemm(boolean transA, boolean transB, float alpha, HostMatrix a, HostMatrix b, float beta, HostMatrix c) {
        long[] mnk = Shapes.checkGemm(transA, transB, a, b, c);
        long m = mnk[0];
        long n = mnk[1];
        long k = mnk[2];
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double s = 0;
                for (long p = 0; p < k; p++) {
                    double av = transA ? a.get(p, i) : a.get(i, p);
                    double bv = transB ? b.get(j, p) : b.get(p, j);
                    s += av * bv;
                }
                double prev = beta == 0f ? 0.0 : (double) beta * c.get(i, j);
                c.set(i, j, (float) (alpha * s + prev));
            }
        }
    }

    /** {@code y = alpha·x + beta·y}. */
    public static void axpby(float alpha, HostMatrix x, float beta, HostMatrix y) {
        Shapes.requireSameShape("axpby", x, y);
        for (long r = 0; r < x.rows(); r++) {
            for (long c = 0; c < x.cols(); c++) {
                double prev = beta == 0f ? 0.0 : (double) beta * y.get(r, c);
                y.set(r, c, (float) ((double) alpha * x.get(r, c) + prev));
            }
        }
    }

    /** BPR loss and gradient, as documented on {@code Backend.bprLossGrad}. */
    public static void bprLossGrad(HostMatrix f, HostIndexVector users, HostIndexVector pos, HostIndexVector neg,
                                   float scale, HostMatrix grad, HostMatrix lossSum) {
        Shapes.checkBpr(f, users, pos, neg, grad, lossSum);
        long d = f.cols();
        double loss = 0;
        for (long b = 0; b < users.length(); b++) {
            int u = users.get(b);
            int p = pos.get(b);
            int n = neg.get(b);
            double s = 0;
            for (long c = 0; c < d; c++) {
                s += (double) f.get(u, c) * f.get(p, c) - (double) f.get(u, c) * f.get(n, c);
            }
            loss += Math.log1p(Math.exp(-Math.abs(s))) + Math.max(-s, 0);
            double g = scale * (1.0 / (1.0 + Math.exp(-s)) - 1.0);
            double[] fu = new double[(int) d];
            for (long c = 0; c < d; c++) {
                fu[(int) c] = f.get(u, c);
            }
            for (long c = 0; c < d; c++) {
                grad.set(u, c, (float) (grad.get(u, c) + g * ((double) f.get(p, c) - f.get(n, c))));
                grad.set(p, c, (float) (grad.get(p, c) + g * fu[(int) c]));
                grad.set(n, c, (float) (grad.get(n, c) - g * fu[(int) c]));
            }
        }
        lossSum.set(0, 0, (float) (lossSum.get(0, 0) + loss));
    }

    /** {@code lossSum += coef/2·Σ‖E[r]‖²}, {@code grad[r] += coef·E[r]}. */
    public static void l2RowsLossGrad(HostMatrix e, HostIndexVector rows, float coef, HostMatrix grad, HostMatrix lossSum) {
        Shapes.checkRowsOp("l2RowsLossGrad", e, rows, grad, lossSum);
        double sq = 0;
        for (long i = 0; i < rows.length(); i++) {
            int r = rows.get(i);
            for (long c = 0; c < e.cols(); c++) {
                double v = e.get(r, c);
                sq += v * v;
                grad.set(r, c, (float) (grad.get(r, c) + coef * v));
            }
        }
        lossSum.set(0, 0, (float) (lossSum.get(0, 0) + 0.5 * coef * sq));
    }

    /** One torch-style Adam step. */
    public static void adam(HostMatrix p, HostMatrix g, HostMatrix m, HostMatrix v, float lr, float beta1, float beta2,
                            float eps, long step) {
        Shapes.checkAdam(p, g, m, v, lr, beta1, beta2, eps, step);
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (long r = 0; r < p.rows(); r++) {
            for (long c = 0; c < p.cols(); c++) {
                double gi = g.get(r, c);
                double mi = beta1 * (double) m.get(r, c) + (1 - beta1) * gi;
                double vi = beta2 * (double) v.get(r, c) + (1 - beta2) * gi * gi;
                m.set(r, c, (float) mi);
                v.set(r, c, (float) vi);
                p.set(r, c, (float) (p.get(r, c) - lr / bc1 * mi / (Math.sqrt(vi / bc2) + eps)));
            }
        }
    }

    // ---- NGCF ops (see Backend for the contracts) ----

    /** {@code c = alpha·(a ⊙ b) + beta·c}. */
    public static void hadamard(float alpha, HostMatrix a, HostMatrix b, float beta, HostMatrix c) {
        Shapes.checkElementwise("hadamard", a, b, c);
        for (long r = 0; r < a.rows(); r++) {
            for (long j = 0; j < a.cols(); j++) {
                double prev = beta == 0f ? 0.0 : (double) beta * c.get(r, j);
                c.set(r, j, (float) ((double) alpha * a.get(r, j) * b.get(r, j) + prev));
            }
        }
    }

    /** {@code y = x > 0 ? x : slope·x}. */
    public static void leakyRelu(HostMatrix x, float slope, HostMatrix y) {
        Shapes.checkElementwise("leakyRelu", x, y);
        for (long r = 0; r < x.rows(); r++) {
            for (long j = 0; j < x.cols(); j++) {
                float v = x.get(r, j);
                y.set(r, j, v > 0f ? v : slope * v);
            }
        }
    }

    /** {@code gradX = gradY · (x > 0 ? 1 : slope)}. */
    public static void leakyReluBackward(HostMatrix x, HostMatrix gradY, float slope, HostMatrix gradX) {
        Shapes.checkElementwise("leakyReluBackward", x, gradY, gradX);
        for (long r = 0; r < x.rows(); r++) {
            for (long j = 0; j < x.cols(); j++) {
                float g = gradY.get(r, j);
                gradX.set(r, j, x.get(r, j) > 0f ? g : slope * g);
            }
        }
    }

    /** {@code x[r, c] += bias[0, c]}. */
    public static void addBias(HostMatrix x, HostMatrix bias) {
        Shapes.checkRowVector("addBias", x, bias);
        for (long r = 0; r < x.rows(); r++) {
            for (long j = 0; j < x.cols(); j++) {
                x.set(r, j, x.get(r, j) + bias.get(0, j));
            }
        }
    }

    /** {@code out[0, c] += Σ_r x[r, c]} (summed in double). */
    public static void columnSums(HostMatrix x, HostMatrix out) {
        Shapes.checkRowVector("columnSums", x, out);
        for (long j = 0; j < x.cols(); j++) {
            double s = out.get(0, j);
            for (long r = 0; r < x.rows(); r++) {
                s += x.get(r, j);
            }
            out.set(0, j, (float) s);
        }
    }

    /** {@code y[r] = x[r] / max(‖x[r]‖, eps)}. */
    public static void rowL2Normalize(HostMatrix x, float eps, HostMatrix y) {
        Shapes.checkElementwise("rowL2Normalize", x, y);
        for (long r = 0; r < x.rows(); r++) {
            double den = Math.max(Math.sqrt(sumSquares(x, r)), eps);
            for (long j = 0; j < x.cols(); j++) {
                y.set(r, j, (float) (x.get(r, j) / den));
            }
        }
    }

    /** Backward of {@link #rowL2Normalize}, as documented on {@code Backend.rowL2NormalizeBackward}. */
    public static void rowL2NormalizeBackward(HostMatrix x, HostMatrix gradY, float eps, float beta, HostMatrix gradX) {
        Shapes.checkElementwise("rowL2NormalizeBackward", x, gradY, gradX);
        for (long r = 0; r < x.rows(); r++) {
            double n = Math.sqrt(sumSquares(x, r));
            double xg = 0;
            for (long j = 0; j < x.cols(); j++) {
                xg += (double) x.get(r, j) * gradY.get(r, j);
            }
            for (long j = 0; j < x.cols(); j++) {
                double g = n > eps ? gradY.get(r, j) / n - x.get(r, j) * xg / (n * n * n) : gradY.get(r, j) / (double) eps;
                double prev = beta == 0f ? 0.0 : (double) beta * gradX.get(r, j);
                gradX.set(r, j, (float) (g + prev));
            }
        }
    }

    private static double sumSquares(HostMatrix x, long r) {
        double s = 0;
        for (long j = 0; j < x.cols(); j++) {
            double v = x.get(r, j);
            s += v * v;
        }
        return s;
    }

    /** {@code y[i] = keep(seed, step, i) ? x[i] · (float) (1 / (1 − rate)) : 0} with {@link DropoutMask}. */
    public static void dropout(HostMatrix x, float rate, long seed, long step, HostMatrix y) {
        Shapes.checkElementwise("dropout", x, y);
        long keys = DropoutMask.keys(seed, step);
        int threshold = DropoutMask.threshold(rate);
        float scale = DropoutMask.scale(rate);
        long i = 0;
        for (long r = 0; r < x.rows(); r++) {
            for (long j = 0; j < x.cols(); j++, i++) {
                boolean keep = DropoutMask.keep(DropoutMask.k0(keys), DropoutMask.k1(keys), threshold, i);
                y.set(r, j, keep ? x.get(r, j) * scale : 0f);
            }
        }
    }

    /** {@code dst[r, dstCol + j] = src[r, srcCol + j]}, j in [0, width). */
    public static void copyColumns(HostMatrix src, long srcCol, HostMatrix dst, long dstCol, long width) {
        Shapes.checkCopyColumns(src, srcCol, dst, dstCol, width);
        for (long r = 0; r < src.rows(); r++) {
            for (long j = 0; j < width; j++) {
                dst.set(r, dstCol + j, src.get(r, srcCol + j));
            }
        }
    }

    // ---- implicit ALS ----

    /**
     * The normal equations of row u of an iALS half-sweep, formed explicitly in double
     * (see {@link AlsParams}): returns {A (d x d), b (d)} as {@code double[d + 1][]}, rows 0..d-1
     * of A then b.
     */
    public static double[][] alsSystem(CsrMatrix r, HostMatrix fixed, HostMatrix gramian, long u, AlsParams p) {
        int d = Math.toIntExact(fixed.cols());
        double[][] sys = new double[d + 1][d];
        double reg = p.regularization(r.rowEnd(u) - r.rowStart(u), fixed.rows());
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < d; c++) {
                sys[a][c] = (double) p.w0() * gramian.get(a, c);
            }
            sys[a][a] += reg;
        }
        for (long k = r.rowStart(u); k < r.rowEnd(u); k++) {
            int i = r.col(k);
            double conf = 1.0 + (double) p.alpha() * r.value(k);
            for (int a = 0; a < d; a++) {
                double va = fixed.get(i, a);
                sys[d][a] += conf * va;
                for (int c = 0; c < d; c++) {
                    sys[a][c] += (conf - p.w0()) * va * fixed.get(i, c);
                }
            }
        }
        return sys;
    }

    /** The exact iALS solution of every row (Cholesky in double) written into {@code factors} (m x d). */
    public static void alsDirectSolve(CsrMatrix r, HostMatrix fixed, HostMatrix gramian, HostMatrix factors, AlsParams p) {
        AlsParams.checkShapes(r, fixed, gramian, factors);
        int d = Math.toIntExact(fixed.cols());
        for (long u = 0; u < r.rows(); u++) {
            double[][] sys = alsSystem(r, fixed, gramian, u, p);
            double[] x = choleskySolve(java.util.Arrays.copyOf(sys, d), sys[d]);
            for (int j = 0; j < d; j++) {
                factors.set(u, j, (float) x[j]);
            }
        }
    }

    /** Solves A x = b for symmetric positive definite A (d x d) by Cholesky; A is not modified. */
    public static double[] choleskySolve(double[][] a, double[] b) {
        int d = b.length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalArgumentException("choleskySolve: matrix is not positive definite (pivot " + i + " = " + s + ")");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < d; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /**
     * The op's algorithm in double on the explicit system: {@code cgSteps} conjugate-gradient steps
     * per row from the warm start in {@code factors}, stopping early when the residual is 0 or the
     * curvature p·Ap is not positive. The oracle of {@code Backend.alsConjugateGradientStep}.
     */
    public static void alsConjugateGradient(CsrMatrix r, HostMatrix fixed, HostMatrix gramian, HostMatrix factors,
                                            AlsParams p) {
        AlsParams.checkShapes(r, fixed, gramian, factors);
        int d = Math.toIntExact(fixed.cols());
        for (long u = 0; u < r.rows(); u++) {
            double[][] sys = alsSystem(r, fixed, gramian, u, p);
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = factors.get(u, j);
            }
            double[] res = sys[d].clone();
            double[] ax = matvec(sys, x);
            for (int j = 0; j < d; j++) {
                res[j] -= ax[j];
            }
            double[] dir = res.clone();
            double rs = dot(res, res);
            for (int step = 0; step < p.cgSteps() && rs > 0; step++) {
                double[] q = matvec(sys, dir);
                double pq = dot(dir, q);
                if (!(pq > 0)) {
                    break;
                }
                double a = rs / pq;
                for (int j = 0; j < d; j++) {
                    x[j] += a * dir[j];
                    res[j] -= a * q[j];
                }
                double rsNew = dot(res, res);
                double beta = rsNew / rs;
                for (int j = 0; j < d; j++) {
                    dir[j] = res[j] + beta * dir[j];
                }
                rs = rsNew;
            }
            for (int j = 0; j < d; j++) {
                factors.set(u, j, (float) x[j]);
            }
        }
    }

    private static double[] matvec(double[][] a, double[] x) {
        int d = x.length;
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            y[i] = dot(a[i], x);
        }
        return y;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
