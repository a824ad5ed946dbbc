package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.RankingReport;
import org.reckernels.train.NcfConfig;
import org.reckernels.train.NcfTraining;

/**
 * {@code reckernels train ncf [--data DIR] [--dim 32] [--layers 64,32,16] [--lr] [--l2 1e-4] [--batch 256]
 * [--epochs] [--negatives 4] [--seed 2020] [--eval-every 5] [--patience] [--init-std 0.01] [--tile-rows 65536]
 * [--backend]}: NCF (NeuMF) with binary cross-entropy over sampled negatives, per-epoch progress and a
 * full-ranking evaluation through the network. Defaults: {@link NcfConfig#syntheticDefaults()} without
 * --data, {@link NcfConfig#paperDefaults} (100 epochs, early stopping) with it.
 */
final class NcfCommand {
    private static final Set<String> OPTIONS = Set.of("data", "dim", "layers", "lr", "l2", "batch", "epochs", "negatives",
            "seed", "eval-every", "patience", "init-std", "tile-rows", "backend");

    private NcfCommand() {
    }

    /** "64,32,16" → [64, 32, 16], with the option named in errors. */
    static List<Integer> layers(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String p : spec.split(",")) {
            try {
                out.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("train ncf: --layers '" + spec + "' must be comma-separated widths, e.g. 64,32,16");
            }
        }
        return out;
    }

    static NcfConfig config(Options o, boolean synthetic) {
        NcfConfig d = synthetic ? NcfConfig.syntheticDefaults() : NcfConfig.paperDefaults(100);
        return new NcfConfig(o.integer("dim", d.gmfDim()),
                o.has("layers") ? layers(o.string("layers", "")) : d.tower(), o.number("lr", d.lr()),
                o.number("l2", d.l2()), o.integer("batch", d.batchSize()), o.integer("epochs", d.epochs()),
                o.integer("negatives", d.negatives()), o.integer("seed", (int) d.seed()),
                o.integer("eval-every", d.evalEvery()), o.integer("patience", d.patience()),
                o.number("init-std", d.initStd()), o.integer("tile-rows", d.scoreTileRows()));
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("train ncf", args, OPTIONS);
        boolean synthetic = !o.has("data");
        TrainTestSplit data = TrainCommand.loadData(o, out);
        NcfConfig config = config(o, synthetic);
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("model: " + config);
            long t0 = System.nanoTime();
            NcfTraining.Outcome outcome = NcfTraining.run(backend, data, config, new ProgressPrinter(out),
                    TrainCommand.cutoffs(data.numItems()));
            RankingReport r = outcome.finalEval();
            out.printf("final (epoch %d, best %d, %.2fs/epoch, %.1fs total): %s%n", outcome.epochsRun(), outcome.bestEpoch(),
                    outcome.secondsPerEpoch(), (System.nanoTime() - t0) / 1e9, r);
            out.printf("recall@20 %.4f vs about %.4f for a random ranking%n", r.recall(20), 20.0 / data.numItems());
        }
        return 0;
    }
}
