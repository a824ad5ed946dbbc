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
import org.reckernels.model.DeepFM;
import org.reckernels.train.CtrTrainer;

/**
 * {@code reckernels train fm|deepfm [--epochs E] [--dim D] [--batch B] [--lr LR] [--l2 L2] [--seed S] [--save FILE]}
 * (deepfm also {@code --hidden 64,32 --mlp-lr X --mlp-l2 X}) plus the data options of {@link CtrDataArgs}: a
 * factorization machine, or DeepFM (FM + MLP sharing the embeddings), trained on the embedded synthetic planted-FM
 * CTR data (39 fields, 4M samples by default; held-out AUC next to the planted model's) or on a Criteo / libsvm /
 * libffm file ({@code --data FILE --format criteo|libsvm|libffm}), with progress per epoch and held-out AUC /
 * logloss. {@code --save FILE} writes the trained model ({@code FactorizationMachine.load} / {@code DeepFM.load} read it).
 */
final class FmCommand {
    private static final Set<String> OPTIONS = CtrDataArgs.with(Set.of("epochs", "dim", "batch", "lr", "l2", "hidden",
            "mlp-lr", "mlp-l2", "save", "backend"));

    /** Synthetic samples by default: the size at which the FM gets within 0.01 of the planted model's AUC. */
    static final int DEFAULT_SAMPLES = 4_000_000;

    /** DeepFM's deep part by default: two ReLU layers (a CPU-sized MLP; the GPU setting is 400-400-400). */
    static final DeepFM.DeepSpec DEEP_DEFAULTS = new DeepFM.DeepSpec(new int[] {64, 32}, 1e-3f, 0f);

    private FmCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        return run(args, out, false);
    }

    static int run(String[] args, PrintStream out, boolean deepFm) throws IOException {
        String command = deepFm ? "train deepfm" : "train fm";
        Options o = new Options(command, args, OPTIONS);
        if (!deepFm && (o.has("hidden") || o.has("mlp-lr") || o.has("mlp-l2"))) {
            throw new IllegalArgumentException("train fm: --hidden, --mlp-lr and --mlp-l2 are DeepFM options (train deepfm)");
        }
        CtrDataArgs.Data data = CtrDataArgs.load(o, out, DEFAULT_SAMPLES);
        CtrDataset train = data.train();
        CtrDataset test = data.test();
        String truth = Double.isNaN(data.trueAuc()) ? "" : String.format("(true model: auc %.4f)  ", data.trueAuc());
        CtrTrainer.Config d = CtrTrainer.Config.defaults(3);
        CtrTrainer.Config c = new CtrTrainer.Config(o.integer("epochs", 3), o.integer("batch", d.batch()),
                o.integer("dim", d.dim()), SparseOptimizer.adagrad(o.number("lr", d.optimizer().lr()), d.optimizer().eps()),
                o.number("l2", d.l2()), d.initStd(), o.integer("seed", 2020));
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("training: " + c);
            if (deepFm) {
                DeepFM.DeepSpec deep = new DeepFM.DeepSpec(hidden(o.string("hidden", "")),
                        o.number("mlp-lr", DEEP_DEFAULTS.lr()), o.number("mlp-l2", DEEP_DEFAULTS.l2()));
                out.println("deep part: " + deep);
                var r = CtrTrainer.runDeepFm(backend, train, test, c, deep, new ProgressPrinter(out));
                try (var model = r.model()) {
                    out.printf("final: auc %.4f  logloss %.4f  %s%,.0f samples/s  %.1fs training%n", r.auc(), r.logloss(),
                            truth, r.samplesPerSec(), r.seconds());
                    if (o.has("save")) {
                        Path file = Path.of(o.string("save", ""));
                        model.save(file, Map.of("data", data.description(), "auc", Double.toString(r.auc())));
                        out.println("saved model to " + file);
                    }
                }
                return 0;
            }
            var r = CtrTrainer.run(backend, train, test, c, new ProgressPrinter(out));
            try (var model = r.model()) {
                out.printf("final: auc %.4f  logloss %.4f  %s%,.0f samples/s  %.1fs training%n", r.auc(), r.logloss(),
                        truth, r.samplesPerSec(), r.seconds());
                if (o.has("save")) {
                    Path file = Path.of(o.string("save", ""));
                    model.save(file, Map.of("data", data.description(), "auc", Double.toString(r.auc())));
                    out.println("saved model to " + file);
                }
            }
        }
        return 0;
    }

    private static int[] hidden(String spec) {
        if (spec.isBlank()) {
            return DEEP_DEFAULTS.hidden();
        }
        try {
            return java.util.Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("train deepfm: --hidden '" + spec + "' must be comma-separated widths, "
                    + "e.g. 64,32", e);
        }
    }
}
