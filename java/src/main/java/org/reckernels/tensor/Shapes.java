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
        if (a.cols() != x.rows()) {
            throw new IllegalArgumentException("spmm: A is " + a.rows() + "x" + a.cols() + " but X has " + x.rows()
                    + " rows (needs " + a.cols() + ")");
        }
        if (y.rows() != a.rows() || y.cols() != x.cols()) {
            throw new IllegalArgumentException("spmm: Y is " + y.shape() + " but A·X is " + a.rows() + "x" + x.cols());
        }
        if (x == y) {
            throw new IllegalArgumentException("spmm: X and Y must be different matrices (the op is not in place)");
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
}
