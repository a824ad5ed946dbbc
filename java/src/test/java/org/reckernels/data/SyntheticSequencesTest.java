package org.reckernels.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticSequencesTest {
    private static final SyntheticSequences.Config SMALL = SyntheticSequences.Config.defaults(3).withItems(20, 600, 100)
            .withSessions(4000);

    @Test
    void clustersOverlapNoiseItemsHaveNoneAndPopularityIsSkewed() {
        SyntheticSequences s = SyntheticSequences.generate(SMALL);
        assertEquals(700, s.items());
        int multi = 0;
        for (int i = 0; i < 600; i++) {
            int n = s.clustersOf(i).length;
            assertTrue(n >= 1 && n <= 3, "item " + i + " in " + n + " clusters");
            multi += n > 1 ? 1 : 0;
            assertTrue(s.related(i, i));
        }
        assertTrue(multi > 600 * 0.3 && multi < 600 * 0.5, "items in 2+ clusters: " + multi);
        for (int i = 600; i < 700; i++) {
            assertEquals(0, s.clustersOf(i).length);
            assertTrue(!s.related(i, i) && !s.related(i, 0) && !s.related(0, i));
        }
        for (int a = 0; a < 700; a += 13) {
            for (int b = 0; b < 700; b += 7) {
                assertEquals(s.related(a, b), s.related(b, a));
            }
        }
        Map<String, Integer> count = new HashMap<>();
        int tokens = 0;
        boolean noiseSeen = false;
        for (List<String> seq : s.sessions()) {
            assertTrue(seq.size() >= SMALL.minLen() && seq.size() <= SMALL.maxLen());
            for (String t : seq) {
                count.merge(t, 1, Integer::sum);
                noiseSeen |= s.itemOf(t) >= 600;
                tokens++;
            }
        }
        assertTrue(noiseSeen);
        List<Integer> sorted = new ArrayList<>(count.values());
        sorted.sort(null);
        int median = sorted.get(sorted.size() / 2);
        assertTrue(sorted.getLast() > 20 * median, "Zipf: max " + sorted.getLast() + " median " + median);
        assertTrue(tokens > 4000 * 3);
    }

    @Test
    void sessionsMixClusters() {
        SyntheticSequences s = SyntheticSequences.generate(SMALL.withLengths(20, 20));
        int mixed = 0;
        for (List<String> seq : s.sessions()) {
            // a mixed session has a first and a last item that share no cluster more often than chance
            int a = s.itemOf(seq.getFirst());
            int b = s.itemOf(seq.getLast());
            mixed += s.related(a, b) ? 0 : 1;
        }
        assertTrue(mixed > 4000 * 0.3, "unrelated first/last items: " + mixed);
    }

    @Test
    void precisionIsOneForAnOracleZeroForNoiseAndSkipsNoiseQueries() {
        SyntheticSequences s = SyntheticSequences.generate(SMALL);
        SequenceCorpus c = s.corpus(1);
        Vocabulary v = c.vocabulary();
        // oracle: the first 10 related items in the vocabulary (every clustered item has >= 10 here)
        double oracle = s.precisionAtK(v, id -> {
            int a = s.itemOf(v.token(id));
            int[] nb = new int[10];
            int k = 0;
            for (int j = 0; j < v.size() && k < 10; j++) {
                if (j != id && a < 600 && s.related(a, s.itemOf(v.token(j)))) {
                    nb[k++] = j;
                }
            }
            return nb;
        }, 10);
        assertEquals(1.0, oracle, 1e-12);
        int noiseId = -1;
        for (int j = 0; j < v.size(); j++) {
            noiseId = s.itemOf(v.token(j)) >= 600 ? j : noiseId;
        }
        int noise = noiseId;
        assertEquals(0.0, s.precisionAtK(v, id -> new int[] {noise, noise, -1}, 10), 1e-12);
        double random = s.randomPrecision();
        assertTrue(random > 0 && random < 0.2, "random " + random);
        double brute = 0;
        int queries = 0;
        for (int a = 0; a < s.items(); a++) {
            if (s.clustersOf(a).length > 0) {
                int rel = 0;
                for (int b = 0; b < s.items(); b++) {
                    rel += b != a && s.related(a, b) ? 1 : 0;
                }
                brute += rel / (double) (s.items() - 1);
                queries++;
            }
        }
        assertEquals(brute / queries, random, 1e-12);
        assertEquals(-1, s.itemOf("x5"));
        assertEquals(-1, s.itemOf("i99999"));
        assertEquals(5, s.itemOf("i5"));
    }

    @Test
    void sameSeedSameSessionsAndBadConfigRejected() {
        assertEquals(SyntheticSequences.generate(SMALL).sessions(), SyntheticSequences.generate(SMALL).sessions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticSequences.Config.defaults(1).withLengths(5, 2));
        assertTrue(e.getMessage().contains("lengths 5..2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyntheticSequences.Config.defaults(1).withItems(10, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticSequences.Config(5, 50, 0, 1.5, 0, 1, 10, 1, 2, 0, 0, 1));
    }
}
