package org.reckernels.bench;

import java.util.Arrays;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.model.DeepFM;

/**
 * Steady-state throughput of the DeepFM training step alone (planted-FM data, 39 fields, d = 16, Adagrad lr 0.05 and
 * L2 0.03 on the embeddings, Adam 1e-3 on the MLP, as {@code train deepfm}): several passes over one shuffled order,
 * each timed, with the load average before and after (the machine may be shared). The first pass includes the JIT
 * warm-up. With one thread ({@code -Dreckernels.threads=1}) it also prints samples per CPU-second of the calling
 * thread, which a shared machine's load disturbs less than wall time. Prints only; GpuDeepFmBench records the GPU numbers.
 *
 * <p>Usage: {@code DeepFmStepBench <samples> <hidden e.g. 64,32> <batch> [passes] [auto|java|cuda] [outDir]}; the Java
 * backend's threads come from {@code -Dreckernels.threads}; with outDir it writes
 * {@code deepfm-step-<hidden>-b<batch>-<device>-<date>.json} (best pass after the first). The setting: {@code 400000 400,400,400 4096}.
 */
public final class DeepFmStepBench {
    private DeepFmStepBench() {
    }

    public static void main(String[] args) throws java.io.IOException {
        if (args.length < 3) {
            System.err.println("usage: DeepFmStepBench <samples> <hidden e.g. 64,32> <batch> [passes] [auto|java|cuda]"
                    + " [outDir]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        int[] hidden = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int b = Integer.parseInt(args[2]);
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        String kind = args.length > 4 ? args[4] : "java";
        java.nio.file.Path outDir = args.length > 5 ? java.nio.file.Path.of(args[5]) : null;
        String loadBefore = SgnsBench.loadAverage();
        double bestWall = 0;
        double bestCpu = 0;
        java.util.List<String> perPass = new java.util.ArrayList<>();
        CtrDataset d = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(n, 7)).data();
        int[] order = shuffledOrder(n, 1);
        DeepFM.DeepSpec deep = new DeepFM.DeepSpec(hidden, 1e-3f, 0f);
        try (Backend backend = Backends.open(kind).backend();
             DeepFM m = DeepFM.create(backend, d.vocab(), 16, SparseOptimizer.adagrad(0.05f, 1e-6f), 0.03f, 0.01f,
                     deep, 1)) {
            System.out.printf("DeepFM step on %s (%s), 39 fields, d 16, MLP %s, batch %d, %,d samples per pass, "
                    + "load average %s%n", backend.name(), backend.info().details().getOrDefault("threads", "-")
                    + " threads", Arrays.toString(hidden), b, (n / b) * b, SgnsBench.loadAverage());
            boolean oneThread = "1".equals(backend.info().details().get("threads"));
            java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int pass = 0; pass < passes; pass++) {
                long c0 = bean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                double loss = 0;
                for (int k = 0; k + b <= n; k += b) {
                    loss += m.trainStep(d.ids(), order, k, b, d.labels());
                }
                backend.synchronize();
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (bean.getCurrentThreadCpuTime() - c0) / 1e9;
                double samples = (n / b) * (double) b;
                System.out.printf("pass %d: %,.0f samples/s (%.3f s)%s, mean loss %.4f%n", pass, samples / wall, wall,
                        oneThread ? String.format(", %,.0f samples per CPU-second", samples / cpu) : "", loss / samples);
                perPass.add(String.format("%.0f", samples / wall));
                if (pass > 0 || passes == 1) { // the first pass includes the JIT warm-up
                    bestWall = Math.max(bestWall, samples / wall);
                    bestCpu = Math.max(bestCpu, samples / cpu);
                }
            }
            String loadAfter = SgnsBench.loadAverage();
            System.out.println("load average after: " + loadAfter);
            if (outDir != null) {
                java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>();
                settings.put("fields", d.fields());
                settings.put("d", 16);
                settings.put("hidden", Arrays.toString(hidden));
                settings.put("batch", b);
                settings.put("samples_per_pass", (n / b) * b);
                settings.put("backend", backend.name());
                settings.put("threads", backend.info().details().getOrDefault("threads", "-"));
                settings.put("samples_per_s_per_pass", perPass.toString());
                settings.put("load_average_before_after", loadBefore + " / " + loadAfter);
                settings.put("note", "steady-state training step alone (no evaluation); best pass after the first (JIT"
                        + " warm-up); samples_per_cpu_s: the calling thread's CPU time, one thread only. Shared machine:"
                        + " compare only runs at similar load");
                java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
                metrics.put("samples_per_s", bestWall);
                if (oneThread) {
                    metrics.put("samples_per_cpu_s", bestCpu);
                }
                String name = "deepfm-step-" + String.join("-", Arrays.stream(hidden).mapToObj(Integer::toString).toList())
                        + "-b" + b;
                org.reckernels.io.ResultsFile.of(name, backend.info().device(), "-", "java ... "
                        + "org.reckernels.bench.DeepFmStepBench " + String.join(" ", args))
                        .with(settings, metrics, java.util.List.of(), java.util.Map.of()).write(outDir);
                System.out.println("wrote " + name);
            }
        }
    }

    static int[] shuffledOrder(int n, long seed) {
        int[] order = new int[n];
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
