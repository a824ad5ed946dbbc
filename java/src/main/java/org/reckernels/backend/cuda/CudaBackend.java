package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.BackendInfo;
import org.reckernels.backend.BackendUnavailableException;
import org.reckernels.backend.DropoutMask;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.Shapes;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.backend.AlsParams;

/**
 * The CUDA backend: the kernels fatbin on one device's primary context, one non-blocking stream
 * for every op, cuBLAS (through Panama) for gemm, the native CUB helpers for scans and sorts.
 *
 * <p>Ops may be called from any thread; each first makes the primary context current on the
 * calling thread. Ops are asynchronous in stream order; {@link #download} and
 * {@link #synchronize()} wait. With {@code -Dreckernels.cuda.sync=true} every launch is
 * followed by a synchronize and error check, so a failing kernel is named where it fails.
 *
 * <p>cuBLAS and the native helper library load on first use: a machine without them fails only
 * the ops that need them, with the paths tried.
 */
public final class CudaBackend implements Backend {
    /** System property: synchronize and check after every launch (debugging). */
    public static final String SYNC_PROPERTY = "reckernels.cuda.sync";

    private final CudaContext ctx;
    private final KernelModule module;
    private final SpmmLauncher spmm;
    private final GemmLauncher gemm;
    private final RowPtrBuilder rowPtr;
    private final TrainingLauncher training;
    private final NgcfLauncher ngcf;
    private final AdjacencyBuilder adjacency;
    private boolean closed;

    private CudaBackend(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
        this.spmm = new SpmmLauncher(ctx, module);
        this.gemm = new GemmLauncher(ctx);
        this.rowPtr = new RowPtrBuilder(ctx);
        this.training = new TrainingLauncher(ctx, module);
        this.ngcf = new NgcfLauncher(ctx, module);
        this.adjacency = new AdjacencyBuilder(ctx, module);
    }

    /**
     * Opens the backend on device {@code device}: retains its primary context, creates the
     * stream and loads the kernels fatbin from the jar.
     *
     * @throws BackendUnavailableException when {@link CudaProbe} says CUDA cannot run here
     * @throws IllegalArgumentException    when there is no such device
     * @throws CudaException               when a driver call fails (named in the message)
     */
    public static CudaBackend open(int device) {
        CudaProbe.Result probe = CudaProbe.probe();
        if (!probe.available()) {
            throw new BackendUnavailableException("CUDA backend unavailable: " + probe.reason());
        }
        int[] count = new int[1];
        CudaException.check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (device < 0 || device >= count[0]) {
            throw new IllegalArgumentException("CUDA device " + device + " does not exist: " + count[0] + " device(s), 0.."
                    + (count[0] - 1));
        }
        DeviceFacts facts = DeviceFacts.query(device);
        if (facts.ccMajor() < DeviceFacts.MIN_CC_MAJOR) {
            throw new BackendUnavailableException("CUDA device " + device + " (" + facts.summary()
                    + ") is older than compute capability 8.0, the oldest the kernels are built for");
        }
        byte[] fatbin = KernelResources.readFatbin();
        CudaContext ctx = new CudaContext(facts, Boolean.getBoolean(SYNC_PROPERTY));
        try {
            return new CudaBackend(ctx, new KernelModule(fatbin));
        } catch (RuntimeException e) {
            try {
                ctx.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public BackendInfo info() {
        ctx.makeCurrent();
        DeviceFacts f = ctx.facts();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("device", Integer.toString(f.ordinal()));
        details.put("compute capability", f.ccMajor() + "." + f.ccMinor() + " (" + f.arch() + ")");
        details.put("driver (CUDA version)", f.driverVersionString());
        details.put("memory", ctx.memoryInfo());
        details.put("sync after launch", Boolean.toString(ctx.syncAfterLaunch()));
        String blas = gemm.cublasSource();
        details.put("cublas", blas == null ? "not loaded yet (loads on first gemm)" : blas);
        return new BackendInfo(name(), f.name(), module.present(kernelEntryPoints()), details);
    }

    /**
     * Every entry point the launchers call, one list per launcher (KernelEntryPointsTest checks on
     * CPU that the built fatbin holds each one, so a misspelt name fails CI rather than a GPU run).
     */
    static java.util.List<String> kernelEntryPoints() {
        java.util.List<String> entries = new java.util.ArrayList<>(SpmmLauncher.entryPoints());
        entries.addAll(TrainingLauncher.entryPoints());
        entries.addAll(NgcfLauncher.entryPoints());
        entries.addAll(EmbeddingLauncher.entryPoints());
        entries.addAll(FmLauncher.entryPoints());
        entries.addAll(SgnsLauncher.entryPoints());
        entries.addAll(IalsLauncher.entryPoints());
        entries.addAll(AdjacencyBuilder.entryPoints());
        entries.addAll(AnnLauncher.entryPoints());
        entries.add(MASK_ENTRIES);
        entries.addAll(FfmLauncher.entryPoints());
        entries.addAll(NnLauncher.entryPoints());
        entries.addAll(KMeansLauncher.entryPoints());
        return entries;
    }

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return ctx.facts().name();
    }

    /** The CUDA version the driver supports, e.g. "13.0" (cuDriverGetVersion). */
    public String driverVersion() {
        return ctx.facts().driverVersionString();
    }

    @Override
    public Matrix allocate(long rows, long cols) {
        Shapes.checkShape("cuda allocate", rows, cols);
        ctx.makeCurrent();
        DeviceBuffer buf = DeviceBuffer.allocate(ctx, rows * cols * Float.BYTES);
        try {
            buf.zeroAsync(buf.byteSize());
            return new DeviceMatrix(this, buf, rows, cols);
        } catch (RuntimeException e) {
            buf.close();
            throw e;
        }
    }

    @Override
    public Matrix upload(HostMatrix src) {
        ctx.makeCurrent();
        DeviceBuffer buf = DeviceBuffer.allocate(ctx, src.byteSize());
        try {
            buf.copyFromHost(src.segment());
            return new DeviceMatrix(this, buf, src.rows(), src.cols());
        } catch (RuntimeException e) {
            buf.close();
            throw e;
        }
    }

    @Override
    public void download(Matrix src, HostMatrix dst) {
        DeviceMatrix s = own(src, "download", "src");
        Shapes.requireSameShape("download", s, dst);
        s.buffer().copyToHost(dst.segment());
    }

    @Override
    public SparseMatrix upload(CsrMatrix src) {
        ctx.makeCurrent();
        return DeviceCsr.upload(this, ctx, src);
    }

    @Override
    public SparseMatrix normalizedAdjacency(CsrMatrix interactions) {
        ctx.makeCurrent();
        return adjacency.build(this, interactions);
    }

    @Override
    public void spmm(SparseMatrix a, Matrix x, Matrix y) {
        spmm(a, x, y, null);
    }

    /** SpMM with a forced kernel variant (tests); {@code variant == null} chooses as {@link #spmm} does. */
    void spmm(SparseMatrix a, Matrix x, Matrix y, SpmmLauncher.Variant variant) {
        Shapes.checkSpmm(a, x, y);
        DeviceCsr da = ownSparse(a, "spmm", "A");
        DeviceMatrix dx = own(x, "spmm", "X");
        DeviceMatrix dy = own(y, "spmm", "Y");
        ctx.makeCurrent();
        spmm.launch(da, dx, dy, variant);
    }

    @Override
    public void spmmAccumulate(SparseMatrix a, Matrix x, Matrix y, float alpha, Matrix acc) {
        spmmAccumulate(a, x, y, alpha, acc, null);
    }

    @Override
    public void spmmBiInteraction(SparseMatrix a, Matrix x, Matrix side, Matrix sum, Matrix bi) {
        spmmBiInteraction(a, x, side, sum, bi, null);
    }

    /** The bi-interaction SpMM with a forced kernel variant (tests); {@code variant == null} chooses. */
    void spmmBiInteraction(SparseMatrix a, Matrix x, Matrix side, Matrix sum, Matrix bi, SpmmLauncher.Variant variant) {
        Shapes.checkSpmmBiInteraction(a, x, side, sum, bi);
        DeviceCsr da = ownSparse(a, "spmmBiInteraction", "A");
        DeviceMatrix dx = own(x, "spmmBiInteraction", "X");
        DeviceMatrix ds = own(side, "spmmBiInteraction", "SIDE");
        DeviceMatrix dsum = own(sum, "spmmBiInteraction", "SUM");
        DeviceMatrix dbi = own(bi, "spmmBiInteraction", "BI");
        ctx.makeCurrent();
        spmm.launchBi(da, dx, ds, dsum, dbi, variant);
    }

    /** The fused SpMM with a forced kernel variant (tests); {@code variant == null} chooses as {@link #spmm} does. */
    void spmmAccumulate(SparseMatrix a, Matrix x, Matrix y, float alpha, Matrix acc, SpmmLauncher.Variant variant) {
        Shapes.checkSpmmAccumulate(a, x, y, acc);
        DeviceCsr da = ownSparse(a, "spmmAccumulate", "A");
        DeviceMatrix dx = own(x, "spmmAccumulate", "X");
        DeviceMatrix dy = own(y, "spmmAccumulate", "Y");
        DeviceMatrix dacc = own(acc, "spmmAccumulate", "ACC");
        ctx.makeCurrent();
        spmm.launch(da, dx, dy, alpha, dacc, variant);
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        long[] mnk = Shapes.checkGemm(transA, transB, a, b, c);
        DeviceMatrix da = own(a, "gemm", "A");
        DeviceMatrix db = own(b, "gemm", "B");
        DeviceMatrix dc = own(c, "gemm", "C");
        ctx.makeCurrent();
        gemm.launch(transA, transB, alpha, da, db, beta, dc, mnk);
    }

    @Override
    public IndexVector upload(int[] indices) {
        ctx.makeCurrent();
        return DeviceIndexVector.upload(this, ctx, indices);
    }

    @Override
    public void fill(Matrix m, float value) {
        DeviceMatrix dm = own(m, "fill", "m");
        ctx.makeCurrent();
        training.fill(dm, value);
    }

    @Override
    public void axpby(float alpha, Matrix x, float beta, Matrix y) {
        Shapes.requireSameShape("axpby", x, y);
        DeviceMatrix dx = own(x, "axpby", "x");
        DeviceMatrix dy = own(y, "axpby", "y");
        ctx.makeCurrent();
        training.axpby(alpha, dx, beta, dy);
    }

    @Override
    public void bprLossGrad(Matrix f, IndexVector users, IndexVector pos, IndexVector neg, float scale, Matrix grad,
            Matrix lossSum) {
        Shapes.checkBpr(f, users, pos, neg, grad, lossSum);
        checkWidth("bprLossGrad", f);
        DeviceMatrix df = own(f, "bprLossGrad", "F");
        DeviceMatrix dg = own(grad, "bprLossGrad", "grad");
        DeviceMatrix dl = own(lossSum, "bprLossGrad", "lossSum");
        ctx.makeCurrent();
        training.bpr(df, ownIndex(users, "bprLossGrad", "users"), ownIndex(pos, "bprLossGrad", "pos"),
                ownIndex(neg, "bprLossGrad", "neg"), scale, dg, dl);
    }

    @Override
    public void l2RowsLossGrad(Matrix e, IndexVector rows, float coef, Matrix grad, Matrix lossSum) {
        Shapes.checkRowsOp("l2RowsLossGrad", e, rows, grad, lossSum);
        checkWidth("l2RowsLossGrad", e);
        DeviceMatrix de = own(e, "l2RowsLossGrad", "E");
        DeviceMatrix dg = own(grad, "l2RowsLossGrad", "grad");
        DeviceMatrix dl = own(lossSum, "l2RowsLossGrad", "lossSum");
        ctx.makeCurrent();
        training.l2Rows(de, ownIndex(rows, "l2RowsLossGrad", "rows"), coef, dg, dl);
    }

    @Override
    public void adam(Matrix param, Matrix grad, Matrix m, Matrix v, float lr, float beta1, float beta2, float eps,
            long step) {
        Shapes.checkAdam(param, grad, m, v, lr, beta1, beta2, eps, step);
        DeviceMatrix dp = own(param, "adam", "param");
        DeviceMatrix dg = own(grad, "adam", "grad");
        DeviceMatrix dm = own(m, "adam", "m");
        DeviceMatrix dv = own(v, "adam", "v");
        org.reckernels.backend.AdamStep k = org.reckernels.backend.AdamStep.of(lr, beta1, beta2, step);
        ctx.makeCurrent();
        training.adam(dp, dg, dm, dv, beta1, beta2, eps, k.c1(), k.c2());
    }

    /**
     * Widest row the per-row kernels take: their lanes step an int column counter by 32
     * ({@code for (int c = lane; c < d; c += 32)}), which must not pass 2^31 − 1.
     */
    static final long MAX_WIDTH = Integer.MAX_VALUE - 32L;

    static void checkWidth(String op, Matrix m) {
        if (m.cols() > MAX_WIDTH) {
            throw new IllegalArgumentException(op + ": width " + m.cols() + " exceeds the kernels' limit " + MAX_WIDTH
                    + " (int column counters)");
        }
    }

    /**
     * CSR row offsets from per-row degrees, on the device (CUB scan through the native helper):
     * <pre>degrees: (n) int32, each >= 0  →  row_ptr: (n + 1) int64, row_ptr[0] = 0,
     * row_ptr[i + 1] = Σ_{j <= i} degrees[j]</pre>
     * Enqueued on the backend's stream; the caller owns (closes) the returned buffer.
     */
    public DeviceBuffer rowPtrFromDegrees(DeviceBuffer degrees, int n) {
        if (degrees.context() != ctx) {
            throw new IllegalArgumentException("rowPtrFromDegrees: degrees buffer belongs to another CUDA backend");
        }
        ctx.makeCurrent();
        return rowPtr.build(degrees, n);
    }

    /** {@code bytes} of uninitialised device memory (CSR building, benchmarks); the caller closes it. */
    public DeviceBuffer allocateBuffer(long bytes) {
        ctx.makeCurrent();
        return DeviceBuffer.allocate(ctx, bytes);
    }

    /**
     * Times {@code op} with CUDA events on this backend's stream: {@code warmup} untimed runs,
     * then {@code reps} timed runs; returns each rep's milliseconds (GPU time between events).
     * {@code op} must enqueue its work on {@link #streamHandle()} (every op of this backend does).
     */
    public float[] timeWithEvents(Runnable op, int warmup, int reps) {
        return EventTimer.time(ctx, op, warmup, reps);
    }

    /** The raw device address of a matrix of this backend. For benchmarks and baselines only. */
    public long devicePointer(Matrix m) {
        return own(m, "devicePointer", "matrix").address();
    }

    /**
     * The raw device addresses {rowPtr (int64), colIdx (int32), values (float32, or 0 when
     * every value is 1)} of a sparse matrix of this backend. For benchmarks and baselines only.
     */
    public long[] devicePointers(SparseMatrix a) {
        DeviceCsr d = ownSparse(a, "devicePointers", "matrix");
        return new long[] {d.rowPtrAddress(), d.colIdxAddress(), d.valuesAddress()};
    }

    /** The raw CUstream every op runs on (e.g. for cusparseSetStream in benchmarks). */
    public long streamHandle() {
        return ctx.stream().address();
    }

    /** Free device memory in bytes (cuMemGetInfo). */
    public long freeDeviceBytes() {
        ctx.makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        CudaException.check(cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    @Override
    public void synchronize() {
        ctx.makeCurrent();
        ctx.synchronize("synchronize()");
    }

    /** Destroys the cuBLAS handle, scratch, stream and module, and releases the primary context. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        try {
            ctx.makeCurrent();
        } catch (RuntimeException e) {
            first = e;
        }
        for (AutoCloseable part : new AutoCloseable[] {gemm, rowPtr, this::closeEmbedding, module, ctx}) {
            try {
                part.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private DeviceMatrix own(Matrix m, String op, String role) {
        if (m instanceof DeviceMatrix d && d.owner() == this) {
            return d;
        }
        throw new IllegalArgumentException(op + ": " + role + " is a " + m.getClass().getName()
                + (m instanceof DeviceMatrix ? " of another CUDA backend" : "")
                + "; the cuda backend takes only matrices it made (allocate or upload)");
    }

    private DeviceIndexVector ownIndex(IndexVector v, String op, String role) {
        if (v instanceof DeviceIndexVector d && d.owner() == this) {
            return d;
        }
        throw new IllegalArgumentException(op + ": " + role + " is a " + v.getClass().getName()
                + (v instanceof DeviceIndexVector ? " of another CUDA backend" : "")
                + "; the cuda backend takes only index vectors it uploaded");
    }

    private DeviceCsr ownSparse(SparseMatrix a, String op, String role) {
        if (a instanceof DeviceCsr d && d.owner() == this) {
            return d;
        }
        throw new IllegalArgumentException(op + ": " + role + " is a " + a.getClass().getName()
                + (a instanceof DeviceCsr ? " of another CUDA backend" : "")
                + "; the cuda backend takes only sparse matrices it uploaded");
    }

    @Override
    public String toString() {
        return "CudaBackend[" + ctx.facts().summary() + "]";
    }

    // ---- NGCF ops (kernels/ngcf.cu through NgcfLauncher) ----

    @Override
    public void hadamard(float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Shapes.checkElementwise("hadamard", a, b, c);
        DeviceMatrix da = own(a, "hadamard", "a");
        DeviceMatrix db = own(b, "hadamard", "b");
        DeviceMatrix dc = own(c, "hadamard", "c");
        ctx.makeCurrent();
        ngcf.hadamard(alpha, da, db, beta, dc);
    }

    @Override
    public void leakyRelu(Matrix x, float slope, Matrix y) {
        Shapes.checkElementwise("leakyRelu", x, y);
        DeviceMatrix dx = own(x, "leakyRelu", "x");
        DeviceMatrix dy = own(y, "leakyRelu", "y");
        ctx.makeCurrent();
        ngcf.leakyRelu(dx, slope, dy);
    }

    @Override
    public void leakyReluBackward(Matrix x, Matrix gradY, float slope, Matrix gradX) {
        Shapes.checkElementwise("leakyReluBackward", x, gradY, gradX);
        DeviceMatrix dx = own(x, "leakyReluBackward", "x");
        DeviceMatrix dgy = own(gradY, "leakyReluBackward", "gradY");
        DeviceMatrix dgx = own(gradX, "leakyReluBackward", "gradX");
        ctx.makeCurrent();
        ngcf.leakyReluBackward(dx, dgy, slope, dgx);
    }

    @Override
    public void addBias(Matrix x, Matrix bias) {
        Shapes.checkRowVector("addBias", x, bias);
        checkWidth("addBias", x);
        DeviceMatrix dx = own(x, "addBias", "x");
        DeviceMatrix db = own(bias, "addBias", "bias");
        ctx.makeCurrent();
        ngcf.addBias(dx, db);
    }

    @Override
    public void columnSums(Matrix x, Matrix out) {
        Shapes.checkRowVector("columnSums", x, out);
        checkWidth("columnSums", x);
        DeviceMatrix dx = own(x, "columnSums", "x");
        DeviceMatrix dout = own(out, "columnSums", "out");
        if (dx == dout) {
            throw new IllegalArgumentException("columnSums: out must not alias x");
        }
        ctx.makeCurrent();
        ngcf.columnSums(dx, dout);
    }

    @Override
    public void rowL2Normalize(Matrix x, float eps, Matrix y) {
        Shapes.checkElementwise("rowL2Normalize", x, y);
        Shapes.checkEps("rowL2Normalize", eps);
        checkWidth("rowL2Normalize", x);
        DeviceMatrix dx = own(x, "rowL2Normalize", "x");
        DeviceMatrix dy = own(y, "rowL2Normalize", "y");
        ctx.makeCurrent();
        ngcf.rowL2Normalize(dx, eps, dy);
    }

    @Override
    public void rowL2NormalizeBackward(Matrix x, Matrix gradY, float eps, float beta, Matrix gradX) {
        Shapes.checkElementwise("rowL2NormalizeBackward", x, gradY, gradX);
        Shapes.checkEps("rowL2NormalizeBackward", eps);
        checkWidth("rowL2NormalizeBackward", x);
        if (gradX == x || gradX == gradY) {
            throw new IllegalArgumentException("rowL2NormalizeBackward: gradX must differ from x and gradY");
        }
        DeviceMatrix dx = own(x, "rowL2NormalizeBackward", "x");
        DeviceMatrix dgy = own(gradY, "rowL2NormalizeBackward", "gradY");
        DeviceMatrix dgx = own(gradX, "rowL2NormalizeBackward", "gradX");
        ctx.makeCurrent();
        ngcf.rowL2NormalizeBackward(dx, dgy, eps, beta, dgx);
    }

    @Override
    public void dropout(Matrix x, float rate, long seed, long step, Matrix y) {
        Shapes.checkElementwise("dropout", x, y);
        DropoutMask.checkRate(rate);
        DeviceMatrix dx = own(x, "dropout", "x");
        DeviceMatrix dy = own(y, "dropout", "y");
        ctx.makeCurrent();
        ngcf.dropout(dx, rate, seed, step, dy);
    }

    @Override
    public void copyColumns(Matrix src, long srcCol, Matrix dst, long dstCol, long width) {
        Shapes.checkCopyColumns(src, srcCol, dst, dstCol, width);
        DeviceMatrix ds = own(src, "copyColumns", "src");
        DeviceMatrix dd = own(dst, "copyColumns", "dst");
        ctx.makeCurrent();
        ngcf.copyColumns(ds, srcCol, dd, dstCol, width);
    }

    // ---- implicit ALS (kept at the end of the class; the launcher is made on first use) ----

    private volatile IalsLauncher ials;

    @Override
    public void alsConjugateGradientStep(SparseMatrix interactions, Matrix fixedFactors, Matrix gramian, Matrix factors,
                                         AlsParams params) {
        int d = AlsParams.checkShapes(interactions, fixedFactors, gramian, factors);
        DeviceCsr r = ownSparse(interactions, "alsConjugateGradientStep", "interactions");
        DeviceMatrix v = own(fixedFactors, "alsConjugateGradientStep", "fixedFactors");
        DeviceMatrix g = own(gramian, "alsConjugateGradientStep", "gramian");
        DeviceMatrix x = own(factors, "alsConjugateGradientStep", "factors");
        if (r.rows() == 0 || d == 0) {
            return;
        }
        IalsLauncher.lanesColumns(d); // rejects d > 256 before anything is enqueued
        if (r.rows() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("alsConjugateGradientStep: " + r.rows() + " rows exceed the kernel's int range");
        }
        ctx.makeCurrent();
        IalsLauncher l = ials;
        if (l == null) {
            synchronized (this) {
                if (ials == null) {
                    ials = new IalsLauncher(ctx, module);
                }
                l = ials;
            }
        }
        l.launch(r, v, g, x, d, params);
    }

    // ---- embedding bags, FM and logistic loss (kernels/embedding.cu, kernels/fm.cu; kept at the end) ----

    // Created on first use (field initializers would run before the constructor sets ctx and module).
    private EmbeddingLauncher embeddingLauncher;
    private FmLauncher fmLauncher;

    private synchronized EmbeddingLauncher embedding() {
        if (embeddingLauncher == null) {
            embeddingLauncher = new EmbeddingLauncher(ctx, module);
        }
        return embeddingLauncher;
    }

    private synchronized FmLauncher fm() {
        if (fmLauncher == null) {
            fmLauncher = new FmLauncher(ctx, module);
        }
        return fmLauncher;
    }

    private void closeEmbedding() {
        if (embeddingLauncher != null) {
            embeddingLauncher.close();
        }
    }

    private DeviceMatrix ownOrNull(Matrix m, String op, String role) {
        return m == null ? null : own(m, op, role);
    }

    @Override
    public void embeddingBagForward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                                    Matrix perSampleWeights, org.reckernels.backend.EmbeddingBags.Pooling pooling,
                                    Matrix out) {
        String op = "embeddingBagForward";
        var shape = org.reckernels.backend.EmbeddingBags.checkForward(weights, tableOffsets, indices, offsets,
                perSampleWeights, pooling, out);
        DeviceMatrix dw = own(weights, op, "weights");
        DeviceIndexVector di = ownIndex(indices, op, "indices");
        DeviceIndexVector doff = ownIndex(offsets, op, "offsets");
        DeviceMatrix dp = ownOrNull(perSampleWeights, op, "perSampleWeights");
        DeviceMatrix dout = own(out, op, "out");
        ctx.makeCurrent();
        embedding().forward(dw, tableOffsets, di, doff, dp, pooling, dout, shape);
    }

    @Override
    public void embeddingBagBackward(Matrix weights, long[] tableOffsets, IndexVector indices, IndexVector offsets,
                                     Matrix perSampleWeights, org.reckernels.backend.EmbeddingBags.Pooling pooling,
                                     Matrix gradOut, org.reckernels.backend.EmbeddingBags.SparseOptimizer optimizer,
                                     Matrix state1, Matrix state2, long step) {
        String op = "embeddingBagBackward";
        var shape = org.reckernels.backend.EmbeddingBags.checkBackward(weights, tableOffsets, indices, offsets,
                perSampleWeights, pooling, gradOut, optimizer, state1, state2, step);
        DeviceMatrix dw = own(weights, op, "weights");
        DeviceIndexVector di = ownIndex(indices, op, "indices");
        DeviceIndexVector doff = ownIndex(offsets, op, "offsets");
        DeviceMatrix dp = ownOrNull(perSampleWeights, op, "perSampleWeights");
        DeviceMatrix dg = own(gradOut, op, "gradOut");
        DeviceMatrix ds1 = ownOrNull(state1, op, "state1");
        DeviceMatrix ds2 = ownOrNull(state2, op, "state2");
        ctx.makeCurrent();
        embedding().backward(dw, tableOffsets, di, doff, dp, pooling, dg, optimizer, ds1, ds2, step, shape);
    }

    @Override
    public void fmForward(Matrix v, int fields, Matrix linear, Matrix logits) {
        int d = org.reckernels.backend.EmbeddingBags.checkFm("fmForward", v, fields, linear, logits);
        DeviceMatrix dv = own(v, "fmForward", "v");
        DeviceMatrix dl = ownOrNull(linear, "fmForward", "linear");
        DeviceMatrix dz = own(logits, "fmForward", "logits");
        ctx.makeCurrent();
        fm().forward(dv, fields, d, dl, dz);
    }

    @Override
    public void fmBackward(Matrix v, int fields, Matrix gradLogits, Matrix gradV, Matrix gradLinear) {
        int d = org.reckernels.backend.EmbeddingBags.checkFm("fmBackward", v, fields, gradLinear, gradLogits);
        Shapes.requireSameShape("fmBackward", v, gradV);
        if (gradV == v) {
            throw new IllegalArgumentException("fmBackward: gradV must differ from v");
        }
        DeviceMatrix dv = own(v, "fmBackward", "v");
        DeviceMatrix dg = own(gradLogits, "fmBackward", "gradLogits");
        DeviceMatrix dgv = own(gradV, "fmBackward", "gradV");
        DeviceMatrix dgl = ownOrNull(gradLinear, "fmBackward", "gradLinear");
        ctx.makeCurrent();
        fm().backward(dv, fields, d, dg, dgv, dgl);
    }

    @Override
    public void logisticLossGrad(Matrix logits, Matrix labels, float scale, Matrix grad, Matrix lossSum) {
        org.reckernels.backend.EmbeddingBags.checkLogistic(logits, labels, grad, lossSum);
        DeviceMatrix dz = own(logits, "logisticLossGrad", "logits");
        DeviceMatrix dy = own(labels, "logisticLossGrad", "labels");
        DeviceMatrix dg = own(grad, "logisticLossGrad", "grad");
        DeviceMatrix dl = own(lossSum, "logisticLossGrad", "lossSum");
        ctx.makeCurrent();
        fm().logistic(dz, dy, scale, dg, dl);
    }

    // ---- SGNS (kept at the end of the class) ----

    @Override
    public org.reckernels.backend.SgnsJob.SgnsResult sgnsTrain(Matrix input, Matrix output, org.reckernels.backend.SgnsJob job) {
        DeviceMatrix in = own(input, "sgnsTrain", "input");
        DeviceMatrix out = own(output, "sgnsTrain", "output");
        long v = job.negatives().size();
        if (in.rows() != v || out.rows() != v || in.cols() != out.cols()) {
            throw new IllegalArgumentException("sgnsTrain: input " + in.rows() + "x" + in.cols() + " and output " + out.rows() + "x"
                    + out.cols() + " must both be V x d with V = " + v + " (the vocabulary of the job)");
        }
        ctx.makeCurrent();
        return new SgnsLauncher(ctx, module).train(in, out, job, sgnsMaxGrid);
    }

    /** Blocks per SGNS launch (tests set 1 for a deterministic run). */
    volatile int sgnsMaxGrid = SgnsLauncher.MAX_GRID;

    // ---- ANN search kernels (kernels/topk.cu, kernels/ivfpq.cu through AnnLauncher) ----

    private CudaAnnKernels annKernels;

    /** The top-k and IVF-PQ kernels on this backend's stream (one instance per backend). */
    @Override
    public synchronized org.reckernels.backend.AnnKernels annKernels() {
        if (annKernels == null) {
            annKernels = new CudaAnnKernels(this, new AnnLauncher(ctx, module), new KMeansLauncher(ctx, module));
        }
        return annKernels;
    }

    CudaContext context() {
        return ctx;
    }

    // ---- evaluation (kernels/eval.cu) ----

    static final String MASK_ENTRIES = "rk_mask_csr_rows_f32";

    @Override
    public void maskEntries(Matrix m, SparseMatrix pattern, long rowOffset, float value) {
        Shapes.checkMaskEntries(m, pattern, rowOffset);
        DeviceCsr p = ownSparse(pattern, "maskEntries", "pattern");
        DeviceMatrix dm = own(m, "maskEntries", "m");
        if (dm.rows() == 0) {
            return;
        }
        ctx.makeCurrent();
        Launch.run(ctx, module, MASK_ENTRIES, TrainingLauncher.warpPerItemGrid(dm.rows()), TrainingLauncher.BLOCK,
                Launch.ptr(dm.address()), jcuda.Pointer.to(new long[] {dm.cols()}), jcuda.Pointer.to(new long[] {dm.rows()}),
                Launch.ptr(p.rowPtrAddress()), Launch.ptr(p.colIdxAddress()), jcuda.Pointer.to(new long[] {rowOffset}),
                jcuda.Pointer.to(new float[] {value}));
    }

    // ---- field-aware FM (kernels/ffm.cu; kept at the end) ----

    private FfmLauncher ffmLauncher;

    private synchronized FfmLauncher ffm() {
        if (ffmLauncher == null) {
            ffmLauncher = new FfmLauncher(ctx, module);
        }
        return ffmLauncher;
    }

    @Override
    public void ffmForward(Matrix v, int fields, Matrix linear, Matrix logits) {
        int d = org.reckernels.backend.FieldAwareShapes.check("ffmForward", v, fields, linear, logits);
        DeviceMatrix dv = own(v, "ffmForward", "v");
        DeviceMatrix dl = ownOrNull(linear, "ffmForward", "linear");
        DeviceMatrix dz = own(logits, "ffmForward", "logits");
        ctx.makeCurrent();
        ffm().forward(dv, fields, d, dl, dz);
    }

    @Override
    public void ffmBackward(Matrix v, int fields, Matrix gradLogits, Matrix gradV, Matrix gradLinear) {
        int d = org.reckernels.backend.FieldAwareShapes.check("ffmBackward", v, fields, gradLinear, gradLogits);
        Shapes.requireSameShape("ffmBackward", v, gradV);
        if (gradV == v) {
            throw new IllegalArgumentException("ffmBackward: gradV must differ from v");
        }
        DeviceMatrix dv = own(v, "ffmBackward", "v");
        DeviceMatrix dg = own(gradLogits, "ffmBackward", "gradLogits");
        DeviceMatrix dgv = own(gradV, "ffmBackward", "gradV");
        DeviceMatrix dgl = ownOrNull(gradLinear, "ffmBackward", "gradLinear");
        ctx.makeCurrent();
        ffm().backward(dv, fields, d, dg, dgv, dgl);
    }

    // ---- dense layers (kernels/nn.cu; kept at the end of the class) ----

    @Override
    public void addBiasLeakyRelu(Matrix x, Matrix bias, float slope) {
        Shapes.checkRowVector("addBiasLeakyRelu", x, bias);
        checkWidth("addBiasLeakyRelu", x);
        DeviceMatrix dx = own(x, "addBiasLeakyRelu", "x");
        DeviceMatrix db = own(bias, "addBiasLeakyRelu", "bias");
        ctx.makeCurrent();
        new NnLauncher(ctx, module).addBiasLeakyRelu(dx, db, slope);
    }
}
