package org.reckernels.bench;

import org.reckernels.backend.cuda.CudaBackend;
import java.util.Locale;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.driver.RawStreams;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.Matrix;

/**
 * The device's measured memory bandwidth: a 1 GiB device-to-device copy
 * ({@code cuMemcpyDtoDAsync} on the backend stream, timed with its CUDA events, warm-up 10,
 * 50 reps, median), counting bytes read plus bytes written (2 x 1 GiB). Buffers come from the
 * backend, so no context juggling. When the copy cannot run, the nominal HBM peak of a known
 * card is used instead, named as such.
 */
final class DeviceCopyBandwidth {
    static final long FLOATS = 1L << 28; // 1 GiB

    /** Bandwidth in GB/s and where the number comes from. */
    record Result(double gbps, String source) {
    }

    private DeviceCopyBandwidth() {
    }

    static Result measure(Backend backend, CudaBackend timing) {
        try (Matrix src = backend.allocate(FLOATS >> 14, 1 << 14);
             Matrix dst = backend.allocate(FLOATS >> 14, 1 << 14)) {
            JCudaDriver.setExceptionsEnabled(false);
            CUdeviceptr s = DeviceRaw.devicePtr(timing.devicePointer(src));
            CUdeviceptr d = DeviceRaw.devicePtr(timing.devicePointer(dst));
            long bytes = FLOATS * Float.BYTES;
            var stream = RawStreams.of(timing.streamHandle());
            int[] rc = {CUresult.CUDA_SUCCESS};
            float[] ms = timing.timeWithEvents(() -> {
                int r = JCudaDriver.cuMemcpyDtoDAsync(d, s, bytes, stream);
                if (r != CUresult.CUDA_SUCCESS) {
                    rc[0] = r;
                }
            }, 10, 50);
            if (rc[0] != CUresult.CUDA_SUCCESS) {
                return nominal(timing.deviceName(), "cuMemcpyDtoDAsync failed: " + CUresult.stringFor(rc[0]));
            }
            double median = GpuStats.median(ms);
            return new Result(SpmmBytes.gbps(2 * bytes, median), String.format(Locale.ROOT,
                    "measured: device-to-device copy of 1 GiB (read+write counted), median of 50, %.3f ms", median));
        } catch (RuntimeException | LinkageError e) {
            return nominal(timing.deviceName(), "copy timing failed: " + e);
        }
    }

    /** Nominal HBM peaks (vendor datasheets), by device name. */
    static Result nominal(String device, String why) {
        String n = device.toUpperCase(Locale.ROOT);
        double gbps = n.contains("H200") ? 4800 : n.contains("H100") && n.contains("PCIE") ? 2000
                : n.contains("H100") ? 3350 : n.contains("A100") ? 2039 : Double.NaN;
        return new Result(gbps, "nominal peak of " + device + " (datasheet), because " + why);
    }

}
