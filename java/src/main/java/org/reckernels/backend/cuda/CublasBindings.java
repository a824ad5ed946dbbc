package org.reckernels.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The few cuBLAS entry points reckernels uses, as Panama downcalls (column-major BLAS
 * conventions; device pointers are raw addresses). Loaded once per process by
 * {@link #get()}, which rethrows the same "not found" error on every later call.
 *
 * <p>Pointer mode stays at cuBLAS's default, CUBLAS_POINTER_MODE_HOST: alpha and beta are host
 * pointers read before the call returns.
 */
final class CublasBindings {
    static final int OP_N = 0;
    static final int OP_T = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Object LOCK = new Object();
    private static CublasBindings instance;
    private static RuntimeException failure;

    private final String from;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle setStream;
    private final MethodHandle sgemm;
    private final MethodHandle sscal;
    private final MethodHandle statusString; // null when absent

    private CublasBindings(CublasLocator.Loaded lib) {
        SymbolLookup l = lib.lookup();
        this.from = lib.from();
        this.create = handle(l, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.destroy = handle(l, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.setStream = handle(l, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        this.sgemm = handle(l, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        this.sscal = handle(l, "cublasSscal_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT));
        Optional<MemorySegment> ss = l.find("cublasGetStatusString");
        this.statusString = ss.map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(ADDRESS, JAVA_INT))).orElse(null);
    }

    /** The process-wide bindings; loads cuBLAS on first use. */
    static CublasBindings get() {
        synchronized (LOCK) {
            if (instance != null) {
                return instance;
            }
            if (failure != null) {
                throw new CudaException(failure.getMessage(), failure);
            }
            try {
                instance = new CublasBindings(CublasLocator.load(CublasLocator.Sources.fromEnvironment()));
                return instance;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
    }

    /** The file (or soname) cuBLAS was loaded from. */
    String from() {
        return from;
    }

    private MethodHandle handle(SymbolLookup l, String name, FunctionDescriptor fd) {
        MemorySegment sym = l.find(name).orElseThrow(() -> new CudaException("cuBLAS at " + from + " has no symbol "
                + name, (Throwable) null));
        return LINKER.downcallHandle(sym, fd);
    }

    /** cublasCreate_v2 in the context current on this thread; returns the raw handle. */
    MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            check((int) create.invokeExact(slot), "cublasCreate_v2");
            return slot.get(ADDRESS, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasCreate_v2 downcall", t);
        }
    }

    void destroy(MemorySegment handle) {
        try {
            check((int) destroy.invokeExact(handle), "cublasDestroy_v2");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasDestroy_v2 downcall", t);
        }
    }

    void setStream(MemorySegment handle, long stream) {
        try {
            check((int) setStream.invokeExact(handle, MemorySegment.ofAddress(stream)), "cublasSetStream_v2");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasSetStream_v2 downcall", t);
        }
    }

    /** Column-major {@code C = alpha·op(A)·op(B) + beta·C}; a, b, c are device addresses. */
    void sgemm(MemorySegment handle, int transa, int transb, int m, int n, int k, float alpha, long a, int lda, long b,
            int ldb, float beta, long c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pAlpha = arena.allocateFrom(JAVA_FLOAT, alpha);
            MemorySegment pBeta = arena.allocateFrom(JAVA_FLOAT, beta);
            int status = (int) sgemm.invokeExact(handle, transa, transb, m, n, k, pAlpha, MemorySegment.ofAddress(a), lda,
                    MemorySegment.ofAddress(b), ldb, pBeta, MemorySegment.ofAddress(c), ldc);
            check(status, "cublasSgemm_v2", "transa=" + transa + " transb=" + transb + " m=" + m + " n=" + n + " k=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasSgemm_v2 downcall", t);
        }
    }

    /** {@code x[0..n) *= alpha} (unit stride); x is a device address. */
    void sscal(MemorySegment handle, int n, float alpha, long x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pAlpha = arena.allocateFrom(JAVA_FLOAT, alpha);
            check((int) sscal.invokeExact(handle, n, pAlpha, MemorySegment.ofAddress(x), 1), "cublasSscal_v2", "n=" + n);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasSscal_v2 downcall", t);
        }
    }

    private void check(int status, String fn) {
        check(status, fn, null);
    }

    private void check(int status, String fn, String detail) {
        if (status != 0) {
            throw new CudaException(fn + " failed: " + statusName(status) + " (" + status + ")"
                    + (detail == null ? "" : ": " + detail) + " [cuBLAS from " + from + "]", status);
        }
    }

    /** The status's name from cublas_api.h, plus cublasGetStatusString's text when the library has it. */
    String statusName(int status) {
        String name = switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cuBLAS status " + status;
        };
        if (statusString != null) {
            try {
                MemorySegment s = (MemorySegment) statusString.invokeExact(status);
                if (!s.equals(MemorySegment.NULL)) {
                    return name + ", \"" + s.reinterpret(4096).getString(0) + "\"";
                }
            } catch (Throwable t) {
                // the name alone
            }
        }
        return name;
    }
}
