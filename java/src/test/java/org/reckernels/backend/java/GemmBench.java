package org.reckernels.backend.java;

import org.reckernels.tensor.HostMatrix;
import org.reckernels.testing.TestMatrices;

/**
 * Quick timing of the NGCF-shaped GEMMs on the Java backend (not a test; run by hand):
 * {@code java --add-modules jdk.incubator.vector -cp java/target/classes:java/target/test-classes
 * org.reckernels.backend.java.GemmBench [rows] [threads]}. Prints the best of 5 after warm-up.
 */
public final class GemmBench {
    private GemmBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 70839;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Parallel.defaultThreads();
        int d = 64;
        try (JavaBackend be = new JavaBackend(threads);
             HostMatrix x = TestMatrices.dense(n, d, 1);
             HostMatrix g = TestMatrices.dense(n, d, 2);
             HostMatrix w = TestMatrices.dense(d, d, 3);
             HostMatrix y = HostMatrix.zeros(n, d);
             HostMatrix dw = HostMatrix.zeros(d, d)) {
            System.out.printf("backend=%s threads=%d rows=%d%n", be.info().toString().replaceAll("\\s+", " "), threads, n);
            time("NN  (Nx64)(64x64)   ", () -> be.gemm(false, false, 1f, x, w, 0f, y), 2.0 * n * d * d);
            time("NT  (Nx64)(64x64)^T ", () -> be.gemm(false, true, 1f, x, w, 0f, y), 2.0 * n * d * d);
            time("TN  (Nx64)^T(Nx64)  ", () -> be.gemm(true, false, 1f, x, g, 0f, dw), 2.0 * n * d * d);
        }
    }

    private static void time(String label, Runnable r, double flops) {
        // Warm-up: at least 20 calls and 2 s, so C2 has compiled the Vector-API kernels (the
        // interpreted forms are orders of magnitude slower) even on a loaded machine.
        long w0 = System.nanoTime();
        for (int i = 0; i < 20 || System.nanoTime() - w0 < 2_000_000_000L; i++) {
            r.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("%s best %8.3f ms  %6.2f GFLOP/s%n", label, best / 1e6, flops / best);
    }
}
