package org.reckernels.bench;

import org.reckernels.io.ResultsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.PublishedGowalla;
import org.reckernels.eval.RankingReport;
import org.reckernels.train.BprConfig;
import org.reckernels.train.GraphModelConfig;
import org.reckernels.train.GraphTraining;
import org.reckernels.train.IalsConfig;
import org.reckernels.train.IalsTraining;
import org.reckernels.train.TrainingListener;

/**
 * Records one graph-CF training run as a results file ({@code <model>-gowalla-<device>-<date>.json}
 * for the Gowalla split): settings, epochs, seconds per epoch, recall/ndcg@20, the published
 * numbers as baselines.
 *
 * <p>Usage: {@code TrainRun <lightgcn|mf|ials> <dataDir> <epochs> <evalEvery> <outDir> [backend] [l2]} (for ials,
 * epochs are sweeps and evalEvery and l2 are ignored)
 */
public final class TrainRun {
    private TrainRun() {
    }

    /** recall@20 / ndcg@20 reported by the LightGCN paper (Table 3) for the Gowalla split. */
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: TrainRun <lightgcn|mf|ials> <dataDir> <epochs> <evalEvery> <outDir> [auto|java|cuda] [l2]");
            System.exit(2);
        }
        String modelName = args[0];
        Path dataDir = Path.of(args[1]);
        int epochs = Integer.parseInt(args[2]);
        int evalEvery = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        String kind = args.length > 5 ? args[5] : "auto";
        TrainTestSplit data = TrainTestSplit.load(dataDir);
        if (modelName.equals("ials")) {
            runIals(data, dataDir, epochs, out, kind, args);
            return;
        }
        GraphModelConfig model = modelName.equals("mf") ? new GraphModelConfig("mf", 64, 0, 0.1f, 2020)
                : GraphModelConfig.lightgcn();
        BprConfig config = BprConfig.paperDefaults(epochs).withEvalEvery(evalEvery);
        if (args.length > 6) { // an L2 other than the paper's 1e-4 (e.g. for MF, which over-fits with it)
            config = config.withL2(Float.parseFloat(args[6]));
        }
        // Curves, so that runs on different backends (same seed, same data) can be compared epoch by epoch.
        List<Double> lossCurve = new java.util.ArrayList<>();
        List<Double> secondsCurve = new java.util.ArrayList<>();
        List<Double> recallCurve = new java.util.ArrayList<>();
        try (Backend backend = Backends.open(kind).backend()) {
            String device = backend.info().device();
            GraphTraining.Outcome o = GraphTraining.run(backend, data, model, config, new TrainingListener() {
                @Override
                public void onEpoch(Epoch e) {
                    lossCurve.add(e.loss());
                    secondsCurve.add(e.seconds());
                    System.out.printf("epoch %d/%d loss %.5f %.1fs%n", e.epoch(), e.epochs(), e.loss(), e.seconds());
                }

                @Override
                public void onEvaluation(int epoch, Map<String, Double> m, boolean best) {
                    recallCurve.add(m.get("recall@20"));
                    System.out.printf("  eval @%d recall@20 %.4f ndcg@20 %.4f%n", epoch, m.get("recall@20"), m.get("ndcg@20"));
                }
            }, 20);
            o.embeddings().close();
            RankingReport r = o.finalEval();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", model.model());
            settings.put("dim", model.dim());
            settings.put("layers", model.layers());
            settings.put("lr", config.lr());
            settings.put("l2", config.l2());
            settings.put("batch", config.batchSize());
            settings.put("epochs_planned", epochs);
            settings.put("backend", backend.name());
            settings.put("data", dataDir.getFileName().toString());
            settings.put("seed", config.seed());
            settings.put("eval_every", evalEvery);
            settings.put("loss_curve", lossCurve);
            settings.put("seconds_curve", secondsCurve);
            settings.put("recall20_curve", recallCurve);
            settings.put("note", epochs < 400 ? "partial run: the paper trains ~1000 epochs; quality bars apply to full runs" : "");
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("recall@20", r.recall(20));
            metrics.put("ndcg@20", r.ndcg(20));
            metrics.put("epochs", (double) o.training().epochsRun());
            metrics.put("sec_per_epoch", o.training().secondsPerEpoch());
            List<ResultsFile.Baseline> baselines = PublishedGowalla.of(model.model())
                    .map(pub -> List.of(new ResultsFile.Baseline("published-" + model.model(),
                            Map.of("recall@20", pub.recall20(), "ndcg@20", pub.ndcg20()))))
                    .orElse(List.of());
            String command = "java ... org.reckernels.bench.TrainRun " + String.join(" ", args);
            String name = model.model() + "-" + dataDir.getFileName();
            String driver = backend.info().details().getOrDefault("driver (CUDA version)", "-");
            ResultsFile f = ResultsFile.of(name, device, driver, command)
                    .with(settings, metrics, baselines, Map.of());
            System.out.println("wrote " + f.write(out));
        }
    }

    /** iALS: one "epoch" is a sweep (users then items); the tuned Gowalla setting. */
    private static void runIals(TrainTestSplit data, Path dataDir, int sweeps, Path out, String kind, String[] args)
            throws java.io.IOException {
        IalsConfig config = IalsConfig.gowallaDefaults().withSweeps(sweeps);
        try (Backend backend = Backends.open(kind).backend()) {
            IalsTraining.Outcome o = IalsTraining.run(backend, data, config, false, new TrainingListener() {
                @Override
                public void onEpoch(Epoch e) {
                    System.out.printf("sweep %d/%d %.2fs%n", e.epoch(), e.epochs(), e.seconds());
                }
            }, 20);
            o.embeddings().close();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", "ials");
            settings.put("dim", config.dim());
            settings.put("alpha", config.alpha());
            settings.put("w0", config.w0());
            settings.put("lambda", config.lambda());
            settings.put("cg_steps", config.cgSteps());
            settings.put("backend", backend.name());
            settings.put("seconds_curve", java.util.Arrays.stream(o.sweepSeconds()).boxed().toList());
            settings.put("note", "an epoch is one sweep (all users, then all items); the first sweep includes JIT warm-up");
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("recall@20", o.finalEval().recall(20));
            metrics.put("ndcg@20", o.finalEval().ndcg(20));
            metrics.put("epochs", (double) o.sweeps());
            metrics.put("sec_per_epoch", o.secondsPerSweep());
            String driver = backend.info().details().getOrDefault("driver (CUDA version)", "-");
            ResultsFile f = ResultsFile.of("ials-" + dataDir.getFileName(), backend.info().device(), driver,
                    "java ... org.reckernels.bench.TrainRun " + String.join(" ", args)).with(settings, metrics, List.of(), Map.of());
            System.out.println("wrote " + f.write(out));
        }
    }
}
