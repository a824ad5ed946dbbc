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

    @Test
    void plantedClustersAreRecovered(@TempDir Path dir) throws IOException {
        SyntheticSequences syn = SyntheticSequences.generate(11);
        SequenceCorpus corpus = syn.corpus(1);
        Item2Vec.Params p = Item2Vec.Params.defaults().withVectorSize(32).withEpochs(3).withWorkers(2).withSample(1e-3)
                .withMinCount(1).withWholeSession(true);
        try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, corpus, p, null).model()) {
            double prec = syn.precisionAtK(m.vocabulary(), id -> m.mostSimilarIds(id, 10), 10);
            assertTrue(prec > 0.8, "precision@10 " + prec);
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
        SyntheticSequences syn = SyntheticSequences.generate(40, 20, 16, 20_000, 1, 12, 0.05, 3);
        SequenceCorpus corpus = syn.corpus(1);
        Item2Vec.Params p = Item2Vec.Params.defaults().withVectorSize(32).withEpochs(5).withWorkers(2).withMinCount(1);
        try (Backend b = new JavaBackend(); Item2Vec m = Item2Vec.train(b, corpus, p, null).model()) {
            double prec = syn.precisionAtK(m.vocabulary(), id -> m.mostSimilarIds(id, 10), 10);
            assertTrue(prec > 0.7, "precision@10 " + prec);
        }
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Item2Vec.Params.defaults().withVectorSize(0));
        assertThrows(IllegalArgumentException.class, () -> Item2Vec.Params.defaults().withAlpha(0.01f, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> Item2Vec.Params.defaults().withNegative(0));
    }
}
