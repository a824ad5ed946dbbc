package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.Pointer;

/** Kernel launches shared by the launchers: argument boxing and the checked 1-D launch on the backend stream. */
final class Launch {
    private Launch() {
    }

    /** A device address as a kernel argument. */
    static Pointer ptr(long address) {
        return Pointer.to(new long[] {address});
    }

    /**
     * Launches {@code entry} with {@code grid} blocks of {@code block} threads (1-D, no dynamic shared
     * memory) on the context's stream; a failure names the entry point and the shape.
     */
    static void run(CudaContext ctx, KernelModule module, String entry, int grid, int block, Pointer... args) {
        CudaException.check(cuLaunchKernel(module.function(entry), grid, 1, 1, block, 1, 1, 0, ctx.stream(),
                Pointer.to(args), null), "cuLaunchKernel(" + entry + ")", "grid " + grid + ", block " + block);
        ctx.afterLaunch(entry);
    }
}
