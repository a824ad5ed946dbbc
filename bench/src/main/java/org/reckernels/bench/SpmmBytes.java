package org.reckernels.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.reckernels.tensor.SparseMatrix;

/**
 * The byte model of {@code Y = A·X} (A: m x k CSR with nnz entries, X: k x d, Y: m x d, float32),
 * used by every SpMM benchmark so that GB/s figures are comparable.
 *
 * <pre>
 *   csr        = 8 (m+1)            row offsets, int64
 *              + 4 nnz              column indices, int32
 *              + 4 nnz              values, float32 (0 when A has unit values)
 *   modelled   = csr + 4 d nnz + 4 d m     one X row of d floats per non-zero, Y written once
 *   compulsory = csr + 4 d k   + 4 d m     X read exactly once (the floor no kernel beats)
 * </pre>
 * The modelled count is what a kernel without X reuse moves; a kernel that caches X rows well
 * moves less, so modelled GB/s can exceed the memory bandwidth. Compulsory GB/s cannot.
 */
public record SpmmBytes(long rows, long cols, long nnz, int d, boolean unitValues) {
    public static final String MODEL = "CSR once (rowPtr 8B/row + colIdx 4B/nnz + value 4B/nnz) + one X row of d"
            + " float32 per non-zero + Y written once; compulsory: CSR + X read once + Y once";

    public static SpmmBytes of(SparseMatrix a, int d) {
        return new SpmmBytes(a.rows(), a.cols(), a.nnz(), d, a.unitValues());
    }

    public long csr() {
        return 8 * (rows + 1) + 4 * nnz + (unitValues ? 0 : 4 * nnz);
    }

    public long modelled() {
        return csr() + 4L * d * nnz + 4L * d * rows;
    }

    public long compulsory() {
        return csr() + 4L * d * cols + 4L * d * rows;
    }

    /** GB/s (1e9 bytes per second) of {@code bytes} moved in {@code ms} milliseconds. */
    public static double gbps(long bytes, double ms) {
        return bytes / (ms * 1e-3) / 1e9;
    }

    /** Settings entries describing the problem and the byte model. */
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("d", d);
        s.put("rows", rows);
        s.put("cols", cols);
        s.put("nnz", nnz);
        s.put("byte_model", MODEL);
        s.put("bytes", modelled());
        s.put("compulsory_bytes", compulsory());
        return s;
    }
}
