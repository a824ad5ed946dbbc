package org.reckernels.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

/**
 * Where ci/build-kernels.sh puts the CUDA build outputs inside the jar (or target/classes).
 * Both are absent when nvcc was not available at build time.
 */
final class KernelResources {
    /** Every kernels/*.cu in one fatbin (sm_80, sm_90 SASS + compute_90 PTX). */
    static final String FATBIN = "/org/reckernels/cuda/reckernels.fatbin";
    /** The C-ABI host helpers (native/reckernels_native.h). */
    static final String NATIVE_LIB = "/org/reckernels/cuda/linux-x86_64/libreckernels_native.so";
    /** Why the backend cannot run when {@link #FATBIN} is missing. */
    static final String NOT_BUILT = "kernels not built (nvcc was not available at build time): classpath resource "
            + FATBIN + " is missing";

    private KernelResources() {
    }

    static boolean fatbinPresent() {
        return KernelResources.class.getResource(FATBIN) != null;
    }

    /** The fatbin's bytes. */
    static byte[] readFatbin() {
        URL url = KernelResources.class.getResource(FATBIN);
        if (url == null) {
            throw new IllegalStateException(NOT_BUILT);
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw new IllegalStateException("classpath resource " + FATBIN + " (" + url + ") is empty");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read classpath resource " + FATBIN + " (" + url + "): " + e, e);
        }
    }
}
