package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.PublishedGowalla;
import org.reckernels.eval.RankingReport;
import org.reckernels.io.ResultsFile;
import org.reckernels.train.BprConfig;
import org.reckernels.train.GraphModelConfig;
import org.reckernels.train.GraphTraining;
import org.reckernels.train.IalsConfig;
import org.reckernels.train.IalsTraining;
import org.reckernels.train.NcfConfig;
import org.reckernels.train.NcfTraining;
import org.reckernels.train.TrainingListener;

/**
 * {@code reckernels leaderboard [--data DIR] [--epochs N] [--sweeps N] [--results DIR] [--models LIST]}: trains
 * MF-BPR, LightGCN, NGCF, iALS and NCF (or the comma-separated --models among mf, lightgcn, ngcf, ials, ncf)
 * on one data set with documented settings and prints one table
 * (recall@20, ndcg@20, train time, device), next to the LightGCN paper's numbers when the data is
 * the Gowalla split. With --results, each model's run is also written as a results file
 * ({@code <model>-<data>-<device>-<date>.json}).
 *
 * <p>Settings: the BPR models use the LightGCN paper's (d = 64, lr 1e-3, L2 1e-4, batch 2048, 3
 * layers; NGCF message dropout 0.1) on real data, except MF's L2: 1e-3 (with 1e-4 MF over-fits Gowalla,
 * recall@20 0.120 at best; with 1e-3 it reaches 0.137, bench/results/mf-gowalla-*), and the synthetic default's (lr 5e-3, batch
 * 1024) without --data; iALS uses {@link IalsConfig#gowallaDefaults()}. --epochs caps the BPR
 * models (default 20 on synthetic data, 1000 with early stopping on real data). NCF uses
 * {@link NcfConfig#syntheticDefaults()} without --data (20 epochs, evaluated every 5, the best evaluation's
 * parameters kept) and {@link NcfConfig#paperDefaults} with it (100 epochs unless --epochs, early stopping
 * after 3 evaluations without a better recall@20).
 */
final class LeaderboardCommand {
    private static final Set<String> OPTIONS = Set.of("data", "epochs", "sweeps", "results", "backend", "seed", "models");
    private static final List<String> MODELS = List.of("mf", "lightgcn", "ngcf", "ials", "ncf");
    /** MF-BPR's L2 on real data (tuned on Gowalla; the paper's 1e-4 over-fits there). */
    static final float MF_L2 = 1e-3f;

    private LeaderboardCommand() {
    }

    /** seconds: the whole run (training, evaluations, set-up); secPerEpoch: training only. */
    private record Row(String model, RankingReport eval, double seconds, int epochs, double secPerEpoch) {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("leaderboard", args, OPTIONS);
        boolean synthetic = !o.has("data");
        TrainTestSplit data = TrainCommand.loadData(o, out);
        String dataName = synthetic ? "synthetic" : Path.of(o.string("data", ".")).toAbsolutePath().normalize().getFileName().toString();
        boolean gowalla = dataName.equals("gowalla");
        int epochs = o.integer("epochs", synthetic ? 20 : 1000);
        BprConfig bpr = new BprConfig(epochs, synthetic ? 1024 : 2048, synthetic ? 5e-3f : 1e-3f, 1e-4f, 2020,
                synthetic ? 5 : 20, synthetic ? 0 : 5, "recall@20");
        IalsConfig ials = IalsConfig.gowallaDefaults().withSweeps(o.integer("sweeps", 10));
        NcfConfig ncf = synthetic ? NcfConfig.syntheticDefaults().withEpochs(epochs)
                : NcfConfig.paperDefaults(o.integer("epochs", 100));
        List<String> models = o.has("models") ? List.of(o.string("models", "").split(",")) : MODELS;
        for (String m : models) {
            if (!MODELS.contains(m)) {
                throw new IllegalArgumentException("leaderboard: --models names '" + m + "'; known: " + String.join(",", MODELS));
            }
        }
        int[] ks = TrainCommand.cutoffs(data.numItems());
        List<Row> rows = new ArrayList<>();
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            String device = backend.info().device();
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + device);
            for (String model : List.of("mf", "lightgcn", "ngcf")) {
                if (!models.contains(model)) {
                    continue;
                }
                GraphModelConfig mc = new GraphModelConfig(model, 64, 3, 0.1f, 2020, GraphModelConfig.defaultDropout(model));
                out.println("== " + model + " (" + mc + ")");
                long t0 = System.nanoTime();
                BprConfig settings = model.equals("mf") && !synthetic ? bpr.withL2(MF_L2) : bpr;
                GraphTraining.Outcome r = GraphTraining.run(backend, data, mc, settings, new ProgressPrinter(out), ks);
                r.embeddings().close();
                rows.add(new Row(model, r.finalEval(), (System.nanoTime() - t0) / 1e9, r.training().epochsRun(),
                        r.training().secondsPerEpoch()));
            }
            if (models.contains("ials")) {
                out.println("== ials (" + ials + ")");
                long t0 = System.nanoTime();
                IalsTraining.Outcome r = IalsTraining.run(backend, data, ials, false, TrainingListener.NONE, ks);
                r.embeddings().close();
                rows.add(new Row("ials", r.finalEval(), (System.nanoTime() - t0) / 1e9, r.sweeps(), r.secondsPerSweep()));
            }
            if (models.contains("ncf")) {
                out.println("== ncf (" + ncf + ")");
                long t0 = System.nanoTime();
                NcfTraining.Outcome r = NcfTraining.run(backend, data, ncf, new ProgressPrinter(out), ks);
                rows.add(new Row("ncf", r.finalEval(), (System.nanoTime() - t0) / 1e9, r.epochsRun(), r.secondsPerEpoch()));
            }

            out.println();
            out.printf("%-9s %10s %9s %8s %10s  %s%n", "model", "recall@20", "ndcg@20", "epochs", "train s", gowalla ? "published recall/ndcg@20" : "");
            for (Row row : rows) {
                String pub = gowalla ? PublishedGowalla.of(row.model())
                        .map(p -> String.format("%.4f / %.4f", p.recall20(), p.ndcg20())).orElse("") : "";
                out.printf("%-9s %10.4f %9.4f %8d %10.1f  %s%n", row.model(), row.eval().recall(20), row.eval().ndcg(20),
                        row.epochs(), row.seconds(), pub);
            }
            out.println("device: " + device + "; random ranking recall@20 ≈ " + String.format("%.4f", 20.0 / data.numItems()));
            if (o.has("results")) {
                Path dir = Path.of(o.string("results", "bench/results"));
                String driver = backend.info().details().getOrDefault("driver (CUDA version)", "-");
                for (Row row : rows) {
                    Map<String, Object> settings = new LinkedHashMap<>();
                    settings.put("model", row.model());
                    settings.put("data", dataName);
                    settings.put("backend", backend.name());
                    settings.put("training", switch (row.model()) {
                        case "ials" -> ials.toString();
                        case "ncf" -> ncf.toString();
                        default -> bpr.toString();
                    });
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("recall@20", row.eval().recall(20));
                    metrics.put("ndcg@20", row.eval().ndcg(20));
                    metrics.put("epochs", (double) row.epochs());
                    metrics.put("sec_per_epoch", row.secPerEpoch());
                    metrics.put("total_s", row.seconds());
                    List<ResultsFile.Baseline> baselines = !gowalla ? List.of() : PublishedGowalla.of(row.model())
                            .map(p -> List.of(new ResultsFile.Baseline("published-" + row.model(),
                                    Map.of("recall@20", p.recall20(), "ndcg@20", p.ndcg20()))))
                            .orElse(List.of());
                    String name = (row.model().equals("mf") ? "mf-bpr" : row.model()) + "-" + dataName;
                    ResultsFile f = ResultsFile.of(name, device, driver, "reckernels leaderboard " + String.join(" ", args))
                            .with(settings, metrics, baselines, Map.of());
                    out.println("wrote " + f.write(dir));
                }
            }
        }
        return 0;
    }
}
