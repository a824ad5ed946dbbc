package org.reckernels.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.model.FactorizationMachine;

/**
 * Steady-state throughput of the FM training step alone on the Java backend (planted-FM data, 39 fields, d = 16,
 * batch 2048, Adagrad, L2 0.03): several passes over one shuffled order, each timed; prints wall samples/s and,
 * with one thread, samples per CPU-second of the calling thread (less sensitive to a shared machine's load).
 * The first pass includes the JIT warm-up. Prints only; {@link CtrBench} records the trainer's numbers.
 *
 * <p>Usage: {@code FmStepBench <samples> <threads> [fused|general] [passes]}
 */
public final class FmStepBench {
    private FmStepBench() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: FmStepBench <samples> <threads> [fused|general] [passes]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        boolean fused = args.length < 3 || !args[2].equals("general");
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        CtrDataset d = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(n, 7)).data();
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        int b = 2048;
        try (JavaBackend backend = new JavaBackend(threads);
             FactorizationMachine m = FactorizationMachine.create(backend, d.vocab(), 16,
                     SparseOptimizer.adagrad(0.05f, 1e-6f), 0.03f, 0.01f, 1)) {
            m.useFusedPath(fused);
            int[] order = DeepFmStepBench.shuffledOrder(n, 1);
            System.out.printf("FM step, %s path, %d thread(s), %,d samples per pass, load average %s%n",
                    m.fusedPath() ? "fused" : "general", threads, (n / b) * b, loadAverage());
            for (int pass = 0; pass < passes; pass++) {
                long c0 = bean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int k = 0; k + b <= n; k += b) {
                    m.trainStep(d.ids(), order, k, b, d.labels());
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (bean.getCurrentThreadCpuTime() - c0) / 1e9;
                double samples = (n / b) * (double) b;
                System.out.printf("pass %d: %,.0f samples/s (%.3f s)%s%n", pass, samples / wall, wall,
                        threads == 1 ? String.format(", %,.0f samples per CPU-second", samples / cpu) : "");
            }
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "-";
        }
    }
}
