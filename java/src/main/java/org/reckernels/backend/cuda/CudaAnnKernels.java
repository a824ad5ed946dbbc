package org.reckernels.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.Matrix;

/**
 * {@link AnnKernels} on CUDA: {@code kernels/topk.cu} and {@code kernels/ivfpq.cu} through
 * {@link AnnLauncher}, on the stream of the owning {@link CudaBackend} (so they are ordered with
 * its GEMMs). Buffers are {@link DeviceBuffer}s. GPU-unverified until a GPU run of the
 * {@code @GpuTest} tests ({@code CudaAnnKernelsTest}).
 */
final class CudaAnnKernels implements AnnKernels {
    private final CudaBackend backend;
    private final AnnLauncher launcher;
    private final KMeansLauncher kmeans;
    /** CUB sort scratch, grown on demand (sortPairs). */
    private DeviceBuffer sortScratch;

    CudaAnnKernels(CudaBackend backend, AnnLauncher launcher, KMeansLauncher kmeans) {
        this.backend = backend;
        this.launcher = launcher;
        this.kmeans = kmeans;
    }

    /** Element types of the buffers. */
    enum Kind {
        INT64(8, "int64"), INT32(4, "int32"), FLOAT64(8, "float64"), UINT8(1, "uint8");

        final int bytes;
        final String label;

        Kind(int bytes, String label) {
            this.bytes = bytes;
            this.label = label;
        }
    }

    /** A device array of {@code length} elements of one {@link Kind}. */
    record DeviceArray(DeviceBuffer buffer, long length, Kind kind) implements Buffer {
        @Override
        public void close() {
            buffer.close();
        }

        long address() {
            return buffer.address();
        }
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Buffer uploadLongs(long[] values) {
        DeviceBuffer b = backend.allocateBuffer((long) values.length * Long.BYTES);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, (long) values.length * Long.BYTES), 8);
            MemorySegment.copy(values, 0, s, ValueLayout.JAVA_LONG, 0, values.length);
            b.copyFromHost(s.asSlice(0, (long) values.length * Long.BYTES));
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return new DeviceArray(b, values.length, Kind.INT64);
    }

    @Override
    public Buffer uploadBytes(byte[] values) {
        DeviceBuffer b = backend.allocateBuffer(values.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, values.length), 16);
            MemorySegment.copy(values, 0, s, ValueLayout.JAVA_BYTE, 0, values.length);
            b.copyFromHost(s.asSlice(0, values.length));
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return new DeviceArray(b, values.length, Kind.UINT8);
    }

    @Override
    public Buffer allocateLongs(long n) {
        return new DeviceArray(backend.allocateBuffer(n * Long.BYTES), n, Kind.INT64);
    }

    @Override
    public void download(Buffer longs, long[] out) {
        copyToHost(longs, Kind.INT64, ValueLayout.JAVA_LONG, out, out.length);
    }

    private DeviceArray array(Buffer b, String what, Kind kind) {
        if (b instanceof DeviceArray a && a.kind() == kind && a.buffer().context() == backendContext()) {
            return a;
        }
        throw new IllegalArgumentException(what + ": " + b + " is not a " + kind.label + " buffer of this CUDA backend");
    }

    private long addr(Buffer b, String what, Kind kind) {
        return b == null ? 0L : array(b, what, kind).address();
    }

    private CudaContext backendContext() {
        return backend.context();
    }

    private DeviceMatrix dm(Matrix m, String what) {
        if (m instanceof DeviceMatrix d && d.owner() == backend) {
            return d;
        }
        throw new IllegalArgumentException(what + ": " + m + " is not a matrix of this CUDA backend");
    }

    private long addr(Matrix m, String what) {
        return m == null ? 0L : dm(m, what).address();
    }

    private static int toInt(String what, long v) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " = " + v + " exceeds the kernels' int range");
        }
        return (int) v;
    }

    @Override
    public void topkAffine(Matrix x, long n, float alpha, Matrix colTerm, Matrix rowTerm, boolean clampZero, Buffer ids,
                           int k, Buffer outIds, Matrix outDist) {
        checkK(k);
        DeviceMatrix dx = dm(x, "topkAffine x");
        if (n > dx.cols()) {
            throw new IllegalArgumentException("topkAffine: n = " + n + " > the " + dx.cols() + " columns of x");
        }
        requireOutputs("topkAffine", dx.rows(), k, outIds, outDist);
        launcher.topkAffine(dx.address(), dx.cols(), toInt("topkAffine rows", dx.rows()), n, alpha, addr(colTerm, "colTerm"),
                addr(rowTerm, "rowTerm"), clampZero, addr(ids, "topkAffine ids", Kind.INT64), k, addr(outIds, "outIds", Kind.INT64),
                addr(outDist, "outDist"));
    }

    @Override
    public void ivfpqLut(Matrix queries, Matrix centroids, Buffer probes, int nprobe, Matrix codebooks, int m, int ksub,
                         boolean innerProduct, Matrix lut) {
        DeviceMatrix q = dm(queries, "ivfpqLut queries");
        launcher.lut(q.address(), toInt("nq", q.rows()), toInt("d", q.cols()), addr(centroids, "centroids"),
                addr(probes, "probes", Kind.INT64), nprobe, addr(codebooks, "codebooks"), m, ksub, !innerProduct, addr(lut, "lut"));
    }

    @Override
    public void ivfpqScan(Matrix queries, Matrix centroids, Buffer probes, Matrix probeDist, int nprobe, Matrix codebooks,
                          int m, int ksub, boolean innerProduct, Buffer listOff, Buffer codes, Buffer candOff, Matrix cand) {
        DeviceMatrix q = dm(queries, "ivfpqScan queries");
        launcher.scan(q.address(), toInt("nq", q.rows()), toInt("d", q.cols()), addr(centroids, "centroids"),
                addr(probes, "probes", Kind.INT64), addr(probeDist, "probeDist"), nprobe, addr(codebooks, "codebooks"), m, ksub,
                !innerProduct, addr(listOff, "listOff", Kind.INT64), addr(codes, "codes", Kind.UINT8), addr(candOff, "candOff", Kind.INT64),
                addr(cand, "cand"));
    }

    @Override
    public void ivfpqSelect(Matrix cand, Buffer candOff, Buffer probes, int nprobe, Buffer listOff, Buffer ids, int nq,
                            int k, Buffer outIds, Matrix outDist) {
        checkK(k);
        requireOutputs("ivfpqSelect", nq, k, outIds, outDist);
        launcher.select(addr(cand, "cand"), addr(candOff, "candOff", Kind.INT64), addr(probes, "probes", Kind.INT64), nprobe,
                addr(listOff, "listOff", Kind.INT64), addr(ids, "ids", Kind.INT64), nq, k, addr(outIds, "outIds", Kind.INT64), addr(outDist, "outDist"));
    }

    private void requireOutputs(String op, long rows, int k, Buffer outIds, Matrix outDist) {
        DeviceMatrix od = dm(outDist, op + " outDist");
        if (array(outIds, op + " outIds", Kind.INT64).length() < rows * k || od.rows() != rows || od.cols() != k) {
            throw new IllegalArgumentException(op + ": outputs must hold " + rows + " x k=" + k + " results (ids: "
                    + outIds.length() + " elements, distances: " + od.shape() + ")");
        }
    }

    private static void checkK(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k = " + k + " outside [1, " + MAX_K + "] (the GPU top-k's limit)");
        }
    }

    @Override
    public synchronized void close() {
        if (sortScratch != null) {
            sortScratch.close();
            sortScratch = null;
        }
    }

    // ---- k-means / PQ training and encoding, exact re-rank

    private DeviceArray allocate(long n, Kind kind) {
        if (n < 0) {
            throw new IllegalArgumentException("allocate: negative length " + n);
        }
        return new DeviceArray(backend.allocateBuffer(n * kind.bytes), n, kind);
    }

    @Override
    public Buffer allocateInts(long n) {
        return allocate(n, Kind.INT32);
    }

    @Override
    public Buffer allocateDoubles(long n) {
        return allocate(n, Kind.FLOAT64);
    }

    @Override
    public Buffer allocateBytes(long n) {
        return allocate(n, Kind.UINT8);
    }

    private static void fits(String what, long elements, DeviceArray a) {
        if (elements > a.length()) {
            throw new IllegalArgumentException(what + ": " + elements + " elements do not fit a buffer of " + a.length());
        }
    }

    @Override
    public void upload(int[] values, Buffer into) {
        copyFromHost(values, values.length, ValueLayout.JAVA_INT, into, Kind.INT32);
    }

    @Override
    public void upload(double[] values, Buffer into) {
        copyFromHost(values, values.length, ValueLayout.JAVA_DOUBLE, into, Kind.FLOAT64);
    }

    @Override
    public void download(Buffer ints, int[] out) {
        copyToHost(ints, Kind.INT32, ValueLayout.JAVA_INT, out, out.length);
    }

    @Override
    public void download(Buffer doubles, double[] out) {
        copyToHost(doubles, Kind.FLOAT64, ValueLayout.JAVA_DOUBLE, out, out.length);
    }

    @Override
    public void download(Buffer bytes, byte[] out) {
        copyToHost(bytes, Kind.UINT8, ValueLayout.JAVA_BYTE, out, out.length);
    }

    /** Host array -> device buffer of the given kind, through a staging segment (the driver copies from native memory). */
    private void copyFromHost(Object values, int n, ValueLayout layout, Buffer into, Kind kind) {
        DeviceArray a = array(into, "upload", kind);
        fits("upload", n, a);
        long bytes = n * layout.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, bytes), 16);
            MemorySegment.copy(values, 0, s, layout, 0, n);
            a.buffer().copyFromHost(s.asSlice(0, bytes));
        }
    }

    /** Device buffer of the given kind -> the first n elements of a host array. */
    private void copyToHost(Buffer from, Kind kind, ValueLayout layout, Object out, int n) {
        DeviceArray a = array(from, "download", kind);
        fits("download", n, a);
        long bytes = n * layout.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, bytes), 16);
            a.buffer().copyToHost(s.asSlice(0, bytes));
            MemorySegment.copy(s, layout, 0, out, 0, n);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** d divisible by m, and the (m·k) x dsub centroid matrix of a k-means batch. */
    private static int dsub(String op, DeviceMatrix x, int m, DeviceMatrix centroids, int k) {
        require(m >= 1 && k >= 1, op + ": m=" + m + " and k=" + k + " must be >= 1");
        require(x.cols() % m == 0, op + ": m=" + m + " does not divide the dimension " + x.cols());
        int dsub = toInt(op + " dsub", x.cols() / m);
        require(centroids.rows() == (long) m * k && centroids.cols() == dsub, op + ": centroids are " + centroids.shape()
                + ", expected (m*k) x dsub = " + ((long) m * k) + "x" + dsub);
        return dsub;
    }

    private void vector(String op, Matrix v, long n) {
        DeviceMatrix d = dm(v, op);
        require(d.elements() >= n, op + ": " + d.shape() + " holds fewer than " + n + " values");
    }

    @Override
    public void rowNorms(Matrix src, Matrix out) {
        DeviceMatrix s = dm(src, "rowNorms src");
        vector("rowNorms out", out, s.rows());
        kmeans.rowNorms(s.address(), s.rows(), toInt("rowNorms cols", s.cols()), addr(out, "rowNorms out"));
    }

    @Override
    public void gatherRows(Matrix x, Buffer rows, long row0, Matrix centroids, Buffer labels, Matrix out) {
        DeviceMatrix dx = dm(x, "gatherRows x");
        DeviceMatrix o = dm(out, "gatherRows out");
        require(o.cols() == dx.cols(), "gatherRows: out is " + o.shape() + ", x is " + dx.shape() + " (columns differ)");
        if (rows == null) {
            require(row0 >= 0 && row0 + o.rows() <= dx.rows(), "gatherRows: rows [" + row0 + ", " + (row0 + o.rows())
                    + ") outside the " + dx.rows() + " rows of x");
        } else {
            fits("gatherRows rows", o.rows(), array(rows, "gatherRows rows", Kind.INT32));
        }
        if (centroids != null) {
            require(dm(centroids, "gatherRows centroids").cols() == dx.cols(), "gatherRows: centroids have "
                    + centroids.cols() + " columns, x has " + dx.cols());
            fits("gatherRows labels", dx.rows(), array(labels, "gatherRows labels", Kind.INT32));
        }
        kmeans.gather(dx.address(), toInt("gatherRows d", dx.cols()), addr(rows, "gatherRows rows", Kind.INT32), row0,
                o.rows(), addr(centroids, "gatherRows centroids"),
                centroids == null ? 0L : addr(labels, "gatherRows labels", Kind.INT32), o.address());
    }

    @Override
    public void kmeansArgmin(Matrix dots, int k, Matrix cnorms, Buffer labels, long labelOffset) {
        DeviceMatrix dd = dm(dots, "kmeansArgmin dots");
        require(k >= 1 && k <= dd.cols(), "kmeansArgmin: k=" + k + " outside [1, " + dd.cols() + "] (columns of dots)");
        vector("kmeansArgmin cnorms", cnorms, k);
        DeviceArray lb = array(labels, "kmeansArgmin labels", Kind.INT32);
        require(labelOffset >= 0, "kmeansArgmin: labelOffset " + labelOffset + " < 0");
        fits("kmeansArgmin labels", labelOffset + dd.rows(), lb);
        kmeans.argmin(dd.address(), dd.cols(), dd.rows(), k, addr(cnorms, "cnorms"),
                lb.address() + labelOffset * Integer.BYTES);
    }

    @Override
    public void kmeansSubspaceArgmin(Matrix x, int m, Matrix centroids, Matrix cnorms, int k, Buffer labels) {
        DeviceMatrix dx = dm(x, "kmeansSubspaceArgmin x");
        DeviceMatrix dc = dm(centroids, "kmeansSubspaceArgmin centroids");
        dsub("kmeansSubspaceArgmin", dx, m, dc, k);
        require(m <= KMeansLauncher.MAX_GRID, "kmeansSubspaceArgmin: m=" + m + " > " + KMeansLauncher.MAX_GRID);
        vector("kmeansSubspaceArgmin cnorms", cnorms, (long) m * k);
        fits("kmeansSubspaceArgmin labels", dx.rows() * m, array(labels, "kmeansSubspaceArgmin labels", Kind.INT32));
        require((long) m * k <= Integer.MAX_VALUE, "kmeansSubspaceArgmin: m*k=" + ((long) m * k) + " labels exceed int32");
        kmeans.subArgmin(dx.address(), dx.rows(), toInt("d", dx.cols()), m, dc.address(), addr(cnorms, "cnorms"), k,
                addr(labels, "labels", Kind.INT32));
    }

    @Override
    public synchronized void sortPairs(Buffer keys, Buffer values, int n, int endBit, Buffer keysOut, Buffer valuesOut) {
        require(n >= 0 && endBit >= 1 && endBit <= 32, "sortPairs: n=" + n + ", endBit=" + endBit + " (need n >= 0, 1..32)");
        DeviceArray[] all = {array(keys, "sortPairs keys", Kind.INT32), array(values, "sortPairs values", Kind.INT32),
            array(keysOut, "sortPairs keysOut", Kind.INT32), array(valuesOut, "sortPairs valuesOut", Kind.INT32)};
        for (DeviceArray a : all) {
            fits("sortPairs", n, a);
        }
        require(all[0] != all[2] && all[1] != all[3] && all[0] != all[3] && all[1] != all[2],
                "sortPairs: outputs must not alias inputs");
        if (n == 0) {
            return;
        }
        NativeBindings nat = NativeBindings.get();
        long temp = nat.sortPairsTempBytes(n);
        if (sortScratch == null || sortScratch.byteSize() < temp) {
            if (sortScratch != null) {
                backend.context().synchronize("sortPairs before growing its scratch");
                sortScratch.close();
            }
            sortScratch = backend.allocateBuffer(Math.max(temp + temp / 2, 1L << 20));
        }
        backend.context().makeCurrent();
        nat.sortPairs(sortScratch.address(), sortScratch.byteSize(), all[0].address(), all[2].address(), all[1].address(),
                all[3].address(), n, endBit, backend.context().stream().address());
        backend.context().afterLaunch("rk_sort_pairs_i32");
    }

    @Override
    public void segmentOffsets(Buffer sortedKeys, int n, int groups, Buffer offsets) {
        require(n >= 0 && groups >= 1, "segmentOffsets: n=" + n + ", groups=" + groups);
        fits("segmentOffsets keys", n, array(sortedKeys, "segmentOffsets keys", Kind.INT32));
        fits("segmentOffsets offsets", groups + 1L, array(offsets, "segmentOffsets offsets", Kind.INT32));
        kmeans.segments(addr(sortedKeys, "keys", Kind.INT32), n, groups, addr(offsets, "offsets", Kind.INT32));
    }

    @Override
    public void kmeansUpdate(Matrix x, int m, Buffer sortedPoints, Buffer offsets, int k, Matrix centroids) {
        DeviceMatrix dx = dm(x, "kmeansUpdate x");
        DeviceMatrix dc = dm(centroids, "kmeansUpdate centroids");
        dsub("kmeansUpdate", dx, m, dc, k);
        fits("kmeansUpdate sortedPoints", dx.rows() * m, array(sortedPoints, "kmeansUpdate sortedPoints", Kind.INT32));
        fits("kmeansUpdate offsets", (long) m * k + 1, array(offsets, "kmeansUpdate offsets", Kind.INT32));
        kmeans.update(dx.address(), toInt("d", dx.cols()), m, k, addr(sortedPoints, "sortedPoints", Kind.INT32),
                addr(offsets, "offsets", Kind.INT32), dc.address());
    }

    @Override
    public void kmeansRepair(Matrix x, int m, Matrix centroids, Buffer plan, int entries) {
        DeviceMatrix dx = dm(x, "kmeansRepair x");
        DeviceMatrix dc = dm(centroids, "kmeansRepair centroids");
        require(m >= 1 && dc.rows() % m == 0, "kmeansRepair: " + dc.rows() + " centroids are not m=" + m + " blocks");
        int k = toInt("k", dc.rows() / m);
        dsub("kmeansRepair", dx, m, dc, k);
        require(entries >= 0, "kmeansRepair: entries=" + entries);
        fits("kmeansRepair plan", 3L * entries, array(plan, "kmeansRepair plan", Kind.INT32));
        kmeans.repair(dx.address(), toInt("d", dx.cols()), m, k, dc.address(), addr(plan, "plan", Kind.INT32), entries);
    }

    @Override
    public void kmeansPlusPlusDistances(Matrix x, int m, Matrix centroids, int k, int j, boolean first, Matrix best,
                                        Buffer blockSums) {
        DeviceMatrix dx = dm(x, "kmeansPlusPlusDistances x");
        DeviceMatrix dc = dm(centroids, "kmeansPlusPlusDistances centroids");
        dsub("kmeansPlusPlusDistances", dx, m, dc, k);
        int n = toInt("n", dx.rows());
        require(j >= 0 && j < k, "kmeansPlusPlusDistances: centroid j=" + j + " outside [0, " + k + ")");
        vector("kmeansPlusPlusDistances best", best, (long) m * n);
        long blocks = (n + PP_BLOCK - 1) / PP_BLOCK;
        fits("kmeansPlusPlusDistances blockSums", m * blocks, array(blockSums, "blockSums", Kind.FLOAT64));
        require(m <= KMeansLauncher.MAX_GRID, "kmeansPlusPlusDistances: m=" + m + " > " + KMeansLauncher.MAX_GRID);
        if (n == 0) {
            return;
        }
        kmeans.ppDistances(dx.address(), n, toInt("d", dx.cols()), m, dc.address(), k, j, first, addr(best, "best"),
                addr(blockSums, "blockSums", Kind.FLOAT64));
    }

    @Override
    public void kmeansPlusPlusPick(Matrix x, int m, Matrix best, Buffer plan, Matrix centroids, int k, int j) {
        DeviceMatrix dx = dm(x, "kmeansPlusPlusPick x");
        DeviceMatrix dc = dm(centroids, "kmeansPlusPlusPick centroids");
        dsub("kmeansPlusPlusPick", dx, m, dc, k);
        int n = toInt("n", dx.rows());
        require(n >= 1, "kmeansPlusPlusPick: no points");
        require(j >= 0 && j < k, "kmeansPlusPlusPick: centroid j=" + j + " outside [0, " + k + ")");
        vector("kmeansPlusPlusPick best", best, (long) m * n);
        fits("kmeansPlusPlusPick plan", 3L * m, array(plan, "plan", Kind.FLOAT64));
        kmeans.ppPick(dx.address(), n, toInt("d", dx.cols()), m, addr(best, "best"), addr(plan, "plan", Kind.FLOAT64),
                dc.address(), k, j);
    }

    @Override
    public void pqEncode(Matrix x, Matrix coarse, Buffer labels, Matrix codebooks, Matrix codeNorms, int m, int ksub,
                         Buffer codes, Matrix terms) {
        DeviceMatrix dx = dm(x, "pqEncode x");
        DeviceMatrix cb = dm(codebooks, "pqEncode codebooks");
        dsub("pqEncode", dx, m, cb, ksub);
        require(ksub <= 256, "pqEncode: ksub=" + ksub + " codes do not fit uint8");
        require(m <= KMeansLauncher.MAX_GRID, "pqEncode: m=" + m + " > " + KMeansLauncher.MAX_GRID);
        vector("pqEncode codeNorms", codeNorms, (long) m * ksub);
        fits("pqEncode codes", dx.rows() * m, array(codes, "pqEncode codes", Kind.UINT8));
        if (coarse != null) {
            require(dm(coarse, "pqEncode coarse").cols() == dx.cols(), "pqEncode: coarse centroids have " + coarse.cols()
                    + " columns, x has " + dx.cols());
            fits("pqEncode labels", dx.rows(), array(labels, "pqEncode labels", Kind.INT32));
        }
        if (terms != null) {
            require(coarse != null, "pqEncode: terms need the coarse centroids");
            vector("pqEncode terms", terms, dx.rows());
        }
        kmeans.encode(dx.address(), dx.rows(), toInt("d", dx.cols()), addr(coarse, "coarse"),
                coarse == null ? 0L : addr(labels, "labels", Kind.INT32), cb.address(), addr(codeNorms, "codeNorms"), m,
                ksub, addr(codes, "codes", Kind.UINT8), addr(terms, "terms"));
    }

    @Override
    public void ivfpqRerank(Matrix queries, Matrix vectors, Buffer ids, Buffer cand, int r, boolean innerProduct, int k,
                            Buffer outIds, Matrix outDist) {
        DeviceMatrix q = dm(queries, "ivfpqRerank queries");
        DeviceMatrix v = dm(vectors, "ivfpqRerank vectors");
        require(v.cols() == q.cols(), "ivfpqRerank: vectors are " + v.shape() + ", queries " + q.shape());
        require(r >= 1 && r <= MAX_K && k >= 1 && k <= r, "ivfpqRerank: r=" + r + ", k=" + k + " (need 1 <= k <= r <= "
                + MAX_K + ")");
        fits("ivfpqRerank ids", v.rows(), array(ids, "ivfpqRerank ids", Kind.INT64));
        fits("ivfpqRerank cand", q.rows() * r, array(cand, "ivfpqRerank cand", Kind.INT64));
        requireOutputs("ivfpqRerank", q.rows(), k, outIds, outDist);
        launcher.rerank(q.address(), toInt("nq", q.rows()), toInt("d", q.cols()), v.address(), addr(ids, "ids", Kind.INT64),
                addr(cand, "cand", Kind.INT64), r, !innerProduct, k, addr(outIds, "outIds", Kind.INT64),
                addr(outDist, "outDist"));
    }
}
