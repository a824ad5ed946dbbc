package org.reckernels.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.SgnsJob;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.SequenceCorpus;
import org.reckernels.data.SyntheticSequences;
import org.reckernels.io.ResultsFile;
import org.reckernels.model.Item2Vec;

/**
 * SGNS throughput on the GPU against the bar (≥ 20M words/s on one H100 at window 5,
 * negative 5, d = 128), with its quality checked in the same run: a large version of the synthetic
 * sessions with planted overlapping clusters (1,000 clusters, 50,000 clustered + 10,000 noise items,
 * Zipf popularity; about 23M tokens by default) is trained for one epoch by the CUDA backend
 * (warm-up run first, then {@code reps} timed runs) and once by the Java backend with the same
 * parameters; most_similar precision@10 against the planted clusters of both is printed (over a
 * sample of the queries, see {@link #precision}). Words are
 * counted as word2vec counts them (every token plus one end-of-line token per session, before
 * subsampling). Timed: {@link Backend#sgnsTrain} (uploads of the corpus and tables included; the
 * vocabulary is built once, on the CPU, outside the timing).
 *
 * <p>Prints {@code RESULT sgns ...} lines; a CUDA precision more than 0.05 below the Java
 * backend's is printed as {@code WRONG} and makes the exit status 1. Without a GPU it prints
 * {@code no GPU: <reason>} and exits 0.
 *
 * <p>Usage: {@code SgnsGpuBench [outDir bench/results] [sessions 2000000] [reps 3] [timed cuda|java]}; {@code java}
 * times the Java backend in place of CUDA (a CPU smoke test of this runner; writes no results file).
 */
public final class SgnsGpuBench {
    private SgnsGpuBench() {
    }

    static final double BAR_WORDS_PER_S = 20e6;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean smoke = args.length > 3 && args[3].equals("java");
        if (!smoke && !GpuStats.gpuOrSayWhyNot()) {
            return;
        }
        SyntheticSequences.Config config = SyntheticSequences.Config.defaults(7).withItems(1000, 50_000, 10_000).withSessions(sessions);
        long t0 = System.nanoTime();
        SyntheticSequences syn = SyntheticSequences.generate(config);
        SequenceCorpus corpus = syn.corpus(1);
        System.out.printf("corpus: %s; %,d words (word2vec counting), made in %.1fs%n", corpus, corpus.wordCount(),
                (System.nanoTime() - t0) / 1e9);
        int workers = Runtime.getRuntime().availableProcessors();
        Item2Vec.Params params = new Item2Vec.Params(128, 5, 1, 5, 0.75, 1e-4, 0.025f, 0.025f * 1e-4f, 1, 1, workers, false);
        List<Double> cudaWps = new ArrayList<>();
        double cudaPrecision;
        String device;
        String driver;
        try (Backend cuda = smoke ? new JavaBackend() : CudaBackend.open(0)) {
            device = cuda instanceof CudaBackend c ? c.deviceName() : "java-smoke";
            driver = cuda instanceof CudaBackend c ? c.driverVersion() : "-";
            // warm-up: module load, first launch
            SequenceCorpus small = SyntheticSequences.generate(config.withSessions(20_000)).corpus(1);
            Item2Vec.train(cuda, small, params, null).model().close();
            cudaPrecision = Double.NaN;
            for (int r = 0; r < reps; r++) {
                Item2Vec.Trained t = Item2Vec.train(cuda, corpus, params.withSeed(1 + r), null);
                SgnsJob.SgnsResult res = t.result();
                cudaWps.add(res.wordsPerSec());
                if (r == 0) {
                    cudaPrecision = precision(syn, t.model());
                }
                t.model().close();
                System.out.printf("cuda run %d: %,.0f words/s (%.2fs for %,d words), final loss %.4f%n", r + 1, res.wordsPerSec(),
                        res.seconds(), res.wordsDone(), res.finalLoss());
            }
        }
        double javaWps;
        double javaPrecision;
        try (Backend java = new JavaBackend()) {
            Item2Vec.Trained t = Item2Vec.train(java, corpus, params, null);
            javaWps = t.result().wordsPerSec();
            javaPrecision = precision(syn, t.model());
            t.model().close();
        }
        double best = cudaWps.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        boolean wrong = !(cudaPrecision >= javaPrecision - 0.05);
        System.out.printf("%s sgns d=128 window 5 negative 5: cuda %,.0f words/s (best of %d; bar %,.0f: %s), precision@10 cuda %.4f vs "
                        + "java %.4f (java %d threads: %,.0f words/s), random %.4f%n", wrong ? "WRONG" : "RESULT", best, reps, BAR_WORDS_PER_S,
                best >= BAR_WORDS_PER_S ? "met" : "NOT met", cudaPrecision, javaPrecision, workers, javaWps, syn.randomPrecision());

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("corpus", "SyntheticSequences " + config);
        settings.put("words", corpus.wordCount());
        settings.put("params", params.toString());
        settings.put("timing", "Backend.sgnsTrain wall time (uploads of ids, tables and the loss included), one epoch; warm-up run first");
        settings.put("cuda_words_per_s_runs", cudaWps);
        settings.put("word_counting", "word2vec's train_words: every token + one end-of-line token per session, before subsampling");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("words_per_s", best);
        metrics.put("precision@10", cudaPrecision);
        Map<String, Double> javaBase = new LinkedHashMap<>();
        javaBase.put("words_per_s", javaWps);
        javaBase.put("precision@10", javaPrecision);
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("words_per_s_over_bar_20M", best / BAR_WORDS_PER_S);
        ratios.put("speedup_vs_java", best / javaWps);
        if (smoke) {
            System.out.println("smoke run (Java backend timed in place of CUDA): no results file");
            return;
        }
        ResultsFile rf = ResultsFile.of("sgns-gpu-synthetic", device, driver, "java ... org.reckernels.bench.SgnsGpuBench "
                + String.join(" ", args)).with(settings, metrics, List.of(new ResultsFile.Baseline("java-" + workers + "c", javaBase)), ratios);
        System.out.println("wrote " + rf.write(out));
        if (wrong) {
            System.exit(1);
        }
    }

    static final int QUERY_STRIDE = 29;

    /**
     * {@link SyntheticSequences#precisionAtK}'s definition over a sample of the queries (every
     * {@value #QUERY_STRIDE}th vocabulary id that is a clustered item; brute-force neighbours over
     * 60k items for all of them would take longer than the training), in parallel.
     */
    private static double precision(SyntheticSequences syn, Item2Vec m) {
        m.mostSimilarIds(0, 1); // builds the normalised copy once
        return java.util.stream.IntStream.iterate(0, id -> id < m.vocabulary().size(), id -> id + QUERY_STRIDE).parallel()
                .filter(id -> syn.itemOf(m.vocabulary().token(id)) >= 0 && syn.clustersOf(syn.itemOf(m.vocabulary().token(id))).length > 0)
                .mapToDouble(id -> {
                    int a = syn.itemOf(m.vocabulary().token(id));
                    int hit = 0;
                    for (int nb : m.mostSimilarIds(id, 10)) {
                        hit += nb >= 0 && syn.related(a, syn.itemOf(m.vocabulary().token(nb))) ? 1 : 0;
                    }
                    return hit / 10.0;
                }).average().orElse(Double.NaN);
    }
}
