package org.reckernels.backend;

import java.util.List;
import java.util.Map;

/**
 * A description of a backend for logs, results files and {@code reckernels info}.
 *
 * @param name      "java" or "cuda"
 * @param device    the device name: the GPU's name, or {@code cpu-<cores>c}
 * @param kernels   the op kernels this backend runs (entry points on CUDA, code paths on Java)
 * @param details   further facts in display order (driver, compute capability, SIMD width ...)
 */
public record BackendInfo(String name, String device, List<String> kernels, Map<String, String> details) {
    public BackendInfo {
        kernels = List.copyOf(kernels);
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}
