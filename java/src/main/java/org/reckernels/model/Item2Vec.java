package org.reckernels.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.reckernels.backend.AliasTable;
import org.reckernels.backend.Backend;
import org.reckernels.backend.SgnsJob;
import org.reckernels.data.SequenceCorpus;
import org.reckernels.data.Vocabulary;
import org.reckernels.io.TableFile;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * Item2Vec / word2vec: skip-gram with negative sampling over token sequences (sessions, sentences),
 * trained by {@link Backend#sgnsTrain}. Parameters follow gensim's Word2Vec names.
 *
 * <p>Saved as two files written atomically (temp file + rename): {@code FILE} (a {@link TableFile}
 * of the V x d item vectors, metadata with the parameters and the vocabulary's checksum) and
 * {@code FILE.vocab} (one {@code token count} line per row, raw token bytes).
 */
public final class Item2Vec implements AutoCloseable {

    /**
     * gensim-style parameters. {@code sample} is word2vec's subsampling threshold t (0 disables);
     * {@code wholeSession} makes every other item of a sequence a context (Item2Vec) instead of the
     * dynamic window. {@code exactWord2Vec} trains in word2vec's order (fresh negatives and an
     * immediate update per (context, center) pair; {@link SgnsJob#exactWord2Vec()}), the default
     * ({@link #EXACT_DEFAULT}); false shares one set of negatives over a center's window and applies
     * the window's updates together (faster, lower agreement with word2vec's vectors).
     */
    public record Params(int vectorSize, int window, int minCount, int negative, double nsExponent, double sample,
                         float alpha, float minAlpha, int epochs, long seed, int workers, boolean wholeSession,
                         boolean exactWord2Vec) {
        /** The default training order: exact (see bench/results/sgns-kjv6-cpu-2c-*.json for both modes). */
        public static final boolean EXACT_DEFAULT = true;

        /** The default training order ({@link #EXACT_DEFAULT}). */
        public Params(int vectorSize, int window, int minCount, int negative, double nsExponent, double sample, float alpha,
                      float minAlpha, int epochs, long seed, int workers, boolean wholeSession) {
            this(vectorSize, window, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, wholeSession,
                    EXACT_DEFAULT);
        }

        public Params {
            if (vectorSize < 1 || window < 1 || minCount < 1 || negative < 1 || negative > 64 || epochs < 1 || workers < 1) {
                throw new IllegalArgumentException("Item2Vec: need vector_size, window, min_count, epochs, workers >= 1 and 1 <= negative <= 64 (got "
                        + vectorSize + ", " + window + ", " + minCount + ", " + epochs + ", " + workers + ", " + negative + ")");
            }
            if (!(alpha > 0) || !(minAlpha >= 0) || minAlpha > alpha || !(sample >= 0) || !Double.isFinite(nsExponent)) {
                throw new IllegalArgumentException("Item2Vec: need alpha > 0, 0 <= min_alpha <= alpha, sample >= 0, finite ns_exponent");
            }
        }

        /** gensim's defaults (vector_size 100, window 5, min_count 5, negative 5, 0.75, 1e-3, 0.025, 1e-4, 5 epochs, seed 1), workers = cores. */
        public static Params defaults() {
            return new Params(100, 5, 5, 5, 0.75, 1e-3, 0.025f, 1e-4f, 5, 1, Runtime.getRuntime().availableProcessors(), false);
        }

        public Params withVectorSize(int v) {
            return new Params(v, window, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withWindow(int w) {
            return new Params(vectorSize, w, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withEpochs(int e) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, sample, alpha, minAlpha, e, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withSeed(long s) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, s, workers, wholeSession, exactWord2Vec);
        }

        public Params withWorkers(int w) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, w, wholeSession, exactWord2Vec);
        }

        public Params withSample(double s) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, s, alpha, minAlpha, epochs, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withMinCount(int m) {
            return new Params(vectorSize, window, m, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withWholeSession(boolean w) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, w, exactWord2Vec);
        }

        public Params withAlpha(float a, float min) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, sample, a, min, epochs, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withNegative(int n) {
            return new Params(vectorSize, window, minCount, n, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, wholeSession, exactWord2Vec);
        }

        public Params withExactWord2Vec(boolean e) {
            return new Params(vectorSize, window, minCount, negative, nsExponent, sample, alpha, minAlpha, epochs, seed, workers, wholeSession, e);
        }
    }

    /** A neighbour: id, token, cosine similarity. */
    public record Neighbor(int id, String item, float similarity) {
    }

    private final Vocabulary vocabulary;
    private final HostMatrix vectors;
    private final Map<String, String> metadata;
    private float[] unit; // row-normalised copy for cosine queries, made on first use

    private Item2Vec(Vocabulary vocabulary, HostMatrix vectors, Map<String, String> metadata) {
        this.vocabulary = vocabulary;
        this.vectors = vectors;
        this.metadata = metadata;
    }

    /**
     * Trains on a corpus whose vocabulary was built with {@code params.minCount()} (the corpus
     * readers apply min_count). Returns the model and reports progress to {@code progress} (may be null).
     */
    public static Trained train(Backend backend, SequenceCorpus corpus, Params params, Consumer<SgnsJob.SgnsProgress> progress) {
        Vocabulary vocab = corpus.vocabulary();
        int v = vocab.size();
        int d = params.vectorSize();
        long[] counts = vocab.counts();
        long words = Math.max(1, corpus.wordCount());
        // word2vec's subsampling threshold is relative to its train_words (tokens + one </s> per line)
        SgnsJob job = new SgnsJob(corpus.ids(), corpus.starts(), SgnsJob.keepProbabilities(counts, params.sample(), words),
                negativeTable(counts, words - corpus.numTokens(), params), words, params.window(),
                params.negative(), params.wholeSession(), params.alpha(), params.minAlpha(), params.epochs(), params.seed(),
                params.workers(), progress, params.exactWord2Vec());
        HostMatrix init = initialVectors(v, d, params.seed());
        SgnsJob.SgnsResult result;
        HostMatrix trained = HostMatrix.zeros(v, d);
        try (Matrix in = backend.upload(init); Matrix out = backend.allocate(v, d)) {
            result = backend.sgnsTrain(in, out, job);
            backend.download(in, trained);
        } catch (RuntimeException e) {
            trained.close();
            throw e;
        } finally {
            init.close();
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "item2vec");
        meta.put("params", params.toString());
        meta.put("corpus", corpus.source());
        meta.put("backend", backend.name());
        return new Trained(new Item2Vec(vocab, trained, meta), result);
    }

    /**
     * unigram^ns_exponent; in exact mode as word2vec draws it: its table also holds the end-of-line
     * token (count = lines) and replaces a draw of it by a uniformly drawn word, so that token's weight
     * lines^ns_exponent is spread evenly over the vocabulary.
     */
    static AliasTable negativeTable(long[] counts, long lines, Params params) {
        if (!params.exactWord2Vec() || lines <= 0) {
            return AliasTable.unigram(counts, params.nsExponent());
        }
        double[] w = new double[counts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.pow(counts[i], params.nsExponent());
        }
        double spread = Math.pow(lines, params.nsExponent()) / w.length;
        for (int i = 0; i < w.length; i++) {
            w[i] += spread;
        }
        return AliasTable.of(w);
    }

    /** A trained model with what the run did. */
    public record Trained(Item2Vec model, SgnsJob.SgnsResult result) {
    }

    /** word2vec's initialisation: IN uniform in [−0.5/d, 0.5/d), from the seed. */
    static HostMatrix initialVectors(int v, int d, long seed) {
        float[] a = new float[Math.multiplyExact(v, d)];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((r.nextDouble() - 0.5) / d);
        }
        return HostMatrix.of(v, d, a);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The V x d item vectors (owned by the model). */
    public HostMatrix vectors() {
        return vectors;
    }

    public int dim() {
        return (int) vectors.cols();
    }

    public Map<String, String> metadata() {
        return Map.copyOf(metadata);
    }

    private int require(String item) {
        int id = vocabulary.id(item);
        if (id < 0) {
            throw new IllegalArgumentException("Item2Vec: '" + item + "' is not in the vocabulary (" + vocabulary.size()
                    + " items; rare items below min_count are dropped)");
        }
        return id;
    }

    private synchronized float[] unit() {
        if (unit == null) {
            int d = dim();
            float[] u = vectors.toArray();
            for (int r = 0; r < vocabulary.size(); r++) {
                double n = 0;
                for (int c = 0; c < d; c++) {
                    n += (double) u[r * d + c] * u[r * d + c];
                }
                float inv = n > 0 ? (float) (1 / Math.sqrt(n)) : 0f;
                for (int c = 0; c < d; c++) {
                    u[r * d + c] *= inv;
                }
            }
            unit = u;
        }
        return unit;
    }

    /** Cosine similarity of two items. */
    public float similarity(String a, String b) {
        return similarity(require(a), require(b));
    }

    public float similarity(int a, int b) {
        float[] u = unit();
        int d = dim();
        float s = 0;
        for (int c = 0; c < d; c++) {
            s += u[a * d + c] * u[b * d + c];
        }
        return s;
    }

    /** The k items most similar (cosine) to {@code item}, itself excluded, best first. */
    public List<Neighbor> mostSimilar(String item, int k) {
        return mostSimilar(require(item), k);
    }

    public List<Neighbor> mostSimilar(int id, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("mostSimilar: k must be >= 1, got " + k);
        }
        int[] ids = mostSimilarIds(id, k);
        List<Neighbor> out = new ArrayList<>(ids.length);
        for (int n : ids) {
            out.add(new Neighbor(n, vocabulary.token(n), similarity(id, n)));
        }
        return out;
    }

    /** Ids of the k nearest by cosine, itself excluded (ties by lower id). */
    public int[] mostSimilarIds(int id, int k) {
        float[] u = unit();
        int d = dim();
        int v = vocabulary.size();
        k = Math.min(k, v - 1);
        int[] best = new int[k];
        float[] score = new float[k];
        Arrays.fill(score, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        for (int r = 0; r < v; r++) {
            if (r == id) {
                continue;
            }
            float s = 0;
            for (int c = 0; c < d; c++) {
                s += u[id * d + c] * u[r * d + c];
            }
            if (k > 0 && s > score[k - 1]) {
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

    // ------------------------------------------------------------------ files

    private static Path vocabPath(Path file) {
        return file.resolveSibling(file.getFileName() + ".vocab");
    }

    /** Writes FILE.vocab then FILE (both atomically); FILE's metadata holds the vocabulary's CRC. */
    public void save(Path file) throws IOException {
        byte[] vocabBytes = vocabularyBytes();
        CRC32C crc = new CRC32C();
        crc.update(vocabBytes);
        writeAtomically(vocabPath(file), o -> o.write(vocabBytes));
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("vocab_size", Integer.toString(vocabulary.size()));
        meta.put("vocab_crc32c", Long.toString(crc.getValue()));
        TableFile.write(file, meta, vectors);
    }

    private byte[] vocabularyBytes() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < vocabulary.size(); i++) {
            b.writeBytes(vocabulary.tokenBytes(i));
            b.writeBytes((" " + vocabulary.count(i) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /** Loads a model written by {@link #save}; checks that the vocabulary file belongs to the table. */
    public static Item2Vec load(Path file) throws IOException {
        TableFile.Loaded t = TableFile.read(file);
        try {
            if (!"item2vec".equals(t.metadata().get("model"))) {
                throw new IOException(file + ": not an Item2Vec model (model=" + t.metadata().get("model") + ")");
            }
            Path vp = vocabPath(file);
            if (!Files.exists(vp)) {
                throw new IOException(file + ": its vocabulary file " + vp + " is missing");
            }
            byte[] vb = Files.readAllBytes(vp);
            CRC32C crc = new CRC32C();
            crc.update(vb);
            if (!Long.toString(crc.getValue()).equals(t.metadata().get("vocab_crc32c"))) {
                throw new IOException(vp + ": does not match " + file + " (checksum differs: saved by another run?)");
            }
            List<byte[]> tokens = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < vb.length; i++) {
                if (vb[i] == '\n') {
                    int sp = i - 1;
                    while (sp > start && vb[sp] != ' ') {
                        sp--;
                    }
                    if (sp <= start) {
                        throw new IOException(vp + " line " + (tokens.size() + 1) + ": expected 'token count'");
                    }
                    tokens.add(Arrays.copyOfRange(vb, start, sp));
                    counts.add(Long.parseLong(new String(vb, sp + 1, i - sp - 1, StandardCharsets.US_ASCII)));
                    start = i + 1;
                }
            }
            if (tokens.size() != t.table().rows()) {
                throw new IOException(vp + ": " + tokens.size() + " tokens for a table of " + t.table().rows() + " rows");
            }
            Vocabulary vocab = new Vocabulary(tokens.toArray(new byte[0][]),
                    counts.stream().mapToLong(Long::longValue).toArray());
            Map<String, String> meta = new LinkedHashMap<>(t.metadata());
            meta.remove("vocab_size");
            meta.remove("vocab_crc32c");
            return new Item2Vec(vocab, t.table(), meta);
        } catch (IOException | RuntimeException e) {
            t.table().close();
            throw e;
        }
    }

    /** word2vec's text format: "V d" then one "token v_1 ... v_d" line per item (raw token bytes). */
    public void exportWord2VecText(Path file) throws IOException {
        int d = dim();
        float[] a = vectors.toArray();
        writeAtomically(file, o -> {
            o.write((vocabulary.size() + " " + d + "\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < vocabulary.size(); r++) {
                o.write(vocabulary.tokenBytes(r));
                sb.setLength(0);
                for (int c = 0; c < d; c++) {
                    sb.append(' ').append(a[r * d + c]);
                }
                sb.append('\n');
                o.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    private interface Writer {
        void write(OutputStream o) throws IOException;
    }

    private static void writeAtomically(Path file, Writer w) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                w.write(o);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() {
        vectors.close();
    }
}
