package org.reckernels.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.CtrFormat;
import org.reckernels.data.ctr.CtrLoadOptions;
import org.reckernels.data.ctr.CtrLoader;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.eval.BinaryMetrics;

/**
 * The data options shared by {@code train fm} and {@code train ffm}: the synthetic planted-FM default, or
 * {@code --data FILE --format criteo|libsvm|libffm} with the loader's settings; the held-out split is
 * {@code --test FILE} (encoded with the training file's ids) or the last {@code --test-fraction} of the file
 * (file order: Criteo files are in time order). Without {@code --test} the vocabulary is counted over the whole
 * file, held-out part included (key frequencies only, never labels).
 */
final class CtrDataArgs {
    static final Set<String> OPTIONS = Set.of("data", "format", "test", "test-fraction", "samples", "seed", "encoding",
            "buckets", "hash-seed", "min-count", "bad-lines", "max-bad-fraction", "fields");

    /** Train and held-out samples; trueAuc is the planted model's held-out AUC (NaN for files). */
    record Data(CtrDataset train, CtrDataset test, double trueAuc, String description) {
    }

    private CtrDataArgs() {
    }

    static Data load(Options o, PrintStream out) throws IOException {
        return load(o, out, 1_000_000);
    }

    /** As {@link #load(Options, PrintStream)} with another default synthetic sample count. */
    static Data load(Options o, PrintStream out, int defaultSamples) throws IOException {
        double testFraction = o.number("test-fraction", 0.1f);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction " + testFraction + " must be in (0, 1)");
        }
        if (!o.has("data")) {
            for (String file : new String[] {"format", "test", "encoding", "buckets", "hash-seed", "min-count", "bad-lines",
                    "max-bad-fraction", "fields"}) {
                if (o.has(file)) {
                    throw new IllegalArgumentException("--" + file + " needs --data FILE");
                }
            }
            int samples = o.integer("samples", defaultSamples);
            long seed = o.integer("seed", 7);
            SyntheticCtr gen = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(samples, seed));
            CtrDataset all = gen.data();
            int split = (int) Math.round(all.size() * (1 - testFraction));
            CtrDataset test = all.slice(split, all.size());
            double trueAuc = BinaryMetrics.auc(Arrays.copyOfRange(gen.trueLogits(), split, all.size()), test.labels());
            String d = String.format("synthetic planted FM (seed %d)", seed);
            out.printf("data: %s: %,d train / %,d test samples, %d fields, CTR %.3f%n", d, split, test.size(), all.fields(),
                    all.positiveRate());
            return new Data(all.slice(0, split), test, trueAuc, d);
        }
        if (o.has("samples")) {
            throw new IllegalArgumentException("--samples is for the synthetic data; not with --data");
        }
        if (!o.has("format")) {
            throw new IllegalArgumentException("--data needs --format criteo|libsvm|libffm");
        }
        CtrLoadOptions lo = options(o);
        Path file = Path.of(o.string("data", ""));
        CtrLoader.Loaded loaded = CtrLoader.load(file, lo);
        out.println("data: " + loaded.report());
        CtrDataset train;
        CtrDataset test;
        if (o.has("test")) {
            CtrLoader.Loaded t = CtrLoader.load(Path.of(o.string("test", "")), lo, loaded.encoding());
            out.println("test: " + t.report());
            train = loaded.data();
            test = t.data();
        } else {
            CtrDataset all = loaded.data();
            int split = (int) Math.round(all.size() * (1 - testFraction));
            if (split == 0 || split == all.size()) {
                throw new IllegalArgumentException(file + ": " + all.size() + " samples are too few to hold out "
                        + testFraction + " of them");
            }
            train = all.slice(0, split);
            test = all.slice(split, all.size());
        }
        out.printf("      %,d train / %,d test samples, %d fields, %,d ids, CTR %.3f%n", train.size(), test.size(),
                train.fields(), Arrays.stream(train.vocab()).asLongStream().sum(), train.positiveRate());
        return new Data(train, test, Double.NaN, file.getFileName().toString());
    }

    static CtrLoadOptions options(Options o) {
        CtrLoadOptions lo = CtrLoadOptions.defaults(CtrFormat.of(o.string("format", "")));
        String enc = o.string("encoding", "vocab").toLowerCase(Locale.ROOT);
        switch (enc) {
            case "vocab", "vocabulary" -> lo = lo.withVocabulary(o.integer("min-count", lo.minCount()));
            case "hash" -> lo = lo.withHashing(o.integer("buckets", lo.hashBuckets()), o.integer("hash-seed", (int) lo.hashSeed()));
            default -> throw new IllegalArgumentException("--encoding '" + enc + "' (accepted: vocab, hash)");
        }
        String policy = o.string("bad-lines", "skip").toLowerCase(Locale.ROOT);
        lo = lo.withPolicy(switch (policy) {
            case "skip" -> CtrLoadOptions.BadLinePolicy.SKIP;
            case "fail" -> CtrLoadOptions.BadLinePolicy.FAIL_FAST;
            default -> throw new IllegalArgumentException("--bad-lines '" + policy + "' (accepted: skip, fail)");
        });
        lo = lo.withMaxBadFraction(o.number("max-bad-fraction", (float) lo.maxBadFraction()));
        if (o.has("fields")) {
            lo = lo.withFields(o.integer("fields", 0));
        }
        return lo;
    }

    /** The two option sets as one. */
    static Set<String> with(Set<String> own) {
        java.util.Set<String> all = new java.util.TreeSet<>(own);
        all.addAll(OPTIONS);
        return all;
    }
}
