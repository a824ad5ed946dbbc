package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * The kernels fatbin ({@link KernelResources#FATBIN}) loaded into the primary context, with its
 * {@code extern "C"} entry points looked up once by name and cached.
 */
final class KernelModule implements AutoCloseable {
    private final CUmodule module = new CUmodule();
    private final ConcurrentHashMap<String, CUfunction> functions = new ConcurrentHashMap<>();
    private boolean unloaded;

    /** Loads the fatbin; the context must be current on the calling thread. */
    KernelModule(byte[] fatbin) {
        CudaException.check(cuModuleLoadData(module, fatbin), "cuModuleLoadData",
                KernelResources.FATBIN + " (" + fatbin.length + " bytes); CUDA_ERROR_NO_BINARY_FOR_GPU means the fatbin"
                        + " has no code for this GPU's architecture");
    }

    /** The entry point {@code name}; the first call per name asks the driver, later calls hit the cache. */
    CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f != null) {
            return f;
        }
        return functions.computeIfAbsent(name, n -> {
            CUfunction fn = new CUfunction();
            CudaException.check(cuModuleGetFunction(fn, module, n), "cuModuleGetFunction(" + n + ")",
                    "entry point missing from " + KernelResources.FATBIN + " (stale build?)");
            return fn;
        });
    }

    /** Which of {@code names} the module holds (for {@code info()}). */
    List<String> present(Collection<String> names) {
        List<String> found = new ArrayList<>();
        for (String n : names) {
            CUfunction fn = new CUfunction();
            int rc = cuModuleGetFunction(fn, module, n);
            if (rc == CUresult.CUDA_SUCCESS) {
                functions.putIfAbsent(n, fn);
                found.add(n);
            }
        }
        return found;
    }

    /** Unloads the module; idempotent. The context must be current. */
    @Override
    public synchronized void close() {
        if (!unloaded) {
            unloaded = true;
            functions.clear();
            CudaException.check(cuModuleUnload(module), "cuModuleUnload");
        }
    }
}
