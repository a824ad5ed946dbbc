package org.reckernels.bench;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.CtrFormat;
import org.reckernels.data.ctr.CtrLoadOptions;
import org.reckernels.data.ctr.CtrLoader;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.eval.BinaryMetrics;
import org.reckernels.io.ResultsFile;
import org.reckernels.model.FieldAwareFM;
import org.reckernels.train.CtrTrainer;
import org.reckernels.train.TrainingListener;

/**
 * The CTR data path end to end: writes the planted-FM synthetic data as a Criteo TSV (13 counts, 26 hex
 * categoricals, about 1 line in 1000 malformed), times {@link CtrLoader} on it (vocabulary: two passes; hashing:
 * one), then trains a {@link FieldAwareFM} (d = 4) on the loaded ids and reports held-out AUC next to the planted
 * model's and training samples/s. Writes {@code ctr-load-criteo-<device>-<date>.json} and
 * {@code ffm-criteo-synthetic-<device>-<date>.json}.
 *
 * <p>Usage: {@code CtrDataBench <samples> <epochs> <outDir> [auto|java|cuda]}
 */
public final class CtrDataBench {
    private CtrDataBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: CtrDataBench <samples> <epochs> <outDir> [auto|java|cuda]");
            System.exit(2);
        }
        int samples = Integer.parseInt(args[0]);
        int epochs = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        String kind = args.length > 3 ? args[3] : "auto";
        String command = "java ... org.reckernels.bench.CtrDataBench " + String.join(" ", args);
        SyntheticCtr gen = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(samples, 7));
        CtrDataset planted = gen.data();
        Path file = Files.createTempFile("ctr-bench", ".tsv");
        try {
            long bad = write(planted, file);
            long bytes = Files.size(file);
            Map<String, Double> metrics = new LinkedHashMap<>();
            CtrLoader.Loaded vocab = null;
            for (CtrLoadOptions o : new CtrLoadOptions[] {CtrLoadOptions.defaults(CtrFormat.CRITEO).withVocabulary(1),
                    CtrLoadOptions.defaults(CtrFormat.CRITEO).withHashing(1 << 12, 1)}) {
                CtrLoader.load(file, o); // warm-up
                long t0 = System.nanoTime();
                CtrLoader.Loaded l = CtrLoader.load(file, o);
                double sec = (System.nanoTime() - t0) / 1e9;
                String key = o.encoding() == CtrLoadOptions.Encoding.HASH ? "hash" : "vocab";
                metrics.put(key + "_lines_per_s", l.report().lines() / sec);
                metrics.put(key + "_mb_per_s", bytes / sec / 1e6);
                System.out.printf("%s: %s%n  %.2fs, %,.0f lines/s, %.1f MB/s%n", key, l.report(), sec,
                        l.report().lines() / sec, bytes / sec / 1e6);
                if (l.report().badLines() != bad) {
                    throw new IllegalStateException("expected " + bad + " bad lines, the loader counted " + l.report().badLines());
                }
                if (vocab == null) {
                    vocab = l;
                }
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("lines", samples + bad);
            settings.put("bytes", bytes);
            settings.put("bad_lines", bad);
            settings.put("format", "criteo tsv, 39 fields");
            settings.put("load_average", loadAverage());
            settings.put("note", "one warm-up load, then one timed load per encoding (vocabulary: two passes; hash: one);"
                    + " file in the page cache; shared 2-core machine, timings noisy");
            ResultsFile.of("ctr-load-criteo", "cpu-" + Runtime.getRuntime().availableProcessors() + "c", "-", command)
                    .with(settings, metrics, List.of(), Map.of()).write(out);

            // FFM on the loaded ids: the bad lines were extra lines, so sample s is still the planted sample s.
            CtrDataset all = vocab.data();
            float[] trueZ = gen.trueLogits();
            int split = (int) (all.size() * 0.9);
            CtrDataset train = all.slice(0, split);
            CtrDataset test = all.slice(split, all.size());
            double trueAuc = BinaryMetrics.auc(java.util.Arrays.copyOfRange(trueZ, split, all.size()), test.labels());
            SparseOptimizer opt = SparseOptimizer.adagrad(0.05f, 1e-6f);
            CtrTrainer.Config c = new CtrTrainer.Config(epochs, 1024, 4, opt, 0f, 0.05f, 2020);
            try (Backend backend = Backends.open(kind).backend();
                 FieldAwareFM model = FieldAwareFM.create(backend, train.vocab(), 4, opt, 0.05f, 2020)) {
                List<Double> sps = new ArrayList<>();
                CtrTrainer.Outcome<FieldAwareFM> o = CtrTrainer.runModel(backend, model, train, test, c,
                        new TrainingListener() {
                            @Override
                            public void onEpoch(Epoch e) {
                                sps.add(e.samplesPerSec());
                                System.out.printf("ffm epoch %d: loss %.5f, %,.0f samples/s%n", e.epoch(), e.loss(),
                                        e.samplesPerSec());
                            }
                        });
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("train_samples", train.size());
                s.put("fields", all.fields());
                s.put("d", 4);
                s.put("batch", c.batch());
                s.put("optimizer", opt.toString());
                s.put("backend", backend.name());
                s.put("samples_per_s_per_epoch", sps.toString());
                s.put("load_average", loadAverage());
                s.put("note", "data: the planted-FM synthetic set written as Criteo TSV and loaded (vocabulary, min count"
                        + " 1; counts log²-bucketed, so the integer fields lose information); shared 2-core machine");
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("samples_per_s", o.samplesPerSec());
                m.put("auc", o.auc());
                m.put("logloss", o.logloss());
                m.put("epochs", (double) epochs);
                m.put("sec_per_epoch", o.seconds() / epochs);
                String driver = backend.info().details().getOrDefault("driver (CUDA version)", "-");
                ResultsFile f = ResultsFile.of("ffm-criteo-synthetic", backend.info().device(), driver, command)
                        .with(s, m, List.of(new ResultsFile.Baseline("planted-true-fm", Map.of("auc", trueAuc))),
                                Map.of("auc_minus_true", o.auc() - trueAuc));
                System.out.printf("ffm: samples/s %,.0f  auc %.4f (planted %.4f)%n", o.samplesPerSec(), o.auc(), trueAuc);
                System.out.println("wrote " + f.write(out));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Every 1000th sample is followed by a malformed line (a shifted column); returns how many. */
    private static long write(CtrDataset d, Path file) throws Exception {
        long bad = 0;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 16)) {
            StringBuilder b = new StringBuilder();
            for (int s = 0; s < d.size(); s++) {
                b.setLength(0);
                b.append(d.labels()[s] == 1f ? '1' : '0');
                for (int f = 0; f < 39; f++) {
                    int id = d.id(s, f);
                    b.append('\t');
                    if (f < 13) {
                        b.append(id);
                    } else {
                        b.append(Integer.toHexString(id * 0x9E3779B1 ^ f));
                    }
                }
                w.append(b).append('\n');
                if (s % 1000 == 999) {
                    w.append("1\t2\tdeadbeef\n");
                    bad++;
                }
            }
        }
        return bad;
    }

    /** /proc/loadavg's first three numbers (the machine is shared: timings are only comparable at similar load). */
    private static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (Exception e) {
            return "-";
        }
    }
}
