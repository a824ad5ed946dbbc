package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.backend.Backend;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.SequenceCorpus;
import org.reckernels.data.SyntheticSequences;

class Item2VecTest {
    /** A smaller version of the default synthetic sessions (about 140k tokens), for fast tests. */
    static SyntheticSequences smallSynthetic(long seed) {
        return SyntheticSequences.generate(SyntheticSequences.Config.defaults(seed).withItems(50, 2000, 400).withSessions(12_000));
    }

    @Test
    void plantedClustersAreRecovered(@TempDir Path dir) throws IOException {
        SyntheticSequences syn = smallSynthetic(11);
        SequenceCorpus corpus = syn.corpus(1);
        Item2Vec.Params p = Item2Vec.Params.defaults().withVectorSize(32).withEpochs(3).withWorkers(2).withSample(1e-3)
                .withMinCount(1).withWholeSession(true);
        try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, corpus, p, null).model()) {
            double prec = syn.precisionAtK(m.vocabulary(), id -> m.mostSimilarIds(id, 10), 10);
            assertTrue(prec > 0.7, "precision@10 " + prec);
            assertThrows(IllegalArgumentException.class, () -> m.mostSimilar("nope", 3));
            List<Item2Vec.Neighbor> nb = m.mostSimilar("i5", 5);
            assertEquals(5, nb.size());
            assertEquals(nb.get(0).similarity(), m.similarity("i5", nb.get(0).item()), 1e-6);

            Path f = dir.resolve("m.rktable");
            m.save(f);
            try (Item2Vec back = Item2Vec.load(f)) {
                assertArrayEquals(m.vectors().toArray(), back.vectors().toArray());
                assertEquals(m.vocabulary().size(), back.vocabulary().size());
                assertEquals(m.mostSimilar("i5", 5), back.mostSimilar("i5", 5));
            }
            Path txt = dir.resolve("v.txt");
            m.exportWord2VecText(txt);
            List<String> lines = Files.readAllLines(txt);
            assertEquals(m.vocabulary().size() + " 32", lines.get(0));
            assertEquals(33, lines.get(1).split(" ").length);
            // a vocabulary file from another model is detected
            Files.writeString(dir.resolve("m.rktable.vocab"), "i1 5\n");
            IOException e = assertThrows(IOException.class, () -> Item2Vec.load(f));
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        }
    }

    @Test
    void windowModeAlsoLearnsAndOneTokenSequencesAreHarmless() {
        SyntheticSequences syn = SyntheticSequences.generate(SyntheticSequences.Config.defaults(3).withItems(50, 2000, 400)
                .withSessions(12_000).withLengths(1, 20));
        SequenceCorpus corpus = syn.corpus(1);
        assertTrue(java.util.stream.IntStream.range(0, corpus.numSequences()).anyMatch(s -> corpus.starts()[s + 1] - corpus.starts()[s] == 1));
        Item2Vec.Params p = Item2Vec.Params.defaults().withVectorSize(32).withEpochs(5).withWorkers(2).withMinCount(1);
        try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, corpus, p, null).model()) {
            double prec = syn.precisionAtK(m.vocabulary(), id -> m.mostSimilarIds(id, 10), 10);
            assertTrue(prec > 0.7, "precision@10 " + prec);
        }
    }

    /** The synthetic default is hard enough to rank trainers: one epoch or a window of 1 scores visibly lower. */
    @Test
    void weakTrainersScoreVisiblyLowerOnTheSyntheticSessions() {
        SyntheticSequences syn = smallSynthetic(5);
        SequenceCorpus corpus = syn.corpus(1);
        Item2Vec.Params good = new Item2Vec.Params(32, 5, 1, 5, 0.75, 1e-3, 0.025f, 1e-4f, 5, 1, 2, false);
        double[] prec = new double[3];
        Item2Vec.Params[] runs = {good, good.withEpochs(1), good.withWindow(1)};
        try (Backend b = new JavaBackend()) {
            for (int i = 0; i < runs.length; i++) {
                try (Item2Vec m = Item2Vec.train(b, corpus, runs[i], null).model()) {
                    prec[i] = syn.precisionAtK(m.vocabulary(), id -> m.mostSimilarIds(id, 10), 10);
                }
            }
        }
        String all = java.util.Arrays.toString(prec) + " (random " + syn.randomPrecision() + ")";
        assertTrue(prec[0] > 0.75, all);
        assertTrue(prec[1] < prec[0] - 0.2, "one epoch: " + all);
        assertTrue(prec[2] < prec[0] - 0.05, "window 1: " + all);
        assertTrue(syn.randomPrecision() < 0.1, all);
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Item2Vec.Params.defaults().withVectorSize(0));
        assertThrows(IllegalArgumentException.class, () -> Item2Vec.Params.defaults().withAlpha(0.01f, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> Item2Vec.Params.defaults().withNegative(0));
    }
}
