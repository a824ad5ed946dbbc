package org.reckernels.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reckernels.backend.Backend;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.io.ResultsFile;
import org.reckernels.model.DeepFM;

/**
 * GPU runner for DeepFM training at the setting (39 fields, d = 16, MLP 400-400-400 on the shared
 * embeddings, batch 4096; Adagrad 0.05 on the embeddings with L2 0.03, Adam 1e-3 on the MLP, as {@code train deepfm})
 * on the CUDA backend (embedding bags, FM and loss kernels, cuBLAS GEMMs with the fused bias + ReLU epilogue), next
 * to the same model in PyTorch measured in the same session (bench/reference/deepfm_torch.py, whose JSON line this
 * runner reads when given).
 * <ol>
 *   <li>validates: a small DeepFM (odd d, hidden 7-3) trained for a few steps on CUDA and on the Java backend from
 *       the same seed must give the same held-out logits within 1e-3 (relative) — WRONG and exit status 1 if not;</li>
 *   <li>times STEPS training steps after WARMUP (wall clock between two synchronizes, and each step with CUDA events:
 *       median), on the planted-FM data's shape (39 fields of 200 ids), batches in a shuffled order;</li>
 *   <li>writes {@code deepfm-synthetic-39x16-400x3} with samples/s, PyTorch's as the baseline and the ratio.</li>
 * </ol>
 *
 * <p>Usage: {@code GpuDeepFmBench [outDir] [torch.jsonl] [--rehearse-on-cpu]}. Without a GPU it prints
 * {@code no GPU: <reason>} and exits 0; {@code --rehearse-on-cpu} runs the whole runner (validation, a few timed steps,
 * the results file {@code deepfm-synthetic-39x16-400x3-rehearsal}) on the Java backend instead, to check it here.
 */
public final class GpuDeepFmBench {
    static final int WARMUP = 10;
    static final int STEPS = 50;
    static final int BATCH = 4096;
    static final int DIM = 16;
    static final int[] HIDDEN = {400, 400, 400};

    private GpuDeepFmBench() {
    }

    public static void main(String[] args) throws IOException {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        boolean rehearse = a.remove("--rehearse-on-cpu");
        Path out = Path.of(a.size() > 0 ? a.get(0) : "bench/results");
        Path torchJson = a.size() > 1 ? Path.of(a.get(1)) : null;
        double[] torch = readTorch(torchJson);
        if (rehearse) { // the whole runner on the Java backend, few steps, results file named -rehearsal
            try (JavaBackend java = new JavaBackend()) {
                if (!validate(java)) {
                    System.exit(1);
                }
                run(java, java.info().device(), "-", 2, 3, torch, out, "-rehearsal");
            }
            return;
        }
        if (!GpuStats.gpuOrSayWhyNot()) {
            return;
        }
        try (CudaBackend cuda = CudaBackend.open(0)) {
            if (!validate(cuda)) {
                System.exit(1);
            }
            run(cuda, cuda.deviceName(), cuda.driverVersion(), WARMUP, STEPS, torch, out, "");
        }
    }

    /** The settings of {@code train deepfm} with the MLP. */
    static DeepFM model(Backend backend, int[] vocab, int dim, int[] hidden, long seed) {
        return DeepFM.create(backend, vocab, dim, SparseOptimizer.adagrad(0.05f, 1e-6f), 0.03f, 0.01f,
                new DeepFM.DeepSpec(hidden, 1e-3f, 0f), seed);
    }

    /** A few steps of a small DeepFM on the backend and on the Java backend from one seed: the logits must agree. */
    static boolean validate(Backend cuda) {
        CtrDataset d = SyntheticCtr.generate(new SyntheticCtr.Spec(3000, 6, 40, 3, -0.5f, 0.3f, 1.2f, 3)).data();
        int[] order = DeepFmStepBench.shuffledOrder(d.size(), 4);
        int b = 500;
        try (JavaBackend java = new JavaBackend();
             DeepFM onGpu = model(cuda, d.vocab(), 5, new int[] {7, 3}, 11);
             DeepFM onCpu = model(java, d.vocab(), 5, new int[] {7, 3}, 11)) {
            for (int k = 0; k + b <= d.size(); k += b) {
                onGpu.trainStep(d.ids(), order, k, b, d.labels());
                onCpu.trainStep(d.ids(), order, k, b, d.labels());
            }
            float[] zg = onGpu.predictLogits(d.ids(), d.size(), 512);
            float[] zc = onCpu.predictLogits(d.ids(), d.size(), 512);
            double num = 0;
            double den = 0;
            for (int i = 0; i < zg.length; i++) {
                num += (zg[i] - zc[i]) * (double) (zg[i] - zc[i]);
                den += zc[i] * (double) zc[i];
            }
            double rel = Math.sqrt(num / Math.max(den, 1e-30));
            boolean ok = rel <= 1e-3 && Double.isFinite(rel);
            System.out.printf("%s deepfm validation: %s vs java (fused) logits after %d steps, relative error %.1e%n",
                    ok ? "OK" : "WRONG", cuda.name(), d.size() / b, rel);
            return ok;
        }
    }

    private static void run(Backend cuda, String device, String driver, int warmup, int steps, double[] torch, Path out,
                            String suffix) throws IOException {
        int n = BATCH * 32;
        CtrDataset d = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(n, 7)).data();
        int[] order = DeepFmStepBench.shuffledOrder(n, 1);
        int batches = n / BATCH;
        try (DeepFM m = model(cuda, d.vocab(), DIM, HIDDEN, 1)) {
            int[] k = {0};
            Runnable step = () -> {
                m.trainStep(d.ids(), order, (k[0] % batches) * BATCH, BATCH, d.labels());
                k[0]++;
            };
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            cuda.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            cuda.synchronize();
            double wall = (System.nanoTime() - t0) / 1e9;
            double sps = steps * (double) BATCH / wall;
            float[] ms = stepTimes(cuda, step, steps < STEPS ? 2 : 20);
            double median = GpuStats.median(ms);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("fields", d.fields());
            settings.put("vocab_per_field", d.vocab()[0]);
            settings.put("d", DIM);
            settings.put("hidden", Arrays.toString(HIDDEN));
            settings.put("batch", BATCH);
            settings.put("optimizer", "Adagrad 0.05 (eps 1e-6) + frequency-weighted L2 0.03 on the embeddings; Adam 1e-3 on"
                    + " the MLP");
            settings.put("timing", "wall clock over " + steps + " steps after " + warmup + " warm-up steps (synchronized);"
                    + " step_ms_median over " + ms.length + " more steps (CUDA events on a GPU)");
            settings.put("path", "general ops on CUDA: embedding bags, fmForward/Backward, logisticLossGrad, cuBLAS sgemm"
                    + " + bias/ReLU epilogue, Adam, embedding-bag backward + Adagrad");
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("samples_per_s", sps);
            metrics.put("step_ms_median", median);
            List<ResultsFile.Baseline> baselines = new ArrayList<>();
            Map<String, Double> ratios = new LinkedHashMap<>();
            if (torch != null) {
                baselines.add(new ResultsFile.Baseline("pytorch", Map.of("samples_per_s", torch[0], "step_ms_median",
                        torch[1])));
                ratios.put("speedup_vs_pytorch", sps / torch[0]);
            }
            ResultsFile.of("deepfm-synthetic-39x16-400x3" + suffix, device, driver,
                    "bash ci/gpu-check.sh (java ... org.reckernels.bench.GpuDeepFmBench " + out + ")")
                    .with(settings, metrics, baselines, ratios).write(out);
            System.out.printf("RESULT deepfm-synthetic-39x16-400x3%s: %,.0f samples/s (step %.3f ms median)%s%n", suffix, sps, median,
                    torch == null ? ", pytorch: not measured"
                            : String.format(", pytorch %,.0f samples/s (%.3f ms): %.2fx", torch[0], torch[1],
                                    sps / torch[0]));
        }
    }

    /** Per-step milliseconds: CUDA events on the GPU, the wall clock (synchronized) elsewhere. */
    private static float[] stepTimes(Backend backend, Runnable step, int reps) {
        if (backend instanceof CudaBackend c) {
            return c.timeWithEvents(step, 0, reps);
        }
        float[] ms = new float[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            step.run();
            backend.synchronize();
            ms[i] = (System.nanoTime() - t0) / 1e6f;
        }
        return ms;
    }

    /** [samples_per_s, step_ms_median] from the torch script's JSON line, or null when absent. */
    static double[] readTorch(Path json) throws IOException {
        if (json == null || !Files.isRegularFile(json)) {
            return null;
        }
        Pattern p = Pattern.compile("\"samples_per_s\":\\s*([0-9.eE+-]+).*?\"step_ms_median\":\\s*([0-9.eE+-]+)");
        for (String line : Files.readAllLines(json)) {
            Matcher mt = p.matcher(line);
            if (mt.find()) {
                return new double[] {Double.parseDouble(mt.group(1)), Double.parseDouble(mt.group(2))};
            }
        }
        return null;
    }
}
