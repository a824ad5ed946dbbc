package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.SyntheticInteractions;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.RankingReport;
import org.reckernels.io.TableFile;
import org.reckernels.train.BprConfig;
import org.reckernels.train.GraphModelConfig;
import org.reckernels.train.GraphTraining;

/**
 * {@code reckernels train lightgcn|mf|ngcf [--data DIR] ...} ({@code ials}: see {@link IalsCommand}; {@code ncf}: {@link NcfCommand}): BPR training with progress and a final
 * full-ranking evaluation. Without --data it trains on the embedded synthetic data set (planted
 * communities), with settings that finish in well under a minute on two CPU cores.
 */
final class TrainCommand {
    private static final Set<String> OPTIONS = Set.of("data", "epochs", "dim", "layers", "lr", "l2", "batch",
            "eval-every", "patience", "seed", "save", "backend", "dropout");

    private TrainCommand() {
    }

    /** The K of the evaluation: 10, 20, 50 where the item count allows; 20 is needed (recall@20 is watched). */
    static int[] cutoffs(int items) {
        if (items < 20) {
            throw new IllegalArgumentException("train: the data has " + items + " items; full-ranking evaluation at K = 20 needs at least 20");
        }
        return java.util.stream.IntStream.of(10, 20, 50).filter(k -> k <= items).toArray();
    }

    /** --data DIR (train.txt, test.txt) or, without it, the synthetic planted communities (--seed, default 7). */
    static TrainTestSplit loadData(Options o, PrintStream out) throws IOException {
        TrainTestSplit data;
        if (!o.has("data")) {
            long seed = o.integer("seed", 7);
            data = SyntheticInteractions.generate(seed).split();
            out.println("data: synthetic planted communities (seed " + seed + ")");
        } else {
            Path dir = Path.of(o.string("data", "."));
            data = TrainTestSplit.load(dir);
            out.println("data: " + dir);
        }
        out.printf("      %,d users, %,d items, %,d train / %,d test interactions%n", data.numUsers(), data.numItems(),
                data.train().size(), data.test().size());
        return data;
    }

    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("train needs a model: lightgcn, mf, ngcf, ncf, ials, item2vec, fm, ffm or deepfm");
        }
        String modelName = args[0];
        if (modelName.equals("fm")) {
            return FmCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out);
        }
        if (modelName.equals("ffm")) {
            return FfmCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out);
        }
        if (modelName.equals("deepfm")) {
            return FmCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, true);
        }
        if (modelName.equals("ials")) {
            return IalsCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out);
        }
        if (modelName.equals("ncf")) {
            return NcfCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out);
        }
        if (modelName.equals("item2vec")) {
            return Item2VecCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out);
        }
        Options o = new Options("train", java.util.Arrays.copyOfRange(args, 1, args.length), OPTIONS);
        boolean synthetic = !o.has("data");
        TrainTestSplit data = loadData(o, out);
        // The synthetic default is small: a larger learning rate and batch reach its quality in seconds.
        BprConfig config = new BprConfig(o.integer("epochs", synthetic ? 20 : 1000), o.integer("batch", synthetic ? 1024 : 2048),
                o.number("lr", synthetic ? 5e-3f : 1e-3f),
                o.number("l2", modelName.equals("mf") && !synthetic ? LeaderboardCommand.MF_L2 : 1e-4f), o.integer("seed", 2020),
                o.integer("eval-every", synthetic ? 5 : 20), o.integer("patience", synthetic ? 0 : 5), "recall@20");
        GraphModelConfig model = new GraphModelConfig(modelName, o.integer("dim", 64), o.integer("layers", 3), 0.1f,
                o.integer("seed", 2020), o.number("dropout", GraphModelConfig.defaultDropout(modelName)));
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("model: " + model + "\ntraining: " + config);
            long t0 = System.nanoTime();
            GraphTraining.Outcome outcome = GraphTraining.run(backend, data, model, config, new ProgressPrinter(out),
                    cutoffs(data.numItems()));
            try {
                RankingReport r = outcome.finalEval();
                out.printf("final (epoch %d, best %d, %.2fs/epoch, %.1fs total): %s%n", outcome.training().epochsRun(),
                        outcome.training().bestEpoch(), outcome.training().secondsPerEpoch(), (System.nanoTime() - t0) / 1e9, r);
                double random = 20.0 / data.numItems();
                out.printf("recall@20 %.4f vs about %.4f for a random ranking%n", r.recall(20), random);
                if (o.has("save")) {
                    Path file = Path.of(o.string("save", ""));
                    TableFile.write(file, GraphTraining.metadata(data, model, config, outcome), outcome.embeddings());
                    out.println("saved final embeddings to " + file);
                }
            } finally {
                outcome.embeddings().close();
            }
        }
        return 0;
    }
}
