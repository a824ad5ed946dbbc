package org.reckernels.backend;

import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * Hyper-parameters of one half-sweep of implicit ALS ({@link Backend#alsConjugateGradientStep}),
 * after Hu, Koren &amp; Volinsky (2008) and Rendle et al., "Revisiting the Performance of iALS"
 * (2021). For each row u of the interaction matrix R (the rows being solved for), with fixed
 * factors V (n x d), Gramian G = VᵀV and confidence {@code c_ui = 1 + alpha·r_ui} (r_ui the
 * stored value, 1 for binary data), the op approximately solves
 * <pre>
 *   A_u x_u = b_u,   A_u = w0·G + Σ_{i∈I(u)} (c_ui − w0) v_i v_iᵀ + λ_u I,   b_u = Σ_{i∈I(u)} c_ui v_i
 *   λ_u = lambda · (|I(u)| + w0·n)^nu          (nu = 0: plain λ, the default)
 * </pre>
 * by {@code cgSteps} conjugate-gradient steps warm-started from the current x_u. This is the
 * exact minimiser over x_u of the iALS objective
 * <pre>
 *   L = Σ_{(u,i)∈S} c_ui (1 − x_u·v_i)² + w0 Σ_{(u,i)∉S} (x_u·v_i)² + Σ_u λ_u ‖x_u‖² + Σ_i λ_i ‖v_i‖²
 * </pre>
 * (S the observed pairs). Hu et al. is {@code w0 = 1}; Rendle's frequency-scaled regulariser is
 * {@code nu = 1}. A_u is symmetric positive definite when lambda &gt; 0, every c_ui ≥ 0 and no row
 * repeats a column; the solvers stop early (keeping the last iterate) on zero residual or
 * non-positive curvature, so other inputs give finite but unspecified results.
 *
 * @param alpha   confidence slope, ≥ 0 (c_ui = 1 + alpha·r_ui)
 * @param w0      weight of every unobserved pair, ≥ 0
 * @param lambda  L2 regularisation, &gt; 0
 * @param nu      exponent of the frequency scaling of lambda (0 = plain lambda)
 * @param cgSteps conjugate-gradient steps per row, in [1, 1024]
 */
public record AlsParams(float alpha, float w0, float lambda, float nu, int cgSteps) {
    public AlsParams {
        if (!(alpha >= 0 && Float.isFinite(alpha)) || !(w0 >= 0 && Float.isFinite(w0))
                || !(lambda > 0 && Float.isFinite(lambda)) || !Float.isFinite(nu) || cgSteps < 1 || cgSteps > 1024) {
            throw new IllegalArgumentException("iALS: bad hyper-parameters alpha=" + alpha + " w0=" + w0 + " lambda=" + lambda
                    + " nu=" + nu + " cgSteps=" + cgSteps
                    + " (need finite alpha >= 0, w0 >= 0, lambda > 0, nu; 1 <= cgSteps <= 1024)");
        }
    }

    /** Plain λ (nu = 0). */
    public static AlsParams of(float alpha, float w0, float lambda, int cgSteps) {
        return new AlsParams(alpha, w0, lambda, 0f, cgSteps);
    }

    /** λ_u for a row with {@code degree} interactions against {@code fixedRows} fixed rows. */
    public double regularization(long degree, long fixedRows) {
        return nu == 0f ? lambda : lambda * Math.pow(degree + (double) w0 * fixedRows, nu);
    }

    /**
     * Checks the shapes of a half-sweep and returns d:
     * <pre>R: (m x n) CSR;  V: (n x d);  G: (d x d);  X: (m x d), X distinct from V and G</pre>
     */
    public static int checkShapes(SparseMatrix r, Matrix fixed, Matrix gramian, Matrix factors) {
        String op = "alsConjugateGradientStep";
        if (r.cols() != fixed.rows()) {
            throw new IllegalArgumentException(op + ": interactions are " + r.rows() + "x" + r.cols() + " but fixedFactors has "
                    + fixed.rows() + " rows (needs " + r.cols() + ")");
        }
        long d = fixed.cols();
        if (gramian.rows() != d || gramian.cols() != d) {
            throw new IllegalArgumentException(op + ": gramian is " + gramian.shape() + ", needs " + d + "x" + d);
        }
        if (factors.rows() != r.rows() || factors.cols() != d) {
            throw new IllegalArgumentException(op + ": factors is " + factors.shape() + ", needs " + r.rows() + "x" + d);
        }
        if (factors == fixed || factors == gramian || fixed == gramian) {
            throw new IllegalArgumentException(op + ": factors, fixedFactors and gramian must be three distinct matrices");
        }
        if (d > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException(op + ": width " + d + " is too large");
        }
        return (int) d;
    }
}
