package org.reckernels.bench;

import org.reckernels.backend.cuda.CudaBackend;
import static jcuda.jcusparse.JCusparse.cusparseCreate;
import static jcuda.jcusparse.JCusparse.cusparseCreateCsr;
import static jcuda.jcusparse.JCusparse.cusparseCreateDnMat;
import static jcuda.jcusparse.JCusparse.cusparseDestroy;
import static jcuda.jcusparse.JCusparse.cusparseDestroyDnMat;
import static jcuda.jcusparse.JCusparse.cusparseDestroySpMat;
import static jcuda.jcusparse.JCusparse.cusparseSetStream;
import static jcuda.jcusparse.JCusparse.cusparseSpMM;
import static jcuda.jcusparse.JCusparse.cusparseSpMM_bufferSize;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.driver.RawStreams;
import jcuda.jcusparse.JCusparse;
import jcuda.jcusparse.cusparseConstDnMatDescr;
import jcuda.jcusparse.cusparseConstSpMatDescr;
import jcuda.jcusparse.cusparseDnMatDescr;
import jcuda.jcusparse.cusparseHandle;
import jcuda.jcusparse.cusparseIndexBase;
import jcuda.jcusparse.cusparseIndexType;
import jcuda.jcusparse.cusparseOperation;
import jcuda.jcusparse.cusparseOrder;
import jcuda.jcusparse.cusparseSpMMAlg;
import jcuda.jcusparse.cusparseSpMatDescr;
import jcuda.jcusparse.cusparseStatus;
import jcuda.runtime.cudaStream_t;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * The cuSPARSE baseline {@code Y = A·X} (cusparseSpMM, float32, row-major X and Y) on the same
 * device matrix and X as our kernel, on the backend's stream, timed with the backend's CUDA
 * events. Everything the GPU runner does with JCusparse is in this class.
 *
 * <p>Index types: our CSR keeps int64 row offsets and int32 columns; cuSPARSE's CSR SpMM wants
 * one index type for both, so this class uploads an int32 copy of the row offsets (through the
 * backend, bytes written as-is) and passes {@code CUSPARSE_INDEX_32I} for both; column indices and
 * values are the backend's own buffers. A unit-valued A gets an uploaded array of ones.
 * Algorithms tried: {@code CUSPARSE_SPMM_ALG_DEFAULT} and {@code CUSPARSE_SPMM_CSR_ALG2}; the best
 * median is reported as {@code cusparse-spmm}.
 */
final class CusparseSpmmBaseline implements AutoCloseable {
    private static final int WARMUP = 10;
    private static final int REPS = 50;

    /** One algorithm's outcome: median ms, or why it could not run. */
    record AlgResult(String alg, double ms, double relError, String failure) {
    }

    /** The best algorithm's median, every algorithm's outcome, or why none ran. */
    record Result(double bestMs, String bestAlg, List<AlgResult> algs, String unavailable) {
        boolean available() {
            return unavailable == null;
        }
    }

    private final cusparseHandle handle = new cusparseHandle();
    private final Backend backend;
    private final CudaBackend timing;

    private CusparseSpmmBaseline(Backend backend, CudaBackend timing) {
        this.backend = backend;
        this.timing = timing;
        JCusparse.setExceptionsEnabled(false);
        check(cusparseCreate(handle), "cusparseCreate");
        cudaStream_t stream = new cudaStream_t(RawStreams.of(timing.streamHandle()));
        check(cusparseSetStream(handle, stream), "cusparseSetStream");
    }

    /**
     * Opens cuSPARSE on the backend's stream, or returns the reason it cannot (e.g.
     * libcusparse.so.12 not on LD_LIBRARY_PATH, which JCusparse reports as an UnsatisfiedLinkError).
     */
    static Object open(Backend backend, CudaBackend timing) {
        try {
            return new CusparseSpmmBaseline(backend, timing);
        } catch (LinkageError | RuntimeException e) {
            return "cuSPARSE unavailable: " + e;
        }
    }

    /**
     * Runs, validates against {@code ref} and times cusparseSpMM for {@code Y = A·X}.
     *
     * @param host  the host copy of A (for the int32 row offsets)
     * @param a     A on the backend
     * @param x     X (k x d) on the backend
     * @param ref   the reference A·X on the host
     */
    Result run(CsrMatrix host, SparseMatrix a, Matrix x, HostMatrix ref) {
        int d = Math.toIntExact(x.cols());
        if (host.nnz() > Integer.MAX_VALUE) {
            return new Result(Double.NaN, null, List.of(), "nnz " + host.nnz() + " exceeds int32 row offsets");
        }
        cusparseSpMatDescr matA = new cusparseSpMatDescr();
        cusparseDnMatDescr matX = new cusparseDnMatDescr();
        cusparseDnMatDescr matY = new cusparseDnMatDescr();
        try (HostMatrix rp32 = int32RowOffsets(host);
             Matrix dRp = backend.upload(rp32);
             Matrix ones = host.unitValues() ? uploadOnes(host.nnz()) : null;
             Matrix y = backend.allocate(a.rows(), d);
             HostMatrix got = HostMatrix.zeros(a.rows(), d)) {
            long[] ap = timing.devicePointers(a);
            long values = ones != null ? timing.devicePointer(ones) : ap[2];
            check(cusparseCreateCsr(matA, a.rows(), a.cols(), a.nnz(), DeviceRaw.pointer(timing.devicePointer(dRp)), DeviceRaw.pointer(ap[1]),
                    DeviceRaw.pointer(values), cusparseIndexType.CUSPARSE_INDEX_32I, cusparseIndexType.CUSPARSE_INDEX_32I,
                    cusparseIndexBase.CUSPARSE_INDEX_BASE_ZERO, cudaDataType.CUDA_R_32F), "cusparseCreateCsr");
            check(cusparseCreateDnMat(matX, x.rows(), d, d, DeviceRaw.pointer(timing.devicePointer(x)), cudaDataType.CUDA_R_32F,
                    cusparseOrder.CUSPARSE_ORDER_ROW), "cusparseCreateDnMat(X)");
            check(cusparseCreateDnMat(matY, y.rows(), d, d, DeviceRaw.pointer(timing.devicePointer(y)), cudaDataType.CUDA_R_32F,
                    cusparseOrder.CUSPARSE_ORDER_ROW), "cusparseCreateDnMat(Y)");
            List<AlgResult> algs = new ArrayList<>();
            algs.add(runAlg("CUSPARSE_SPMM_ALG_DEFAULT", cusparseSpMMAlg.CUSPARSE_SPMM_ALG_DEFAULT, matA.asConst(), matX.asConst(), matY, y, got, ref));
            algs.add(runAlg("CUSPARSE_SPMM_CSR_ALG2", cusparseSpMMAlg.CUSPARSE_SPMM_CSR_ALG2, matA.asConst(), matX.asConst(), matY, y, got, ref));
            AlgResult best = null;
            for (AlgResult r : algs) {
                if (r.failure() == null && (best == null || r.ms() < best.ms())) {
                    best = r;
                }
            }
            if (best == null) {
                return new Result(Double.NaN, null, algs, "no cuSPARSE algorithm ran: " + algs);
            }
            return new Result(best.ms(), best.alg(), algs, null);
        } catch (RuntimeException | LinkageError e) {
            return new Result(Double.NaN, null, List.of(), "cuSPARSE failed: " + e);
        } finally {
            cusparseDestroySpMat(matA.asConst()); // null descriptors are a no-op in cuSPARSE
            cusparseDestroyDnMat(matX.asConst());
            cusparseDestroyDnMat(matY.asConst());
        }
    }

    private AlgResult runAlg(String name, int alg, cusparseConstSpMatDescr matA, cusparseConstDnMatDescr matX,
                             cusparseDnMatDescr matY, Matrix y, HostMatrix got, HostMatrix ref) {
        Pointer alpha = Pointer.to(new float[] {1f});
        Pointer beta = Pointer.to(new float[] {0f});
        int op = cusparseOperation.CUSPARSE_OPERATION_NON_TRANSPOSE;
        long[] size = {0};
        int rc = cusparseSpMM_bufferSize(handle, op, op, alpha, matA, matX, beta, matY, cudaDataType.CUDA_R_32F, alg, size);
        if (rc != cusparseStatus.CUSPARSE_STATUS_SUCCESS) {
            return new AlgResult(name, Double.NaN, Double.NaN, "bufferSize: " + cusparseStatus.stringFor(rc));
        }
        try (Matrix buf = backend.allocate(Math.max(1, (size[0] + 3) / 4), 1)) {
            Pointer work = DeviceRaw.pointer(timing.devicePointer(buf));
            DeviceRaw.fillNaN(timing, y);
            rc = cusparseSpMM(handle, op, op, alpha, matA, matX, beta, matY, cudaDataType.CUDA_R_32F, alg, work);
            if (rc != cusparseStatus.CUSPARSE_STATUS_SUCCESS) {
                return new AlgResult(name, Double.NaN, Double.NaN, "cusparseSpMM: " + cusparseStatus.stringFor(rc));
            }
            backend.download(y, got);
            double err = Validation.relativeError(got, ref);
            if (!(err <= Validation.SPMM_TOLERANCE)) {
                return new AlgResult(name, Double.NaN, err, "wrong result, relative error " + err);
            }
            int[] last = {cusparseStatus.CUSPARSE_STATUS_SUCCESS};
            float[] ms = timing.timeWithEvents(() -> {
                int r = cusparseSpMM(handle, op, op, alpha, matA, matX, beta, matY, cudaDataType.CUDA_R_32F, alg, work);
                if (r != cusparseStatus.CUSPARSE_STATUS_SUCCESS) {
                    last[0] = r;
                }
            }, WARMUP, REPS);
            if (last[0] != cusparseStatus.CUSPARSE_STATUS_SUCCESS) {
                return new AlgResult(name, Double.NaN, err, "cusparseSpMM (timed): " + cusparseStatus.stringFor(last[0]));
            }
            return new AlgResult(name, GpuStats.median(ms), err, null);
        }
    }

    private static HostMatrix int32RowOffsets(CsrMatrix host) {
        HostMatrix m = HostMatrix.zeros(host.rows() + 1, 1);
        for (long r = 0; r <= host.rows(); r++) {
            m.segment().setAtIndex(ValueLayout.JAVA_INT, r, (int) (r == host.rows() ? host.nnz() : host.rowStart(r)));
        }
        return m;
    }

    private Matrix uploadOnes(long n) {
        try (HostMatrix ones = HostMatrix.zeros(n, 1)) {
            ones.fill(1f);
            return backend.upload(ones);
        }
    }

    private static void check(int status, String fn) {
        if (status != cusparseStatus.CUSPARSE_STATUS_SUCCESS) {
            throw new IllegalStateException(fn + " failed: " + cusparseStatus.stringFor(status));
        }
    }

    @Override
    public void close() {
        cusparseDestroy(handle);
    }
}
