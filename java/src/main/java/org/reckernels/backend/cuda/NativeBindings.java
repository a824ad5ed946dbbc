package org.reckernels.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Panama downcalls into libreckernels_native.so (native/reckernels_native.h): CUB device-wide
 * scans and sorts behind a C ABI. Every function enqueues on the stream it is given and uses
 * the context current on the calling thread (the backend's primary context).
 *
 * <p>The library comes from the environment variable {@value #ENV} when set (it must name a
 * readable file), else from the jar resource {@link KernelResources#NATIVE_LIB}, extracted to a
 * temporary file. Loaded once per process by {@link #get()}; a failure is remembered and
 * rethrown.
 */
final class NativeBindings {
    static final String ENV = "RECKERNELS_NATIVE_LIB";
    static final int ABI_VERSION = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout SIZE_T = LINKER.canonicalLayouts().get("size_t");
    private static final Object LOCK = new Object();
    private static NativeBindings instance;
    private static RuntimeException failure;

    private final String from;
    private final MethodHandle abiVersion;
    private final MethodHandle runtimeVersion;
    private final MethodHandle errorString;
    private final MethodHandle lastError;
    private final MethodHandle rowPtrTempBytes;
    private final MethodHandle rowPtrFromDegrees;
    private final MethodHandle sortPairsTempBytes;
    private final MethodHandle sortPairs;

    private NativeBindings(SymbolLookup l, String from) {
        this.from = from;
        this.abiVersion = handle(l, "rk_native_abi_version", FunctionDescriptor.of(JAVA_INT));
        this.runtimeVersion = handle(l, "rk_native_runtime_version", FunctionDescriptor.of(JAVA_INT));
        this.errorString = handle(l, "rk_native_error_string", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        this.lastError = handle(l, "rk_native_last_error", FunctionDescriptor.of(JAVA_INT));
        this.rowPtrTempBytes = handle(l, "rk_row_ptr_from_degrees_temp_bytes", FunctionDescriptor.of(SIZE_T, JAVA_INT));
        this.rowPtrFromDegrees = handle(l, "rk_row_ptr_from_degrees",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, SIZE_T, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        this.sortPairsTempBytes = handle(l, "rk_sort_pairs_i32_temp_bytes", FunctionDescriptor.of(SIZE_T, JAVA_INT));
        this.sortPairs = handle(l, "rk_sort_pairs_i32", FunctionDescriptor.of(JAVA_INT, ADDRESS, SIZE_T, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        int abi = abiVersion();
        if (abi != ABI_VERSION) {
            throw new CudaException(from + ": native ABI version " + abi + ", this library needs " + ABI_VERSION
                    + " (jar and native library from different builds?)", (Throwable) null);
        }
    }

    /** The process-wide bindings; loads the library on first use. */
    static NativeBindings get() {
        synchronized (LOCK) {
            if (instance != null) {
                return instance;
            }
            if (failure != null) {
                throw new CudaException(failure.getMessage(), failure);
            }
            try {
                instance = load();
                return instance;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
    }

    private static NativeBindings load() {
        String env = System.getenv(ENV);
        Path file;
        String from;
        if (env != null && !env.isBlank()) {
            file = Path.of(env.trim());
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new CudaException("environment variable " + ENV + " = '" + env + "' is not a readable file",
                        (Throwable) null);
            }
            from = file + " (from " + ENV + ")";
        } else {
            file = extract();
            from = file + " (extracted from " + KernelResources.NATIVE_LIB + ")";
        }
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new CudaException("cannot load the native helper library " + from + ": " + e.getMessage(), e);
        }
        return new NativeBindings(lookup, from);
    }

    private static Path extract() {
        try (InputStream in = NativeBindings.class.getResourceAsStream(KernelResources.NATIVE_LIB)) {
            if (in == null) {
                throw new CudaException("native helper library missing: classpath resource " + KernelResources.NATIVE_LIB
                        + " (kernels not built: nvcc was not available at build time); or set " + ENV, (Throwable) null);
            }
            Path tmp = Files.createTempFile("libreckernels_native", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new CudaException("cannot extract " + KernelResources.NATIVE_LIB + " to a temporary file: " + e, e);
        }
    }

    private MethodHandle handle(SymbolLookup l, String name, FunctionDescriptor fd) {
        MemorySegment sym = l.find(name).orElseThrow(() -> new CudaException("native helper library " + from
                + " has no symbol " + name + " (stale build?)", (Throwable) null));
        return LINKER.downcallHandle(sym, fd);
    }

    String from() {
        return from;
    }

    int abiVersion() {
        try {
            return (int) abiVersion.invokeExact();
        } catch (Throwable t) {
            throw rethrow("rk_native_abi_version", t);
        }
    }

    /** cudaRuntimeGetVersion of the linked runtime, e.g. 13000; negative on failure. */
    int runtimeVersion() {
        try {
            return (int) runtimeVersion.invokeExact();
        } catch (Throwable t) {
            throw rethrow("rk_native_runtime_version", t);
        }
    }

    /** "cudaErrorInvalidValue" for a cudaError_t code. */
    String errorName(int code) {
        try {
            MemorySegment s = (MemorySegment) errorString.invokeExact(code);
            return s.equals(MemorySegment.NULL) ? "cudaError " + code : s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw rethrow("rk_native_error_string", t);
        }
    }

    /** Throws naming {@code fn} and the cudaError_t name unless {@code code} is 0. */
    void check(int code, String fn, String detail) {
        if (code != 0) {
            throw new CudaException(fn + " failed: " + errorName(code) + " (" + code + "): " + detail, code);
        }
    }

    /** Scratch bytes for {@link #rowPtrFromDegrees}; throws when the size query fails. */
    long rowPtrFromDegreesTempBytes(int n) {
        long bytes;
        try {
            bytes = (long) rowPtrTempBytes.invokeExact(n);
        } catch (Throwable t) {
            throw rethrow("rk_row_ptr_from_degrees_temp_bytes", t);
        }
        if (bytes == 0) {
            check(lastErrorOr(-1), "rk_row_ptr_from_degrees_temp_bytes", "n = " + n);
        }
        return bytes;
    }

    /** Enqueues row_ptr[0] = 0, row_ptr[i + 1] = Σ_{j ≤ i} degrees[j] (int64) on {@code stream}. */
    void rowPtrFromDegrees(long temp, long tempBytes, long degrees, long rowPtr, int n, long stream) {
        int rc;
        try {
            rc = (int) rowPtrFromDegrees.invokeExact(MemorySegment.ofAddress(temp), tempBytes, MemorySegment.ofAddress(degrees),
                    MemorySegment.ofAddress(rowPtr), n, MemorySegment.ofAddress(stream));
        } catch (Throwable t) {
            throw rethrow("rk_row_ptr_from_degrees", t);
        }
        check(rc, "rk_row_ptr_from_degrees", "n = " + n + ", temp " + tempBytes + " bytes");
    }

    /** Scratch bytes for {@link #sortPairs}; throws when the size query fails. */
    long sortPairsTempBytes(int n) {
        long bytes;
        try {
            bytes = (long) sortPairsTempBytes.invokeExact(n);
        } catch (Throwable t) {
            throw rethrow("rk_sort_pairs_i32_temp_bytes", t);
        }
        if (bytes == 0) {
            check(lastErrorOr(-1), "rk_sort_pairs_i32_temp_bytes", "n = " + n);
        }
        return bytes;
    }

    /** Enqueues a stable radix sort of (key, value) int32 pairs by key bits [0, endBit). */
    void sortPairs(long temp, long tempBytes, long keysIn, long keysOut, long valsIn, long valsOut, int n, int endBit,
            long stream) {
        int rc;
        try {
            rc = (int) sortPairs.invokeExact(MemorySegment.ofAddress(temp), tempBytes, MemorySegment.ofAddress(keysIn),
                    MemorySegment.ofAddress(keysOut), MemorySegment.ofAddress(valsIn), MemorySegment.ofAddress(valsOut), n,
                    endBit, MemorySegment.ofAddress(stream));
        } catch (Throwable t) {
            throw rethrow("rk_sort_pairs_i32", t);
        }
        check(rc, "rk_sort_pairs_i32", "n = " + n + ", end_bit = " + endBit + ", temp " + tempBytes + " bytes");
    }

    private int lastErrorOr(int fallback) {
        try {
            int e = (int) lastError.invokeExact();
            return e != 0 ? e : fallback;
        } catch (Throwable t) {
            return fallback;
        }
    }

    private static RuntimeException rethrow(String fn, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(fn + " downcall failed", t);
    }
}
