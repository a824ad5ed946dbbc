package org.reckernels.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Sessions with planted, overlapping item clusters, so that neighbour quality is measurable
 * without downloads. Items are named {@code i<k>}; cluster c owns the items
 * {@code [c·stride, c·stride + size)} with {@code stride < size}, so neighbouring clusters share
 * {@code size − stride} items (each shared item belongs to two clusters). A session picks a cluster
 * and draws its items from it (probability 1 − noise) or uniformly from all items (noise).
 * An item's relevant neighbours are the other items of its clusters.
 */
public final class SyntheticSequences {
    private final int items;
    private final int clusters;
    private final int size;
    private final int stride;
    private final List<List<String>> sessions;

    private SyntheticSequences(int items, int clusters, int size, int stride, List<List<String>> sessions) {
        this.items = items;
        this.clusters = clusters;
        this.size = size;
        this.stride = stride;
        this.sessions = sessions;
    }

    /** The embedded default: 60 clusters of 30 items overlapping by 6 (1,440 items), 40,000 sessions of 4–20 items, 10% noise. */
    public static SyntheticSequences generate(long seed) {
        return generate(60, 30, 24, 40_000, 4, 20, 0.1, seed);
    }

    public static SyntheticSequences generate(int clusters, int size, int stride, int numSessions, int minLen, int maxLen,
                                              double noise, long seed) {
        if (clusters < 1 || size < 2 || stride < 1 || stride > size || minLen < 1 || maxLen < minLen || numSessions < 1
                || !(noise >= 0 && noise <= 1)) {
            throw new IllegalArgumentException("SyntheticSequences: bad parameters");
        }
        int items = (clusters - 1) * stride + size;
        SplittableRandom r = new SplittableRandom(seed);
        List<List<String>> sessions = new ArrayList<>(numSessions);
        for (int s = 0; s < numSessions; s++) {
            int c = r.nextInt(clusters);
            int len = minLen + r.nextInt(maxLen - minLen + 1);
            List<String> seq = new ArrayList<>(len);
            for (int t = 0; t < len; t++) {
                int item = r.nextDouble() < noise ? r.nextInt(items) : c * stride + r.nextInt(size);
                seq.add("i" + item);
            }
            sessions.add(seq);
        }
        return new SyntheticSequences(items, clusters, size, stride, sessions);
    }

    public List<List<String>> sessions() {
        return sessions;
    }

    public SequenceCorpus corpus(int minCount) {
        return SequenceCorpus.of(sessions, minCount, "synthetic planted clusters (" + clusters + " x " + size + ", overlap "
                + (size - stride) + ")");
    }

    public int items() {
        return items;
    }

    /** Whether items a and b share a cluster. */
    public boolean related(int a, int b) {
        for (int c = Math.max(0, (a - size) / stride); c <= Math.min(clusters - 1, a / stride); c++) {
            int lo = c * stride;
            if (a >= lo && a < lo + size && b >= lo && b < lo + size) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mean precision@k over the vocabulary's items: the fraction of the k neighbours (given by
     * {@code neighbours}, vocabulary ids) that share a cluster with the item.
     */
    public double precisionAtK(Vocabulary vocab, IntFunction<int[]> neighbours, int k) {
        double sum = 0;
        int n = 0;
        for (int id = 0; id < vocab.size(); id++) {
            int a = Integer.parseInt(vocab.token(id).substring(1));
            int[] nb = neighbours.apply(id);
            int hit = 0;
            for (int j = 0; j < Math.min(k, nb.length); j++) {
                if (nb[j] >= 0 && related(a, Integer.parseInt(vocab.token(nb[j]).substring(1)))) {
                    hit++;
                }
            }
            sum += hit / (double) k;
            n++;
        }
        return sum / n;
    }
}
