package org.reckernels.model;

import org.reckernels.backend.AlsParams;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;

/**
 * The iALS objective of {@link AlsParams}, evaluated on the host in double without touching the
 * users x items score matrix:
 * <pre>
 *   L = Σ_{(u,i)∈S} [c_ui (1 − ŷ_ui)² − w0 ŷ_ui²] + w0·⟨UᵀU, VᵀV⟩_F + Σ_u λ_u‖x_u‖² + Σ_i λ_i‖v_i‖²
 * </pre>
 * (the unobserved term w0 Σ_{(u,i)∉S} ŷ² rewritten through the Gramians). O(nnz·d + (m + n)·d²).
 */
public final class IalsObjective {
    private IalsObjective() {
    }

    /** R: (m x n) CSR; U: (m x d); V: (n x d); rT: Rᵀ (for the item degrees of λ_i). */
    public static double compute(CsrMatrix r, CsrMatrix rT, HostMatrix u, HostMatrix v, AlsParams p) {
        int d = Math.toIntExact(u.cols());
        double loss = 0;
        for (long row = 0; row < r.rows(); row++) {
            for (long k = r.rowStart(row); k < r.rowEnd(row); k++) {
                int i = r.col(k);
                double y = 0;
                for (int j = 0; j < d; j++) {
                    y += (double) u.get(row, j) * v.get(i, j);
                }
                double c = 1.0 + (double) p.alpha() * r.value(k);
                loss += c * (1 - y) * (1 - y) - p.w0() * y * y;
            }
        }
        double[][] gu = gram(u);
        double[][] gv = gram(v);
        double inner = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                inner += gu[a][b] * gv[a][b];
            }
        }
        return loss + p.w0() * inner + reg(r, u, v.rows(), p) + reg(rT, v, u.rows(), p);
    }

    private static double[][] gram(HostMatrix m) {
        int d = Math.toIntExact(m.cols());
        double[][] g = new double[d][d];
        double[] row = new double[d];
        for (long r = 0; r < m.rows(); r++) {
            for (int j = 0; j < d; j++) {
                row[j] = m.get(r, j);
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    g[a][b] += row[a] * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }

    private static double reg(CsrMatrix r, HostMatrix x, long fixedRows, AlsParams p) {
        double s = 0;
        for (long row = 0; row < x.rows(); row++) {
            double sq = 0;
            for (long j = 0; j < x.cols(); j++) {
                double e = x.get(row, j);
                sq += e * e;
            }
            s += p.regularization(r.rowEnd(row) - r.rowStart(row), fixedRows) * sq;
        }
        return s;
    }
}
