package jcuda.driver;

/**
 * Wraps a raw {@code CUstream} handle (as {@code CudaBackend.streamHandle()} returns it) in JCuda's
 * {@link CUstream}, whose constructor from an address is package-private. Lives in JCuda's
 * package for that reason only (class path, unnamed module; JCuda's jar is not sealed). Used by
 * the GPU runner so that cuSPARSE and copies run on the backend's own stream, the one its CUDA
 * events time.
 */
public final class RawStreams {
    private RawStreams() {
    }

    public static CUstream of(long handle) {
        return new CUstream(handle);
    }
}
