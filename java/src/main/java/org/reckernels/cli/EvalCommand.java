package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Set;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.eval.ExactTopK;
import org.reckernels.eval.RankingMetrics;
import org.reckernels.eval.RankingReport;
import org.reckernels.eval.TopKResult;
import org.reckernels.io.TableFile;
import org.reckernels.tensor.HostMatrix;

/**
 * {@code reckernels eval --embeddings FILE --data DIR}: full-ranking evaluation of saved final
 * embeddings (from {@code train --save}) on a train/test split; train items are masked.
 */
final class EvalCommand {
    private static final Set<String> OPTIONS = Set.of("embeddings", "data", "k");

    private EvalCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("eval", args, OPTIONS);
        if (!o.has("embeddings") || !o.has("data")) {
            throw new IllegalArgumentException("eval needs --embeddings FILE and --data DIR");
        }
        Path file = Path.of(o.string("embeddings", ""));
        TrainTestSplit data = TrainTestSplit.load(Path.of(o.string("data", "")));
        int k = o.integer("k", 20);
        TableFile.Loaded loaded = TableFile.read(file);
        try (HostMatrix all = loaded.table()) {
            int users = metaInt(loaded, "users", file);
            int items = metaInt(loaded, "items", file);
            if (users != data.numUsers() || items != data.numItems() || all.rows() != (long) users + items) {
                throw new IllegalArgumentException(file + " holds " + users + " users and " + items + " items ("
                        + all.rows() + " rows) but the data has " + data.numUsers() + " users and " + data.numItems() + " items");
            }
            long d = all.cols();
            try (HostMatrix u = HostMatrix.zeros(users, d); HostMatrix it = HostMatrix.zeros(items, d)) {
                MemorySegment.copy(all.segment(), 0, u.segment(), 0, u.byteSize());
                MemorySegment.copy(all.segment(), u.byteSize(), it.segment(), 0, it.byteSize());
                TopKResult top = ExactTopK.topK(u, it, data.train(), k);
                RankingReport r = RankingMetrics.evaluate(top.items(), k, data.test(), k);
                out.println("model: " + loaded.metadata().getOrDefault("model", "?") + " from " + file);
                out.println(r);
            }
        }
        return 0;
    }

    private static int metaInt(TableFile.Loaded loaded, String key, Path file) {
        String v = loaded.metadata().get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": metadata '" + key + "' is " + (v == null ? "missing" : "'" + v + "'")
                    + " (not an embeddings file written by train --save?)");
        }
    }
}
