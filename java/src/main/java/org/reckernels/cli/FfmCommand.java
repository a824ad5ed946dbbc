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
import org.reckernels.model.FieldAwareFM;
import org.reckernels.train.CtrTrainer;

/**
 * {@code reckernels train ffm [--epochs E] [--dim D] [--batch B] [--lr LR] [--init-std X] [--seed S] [--save FILE]}
 * plus the data options of {@link CtrDataArgs}: a field-aware FM on the synthetic planted-FM data (default 200k
 * samples: FFM holds F vectors per feature, so a step costs about F/2 times an FM step) or on a CTR file.
 */
final class FfmCommand {
    private static final Set<String> OPTIONS = CtrDataArgs.with(Set.of("epochs", "dim", "batch", "lr", "init-std",
            "save", "backend"));

    private FfmCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("train ffm", args, OPTIONS);
        CtrDataArgs.Data data = CtrDataArgs.load(o, out, 200_000);
        CtrDataset train = data.train();
        CtrDataset test = data.test();
        // libffm-like settings: d = 4, Adagrad; lr 0.05 as tuned for the FM on the same data.
        SparseOptimizer opt = SparseOptimizer.adagrad(o.number("lr", 0.05f), 1e-6f);
        int dim = o.integer("dim", 4);
        float initStd = o.number("init-std", 0.05f);
        long seed = o.integer("seed", 2020);
        CtrTrainer.Config c = new CtrTrainer.Config(o.integer("epochs", 3), o.integer("batch", 1024), dim, opt, 0f, initStd, seed);
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend();
             FieldAwareFM model = FieldAwareFM.create(backend, train.vocab(), dim, opt, initStd, seed)) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("training FFM: " + c);
            CtrTrainer.Outcome<FieldAwareFM> r = CtrTrainer.runModel(backend, model, train, test, c,
                    new ProgressPrinter(out));
            out.printf("final: auc %.4f  logloss %.4f  %s%,.0f samples/s  %.1fs training%n", r.auc(), r.logloss(),
                    Double.isNaN(data.trueAuc()) ? "" : String.format("(true model: auc %.4f)  ", data.trueAuc()),
                    r.samplesPerSec(), r.seconds());
            if (o.has("save")) {
                Path file = Path.of(o.string("save", ""));
                model.save(file, Map.of("data", data.description(), "auc", Double.toString(r.auc())));
                out.println("saved model to " + file);
            }
        }
        return 0;
    }
}
