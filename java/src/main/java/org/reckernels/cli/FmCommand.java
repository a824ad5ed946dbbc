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
import org.reckernels.train.CtrTrainer;

/**
 * {@code reckernels train fm [--epochs E] [--dim D] [--batch B] [--lr LR] [--seed S] [--save FILE]} plus the data
 * options of {@link CtrDataArgs}: a factorization machine trained on the embedded synthetic planted-FM CTR data
 * (39 fields; held-out AUC next to the planted model's) or on a Criteo / libsvm / libffm file
 * ({@code --data FILE --format criteo|libsvm|libffm}), with progress per epoch and held-out AUC / logloss.
 */
final class FmCommand {
    private static final Set<String> OPTIONS = CtrDataArgs.with(Set.of("epochs", "dim", "batch", "lr", "save",
            "backend"));

    private FmCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("train fm", args, OPTIONS);
        CtrDataArgs.Data data = CtrDataArgs.load(o, out);
        CtrDataset train = data.train();
        CtrDataset test = data.test();
        double trueAuc = data.trueAuc();
        CtrTrainer.Config d = CtrTrainer.Config.defaults(3);
        CtrTrainer.Config c = new CtrTrainer.Config(o.integer("epochs", 3), o.integer("batch", d.batch()),
                o.integer("dim", d.dim()), SparseOptimizer.adagrad(o.number("lr", d.optimizer().lr()), d.optimizer().eps()),
                d.initStd(), o.integer("seed", 2020));
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("training: " + c);
            CtrTrainer.Outcome r = CtrTrainer.run(backend, train, test, c, new ProgressPrinter(out));
            try (var model = r.model()) {
                out.printf("final: auc %.4f  logloss %.4f  %s%,.0f samples/s  %.1fs training%n", r.auc(), r.logloss(),
                        Double.isNaN(trueAuc) ? "" : String.format("(true model: auc %.4f)  ", trueAuc), r.samplesPerSec(),
                        r.seconds());
                if (o.has("save")) {
                    Path file = Path.of(o.string("save", ""));
                    model.save(file, Map.of("data", data.description(), "auc", Double.toString(r.auc())));
                    out.println("saved model to " + file);
                }
            }
        }
        return 0;
    }
}
