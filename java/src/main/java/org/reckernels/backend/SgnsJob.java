package org.reckernels.backend;

import java.util.function.Consumer;

/**
 * Everything {@link Backend#sgnsTrain} needs besides the two tables: the corpus as vocabulary ids,
 * the subsampling keep-probabilities, the negative-sampling table and the schedule.
 * <pre>
 *   ids: int[T] token ids in [0, V);  starts: int[S+1] sequence offsets (starts[0] = 0, starts[S] = T)
 *   keep: float[V] probability that a token of id w is kept (word2vec: (sqrt(c/(t·N)) + 1)·t·N/c, ≥ 1 keeps all)
 *   negatives: alias table over V ids (unigram^0.75)
 *   words: word2vec-style word count of one epoch (tokens + line ends) for progress and lr decay
 *   lr(t) = max(minAlpha, alpha − (alpha − minAlpha) · t / (epochs · words))   linear decay
 *   window: max window b; each position draws its own window uniformly from 1..b (word2vec's dynamic window)
 *   wholeSequence: every other token of the (subsampled) sequence is context (Item2Vec), window ignored
 *   exactWord2Vec: word2vec's own order of updates (CPU backend): fresh negatives for every (context, center)
 *                  pair and each pair applied at once, the context's IN row after the pair's targets, and
 *                  word2vec's schedule lr(t) = max(minAlpha, alpha · (1 − t / (epochs · words + 1)));
 *                  false: one set of negatives per window and the window's updates applied together
 *                  (pWord2Vec; faster, the CUDA backend always trains this way)
 * </pre>
 */
public record SgnsJob(int[] ids, int[] starts, float[] keep, AliasTable negatives, long words, int window,
                      int negative, boolean wholeSequence, float alpha, float minAlpha, int epochs, long seed,
                      int workers, Consumer<SgnsProgress> progress, boolean exactWord2Vec) {

    /** The shared-negative (pWord2Vec) schedule: {@code exactWord2Vec} false. */
    public SgnsJob(int[] ids, int[] starts, float[] keep, AliasTable negatives, long words, int window, int negative,
                   boolean wholeSequence, float alpha, float minAlpha, int epochs, long seed, int workers,
                   Consumer<SgnsProgress> progress) {
        this(ids, starts, keep, negatives, words, window, negative, wholeSequence, alpha, minAlpha, epochs, seed, workers,
                progress, false);
    }

    /** A progress report: words done so far (all epochs), the current lr, mean loss per pair since the last report. */
    public record SgnsProgress(long wordsDone, long wordsTotal, double seconds, float alpha, double loss) {
        public double wordsPerSec() {
            return seconds > 0 ? wordsDone / seconds : 0;
        }

        public double etaSeconds() {
            return wordsDone > 0 ? seconds * (wordsTotal - wordsDone) / wordsDone : Double.NaN;
        }
    }

    /** What a training run did. */
    public record SgnsResult(long wordsDone, double seconds, double finalLoss) {
        public double wordsPerSec() {
            return seconds > 0 ? wordsDone / seconds : 0;
        }
    }

    public SgnsJob {
        if (starts.length < 1 || starts[0] != 0 || starts[starts.length - 1] != ids.length) {
            throw new IllegalArgumentException("SgnsJob: sequence starts must run from 0 to ids.length = " + ids.length);
        }
        if (keep.length != negatives.size()) {
            throw new IllegalArgumentException("SgnsJob: keep has " + keep.length + " entries, the alias table " + negatives.size());
        }
        if (window < 1 || negative < 0 || negative > 64 || epochs < 1 || workers < 1) {
            throw new IllegalArgumentException("SgnsJob: need window >= 1, 0 <= negative <= 64, epochs >= 1, workers >= 1 (got "
                    + window + ", " + negative + ", " + epochs + ", " + workers + ")");
        }
        if (!(alpha > 0) || !(minAlpha >= 0) || minAlpha > alpha) {
            throw new IllegalArgumentException("SgnsJob: need 0 <= min_alpha <= alpha and alpha > 0 (got " + alpha + ", " + minAlpha + ")");
        }
        int v = negatives.size();
        for (int s = 0; s + 1 < starts.length; s++) {
            if (starts[s] > starts[s + 1]) {
                throw new IllegalArgumentException("SgnsJob: sequence starts decrease at sequence " + s);
            }
        }
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= v) {
                throw new IllegalArgumentException("SgnsJob: token " + t + " has id " + ids[t] + " outside [0, " + v + ")");
            }
        }
        if (words < 1) {
            throw new IllegalArgumentException("SgnsJob: words per epoch must be positive, got " + words);
        }
    }

    /**
     * The subsampling keep-probabilities for threshold t (0 disables: all 1) with N = the sum of the
     * counts. word2vec's N is its train_words, which also counts one end-of-line token per line: use
     * {@link #keepProbabilities(long[], double, long)} with the corpus's word count to match it.
     */
    public static float[] keepProbabilities(long[] counts, double sample) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return keepProbabilities(counts, sample, total);
    }

    /** word2vec's keep-probabilities (sqrt(c/(t·N)) + 1)·t·N/c, capped at 1, for a given total N (its train_words). */
    public static float[] keepProbabilities(long[] counts, double sample, long total) {
        float[] keep = new float[counts.length];
        for (int w = 0; w < counts.length; w++) {
            if (sample <= 0 || counts[w] == 0) {
                keep[w] = 1f;
            } else {
                double tn = sample * total;
                keep[w] = (float) Math.min(1.0, (Math.sqrt(counts[w] / tn) + 1) * tn / counts[w]);
            }
        }
        return keep;
    }
}
