package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.train.CtrTrainer;

/**
 * {@code reckernels train fm [--samples N] [--epochs E] [--dim D] [--batch B] [--lr LR] [--l2 L2] [--seed S] [--save FILE]}:
 * a factorization machine trained on the embedded synthetic planted-FM CTR data (39 fields), with progress per
 * epoch and held-out AUC / logloss compared with the planted (true) model's on the same samples.
 * ({@code --data FILE --format libsvm|criteo} is not implemented in this version and is rejected clearly.)
 */
final class FmCommand {
    private static final Set<String> OPTIONS = Set.of("data", "format", "samples", "epochs", "dim", "batch", "lr", "l2", "seed",
            "save", "backend", "test-fraction");

    private FmCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("train fm", args, OPTIONS);
        if (o.has("data")) {
            throw new IllegalArgumentException("train fm: --data (libsvm / criteo loaders) is not available yet; "
                    + "omit it to train on the synthetic planted-FM data");
        }
        int samples = o.integer("samples", 1_000_000);
        long seed = o.integer("seed", 7);
        double testFraction = o.number("test-fraction", 0.1f);
        SyntheticCtr gen = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(samples, seed));
        CtrDataset all = gen.data();
        int split = (int) Math.round(all.size() * (1 - testFraction));
        CtrDataset train = all.slice(0, split);
        CtrDataset test = all.slice(split, all.size());
        double trueAuc = BinaryMetrics.auc(java.util.Arrays.copyOfRange(gen.trueLogits(), split, all.size()), test.labels());
        out.printf("data: synthetic planted FM (seed %d): %,d train / %,d test samples, %d fields, CTR %.3f%n", seed,
                train.size(), test.size(), all.fields(), all.positiveRate());
        CtrTrainer.Config d = CtrTrainer.Config.defaults(3);
        CtrTrainer.Config c = new CtrTrainer.Config(o.integer("epochs", 3), o.integer("batch", d.batch()),
                o.integer("dim", d.dim()), SparseOptimizer.adagrad(o.number("lr", d.optimizer().lr()), d.optimizer().eps()),
                o.number("l2", d.l2()), d.initStd(), o.integer("seed", 2020));
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("training: " + c);
            CtrTrainer.Outcome r = CtrTrainer.run(backend, train, test, c, new ProgressPrinter(out));
            try (var model = r.model()) {
                out.printf("final: auc %.4f  logloss %.4f  (true model: auc %.4f)  %,.0f samples/s  %.1fs training%n",
                        r.auc(), r.logloss(), trueAuc, r.samplesPerSec(), r.seconds());
                if (o.has("save")) {
                    Path file = Path.of(o.string("save", ""));
                    model.save(file, Map.of("data", "synthetic seed " + seed, "auc", Double.toString(r.auc())));
                    out.println("saved model to " + file);
                }
            }
        }
        return 0;
    }
}
