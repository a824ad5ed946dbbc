package org.reckernels.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.BasicLineIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One DL4J Word2Vec run (skip-gram, negative sampling, no hierarchical softmax) with SgnsBench's
 * parameters, in its own JVM (SgnsBench starts it with target/lib-dl4j on the class path, so DL4J's
 * native backend and threads never share a process with our runs). Tokens are split on whitespace
 * (DefaultTokenizerFactory, no preprocessing: the corpus is already normalised).
 *
 * <p>Timed: vocabulary building + training ({@code fit()}), as for our runs; not timed: JVM start
 * and loading ND4J's native backend (done first, by creating an array). Prints
 * {@code DL4J_SECONDS <s>} and {@code DL4J_BACKEND <name>} and writes word2vec text vectors (words
 * by descending count) for the overlap comparison.
 *
 * <p>Usage: {@code Dl4jWord2VecRun <corpus.txt> <vectors-out.txt> <threads> <seed> <size> <window> <negative> <sample> <minCount> <epochs>}
 */
public final class Dl4jWord2VecRun {
    private Dl4jWord2VecRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 10) {
            System.err.println("usage: Dl4jWord2VecRun <corpus.txt> <vectors-out.txt> <threads> <seed> <size> <window> <negative> <sample> <minCount> <epochs>");
            System.exit(2);
        }
        Path corpus = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        int size = Integer.parseInt(args[4]);
        int window = Integer.parseInt(args[5]);
        int negative = Integer.parseInt(args[6]);
        double sample = Double.parseDouble(args[7]);
        int minCount = Integer.parseInt(args[8]);
        int epochs = Integer.parseInt(args[9]);
        // load the native backend before timing (its start-up is not vocabulary building or training)
        Nd4j.create(1);
        System.out.println("DL4J_BACKEND " + Nd4j.getBackend().getClass().getName());
        long t0 = System.nanoTime();
        Word2Vec w2v = new Word2Vec.Builder()
                .elementsLearningAlgorithm(new SkipGram<>())
                .useHierarchicSoftmax(false)
                .negativeSample(negative)
                .layerSize(size)
                .windowSize(window)
                .minWordFrequency(minCount)
                .sampling(sample)
                .learningRate(0.025)
                .minLearningRate(0.025 * 1e-4)
                .epochs(epochs)
                .iterations(1)
                .seed(seed)
                .workers(threads)
                .iterate(new BasicLineIterator(corpus.toFile()))
                .tokenizerFactory(new DefaultTokenizerFactory())
                .build();
        w2v.fit();
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.println("DL4J_SECONDS " + sec);
        List<VocabWord> words = new ArrayList<>(w2v.getVocab().vocabWords());
        words.sort(Comparator.comparingDouble(VocabWord::getElementFrequency).reversed());
        System.out.println("DL4J_VOCABULARY " + words.size() + " DL4J_TOTAL_WORD_OCCURRENCES " + w2v.getVocab().totalWordOccurrences());
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write(words.size() + " " + size + "\n");
            StringBuilder sb = new StringBuilder();
            for (VocabWord word : words) {
                double[] v = w2v.getWordVector(word.getLabel());
                sb.setLength(0);
                sb.append(word.getLabel());
                for (double x : v) {
                    sb.append(' ').append((float) x);
                }
                sb.append('\n');
                w.write(sb.toString());
            }
        }
        System.exit(0); // DL4J leaves non-daemon threads behind
    }
}
