package org.reckernels.bench;

import org.reckernels.io.ResultsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reckernels.backend.Backend;
import org.reckernels.backend.Backends;
import org.reckernels.data.SequenceCorpus;
import org.reckernels.model.Item2Vec;

/**
 * Side by side with the word2vec C tool on one corpus, same threads and parameters
 * ({@code -cbow 0 -hs 0 -negative 5 -window 5 -size 128 -sample 1e-4 -iter 1 -min-count 5}):
 * words/s of both (word2vec's counting: every kept token plus one end-of-line token per line,
 * before subsampling), and nearest-neighbour overlap@10 between our vectors and word2vec's versus
 * between two word2vec runs with different seeds, for both of our training orders (exact: word2vec's
 * per-pair order, the default; shared: negatives shared over a window). Runs are interleaved
 * (word2vec, ours exact, ours shared, ...) and the
 * best and the spread are recorded, since the machine may be shared.
 *
 * <p>word2vec is built with gcc outside the project tree. It has no seed option; the bench compiles
 * a copy whose two hard-coded seeds (next_random = 1 for the initialisation, = thread id for
 * training) become $W2V_SEED and thread id + ($W2V_SEED − 1)·1000003, so seed 1 is the upstream
 * program unchanged. (An offset of $W2V_SEED − 1 alone, as before 2026-11-25, gives seed 2's thread 0
 * the random stream of seed 1's thread 1: same subsampling and negatives over a shifted part of the
 * corpus, which raised the seed-to-seed overlap from about 0.52 to 0.61 on kjv6.)
 *
 * <p>Overlap: word2vec runs r = 1..repeats use seeds 1..repeats; their pairwise overlaps give
 * word2vec's seed-to-seed spread. Ours (seeds 1 and 2, both modes) is compared with every word2vec
 * run, and our two seeds with each other.
 *
 * <p>DL4J Word2Vec (deeplearning4j-nlp, skip-gram, negative sampling, same parameters and
 * workers = threads) runs in a child JVM ({@link Dl4jWord2VecRun}, class path bench/target/lib-dl4j,
 * or the folder named by {@code -Dsgns.dl4jLib}) in the first {@code dl4jRuns} rounds, after our
 * runs of that round; its words/s is our word2vec-style word count over its vocabulary building +
 * training time (JVM start and native backend loading excluded). If it cannot run, the reason is
 * recorded in the results file and the rest goes on.
 *
 * <p>Usage: {@code SgnsBench <corpus.txt> <corpusName> <outDir> [threads 2] [repeats 3] [word2vec.c] [dl4jRuns 1]}
 */
public final class SgnsBench {
    private SgnsBench() {
    }

    private static final int SIZE = 128;
    private static final int QUERIES = 2000;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SgnsBench <corpus.txt> <corpusName> <outDir> [threads 2] [repeats 3] [word2vec.c] [dl4jRuns 1]");
            System.exit(2);
        }
        Path corpus = Path.of(args[0]);
        String corpusName = args[1];
        Path outDir = Path.of(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Path src = Path.of(args.length > 5 ? args[5] : "../shared/peers/word2vec/word2vec.c");
        int dl4jRuns = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        List<Double> dl4jWps = new ArrayList<>();
        List<Double> dl4jSec = new ArrayList<>();
        List<String> dl4jErrors = new ArrayList<>();
        String dl4jBackend = null;
        Path work = Files.createTempDirectory("sgns-bench");
        Path w2v = buildWord2vec(src, work);

        // mode 0: exact (word2vec's per-pair order, the default), mode 1: shared negatives per window
        String[] modes = {"exact", "shared"};
        List<List<Double>> oursWps = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> oursTrainWps = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> oursVocabSec = List.of(new ArrayList<>(), new ArrayList<>());
        List<Double> w2vWallWps = new ArrayList<>();
        List<Double> w2vReportedWps = new ArrayList<>();
        long words = 0;
        Path[][] oursVec = {{work.resolve("ours-exact-1.txt"), work.resolve("ours-exact-2.txt")},
                {work.resolve("ours-shared-1.txt"), work.resolve("ours-shared-2.txt")}};
        List<Path> w2vVec = new ArrayList<>();
        for (int r = 0; r < Math.max(2, repeats); r++) {
            w2vVec.add(work.resolve("w2v-seed" + (r + 1) + ".txt"));
        }
        String loadStart = loadAverage();
        String device;
        try (Backend backend = Backends.open("java").backend()) {
            device = "cpu-" + Runtime.getRuntime().availableProcessors() + "c";
            for (int r = 0; r < repeats; r++) {
                double[] w = runWord2vec(w2v, corpus, w2vVec.get(r), threads, r + 1);
                w2vWallWps.add(w[0]);
                w2vReportedWps.add(w[1]);
                StringBuilder line = new StringBuilder(String.format("run %d: word2vec %,.0f words/s wall (%,.0f self-reported)",
                        r + 1, w[0], w[1]));
                for (int mode = 0; mode < 2; mode++) {
                    long t0 = System.nanoTime();
                    SequenceCorpus c = SequenceCorpus.readText(corpus, 5);
                    double vocabSec = (System.nanoTime() - t0) / 1e9;
                    Item2Vec.Params p = new Item2Vec.Params(SIZE, 5, 5, 5, 0.75, 1e-4, 0.025f, 0.025f * 1e-4f, 1, 1 + r, threads, false,
                            mode == 0);
                    Item2Vec.Trained t = Item2Vec.train(backend, c, p, null);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    words = c.wordCount();
                    oursWps.get(mode).add(words / sec);
                    oursTrainWps.get(mode).add(t.result().wordsPerSec());
                    oursVocabSec.get(mode).add(vocabSec);
                    if (r < 2) {
                        t.model().exportWord2VecText(oursVec[mode][r]);
                    }
                    t.model().close();
                    line.append(String.format("; ours %s %,.0f words/s incl. vocabulary %.2fs (%,.0f training only)", modes[mode],
                            words / sec, vocabSec, t.result().wordsPerSec()));
                }
                if (r < dl4jRuns) {
                    Dl4jOutcome d = runDl4j(corpus, work.resolve("dl4j-" + (r + 1) + ".txt"), threads, r + 1);
                    if (d.error() == null) {
                        dl4jSec.add(d.seconds());
                        dl4jWps.add(words / d.seconds());
                        dl4jBackend = d.backend();
                        line.append(String.format("; DL4J %,.0f words/s (%.1fs incl. vocabulary)", words / d.seconds(), d.seconds()));
                    } else {
                        dl4jErrors.add(d.error());
                        line.append("; DL4J failed: ").append(d.error());
                    }
                }
                System.out.println(line);
            }
        }
        if (repeats < 2) {
            runWord2vec(w2v, corpus, w2vVec.get(1), threads, 2);
        }
        List<Vectors> w2vRuns = new ArrayList<>();
        for (Path f : w2vVec) {
            if (Files.exists(f)) {
                w2vRuns.add(Vectors.read(f));
            }
        }
        List<Double> w2vSeeds = new ArrayList<>();
        for (int i = 0; i < w2vRuns.size(); i++) {
            for (int j = i + 1; j < w2vRuns.size(); j++) {
                w2vSeeds.add(overlap(w2vRuns.get(i), w2vRuns.get(j), QUERIES));
            }
        }
        System.out.printf("overlap@10 over the %d most frequent words: word2vec seed to seed %s%n", QUERIES, w2vSeeds);
        List<Double> dl4jVsW2v = new ArrayList<>();
        if (!dl4jWps.isEmpty()) {
            Vectors d = Vectors.read(work.resolve("dl4j-1.txt"));
            for (Vectors x : w2vRuns) {
                dl4jVsW2v.add(overlap(d, x, QUERIES));
            }
            System.out.printf("DL4J (seed 1) vs word2vec runs %s%n", dl4jVsW2v);
        }
        List<List<Double>> oursVsW2v = List.of(new ArrayList<>(), new ArrayList<>());
        double[] oursSeeds = new double[2];
        for (int mode = 0; mode < 2; mode++) {
            Vectors o = Vectors.read(oursVec[mode][0]);
            for (Vectors x : w2vRuns) {
                oursVsW2v.get(mode).add(overlap(o, x, QUERIES));
            }
            oursSeeds[mode] = Files.exists(oursVec[mode][1]) ? overlap(o, Vectors.read(oursVec[mode][1]), QUERIES) : Double.NaN;
            System.out.printf("ours %s (seed 1) vs word2vec runs %s; ours seed 1 vs seed 2 %.4f%n", modes[mode], oursVsW2v.get(mode),
                    oursSeeds[mode]);
        }

        double w2vBest = Math.max(max(w2vWallWps), max(w2vReportedWps));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("corpus", corpusName);
        settings.put("words", words);
        settings.put("threads", threads);
        settings.put("params", "-cbow 0 -hs 0 -negative 5 -window 5 -size 128 -sample 1e-4 -iter 1 -min-count 5 (alpha 0.025)");
        settings.put("repeats", repeats);
        settings.put("modes", "exact: word2vec's order, fresh negatives and an immediate update per (context, center) pair "
                + "(the default); shared: one set of negatives per window, the window's updates applied together (pWord2Vec)");
        for (int mode = 0; mode < 2; mode++) {
            settings.put("ours_" + modes[mode] + "_words_per_s_runs", oursWps.get(mode));
            settings.put("ours_" + modes[mode] + "_training_only_words_per_s_runs", oursTrainWps.get(mode));
            settings.put("ours_" + modes[mode] + "_vocabulary_seconds_runs", oursVocabSec.get(mode));
        }
        settings.put("word2vec_wall_words_per_s_runs", w2vWallWps);
        settings.put("word2vec_self_reported_words_per_s_runs", w2vReportedWps);
        settings.put("overlap_queries", QUERIES);
        settings.put("word2vec_seed_to_seed_overlap_runs", w2vSeeds);
        settings.put("ours_exact_vs_word2vec_overlap_runs", oursVsW2v.get(0));
        settings.put("ours_shared_vs_word2vec_overlap_runs", oursVsW2v.get(1));
        settings.put("dl4j", "org.deeplearning4j:deeplearning4j-nlp " + DL4J_VERSION + " Word2Vec (SkipGram, negativeSample 5, no HS, "
                + "sampling 1e-4, lr 0.025 -> 2.5e-6, 1 epoch, workers = threads), backend " + dl4jBackend);
        settings.put("dl4j_seconds_runs", dl4jSec);
        settings.put("dl4j_words_per_s_runs", dl4jWps);
        settings.put("dl4j_vs_word2vec_overlap_runs", dl4jVsW2v);
        if (!dl4jErrors.isEmpty()) {
            settings.put("dl4j_errors", dl4jErrors);
        }
        settings.put("load_average_at_start_and_end", List.of(loadStart, loadAverage()));
        settings.put("word_counting", "word2vec's train_words: kept tokens + one </s> per line, before subsampling");
        settings.put("note", "ours: wall time of vocabulary building + training (JIT warm-up included in run 1); word2vec: the better of "
                + "its whole-process wall time (vocabulary, training, text output) and its own Words/thread/sec x threads "
                + "(training only, CPU-time based); runs interleaved word2vec, exact, shared, DL4J (DL4J in the first dl4jRuns rounds only, timed by its child JVM from vocabulary building to the end of fit()); the machine may be shared, so "
                + "best of the runs is reported and every run kept; overlap: ours (seed 1) vs each word2vec run (seeds 1..repeats, "
                + "independent training streams), mean; word2vec: mean over its pairs of seeds");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("words_per_s", max(oursWps.get(0)));
        metrics.put("overlap@10_vs_word2vec", mean(oursVsW2v.get(0)));
        metrics.put("shared_words_per_s", max(oursWps.get(1)));
        metrics.put("shared_overlap@10_vs_word2vec", mean(oursVsW2v.get(1)));
        metrics.put("overlap@10_between_our_seeds", oursSeeds[0]);
        metrics.put("shared_overlap@10_between_our_seeds", oursSeeds[1]);
        Map<String, Double> base = new LinkedHashMap<>();
        base.put("words_per_s", w2vBest);
        base.put("overlap@10_between_seeds", mean(w2vSeeds));
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("speedup_vs_word2vec-c", max(oursWps.get(0)) / w2vBest);
        ratios.put("shared_speedup_vs_word2vec-c", max(oursWps.get(1)) / w2vBest);
        List<ResultsFile.Baseline> baselines = new ArrayList<>(List.of(new ResultsFile.Baseline("word2vec-c", base)));
        if (!dl4jWps.isEmpty()) {
            Map<String, Double> dl4j = new LinkedHashMap<>();
            dl4j.put("words_per_s", max(dl4jWps));
            dl4j.put("overlap@10_vs_word2vec", mean(dl4jVsW2v));
            baselines.add(new ResultsFile.Baseline("dl4j", dl4j));
            ratios.put("speedup_vs_dl4j", max(oursWps.get(0)) / max(dl4jWps));
        }
        String command = "java ... org.reckernels.bench.SgnsBench " + String.join(" ", args);
        ResultsFile f = ResultsFile.of("sgns-" + corpusName, device, "-", command).with(settings, metrics, baselines, ratios);
        System.out.printf("words/s: ours exact %,.0f, shared %,.0f vs word2vec %,.0f: speedup %.2f, %.2f%n", max(oursWps.get(0)),
                max(oursWps.get(1)), w2vBest, max(oursWps.get(0)) / w2vBest, max(oursWps.get(1)) / w2vBest);
        if (!dl4jWps.isEmpty()) {
            System.out.printf("words/s: DL4J %,.0f: ours exact is %.2fx DL4J%n", max(dl4jWps), max(oursWps.get(0)) / max(dl4jWps));
        }
        System.out.println("wrote " + f.write(outDir));
    }

    static final String DL4J_VERSION = "1.0.0-M2.1";

    /** The 1, 5, 15-minute load averages (the machine may be shared). */
    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    record Dl4jOutcome(double seconds, String backend, String error) {
    }

    /** The folder with DL4J and its natives: -Dsgns.dl4jLib, else lib-dl4j beside this jar's folder (bench/target). */
    static Path dl4jLib() throws java.net.URISyntaxException {
        String p = System.getProperty("sgns.dl4jLib");
        if (p != null) {
            return Path.of(p);
        }
        Path jar = Path.of(SgnsBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().resolve("lib-dl4j");
    }

    /** Runs {@link Dl4jWord2VecRun} in a child JVM; never throws for DL4J's own failures (they are returned). */
    static Dl4jOutcome runDl4j(Path corpus, Path out, int threads, int seed) throws Exception {
        Path lib = dl4jLib();
        if (!Files.isDirectory(lib)) {
            return new Dl4jOutcome(Double.NaN, null, lib + " is missing (built by mvn package in bench/)");
        }
        String javaExe = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path") + java.io.File.pathSeparator + lib.resolve("*");
        ProcessBuilder pb = new ProcessBuilder(javaExe, "-Xmx4g", "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                Dl4jWord2VecRun.class.getName(), corpus.toString(), out.toString(), Integer.toString(threads), Integer.toString(seed),
                Integer.toString(SIZE), "5", "5", "1e-4", "5", "1").redirectErrorStream(true);
        Path log = out.resolveSibling(out.getFileName() + ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(2, TimeUnit.HOURS);
        String text = Files.readString(log, StandardCharsets.ISO_8859_1);
        if (!done) {
            p.destroyForcibly();
            return new Dl4jOutcome(Double.NaN, null, "DL4J did not finish in 2 hours; log " + log);
        }
        Matcher sec = Pattern.compile("DL4J_SECONDS ([0-9.Ee+-]+)").matcher(text);
        Matcher backend = Pattern.compile("DL4J_BACKEND (\\S+)").matcher(text);
        if (p.exitValue() != 0 || !sec.find() || !Files.exists(out)) {
            String[] lines = text.split("\n");
            String tail = String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 8), lines.length));
            return new Dl4jOutcome(Double.NaN, null, "exit " + p.exitValue() + ": " + tail);
        }
        return new Dl4jOutcome(Double.parseDouble(sec.group(1)), backend.find() ? backend.group(1) : "?", null);
    }

    private static double mean(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double max(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static Path buildWord2vec(Path src, Path work) throws IOException, InterruptedException {
        return buildWord2vec(src, work, false);
    }

    /** word2vec's per-iteration rewind; it leaves {@code eof} set (see {@link #buildWord2vec(Path, Path, boolean)}). */
    static final String W2V_REWIND = "      sentence_length = 0;\n      fseek(fi, file_size / (long long)num_threads * (long long)id, SEEK_SET);";

    /**
     * Builds word2vec with the seed patch; with {@code fixIterations} also clears its {@code eof} flag
     * when a thread rewinds for the next iteration. Upstream never clears it: the thread whose part
     * ends at the end of the file trains that part once whatever -iter says (with one thread, the
     * whole corpus; with two, its second half), so -iter > 1 runs are not what they claim. -iter 1
     * runs are the same either way.
     */
    static Path buildWord2vec(Path src, Path work, boolean fixIterations) throws IOException, InterruptedException {
        String code = Files.readString(src, StandardCharsets.ISO_8859_1);
        if (fixIterations) {
            if (!code.contains(W2V_REWIND)) {
                throw new IllegalStateException(src + ": could not find word2vec's per-iteration rewind to patch");
            }
            code = code.replace(W2V_REWIND, "      eof = 0;\n" + W2V_REWIND);
        }
        String seeded = code.replace("unsigned long long next_random = 1;",
                        "unsigned long long next_random = (unsigned long long)w2v_seed();")
                .replace("unsigned long long next_random = (long long)id;",
                        "unsigned long long next_random = (long long)id + (w2v_seed() - 1) * 1000003ULL;");
        if (seeded.equals(code)) {
            throw new IllegalStateException(src + ": could not find word2vec's seeds to patch");
        }
        int main = seeded.indexOf("void LearnVocabFromTrainFile");
        seeded = seeded.substring(0, main) + "static unsigned long long w2v_seed(void) { const char *s = getenv(\"W2V_SEED\"); "
                + "return s ? strtoull(s, 0, 10) : 1; }\n" + seeded.substring(main);
        String name = fixIterations ? "word2vec-iterfix" : "word2vec";
        Path c = work.resolve(name + ".c");
        Files.writeString(c, seeded, StandardCharsets.ISO_8859_1);
        Path exe = work.resolve(name);
        Process p = new ProcessBuilder("gcc", "-O3", "-march=native", "-funroll-loops", "-o", exe.toString(), c.toString(), "-lm",
                "-lpthread").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("gcc failed:\n" + out);
        }
        return exe;
    }

    private static final Pattern RATE = Pattern.compile("Words/thread/sec:\\s*([0-9.]+)k");
    private static final Pattern TRAIN_WORDS = Pattern.compile("Words in train file: (\\d+)");

    /** Runs word2vec; returns {train_words / wall seconds, last self-reported words/thread/sec × threads}. */
    static double[] runWord2vec(Path exe, Path corpus, Path output, int threads, int seed) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-train", corpus.toString(), "-output", output.toString(), "-cbow", "0",
                "-hs", "0", "-negative", "5", "-window", "5", "-size", Integer.toString(SIZE), "-sample", "1e-4", "-threads",
                Integer.toString(threads), "-iter", "1", "-binary", "0", "-min-count", "5").redirectErrorStream(true);
        pb.environment().put("W2V_SEED", Integer.toString(seed));
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IllegalStateException("word2vec failed:\n" + out);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        Matcher m = TRAIN_WORDS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("word2vec printed no word count:\n" + out);
        }
        long words = Long.parseLong(m.group(1));
        double rate = Double.NaN;
        Matcher r = RATE.matcher(out);
        while (r.find()) {
            rate = Double.parseDouble(r.group(1)) * 1000 * threads;
        }
        return new double[] {words / sec, rate};
    }

    /** word2vec text vectors, rows normalised. */
    record Vectors(List<String> words, Map<String, Integer> index, float[][] unit) {
        static Vectors read(Path f) throws IOException {
            List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
            List<String> words = new ArrayList<>();
            Map<String, Integer> index = new HashMap<>();
            List<float[]> rows = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                String[] parts = lines.get(i).trim().split(" ");
                if (parts.length < 2 || parts[0].equals("</s>")) {
                    continue;
                }
                float[] v = new float[parts.length - 1];
                double n = 0;
                for (int c = 0; c < v.length; c++) {
                    v[c] = Float.parseFloat(parts[c + 1]);
                    n += v[c] * v[c];
                }
                for (int c = 0; c < v.length; c++) {
                    v[c] /= (float) Math.sqrt(Math.max(n, 1e-30));
                }
                index.put(parts[0], words.size());
                words.add(parts[0]);
                rows.add(v);
            }
            return new Vectors(words, index, rows.toArray(new float[0][]));
        }

        /** Row ids of the k nearest rows by cosine to row id, itself excluded, best first. */
        int[] topK(int id, int k) {
            float[] q = unit[id];
            int[] best = new int[k];
            float[] score = new float[k];
            java.util.Arrays.fill(best, -1);
            java.util.Arrays.fill(score, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < unit.length; r++) {
                if (r == id) {
                    continue;
                }
                float s = 0;
                for (int c = 0; c < q.length; c++) {
                    s += q[c] * unit[r][c];
                }
                if (s > score[k - 1]) {
                    int p = k - 1;
                    while (p > 0 && s > score[p - 1]) {
                        score[p] = score[p - 1];
                        best[p] = best[p - 1];
                        p--;
                    }
                    score[p] = s;
                    best[p] = r;
                }
            }
            return best;
        }

        /** Top-10 neighbours of word among the words in {@code allowed}. */
        List<String> top10(String word, java.util.Set<String> allowed) {
            float[] q = unit[index.get(word)];
            String[] best = new String[10];
            float[] score = new float[10];
            java.util.Arrays.fill(score, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < words.size(); r++) {
                String w = words.get(r);
                if (w.equals(word) || !allowed.contains(w)) {
                    continue;
                }
                float s = 0;
                for (int c = 0; c < q.length; c++) {
                    s += q[c] * unit[r][c];
                }
                if (s > score[9]) {
                    int p = 9;
                    while (p > 0 && s > score[p - 1]) {
                        score[p] = score[p - 1];
                        best[p] = best[p - 1];
                        p--;
                    }
                    score[p] = s;
                    best[p] = w;
                }
            }
            return java.util.Arrays.asList(best);
        }
    }

    /** Mean |N_a(w) ∩ N_b(w)| / 10 over the first {@code queries} words of a (by frequency) present in both. */
    static double overlap(Vectors a, Vectors b, int queries) {
        java.util.Set<String> shared = new java.util.HashSet<>(a.words());
        shared.retainAll(b.index().keySet());
        double sum = 0;
        int n = 0;
        for (String w : a.words()) {
            if (n == queries) {
                break;
            }
            if (!shared.contains(w)) {
                continue;
            }
            java.util.Set<String> na = new java.util.HashSet<>(a.top10(w, shared));
            int hit = 0;
            for (String x : b.top10(w, shared)) {
                hit += na.contains(x) ? 1 : 0;
            }
            sum += hit / 10.0;
            n++;
        }
        return sum / n;
    }
}
