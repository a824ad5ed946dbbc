package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

/**
 * What the driver says about one device (needs cuInit, no context).
 *
 * @param ordinal        device number
 * @param name           e.g. "NVIDIA H100 80GB HBM3"
 * @param ccMajor        compute capability, major
 * @param ccMinor        compute capability, minor
 * @param driverVersion  cuDriverGetVersion, e.g. 13000 for 13.0
 * @param totalBytes     device memory
 */
record DeviceFacts(int ordinal, String name, int ccMajor, int ccMinor, int driverVersion, long totalBytes) {

    /** The lowest compute capability the fatbin has code for (sm_80 SASS). */
    static final int MIN_CC_MAJOR = 8;

    static DeviceFacts query(int ordinal) {
        CUdevice dev = new CUdevice();
        CudaException.check(cuDeviceGet(dev, ordinal), "cuDeviceGet", "device " + ordinal);
        byte[] nameBytes = new byte[256];
        CudaException.check(cuDeviceGetName(nameBytes, nameBytes.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) {
            len++;
        }
        int[] v = new int[1];
        CudaException.check(cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev),
                "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MAJOR)");
        int major = v[0];
        CudaException.check(cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev),
                "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MINOR)");
        int minor = v[0];
        CudaException.check(cuDriverGetVersion(v), "cuDriverGetVersion");
        int driver = v[0];
        long[] total = new long[1];
        CudaException.check(cuDeviceTotalMem(total, dev), "cuDeviceTotalMem");
        return new DeviceFacts(ordinal, new String(nameBytes, 0, len, StandardCharsets.UTF_8).trim(), major, minor, driver,
                total[0]);
    }

    /** "sm_90". */
    String arch() {
        return "sm_" + ccMajor + ccMinor;
    }

    /** The CUDA version the driver supports, "13.0" (not the kernel-module version such as 580.x). */
    String driverVersionString() {
        return (driverVersion / 1000) + "." + (driverVersion % 1000) / 10;
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** "NVIDIA H100 80GB HBM3, sm_90, driver 13.0, 79.1 GiB". */
    String summary() {
        return name + ", " + arch() + ", driver " + driverVersionString() + ", " + gib(totalBytes);
    }
}
