package org.reckernels.backend.java;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.BackendInfo;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.Shapes;
import org.reckernels.tensor.SparseMatrix;

/**
 * The pure-Java backend: off-heap tensors ({@link HostMatrix}, {@link CsrMatrix}), Vector API
 * inner loops ({@link HostKernels}), and a fork-join pool over output rows. Ops run
 * synchronously on the calling thread plus the pool.
 */
public final class JavaBackend implements Backend {
    /** Below this much work (multiply-adds) an op runs on the calling thread alone. */
    private static final long SERIAL_WORK = 1L << 15;
    /** Chunks per thread: enough to even out power-law rows, few enough to keep overhead low. */
    private static final int CHUNKS_PER_THREAD = 8;

    private final Parallel parallel;
    private final HostKernels kernels;

    public JavaBackend() {
        this(Parallel.defaultThreads());
    }

    public JavaBackend(int threads) {
        this(threads, HostKernels.get());
    }

    /** For tests that pin the inner loops (vector or scalar) whatever the JVM flags. */
    JavaBackend(int threads, HostKernels kernels) {
        this.parallel = new Parallel(threads);
        this.kernels = kernels;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public BackendInfo info() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("threads", Integer.toString(parallel.threads()));
        details.put("simd", kernels.describe() + " (" + HostKernels.reason() + ")");
        details.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        return new BackendInfo("java", "cpu-" + Runtime.getRuntime().availableProcessors() + "c",
                List.of("spmm_csr_f32 [" + kernels.describe() + "]", "gemm_f32 [" + kernels.describe() + "]"), details);
    }

    @Override
    public Matrix allocate(long rows, long cols) {
        return HostMatrix.zeros(rows, cols);
    }

    @Override
    public Matrix upload(HostMatrix src) {
        HostMatrix m = HostMatrix.zeros(src.rows(), src.cols());
        m.copyFrom(src);
        return m;
    }

    @Override
    public void download(Matrix src, HostMatrix dst) {
        dst.copyFrom(host(src, "download", "src"));
    }

    @Override
    public SparseMatrix upload(CsrMatrix src) {
        // Host CSR is immutable after construction, so the Java backend can share it. The caller
        // still closes the returned handle, which must not free the source: wrap it.
        return new SharedCsr(src);
    }

    @Override
    public void spmm(SparseMatrix a, Matrix x, Matrix y) {
        Shapes.checkSpmm(a, x, y);
        CsrMatrix csr = csr(a);
        HostMatrix hx = host(x, "spmm", "X");
        HostMatrix hy = host(y, "spmm", "Y");
        int d = Math.toIntExact(x.cols());
        long rows = csr.rows();
        long work = (csr.nnz() + rows) * Math.max(1, d);
        int chunks = work < SERIAL_WORK ? 1 : (int) Math.min(rows, (long) parallel.threads() * CHUNKS_PER_THREAD);
        long[] bounds = nnzBalancedBounds(csr, chunks);
        parallel.forEach(chunks, t -> kernels.spmmRows(csr, hx.segment(), hy.segment(), d, bounds[t], bounds[t + 1]));
    }

    /**
     * Splits rows into {@code chunks} ranges of about equal cost, where a row costs its non-zeros
     * plus one (for writing it): with power-law degrees, equal row counts would leave one thread
     * holding the hubs. Returns chunks+1 boundaries.
     */
    static long[] nnzBalancedBounds(CsrMatrix a, int chunks) {
        long rows = a.rows();
        long total = a.nnz() + rows;
        long[] bounds = new long[chunks + 1];
        bounds[chunks] = rows;
        for (int t = 1; t < chunks; t++) {
            long target = total * t / chunks;
            long lo = bounds[t - 1];
            long hi = rows;
            while (lo < hi) { // first row r with rowPtr[r] + r >= target
                long mid = (lo + hi) >>> 1;
                if (a.rowStart(mid) + mid < target) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            bounds[t] = lo;
        }
        return bounds;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        long[] mnk = Shapes.checkGemm(transA, transB, a, b, c);
        HostMatrix ha = host(a, "gemm", "A");
        HostMatrix hb = host(b, "gemm", "B");
        HostMatrix hc = host(c, "gemm", "C");
        int m = Math.toIntExact(mnk[0]);
        int n = Math.toIntExact(mnk[1]);
        int k = Math.toIntExact(mnk[2]);
        // The row kernel streams rows of op(B); a transposed B is copied once into k x n.
        HostMatrix bkn = transB ? transpose(hb) : hb;
        try {
            long aRowStride = transA ? 1 : k;   // element (i, p) of op(A) at i*aRowStride + p*aColStride
            long aColStride = transA ? m : 1;
            long work = (long) m * n * Math.max(1, k);
            int chunks = work < SERIAL_WORK ? 1 : Math.min(m, parallel.threads() * CHUNKS_PER_THREAD);
            parallel.forEach(chunks, t -> {
                long i0 = (long) m * t / chunks;
                long i1 = (long) m * (t + 1) / chunks;
                for (long i = i0; i < i1; i++) {
                    kernels.gemvRow(ha.segment(), i * aRowStride, aColStride, k, bkn.segment(), n, alpha, beta,
                            hc.segment(), i * n);
                }
            });
        } finally {
            if (bkn != hb) {
                bkn.close();
            }
        }
    }

    private static HostMatrix transpose(HostMatrix src) {
        HostMatrix t = HostMatrix.zeros(src.cols(), src.rows());
        for (long r = 0; r < src.rows(); r++) {
            for (long c = 0; c < src.cols(); c++) {
                t.set(c, r, src.get(r, c));
            }
        }
        return t;
    }

    @Override
    public void synchronize() {
        // Ops are synchronous.
    }

    @Override
    public void close() {
        parallel.close();
    }

    private static HostMatrix host(Matrix m, String op, String arg) {
        if (m instanceof HostMatrix h) {
            return h;
        }
        throw new IllegalArgumentException(op + ": " + arg + " is a " + m.getClass().getSimpleName()
                + ", not a matrix of the java backend (use this backend's allocate/upload)");
    }

    private static CsrMatrix csr(SparseMatrix a) {
        if (a instanceof SharedCsr s) {
            return s.csr;
        }
        if (a instanceof CsrMatrix c) {
            return c;
        }
        throw new IllegalArgumentException("spmm: A is a " + a.getClass().getSimpleName()
                + ", not a sparse matrix of the java backend (use this backend's upload)");
    }

    /** A non-owning handle on a host CSR matrix: closing it leaves the source open. */
    private record SharedCsr(CsrMatrix csr) implements SparseMatrix {
        @Override
        public long rows() {
            return csr.rows();
        }

        @Override
        public long cols() {
            return csr.cols();
        }

        @Override
        public long nnz() {
            return csr.nnz();
        }

        @Override
        public boolean unitValues() {
            return csr.unitValues();
        }

        @Override
        public void close() {
        }
    }
}
