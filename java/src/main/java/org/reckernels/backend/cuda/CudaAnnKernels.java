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

    CudaAnnKernels(CudaBackend backend, AnnLauncher launcher) {
        this.backend = backend;
        this.launcher = launcher;
    }

    /** A device array of {@code length} elements of {@code elementBytes} each. */
    record DeviceArray(DeviceBuffer buffer, long length, int elementBytes) implements Buffer {
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
        return new DeviceArray(b, values.length, Long.BYTES);
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
        return new DeviceArray(b, values.length, 1);
    }

    @Override
    public Buffer allocateLongs(long n) {
        return new DeviceArray(backend.allocateBuffer(n * Long.BYTES), n, Long.BYTES);
    }

    @Override
    public void download(Buffer longs, long[] out) {
        DeviceArray a = array(longs, "download", 8);
        if (out.length > a.length()) {
            throw new IllegalArgumentException("download: " + out.length + " elements from a buffer of " + a.length());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, (long) out.length * Long.BYTES), 8);
            a.buffer().copyToHost(s.asSlice(0, (long) out.length * Long.BYTES));
            MemorySegment.copy(s, ValueLayout.JAVA_LONG, 0, out, 0, out.length);
        }
    }

    private DeviceArray array(Buffer b, String what, int elementBytes) {
        if (b instanceof DeviceArray a && a.elementBytes() == elementBytes && a.buffer().context() == backendContext()) {
            return a;
        }
        throw new IllegalArgumentException(what + ": " + b + " is not a " + (elementBytes == 8 ? "int64" : "uint8")
                + " buffer of this CUDA backend");
    }

    private long addr(Buffer b, String what, int elementBytes) {
        return b == null ? 0L : array(b, what, elementBytes).address();
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
                addr(rowTerm, "rowTerm"), clampZero, addr(ids, "topkAffine ids", 8), k, addr(outIds, "outIds", 8),
                addr(outDist, "outDist"));
    }

    @Override
    public void ivfpqLut(Matrix queries, Matrix centroids, Buffer probes, int nprobe, Matrix codebooks, int m, int ksub,
                         boolean innerProduct, Matrix lut) {
        DeviceMatrix q = dm(queries, "ivfpqLut queries");
        launcher.lut(q.address(), toInt("nq", q.rows()), toInt("d", q.cols()), addr(centroids, "centroids"),
                addr(probes, "probes", 8), nprobe, addr(codebooks, "codebooks"), m, ksub, !innerProduct, addr(lut, "lut"));
    }

    @Override
    public void ivfpqScan(Matrix queries, Matrix centroids, Buffer probes, Matrix probeDist, int nprobe, Matrix codebooks,
                          int m, int ksub, boolean innerProduct, Buffer listOff, Buffer codes, Buffer candOff, Matrix cand) {
        DeviceMatrix q = dm(queries, "ivfpqScan queries");
        launcher.scan(q.address(), toInt("nq", q.rows()), toInt("d", q.cols()), addr(centroids, "centroids"),
                addr(probes, "probes", 8), addr(probeDist, "probeDist"), nprobe, addr(codebooks, "codebooks"), m, ksub,
                !innerProduct, addr(listOff, "listOff", 8), addr(codes, "codes", 1), addr(candOff, "candOff", 8),
                addr(cand, "cand"));
    }

    @Override
    public void ivfpqSelect(Matrix cand, Buffer candOff, Buffer probes, int nprobe, Buffer listOff, Buffer ids, int nq,
                            int k, Buffer outIds, Matrix outDist) {
        checkK(k);
        requireOutputs("ivfpqSelect", nq, k, outIds, outDist);
        launcher.select(addr(cand, "cand"), addr(candOff, "candOff", 8), addr(probes, "probes", 8), nprobe,
                addr(listOff, "listOff", 8), addr(ids, "ids", 8), nq, k, addr(outIds, "outIds", 8), addr(outDist, "outDist"));
    }

    private void requireOutputs(String op, long rows, int k, Buffer outIds, Matrix outDist) {
        DeviceMatrix od = dm(outDist, op + " outDist");
        if (array(outIds, op + " outIds", 8).length() < rows * k || od.rows() != rows || od.cols() != k) {
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
    public void close() {
    }
}
