package org.reckernels.tensor;

/** Shape checks shared by tensors and ops; every message names the op and the shapes. */
public final class Shapes {
    private Shapes() {
    }

    public static void checkShape(String where, long rows, long cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(where + ": negative shape " + rows + "x" + cols);
        }
        if (rows > 0 && cols > Long.MAX_VALUE / 4 / rows) {
            throw new IllegalArgumentException(where + ": shape " + rows + "x" + cols + " overflows 64-bit byte sizes");
        }
    }

    public static void requireSameShape(String where, Matrix a, Matrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(where + ": shapes differ, " + a.shape() + " vs " + b.shape());
        }
    }

    /** Checks {@code y = a·x}: a is m x k, x is k x d, y is m x d. */
    public static void checkSpmm(SparseMatrix a, Matrix x, Matrix y) {
        checkSpmm("spmm", a, x, y);
    }

    private static void checkSpmm(String op, SparseMatrix a, Matrix x, Matrix y) {
        if (a.cols() != x.rows()) {
            throw new IllegalArgumentException(op + ": A is " + a.rows() + "x" + a.cols() + " but X has " + x.rows()
                    + " rows (needs " + a.cols() + ")");
        }
        if (y.rows() != a.rows() || y.cols() != x.cols()) {
            throw new IllegalArgumentException(op + ": Y is " + y.shape() + " but A·X is " + a.rows() + "x" + x.cols());
        }
        if (x == y) {
            throw new IllegalArgumentException(op + ": X and Y must be different matrices (the op is not in place)");
        }
    }

    /**
     * Checks {@code y = a·x; acc += alpha·y}: a is m x k, x is k x d, y and acc are m x d, and
     * x, y, acc are pairwise distinct.
     */
    public static void checkSpmmAccumulate(SparseMatrix a, Matrix x, Matrix y, Matrix acc) {
        checkSpmm("spmmAccumulate", a, x, y);
        if (acc.rows() != y.rows() || acc.cols() != y.cols()) {
            throw new IllegalArgumentException("spmmAccumulate: ACC is " + acc.shape() + " but Y = A·X is " + y.shape());
        }
        if (acc == y) {
            throw new IllegalArgumentException("spmmAccumulate: ACC and Y must be different matrices (Y is written, ACC "
                    + "accumulated into)");
        }
        if (acc == x) {
            throw new IllegalArgumentException("spmmAccumulate: ACC and X must be different matrices (X is read by other "
                    + "rows while ACC is written)");
        }
    }

    /**
     * Checks the NGCF propagation {@code SIDE = A·X, SUM = SIDE + X, BI = SIDE ⊙ X}: A square
     * (n x n), X, SIDE, SUM, BI all (n x d) and pairwise distinct.
     */
    public static void checkSpmmBiInteraction(SparseMatrix a, Matrix x, Matrix side, Matrix sum, Matrix bi) {
        checkSpmm("spmmBiInteraction", a, x, side);
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("spmmBiInteraction: A is " + a.rows() + "x" + a.cols()
                    + "; the bi-interaction pairs row r of A·X with row r of X, so A must be square");
        }
        Matrix[] outs = {side, sum, bi};
        String[] names = {"SIDE", "SUM", "BI"};
        for (int i = 0; i < outs.length; i++) {
            if (outs[i].rows() != x.rows() || outs[i].cols() != x.cols()) {
                throw new IllegalArgumentException("spmmBiInteraction: " + names[i] + " is " + outs[i].shape() + " but X is "
                        + x.shape());
            }
            if (outs[i] == x) {
                throw new IllegalArgumentException("spmmBiInteraction: " + names[i] + " must not be X (X is read by other rows)");
            }
            for (int j = 0; j < i; j++) {
                if (outs[i] == outs[j]) {
                    throw new IllegalArgumentException("spmmBiInteraction: " + names[j] + " and " + names[i]
                            + " must be different matrices");
                }
            }
        }
    }

    /** Checks {@code c = alpha·op(a)·op(b) + beta·c} and returns {m, n, k}. */
    public static long[] checkGemm(boolean transA, boolean transB, Matrix a, Matrix b, Matrix c) {
        long m = transA ? a.cols() : a.rows();
        long ka = transA ? a.rows() : a.cols();
        long kb = transB ? b.cols() : b.rows();
        long n = transB ? b.rows() : b.cols();
        if (ka != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ, op(A) is " + m + "x" + ka + ", op(B) is "
                    + kb + "x" + n + " (transA=" + transA + ", transB=" + transB + ")");
        }
        if (c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: C is " + c.shape() + " but op(A)·op(B) is " + m + "x" + n);
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException("gemm: C must not alias A or B");
        }
        return new long[] {m, n, ka};
    }

    /** Checks the arguments of a BPR step: F and grad (n x d), three index vectors of one length in [0, n), a 1x1 loss. */
    public static void checkBpr(Matrix f, IndexVector users, IndexVector pos, IndexVector neg, Matrix grad, Matrix lossSum) {
        requireSameShape("bprLossGrad: F vs grad", f, grad);
        if (users.length() != pos.length() || users.length() != neg.length()) {
            throw new IllegalArgumentException("bprLossGrad: batch lengths differ: users " + users.length() + ", pos "
                    + pos.length() + ", neg " + neg.length());
        }
        users.checkRange("bprLossGrad", "users", f.rows());
        pos.checkRange("bprLossGrad", "pos", f.rows());
        neg.checkRange("bprLossGrad", "neg", f.rows());
        checkScalar("bprLossGrad", lossSum);
        if (f == grad) {
            throw new IllegalArgumentException("bprLossGrad: grad must not alias F");
        }
    }

    /** Checks a per-row op over E and grad (n x d) with row ids in [0, n) and a 1x1 loss. */
    public static void checkRowsOp(String op, Matrix e, IndexVector rows, Matrix grad, Matrix lossSum) {
        requireSameShape(op + ": E vs grad", e, grad);
        rows.checkRange(op, "rows", e.rows());
        checkScalar(op, lossSum);
        if (e == grad) {
            throw new IllegalArgumentException(op + ": grad must not alias E");
        }
    }

    public static void checkScalar(String op, Matrix lossSum) {
        if (lossSum.rows() != 1 || lossSum.cols() != 1) {
            throw new IllegalArgumentException(op + ": lossSum must be 1x1, is " + lossSum.shape());
        }
    }

    /** Checks Adam's tensors (one shape, no aliasing) and hyper-parameters. */
    public static void checkAdam(Matrix p, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2, float eps,
                                 long step) {
        requireSameShape("adam: param vs grad", p, g);
        requireSameShape("adam: param vs m", p, m);
        requireSameShape("adam: param vs v", p, v);
        if (p == g || p == m || p == v || g == m || g == v || m == v) {
            throw new IllegalArgumentException("adam: param, grad, m and v must be four distinct matrices");
        }
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || step < 1) {
            throw new IllegalArgumentException("adam: bad hyper-parameters lr=" + lr + " beta1=" + beta1 + " beta2=" + beta2
                    + " eps=" + eps + " step=" + step + " (need lr >= 0, 0 <= beta < 1, eps > 0, step >= 1)");
        }
    }

    // ---- NGCF ops ----

    /** Elementwise op over matrices of one shape (op name for messages). */
    public static void checkElementwise(String op, Matrix first, Matrix... others) {
        for (Matrix m : others) {
            requireSameShape(op, first, m);
        }
    }

    /** {@code x: (n x d)}, {@code row: (1 x d)} (bias add, column sums). */
    public static void checkRowVector(String op, Matrix x, Matrix row) {
        if (row == x) {
            throw new IllegalArgumentException(op + ": the row vector must not be the matrix itself");
        }
        if (row.rows() != 1 || row.cols() != x.cols()) {
            throw new IllegalArgumentException(op + ": row vector is " + row.shape() + ", needs 1x" + x.cols()
                    + " for a " + x.shape() + " matrix");
        }
    }

    /** Normalisation eps: finite and > 0. */
    public static void checkEps(String op, float eps) {
        if (!(eps > 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(op + ": eps " + eps + " must be finite and > 0");
        }
    }

    /** Column block [srcCol, srcCol + width) of src onto [dstCol, dstCol + width) of dst, same rows. */
    public static void checkCopyColumns(Matrix src, long srcCol, Matrix dst, long dstCol, long width) {
        if (src == dst) {
            throw new IllegalArgumentException("copyColumns: src and dst must be different matrices");
        }
        if (src.rows() != dst.rows()) {
            throw new IllegalArgumentException("copyColumns: src is " + src.shape() + " but dst is " + dst.shape()
                    + " (row counts differ)");
        }
        if (width < 0 || srcCol < 0 || dstCol < 0 || srcCol > src.cols() - width || dstCol > dst.cols() - width) {
            throw new IllegalArgumentException("copyColumns: block of width " + width + " from column " + srcCol + " of "
                    + src.shape() + " to column " + dstCol + " of " + dst.shape() + " is out of range");
        }
    }
}
