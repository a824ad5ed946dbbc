package org.reckernels.backend.java;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.BackendInfo;
import org.reckernels.backend.DropoutMask;
import org.reckernels.graph.NormalizedAdjacency;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.Shapes;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.backend.AlsParams;

/**
 * The pure-Java backend: off-heap tensors ({@link HostMatrix}, {@link CsrMatrix}), Vector API
 * inner loops ({@link HostKernels}), and a fork-join pool over output rows. Ops run
 * synchronously on the calling thread plus the pool.
 */
public final class JavaBackend implements Backend, org.reckernels.backend.FusedFmOps,
        org.reckernels.backend.FusedDenseOps {
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
                List.of("spmm_csr_f32 [" + kernels.describe() + "]",
                        "spmm_acc_csr_f32 [" + kernels.describe() + "]", "gemm_f32 [" + kernels.describe() + "]"), details);
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
    public SparseMatrix normalizedAdjacency(CsrMatrix interactions) {
        return NormalizedAdjacency.build(interactions); // owned: closing the handle frees it
    }

    @Override
    public void spmm(SparseMatrix a, Matrix x, Matrix y) {
        Shapes.checkSpmm(a, x, y);
        spmmRows(csr(a), host(x, "spmm", "X"), host(y, "spmm", "Y"), 0f, null);
    }

    @Override
    public void spmmAccumulate(SparseMatrix a, Matrix x, Matrix y, float alpha, Matrix acc) {
        Shapes.checkSpmmAccumulate(a, x, y, acc);
        spmmRows(csr(a), host(x, "spmmAccumulate", "X"), host(y, "spmmAccumulate", "Y"), alpha,
                host(acc, "spmmAccumulate", "ACC"));
    }

    @Override
    public void spmmBiInteraction(SparseMatrix a, Matrix x, Matrix side, Matrix sum, Matrix bi) {
        Shapes.checkSpmmBiInteraction(a, x, side, sum, bi);
        CsrMatrix csr = csr(a);
        HostMatrix hx = host(x, "spmmBiInteraction", "X");
        HostMatrix hs = host(side, "spmmBiInteraction", "SIDE");
        HostMatrix hsum = host(sum, "spmmBiInteraction", "SUM");
        HostMatrix hbi = host(bi, "spmmBiInteraction", "BI");
        int d = Math.toIntExact(hx.cols());
        long rows = csr.rows();
        long work = (csr.nnz() + rows) * Math.max(1, d);
        int chunks = work < SERIAL_WORK ? 1 : (int) Math.min(rows, (long) parallel.threads() * CHUNKS_PER_THREAD);
        long[] bounds = nnzBalancedBounds(csr, chunks);
        parallel.forEach(chunks, t -> {
            // Blocks of rows small enough that SIDE's rows are still in L1/L2 when the epilogue reads them.
            for (long r0 = bounds[t]; r0 < bounds[t + 1]; r0 += BI_BLOCK_ROWS) {
                long r1 = Math.min(bounds[t + 1], r0 + BI_BLOCK_ROWS);
                kernels.spmmRows(csr, hx.segment(), hs.segment(), d, r0, r1, 0f, null);
                long from = r0 * d;
                long to = r1 * d;
                kernels.axpby(1f, hs.segment(), 0f, hsum.segment(), from, to);
                kernels.axpby(1f, hx.segment(), 1f, hsum.segment(), from, to);
                kernels.hadamard(1f, hs.segment(), hx.segment(), 0f, hbi.segment(), from, to);
            }
        });
    }

    /** Rows per block of {@link #spmmBiInteraction}'s epilogue (64 rows x d = 64 is 16 KiB per matrix). */
    private static final long BI_BLOCK_ROWS = 64;

    /** Y = A·X (and ACC += alpha·Y when acc is not null), rows split nnz-balanced over the pool. */
    private void spmmRows(CsrMatrix csr, HostMatrix hx, HostMatrix hy, float alpha, HostMatrix acc) {
        int d = Math.toIntExact(hx.cols());
        long rows = csr.rows();
        long work = (csr.nnz() + rows) * Math.max(1, d);
        int chunks = work < SERIAL_WORK ? 1 : (int) Math.min(rows, (long) parallel.threads() * CHUNKS_PER_THREAD);
        long[] bounds = nnzBalancedBounds(csr, chunks);
        java.lang.foreign.MemorySegment out = acc == null ? null : acc.segment();
        parallel.forEach(chunks, t -> kernels.spmmRows(csr, hx.segment(), hy.segment(), d, bounds[t], bounds[t + 1],
                alpha, out));
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
        if (kernels instanceof VectorKernels) {
            vectorGemm().gemm(transA, transB, alpha, ha, hb, beta, hc, m, n, k);
            return;
        }
        // The row kernel streams rows of op(B); a transposed B is copied once into k x n.
        HostMatrix bkn = transB ? transpose(hb) : hb;
        try {
            if (transA && (long) m * n <= SMALL_OUTPUT && k > m) {
                gemmTransAOuter(ha, bkn, hc, m, n, k, alpha, beta);
                return;
            }
            long aRowStride = transA ? 1 : k;   // element (i, p) of op(A) at i*aRowStride + p*aColStride
            long aColStride = transA ? m : 1;
            long work = (long) m * n * Math.max(1, k);
            int chunks = work < SERIAL_WORK ? 1 : Math.min(m, parallel.threads() * CHUNKS_PER_THREAD);
            parallel.forEach(chunks, t -> {
                long i0 = (long) m * t / chunks;
                long i1 = (long) m * (t + 1) / chunks;
                kernels.gemmRows(ha.segment(), aRowStride, aColStride, k, bkn.segment(), n, alpha, beta,
                        hc.segment(), i0, i1);
            });
        } finally {
            if (bkn != hb) {
                bkn.close();
            }
        }
    }

    private volatile VectorGemm vectorGemm;

    /** The blocked Vector API GEMM (made on first use: it needs the incubator module, as VectorKernels does). */
    private VectorGemm vectorGemm() {
        VectorGemm g = vectorGemm;
        if (g == null) {
            synchronized (this) {
                if (vectorGemm == null) {
                    vectorGemm = new VectorGemm(parallel);
                }
                g = vectorGemm;
            }
        }
        return g;
    }

    /** Output size below which a transposed-A GEMM accumulates outer products (see gemmTransAOuter). */
    private static final long SMALL_OUTPUT = 1 << 16;

    /** Bytes of A and B rows per block of gemmTransAOuter (well inside a 1-2 MiB L2). */
    private static final long TRANS_A_BLOCK_BYTES = 256 << 10;

    /**
     * {@code C = alpha·Aᵀ·B + beta·C} for a small C (m x n) and a long inner dimension k (weight
     * gradients such as Eᵀ·G over all nodes): A (k x m) and B (k x n) are streamed once, each chunk of
     * rows p adding its L2-sized blocks of Aᵀ·B (register tiles, {@link HostKernels#gemmTransAAcc})
     * into its own partial C, and the partials are summed in chunk order (deterministic for a fixed
     * pool size). The row-by-row path would stream all of B once per output row, with strided reads
     * of A.
     */
    private void gemmTransAOuter(HostMatrix a, HostMatrix b, HostMatrix c, int m, int n, int k, float alpha, float beta) {
        int chunks = (long) m * n * k < SERIAL_WORK ? 1 : Math.min(k, parallel.threads() * 2);
        try (HostMatrix partial = HostMatrix.scratch((long) chunks * m, n)) {
            parallel.forEach(chunks, t -> {
                long base = (long) t * m * n;
                long e = (long) k * (t + 1) / chunks;
                // Blocks of rows p small enough for their A and B rows to stay in L2 while the
                // register tiles of the partial sweep over them.
                long blockRows = Math.max(16, TRANS_A_BLOCK_BYTES / ((long) (m + n) * Float.BYTES));
                for (long p = (long) k * t / chunks; p < e; p += blockRows) {
                    kernels.gemmTransAAcc(a.segment(), m, b.segment(), n, p, Math.min(e, p + blockRows),
                            partial.segment(), base);
                }
            });
            for (int t = 1; t < chunks; t++) {
                long base = (long) t * m * n;
                for (int i = 0; i < m; i++) {
                    kernels.axpy(1f, partial.segment(), base + (long) i * n, partial.segment(), (long) i * n, n);
                }
            }
            // C = alpha·(sum) + beta·C over the first m x n block of the partials.
            kernels.axpby(alpha, partial.segment(), beta, c.segment(), 0, (long) m * n);
        }
    }

    private static HostMatrix transpose(HostMatrix src) {
        HostMatrix t = HostMatrix.scratch(src.cols(), src.rows());
        for (long r = 0; r < src.rows(); r++) {
            for (long c = 0; c < src.cols(); c++) {
                t.set(c, r, src.get(r, c));
            }
        }
        return t;
    }

    @Override
    public IndexVector upload(int[] indices) {
        return HostIndexVector.of(indices);
    }

    @Override
    public void fill(Matrix m, float value) {
        HostMatrix h = host(m, "fill", "m");
        elementwise(h.elements(), (from, to) -> kernels.fill(h.segment(), value, from, to));
    }

    @Override
    public void axpby(float alpha, Matrix x, float beta, Matrix y) {
        Shapes.requireSameShape("axpby", x, y);
        HostMatrix hx = host(x, "axpby", "x");
        HostMatrix hy = host(y, "axpby", "y");
        elementwise(hx.elements(), (from, to) -> kernels.axpby(alpha, hx.segment(), beta, hy.segment(), from, to));
    }

    @Override
    public void bprLossGrad(Matrix f, IndexVector users, IndexVector pos, IndexVector neg, float scale, Matrix grad,
                            Matrix lossSum) {
        Shapes.checkBpr(f, users, pos, neg, grad, lossSum);
        HostMatrix hf = host(f, "bprLossGrad", "F");
        HostMatrix hg = host(grad, "bprLossGrad", "grad");
        HostMatrix hl = host(lossSum, "bprLossGrad", "lossSum");
        HostIndexVector u = index(users, "bprLossGrad", "users");
        HostIndexVector p = index(pos, "bprLossGrad", "pos");
        HostIndexVector n = index(neg, "bprLossGrad", "neg");
        int d = Math.toIntExact(f.cols());
        int b = Math.toIntExact(users.length());
        // Scores in parallel (the reads), then the scatter on one thread: rows repeat within a
        // batch, and a serial scatter of b·3 rows costs little next to the dot products.
        float[] coef = new float[b];
        double[] loss = new double[b];
        int chunks = (long) b * d < SERIAL_WORK ? 1 : parallel.threads() * CHUNKS_PER_THREAD;
        parallel.forEach(chunks, t -> {
            for (int i = b * t / chunks, e = b * (t + 1) / chunks; i < e; i++) {
                long ur = (long) u.get(i) * d;
                float sPos = kernels.dot(hf.segment(), ur, hf.segment(), (long) p.get(i) * d, d);
                float sNeg = kernels.dot(hf.segment(), ur, hf.segment(), (long) n.get(i) * d, d);
                double sc = (double) sPos - sNeg;
                loss[i] = softplus(-sc);
                coef[i] = (float) (scale * (sigmoid(sc) - 1.0));
            }
        });
        double total = 0;
        for (int i = 0; i < b; i++) {
            long ur = (long) u.get(i) * d;
            long pr = (long) p.get(i) * d;
            long nr = (long) n.get(i) * d;
            kernels.axpy(coef[i], hf.segment(), pr, hg.segment(), ur, d);
            kernels.axpy(-coef[i], hf.segment(), nr, hg.segment(), ur, d);
            kernels.axpy(coef[i], hf.segment(), ur, hg.segment(), pr, d);
            kernels.axpy(-coef[i], hf.segment(), ur, hg.segment(), nr, d);
            total += loss[i];
        }
        hl.set(0, 0, (float) (hl.get(0, 0) + total));
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    @Override
    public void l2RowsLossGrad(Matrix e, IndexVector rows, float coef, Matrix grad, Matrix lossSum) {
        Shapes.checkRowsOp("l2RowsLossGrad", e, rows, grad, lossSum);
        HostMatrix he = host(e, "l2RowsLossGrad", "E");
        HostMatrix hg = host(grad, "l2RowsLossGrad", "grad");
        HostMatrix hl = host(lossSum, "l2RowsLossGrad", "lossSum");
        HostIndexVector r = index(rows, "l2RowsLossGrad", "rows");
        int d = Math.toIntExact(e.cols());
        double sq = 0;
        for (long i = 0; i < r.length(); i++) {
            long o = (long) r.get(i) * d;
            sq += kernels.dot(he.segment(), o, he.segment(), o, d);
            kernels.axpy(coef, he.segment(), o, hg.segment(), o, d);
        }
        hl.set(0, 0, (float) (hl.get(0, 0) + 0.5 * coef * sq));
    }

    @Override
    public void adam(Matrix param, Matrix grad, Matrix m, Matrix v, float lr, float beta1, float beta2, float eps,
                     long step) {
        Shapes.checkAdam(param, grad, m, v, lr, beta1, beta2, eps, step);
        HostMatrix hp = host(param, "adam", "param");
        HostMatrix hg = host(grad, "adam", "grad");
        HostMatrix hm = host(m, "adam", "m");
        HostMatrix hv = host(v, "adam", "v");
        org.reckernels.backend.AdamStep k = org.reckernels.backend.AdamStep.of(lr, beta1, beta2, step);
        elementwise(hp.elements(), (from, to) -> kernels.adam(hp.segment(), hg.segment(), hm.segment(), hv.segment(),
                beta1, beta2, eps, k.c1(), k.c2(), from, to));
    }

    private interface Range {
        void run(long from, long to);
    }

    /** Splits [0, n) into equal ranges (multiples of 64 elements) over the pool. */
    private void elementwise(long n, Range body) {
        int chunks = n < SERIAL_WORK ? 1 : (int) Math.min(parallel.threads() * 4L, n / 64);
        parallel.forEach(chunks, t -> body.run(n * t / chunks / 64 * 64, t == chunks - 1 ? n : n * (t + 1) / chunks / 64 * 64));
    }

    @Override
    public void synchronize() {
        // Ops are synchronous.
    }

    @Override
    public void close() {
        if (ctrOps != null) {
            ctrOps.close();
        }
        parallel.close();
    }

    private static HostMatrix host(Matrix m, String op, String arg) {
        if (m instanceof HostMatrix h) {
            return h;
        }
        throw new IllegalArgumentException(op + ": " + arg + " is a " + m.getClass().getSimpleName()
                + ", not a matrix of the java backend (use this backend's allocate/upload)");
    }

    private static HostIndexVector index(IndexVector v, String op, String arg) {
        if (v instanceof HostIndexVector h) {
            return h;
        }
        throw new IllegalArgumentException(op + ": " + arg + " is a " + v.getClass().getSimpleName()
                + ", not an index vector of the java backend (use this backend's upload)");
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

    // ---- NGCF ops ----

    @Override
    public void hadamard(float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Shapes.checkElementwise("hadamard", a, b, c);
        HostMatrix ha = host(a, "hadamard", "a");
        HostMatrix hb = host(b, "hadamard", "b");
        HostMatrix hc = host(c, "hadamard", "c");
        elementwise(hc.elements(), (from, to) -> kernels.hadamard(alpha, ha.segment(), hb.segment(), beta, hc.segment(),
                from, to));
    }

    @Override
    public void leakyRelu(Matrix x, float slope, Matrix y) {
        Shapes.checkElementwise("leakyRelu", x, y);
        HostMatrix hx = host(x, "leakyRelu", "x");
        HostMatrix hy = host(y, "leakyRelu", "y");
        elementwise(hx.elements(), (from, to) -> kernels.leakyRelu(hx.segment(), slope, hy.segment(), from, to));
    }

    @Override
    public void leakyReluBackward(Matrix x, Matrix gradY, float slope, Matrix gradX) {
        Shapes.checkElementwise("leakyReluBackward", x, gradY, gradX);
        HostMatrix hx = host(x, "leakyReluBackward", "x");
        HostMatrix hgy = host(gradY, "leakyReluBackward", "gradY");
        HostMatrix hgx = host(gradX, "leakyReluBackward", "gradX");
        elementwise(hx.elements(), (from, to) -> kernels.leakyReluBackward(hx.segment(), hgy.segment(), slope,
                hgx.segment(), from, to));
    }

    @Override
    public void addBias(Matrix x, Matrix bias) {
        Shapes.checkRowVector("addBias", x, bias);
        HostMatrix hx = host(x, "addBias", "x");
        HostMatrix hb = host(bias, "addBias", "bias");
        int d = Math.toIntExact(x.cols());
        rows(x.rows(), d, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                kernels.axpy(1f, hb.segment(), 0, hx.segment(), r * d, d);
            }
        });
    }

    @Override
    public void columnSums(Matrix x, Matrix out) {
        Shapes.checkRowVector("columnSums", x, out);
        HostMatrix hx = host(x, "columnSums", "x");
        HostMatrix ho = host(out, "columnSums", "out");
        int d = Math.toIntExact(x.cols());
        long n = x.rows();
        // Fixed chunks (not thread-dependent) with one partial row each, then summed in order:
        // the result is the same whatever the pool size.
        int chunks = n * d < SERIAL_WORK ? 1 : (int) Math.min(n, 64);
        try (HostMatrix partial = HostMatrix.scratch(chunks, d)) {
            parallel.forEach(chunks, t -> {
                for (long r = n * t / chunks, e = n * (t + 1) / chunks; r < e; r++) {
                    kernels.axpy(1f, hx.segment(), r * d, partial.segment(), (long) t * d, d);
                }
            });
            for (int t = 0; t < chunks; t++) {
                kernels.axpy(1f, partial.segment(), (long) t * d, ho.segment(), 0, d);
            }
        }
    }

    @Override
    public void rowL2Normalize(Matrix x, float eps, Matrix y) {
        Shapes.checkElementwise("rowL2Normalize", x, y);
        Shapes.checkEps("rowL2Normalize", eps);
        HostMatrix hx = host(x, "rowL2Normalize", "x");
        HostMatrix hy = host(y, "rowL2Normalize", "y");
        int d = Math.toIntExact(x.cols());
        rows(x.rows(), d, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long o = r * d;
                float norm = (float) Math.sqrt(kernels.dot(hx.segment(), o, hx.segment(), o, d));
                kernels.axpby(1f / Math.max(norm, eps), hx.segment(), 0f, hy.segment(), o, o + d);
            }
        });
    }

    @Override
    public void rowL2NormalizeBackward(Matrix x, Matrix gradY, float eps, float beta, Matrix gradX) {
        Shapes.checkElementwise("rowL2NormalizeBackward", x, gradY, gradX);
        Shapes.checkEps("rowL2NormalizeBackward", eps);
        if (gradX == x || gradX == gradY) {
            throw new IllegalArgumentException("rowL2NormalizeBackward: gradX must differ from x and gradY");
        }
        HostMatrix hx = host(x, "rowL2NormalizeBackward", "x");
        HostMatrix hgy = host(gradY, "rowL2NormalizeBackward", "gradY");
        HostMatrix hgx = host(gradX, "rowL2NormalizeBackward", "gradX");
        int d = Math.toIntExact(x.cols());
        rows(x.rows(), d, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long o = r * d;
                float norm = (float) Math.sqrt(kernels.dot(hx.segment(), o, hx.segment(), o, d));
                if (norm > eps) {
                    float xg = kernels.dot(hx.segment(), o, hgy.segment(), o, d);
                    float inv = 1f / norm;
                    kernels.axpby(inv, hgy.segment(), beta, hgx.segment(), o, o + d);
                    kernels.axpy(-xg * inv * inv * inv, hx.segment(), o, hgx.segment(), o, d);
                } else {
                    kernels.axpby(1f / eps, hgy.segment(), beta, hgx.segment(), o, o + d);
                }
            }
        });
    }

    @Override
    public void dropout(Matrix x, float rate, long seed, long step, Matrix y) {
        Shapes.checkElementwise("dropout", x, y);
        DropoutMask.checkRate(rate);
        HostMatrix hx = host(x, "dropout", "x");
        HostMatrix hy = host(y, "dropout", "y");
        if (rate == 0f) {
            if (hx != hy) {
                hy.copyFrom(hx);
            }
            return;
        }
        long keys = DropoutMask.keys(seed, step);
        int threshold = DropoutMask.threshold(rate);
        float scale = DropoutMask.scale(rate);
        elementwise(hx.elements(), (from, to) -> kernels.dropout(hx.segment(), hy.segment(), DropoutMask.k0(keys),
                DropoutMask.k1(keys), threshold, scale, from, to));
    }

    @Override
    public void copyColumns(Matrix src, long srcCol, Matrix dst, long dstCol, long width) {
        Shapes.checkCopyColumns(src, srcCol, dst, dstCol, width);
        HostMatrix hs = host(src, "copyColumns", "src");
        HostMatrix hd = host(dst, "copyColumns", "dst");
        if (width == 0) {
            return;
        }
        long sc = src.cols();
        long dc = dst.cols();
        rows(src.rows(), width, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                java.lang.foreign.MemorySegment.copy(hs.segment(), (r * sc + srcCol) * Float.BYTES, hd.segment(),
                        (r * dc + dstCol) * Float.BYTES, width * Float.BYTES);
            }
        });
    }

    private interface RowRange {
        void run(long r0, long r1);
    }

    /** Splits rows [0, n) of width d into equal ranges over the pool (one range when small). */
    private void rows(long n, long d, RowRange body) {
        int chunks = n * Math.max(1, d) < SERIAL_WORK ? 1 : (int) Math.min(n, (long) parallel.threads() * CHUNKS_PER_THREAD);
        parallel.forEach(chunks, t -> body.run(n * t / chunks, n * (t + 1) / chunks));
    }

    // ---- implicit ALS (kept at the end of the class) ----

    @Override
    public void alsConjugateGradientStep(SparseMatrix interactions, Matrix fixedFactors, Matrix gramian, Matrix factors,
                                         AlsParams params) {
        int d = AlsParams.checkShapes(interactions, fixedFactors, gramian, factors);
        CsrMatrix r;
        if (interactions instanceof SharedCsr s) {
            r = s.csr;
        } else if (interactions instanceof CsrMatrix c) {
            r = c;
        } else {
            throw new IllegalArgumentException("alsConjugateGradientStep: interactions is a " + interactions.getClass().getSimpleName()
                    + ", not a sparse matrix of the java backend (use this backend's upload)");
        }
        HostMatrix v = host(fixedFactors, "alsConjugateGradientStep", "fixedFactors");
        HostMatrix x = host(factors, "alsConjugateGradientStep", "factors");
        float[] gram = host(gramian, "alsConjugateGradientStep", "gramian").toArray();
        long rows = r.rows();
        if (rows == 0 || d == 0) {
            return;
        }
        long work = (r.nnz() + rows * (long) d) * d * (params.cgSteps() + 1L);
        int chunks = work < SERIAL_WORK ? 1 : (int) Math.min(rows, (long) parallel.threads() * CHUNKS_PER_THREAD);
        long[] bounds = nnzBalancedBounds(r, chunks);
        parallel.forEach(chunks, t -> AlsSolver.solveRows(kernels, r, v.segment(), v.rows(), gram, x.segment(), d, params,
                bounds[t], bounds[t + 1]));
    }

    // ---- embedding bags, FM and logistic loss (kept at the end of the class; see CtrOps) ----

    private volatile CtrOps ctrOps;

    private CtrOps ctr() {
        CtrOps c = ctrOps;
        if (c == null) {
            synchronized (this) {
                c = ctrOps;
                if (c == null) {
                    c = new CtrOps(parallel, kernels instanceof ScalarKernels ? new ScalarCtrKernels() : new VectorCtrKernels());
                    ctrOps = c;
                }
            }
        }
        return c;
    }

    @Override
    public void embeddingBagForward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                                    Matrix perSampleWeights, org.reckernels.backend.EmbeddingBags.Pooling pooling,
                                    Matrix out) {
        String op = "embeddingBagForward";
        var shape = org.reckernels.backend.EmbeddingBags.checkForward(weights, tableOffsets, indices, offsets,
                perSampleWeights, pooling, out);
        ctr().forward(host(weights, op, "weights"), tableOffsets, index(indices, op, "indices"),
                index(offsets, op, "offsets"), perSampleWeights == null ? null : host(perSampleWeights, op, "perSampleWeights"),
                pooling, host(out, op, "out"), shape);
    }

    @Override
    public void embeddingBagBackward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                                     Matrix perSampleWeights, org.reckernels.backend.EmbeddingBags.Pooling pooling,
                                     Matrix gradOut, org.reckernels.backend.EmbeddingBags.SparseOptimizer optimizer,
                                     Matrix state1, Matrix state2, long step) {
        String op = "embeddingBagBackward";
        var shape = org.reckernels.backend.EmbeddingBags.checkBackward(weights, tableOffsets, indices, offsets,
                perSampleWeights, pooling, gradOut, optimizer, state1, state2, step);
        ctr().backward(host(weights, op, "weights"), tableOffsets, index(indices, op, "indices"),
                index(offsets, op, "offsets"), perSampleWeights == null ? null : host(perSampleWeights, op, "perSampleWeights"),
                pooling, host(gradOut, op, "gradOut"), optimizer, state1 == null ? null : host(state1, op, "state1"),
                state2 == null ? null : host(state2, op, "state2"), step, shape);
    }

    @Override
    public void fmForward(Matrix v, int fields, Matrix linear, Matrix logits) {
        org.reckernels.backend.EmbeddingBags.checkFm("fmForward", v, fields, linear, logits);
        ctr().fmForward(host(v, "fmForward", "v"), fields, linear == null ? null : host(linear, "fmForward", "linear"),
                host(logits, "fmForward", "logits"));
    }

    @Override
    public void fmBackward(Matrix v, int fields, Matrix gradLogits, Matrix gradV, Matrix gradLinear) {
        org.reckernels.backend.EmbeddingBags.checkFm("fmBackward", v, fields, gradLinear, gradLogits);
        Shapes.requireSameShape("fmBackward", v, gradV);
        if (gradV == v) {
            throw new IllegalArgumentException("fmBackward: gradV must differ from v");
        }
        ctr().fmBackward(host(v, "fmBackward", "v"), fields, host(gradLogits, "fmBackward", "gradLogits"),
                host(gradV, "fmBackward", "gradV"), gradLinear == null ? null : host(gradLinear, "fmBackward", "gradLinear"));
    }

    @Override
    public void logisticLossGrad(Matrix logits, Matrix labels, float scale, Matrix grad, Matrix lossSum) {
        org.reckernels.backend.EmbeddingBags.checkLogistic(logits, labels, grad, lossSum);
        ctr().logisticLossGrad(host(logits, "logisticLossGrad", "logits"), host(labels, "logisticLossGrad", "labels"),
                scale, host(grad, "logisticLossGrad", "grad"), host(lossSum, "logisticLossGrad", "lossSum"));
    }

    // ---- SGNS (kept at the end of the class) ----

    @Override
    public org.reckernels.backend.SgnsJob.SgnsResult sgnsTrain(Matrix input, Matrix output, org.reckernels.backend.SgnsJob job) {
        HostMatrix in = host(input, "sgnsTrain", "input");
        HostMatrix out = host(output, "sgnsTrain", "output");
        long v = job.negatives().size();
        if (in.rows() != v || out.rows() != v || in.cols() != out.cols()) {
            throw new IllegalArgumentException("sgnsTrain: input " + in.rows() + "x" + in.cols() + " and output " + out.rows() + "x"
                    + out.cols() + " must both be V x d with V = " + v + " (the vocabulary of the job)");
        }
        if (v * in.cols() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("sgnsTrain: the java backend holds tables of at most 2^31 floats; " + v + " x "
                    + in.cols() + " is larger");
        }
        // heap copies: the Vector API is fastest on arrays; two copies per training run are negligible
        float[] a = in.toArray();
        float[] b = out.toArray();
        org.reckernels.backend.SgnsJob.SgnsResult r = SgnsCpu.train(a, b, (int) in.cols(), job);
        java.lang.foreign.MemorySegment.copy(a, 0, in.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, a.length);
        java.lang.foreign.MemorySegment.copy(b, 0, out.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, b.length);
        return r;
    }

    // ---- evaluation ----

    @Override
    public void maskEntries(Matrix m, SparseMatrix pattern, long rowOffset, float value) {
        Shapes.checkMaskEntries(m, pattern, rowOffset);
        CsrMatrix p = csr(pattern);
        HostMatrix hm = host(m, "maskEntries", "m");
        long cols = hm.cols();
        java.lang.foreign.MemorySegment seg = hm.segment();
        for (long r = 0; r < hm.rows(); r++) {
            for (long k = p.rowStart(rowOffset + r); k < p.rowEnd(rowOffset + r); k++) {
                seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, r * cols + p.col(k), value);
            }
        }
    }

    // ---- field-aware FM (kept at the end of the class; see FfmOps) ----

    private volatile FfmOps ffmOps;

    private FfmOps ffm() {
        FfmOps f = ffmOps;
        if (f == null) {
            synchronized (this) {
                f = ffmOps;
                if (f == null) {
                    f = new FfmOps(parallel, kernels instanceof ScalarKernels ? new ScalarFfmKernels() : new VectorFfmKernels());
                    ffmOps = f;
                }
            }
        }
        return f;
    }

    @Override
    public void ffmForward(Matrix v, int fields, Matrix linear, Matrix logits) {
        org.reckernels.backend.FieldAwareShapes.check("ffmForward", v, fields, linear, logits);
        ffm().forward(host(v, "ffmForward", "v"), fields, linear == null ? null : host(linear, "ffmForward", "linear"),
                host(logits, "ffmForward", "logits"));
    }

    @Override
    public void ffmBackward(Matrix v, int fields, Matrix gradLogits, Matrix gradV, Matrix gradLinear) {
        org.reckernels.backend.FieldAwareShapes.check("ffmBackward", v, fields, gradLinear, gradLogits);
        Shapes.requireSameShape("ffmBackward", v, gradV);
        if (v == gradV) {
            throw new IllegalArgumentException("ffmBackward: gradV must differ from v");
        }
        ffm().backward(host(v, "ffmBackward", "v"), fields, host(gradLogits, "ffmBackward", "gradLogits"),
                host(gradV, "ffmBackward", "gradV"), gradLinear == null ? null : host(gradLinear, "ffmBackward", "gradLinear"));
    }

    // ---- dense layers (kept at the end of the class) ----

    @Override
    public void addBiasLeakyRelu(Matrix x, Matrix bias, float slope) {
        Shapes.checkRowVector("addBiasLeakyRelu", x, bias);
        HostMatrix hx = host(x, "addBiasLeakyRelu", "x");
        HostMatrix hb = host(bias, "addBiasLeakyRelu", "bias");
        int d = Math.toIntExact(x.cols());
        rows(x.rows(), d, (r0, r1) -> {
            for (long r = r0; r < r1; r++) { // the row is still in L1 for the activation: one pass over memory
                kernels.axpy(1f, hb.segment(), 0, hx.segment(), r * d, d);
                kernels.leakyRelu(hx.segment(), slope, hx.segment(), r * d, r * d + d);
            }
        });
    }

    // ---- fused FM training step (org.reckernels.backend.FusedFmOps; kept at the end; see FusedFm) ----

    private volatile FusedFm fusedFm;

    private FusedFm fusedFm() {
        FusedFm f = fusedFm;
        if (f == null) {
            synchronized (this) {
                f = fusedFm;
                if (f == null) {
                    f = new FusedFm(parallel, ctr().kernels());
                    fusedFm = f;
                }
            }
        }
        return f;
    }

    @Override
    public double fmFusedTrainStep(org.reckernels.backend.FusedFmOps.Tables t, org.reckernels.backend.FusedFmOps.Batch b,
                                   long step) {
        return fmFusedTrainStep(t, b, step, null);
    }

    @Override
    public double fmFusedTrainStep(org.reckernels.backend.FusedFmOps.Tables t, org.reckernels.backend.FusedFmOps.Batch b,
                                   long step, org.reckernels.backend.FusedFmOps.Deep deep) {
        String op = "fmFusedTrainStep";
        int d = org.reckernels.backend.FusedFmOps.check(op, t, b, true);
        if (t.optimizer().kind() == org.reckernels.backend.EmbeddingBags.OptimizerKind.ADAM && step < 1) {
            throw new IllegalArgumentException(op + ": Adam step " + step + " must be >= 1");
        }
        return fusedFm().trainStep(t, b, host(t.v(), op, "v"), host(t.w(), op, "w"), hostOrNull(t.stateV1(), op, "stateV1"),
                hostOrNull(t.stateV2(), op, "stateV2"), hostOrNull(t.stateW1(), op, "stateW1"),
                hostOrNull(t.stateW2(), op, "stateW2"), d, step, deep);
    }

    @Override
    public void fmFusedPredict(org.reckernels.backend.FusedFmOps.Tables t, org.reckernels.backend.FusedFmOps.Batch b,
                               float[] out, int outFrom) {
        fmFusedPredict(t, b, out, outFrom, null);
    }

    @Override
    public void fmFusedPredict(org.reckernels.backend.FusedFmOps.Tables t, org.reckernels.backend.FusedFmOps.Batch b,
                               float[] out, int outFrom, org.reckernels.backend.FusedFmOps.Deep deep) {
        String op = "fmFusedPredict";
        int d = org.reckernels.backend.FusedFmOps.check(op, t, b, false);
        java.util.Objects.checkFromIndexSize(outFrom, b.size(), out.length);
        fusedFm().predict(t, b, host(t.v(), op, "v"), host(t.w(), op, "w"), d, out, outFrom, deep);
    }

    private static HostMatrix hostOrNull(Matrix m, String op, String arg) {
        return m == null ? null : host(m, op, arg);
    }

    // ---- fused dense-layer epilogues (org.reckernels.backend.FusedDenseOps; kept at the end) ----

    @Override
    public void gemmBiasLeakyRelu(Matrix x, Matrix w, Matrix bias, float slope, Matrix y) {
        long[] mnk = Shapes.checkGemm(false, false, x, w, y);
        Shapes.checkRowVector("gemmBiasLeakyRelu", y, bias);
        if (y == x || y == w) {
            throw new IllegalArgumentException("gemmBiasLeakyRelu: y must differ from x and W");
        }
        if (!(kernels instanceof VectorKernels)) {
            gemm(false, false, 1f, x, w, 0f, y);
            addBiasLeakyRelu(y, bias, slope);
            return;
        }
        HostMatrix hb = host(bias, "gemmBiasLeakyRelu", "bias");
        vectorGemm().gemm(false, false, 1f, host(x, "gemmBiasLeakyRelu", "x"), host(w, "gemmBiasLeakyRelu", "W"), 0f,
                host(y, "gemmBiasLeakyRelu", "y"), Math.toIntExact(mnk[0]), Math.toIntExact(mnk[1]),
                Math.toIntExact(mnk[2]), new VectorGemm.Epilogue(hb.segment(), null, slope));
    }

    @Override
    public void gemmNtLeakyReluBackward(Matrix g, Matrix w, Matrix y, float slope, Matrix gradX) {
        long[] mnk = Shapes.checkGemm(false, true, g, w, gradX);
        Shapes.checkElementwise("gemmNtLeakyReluBackward", gradX, y);
        if (gradX == g || gradX == w || gradX == y) {
            throw new IllegalArgumentException("gemmNtLeakyReluBackward: gradX must differ from g, W and y");
        }
        if (!(kernels instanceof VectorKernels)) {
            gemm(false, true, 1f, g, w, 0f, gradX);
            leakyReluBackward(y, gradX, slope, gradX);
            return;
        }
        HostMatrix hy = host(y, "gemmNtLeakyReluBackward", "y");
        vectorGemm().gemm(false, true, 1f, host(g, "gemmNtLeakyReluBackward", "g"),
                host(w, "gemmNtLeakyReluBackward", "W"), 0f, host(gradX, "gemmNtLeakyReluBackward", "gradX"),
                Math.toIntExact(mnk[0]), Math.toIntExact(mnk[1]), Math.toIntExact(mnk[2]),
                new VectorGemm.Epilogue(null, hy.segment(), slope));
    }
}
