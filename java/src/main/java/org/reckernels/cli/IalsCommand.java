package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.RankingReport;
import org.reckernels.io.TableFile;
import org.reckernels.train.IalsConfig;
import org.reckernels.train.IalsTraining;

/**
 * {@code reckernels train ials [--data DIR] [--dim 64] [--sweeps 15] [--alpha] [--w0] [--lambda]
 * [--nu 0] [--cg-steps 3] [--seed] [--init-std] [--eval-every 0] [--objective true] [--save FILE]
 * [--backend]}: implicit ALS with one progress line per sweep (objective per interaction, seconds)
 * and a final full-ranking evaluation. Defaults: the tuned Gowalla setting
 * ({@link IalsConfig#gowallaDefaults()}).
 */
final class IalsCommand {
    private static final Set<String> OPTIONS = Set.of("data", "dim", "sweeps", "alpha", "w0", "lambda", "nu", "cg-steps",
            "seed", "init-std", "eval-every", "objective", "save", "backend");

    private IalsCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("train ials", args, OPTIONS);
        TrainTestSplit data = TrainCommand.loadData(o, out);
        IalsConfig d = IalsConfig.gowallaDefaults();
        IalsConfig config = new IalsConfig(o.integer("dim", d.dim()), o.number("alpha", d.alpha()), o.number("w0", d.w0()),
                o.number("lambda", d.lambda()), o.number("nu", d.nu()), o.integer("cg-steps", d.cgSteps()),
                o.integer("sweeps", d.sweeps()), o.integer("seed", (int) d.seed()), o.number("init-std", d.initStd()),
                o.integer("eval-every", d.evalEvery()));
        boolean objective = Boolean.parseBoolean(o.string("objective", "true"));
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("model: " + config);
            long t0 = System.nanoTime();
            IalsTraining.Outcome outcome = IalsTraining.run(backend, data, config, objective, new ProgressPrinter(out),
                    TrainCommand.cutoffs(data.numItems()));
            try {
                RankingReport r = outcome.finalEval();
                out.printf("final (%d sweeps, %.3fs/sweep, %.1fs total): %s%n", outcome.sweeps(), outcome.secondsPerSweep(),
                        (System.nanoTime() - t0) / 1e9, r);
                out.printf("recall@20 %.4f vs about %.4f for a random ranking%n", r.recall(20), 20.0 / data.numItems());
                if (o.has("save")) {
                    Path file = Path.of(o.string("save", ""));
                    TableFile.write(file, IalsTraining.metadata(data, config, outcome), outcome.embeddings());
                    out.println("saved final factors to " + file);
                }
            } finally {
                outcome.embeddings().close();
            }
        }
        return 0;
    }
}
