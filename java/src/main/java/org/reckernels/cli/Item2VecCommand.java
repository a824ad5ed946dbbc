package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.SequenceCorpus;
import org.reckernels.data.SyntheticSequences;
import org.reckernels.model.Item2Vec;

/**
 * {@code reckernels train item2vec [--data FILE] [--format text|csv] [--vector-size 100] [--window 5]
 * [--min-count 5] [--negative 5] [--ns-exponent 0.75] [--sample 1e-3] [--alpha 0.025]
 * [--min-alpha 1e-4] [--epochs 5] [--seed 1] [--workers cores] [--whole-session false] [--exact true]
 * [--query ITEM] [--save FILE] [--export FILE] [--backend B]}: skip-gram negative sampling with a
 * progress line per second (words/s, loss, lr, ETA). Without --data it trains on the embedded
 * synthetic sessions with planted overlapping clusters and prints precision@10 of most_similar
 * against them.
 */
final class Item2VecCommand {
    private static final Set<String> OPTIONS = Set.of("data", "format", "vector-size", "window", "min-count", "negative",
            "ns-exponent", "sample", "alpha", "min-alpha", "epochs", "seed", "workers", "whole-session", "exact", "query", "save",
            "export", "backend");

    private Item2VecCommand() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = new Options("train item2vec", args, OPTIONS);
        boolean synthetic = !o.has("data");
        Item2Vec.Params d = Item2Vec.Params.defaults();
        // the synthetic sessions are short and small: whole-session context, no min_count cut, more epochs
        Item2Vec.Params p = new Item2Vec.Params(o.integer("vector-size", synthetic ? 64 : d.vectorSize()),
                o.integer("window", d.window()), o.integer("min-count", synthetic ? 1 : d.minCount()),
                o.integer("negative", d.negative()), o.number("ns-exponent", (float) d.nsExponent()),
                o.number("sample", (float) d.sample()), o.number("alpha", d.alpha()), o.number("min-alpha", d.minAlpha()),
                o.integer("epochs", synthetic ? 3 : d.epochs()), o.integer("seed", (int) d.seed()),
                o.integer("workers", d.workers()), Boolean.parseBoolean(o.string("whole-session", synthetic ? "true" : "false")),
                Boolean.parseBoolean(o.string("exact", Boolean.toString(Item2Vec.Params.EXACT_DEFAULT))));
        long t0 = System.nanoTime();
        SequenceCorpus corpus;
        SyntheticSequences syn = null;
        if (synthetic) {
            syn = SyntheticSequences.generate(o.integer("seed", 7));
            corpus = syn.corpus(p.minCount());
        } else {
            Path file = Path.of(o.string("data", ""));
            String format = o.string("format", file.toString().endsWith(".csv") ? "csv" : "text");
            corpus = switch (format) {
                case "text" -> SequenceCorpus.readText(file, p.minCount());
                case "csv" -> SequenceCorpus.readCsv(file, p.minCount());
                default -> throw new IllegalArgumentException("train item2vec --format '" + format + "': expected text or csv");
            };
        }
        double vocabSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf("data: %s%n      vocabulary built in %.2fs%n", corpus, vocabSeconds);
        Backends.Choice choice = Backends.open(o.string("backend", Backends.requestedKind()));
        try (Backend backend = choice.backend()) {
            out.println("backend: " + backend.name() + " (" + choice.reason() + ") on " + backend.info().device());
            out.println("model: " + p);
            Item2Vec.Trained t = Item2Vec.train(backend, corpus, p, pr -> out.printf(
                    "  %5.1f%%  %,12d words  %,10.0f words/s  loss %.4f  lr %.5f  ETA %s%n", 100.0 * pr.wordsDone() / pr.wordsTotal(),
                    pr.wordsDone(), pr.wordsPerSec(), pr.loss(), pr.alpha(), ProgressPrinter.duration(pr.etaSeconds())));
            try (Item2Vec model = t.model()) {
                double total = (System.nanoTime() - t0) / 1e9;
                out.printf("trained %d epochs: %,.0f words/s training, %,.0f words/s including the vocabulary (%.1fs total)%n",
                        p.epochs(), t.result().wordsPerSec(), t.result().wordsDone() / total, total);
                if (syn != null) {
                    SyntheticSequences s = syn;
                    double prec = s.precisionAtK(model.vocabulary(), id -> model.mostSimilarIds(id, 10), 10);
                    double random = s.randomPrecision();
                    out.printf("most_similar precision@10 against the planted clusters (a neighbour is right when it shares a cluster with the query): %.4f (random ranking: %.4f)%n", prec, random);
                }
                String query = o.string("query", model.vocabulary().token(0));
                out.println("most_similar(" + query + ", 10):");
                for (Item2Vec.Neighbor n : model.mostSimilar(query, 10)) {
                    out.printf("  %-20s %.4f%n", n.item(), n.similarity());
                }
                if (o.has("save")) {
                    Path f = Path.of(o.string("save", ""));
                    model.save(f);
                    out.println("saved model to " + f + " (+ " + f.getFileName() + ".vocab)");
                }
                if (o.has("export")) {
                    Path f = Path.of(o.string("export", ""));
                    model.exportWord2VecText(f);
                    out.println("exported word2vec text vectors to " + f);
                }
            }
        }
        return 0;
    }
}
