package org.reckernels.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reckernels.data.Interactions;
import org.reckernels.data.SyntheticInteractions;
import org.reckernels.tensor.CsrMatrix;

class BprSamplerTest {

    @Test
    void triplesHaveTrainPositivesAndNonTrainNegativesInJointNumbering() {
        Interactions train = SyntheticInteractions.generate(3).train();
        try (CsrMatrix r = train.toCsr()) {
            BprSampler sampler = new BprSampler(r);
            BprSampler.Triples t = sampler.sampleEpoch(new Random(1));
            int users = train.numUsers();
            assertEquals(train.size(), t.size());
            for (int s = 0; s < t.size(); s++) {
                int u = t.users()[s];
                assertTrue(u >= 0 && u < users);
                int p = t.pos()[s] - users;
                int n = t.neg()[s] - users;
                assertTrue(train.contains(u, p), "positive " + p + " of user " + u);
                assertFalse(train.contains(u, n), "negative " + n + " of user " + u);
                assertTrue(n >= 0 && n < train.numItems());
            }
        }
    }

    @Test
    void usersWithoutPositivesOrWithoutNegativesAreNeverSampled() {
        // user 0: no items; user 1: every item (no negative possible); user 2: item 1 only.
        Interactions train = Interactions.fromLists(3, new int[][] {{}, {0, 1, 2}, {1}});
        try (CsrMatrix r = train.toCsr()) {
            BprSampler sampler = new BprSampler(r);
            assertEquals(1, sampler.eligibleUsers());
            BprSampler.Triples t = sampler.sampleEpoch(new Random(2));
            for (int s = 0; s < t.size(); s++) {
                assertEquals(2, t.users()[s]);
                assertEquals(3 + 1, t.pos()[s]);
                assertTrue(t.neg()[s] == 3 || t.neg()[s] == 5);
            }
        }
    }

    @Test
    void rejectsUnsortedRowsAndDataWithNothingToSample() {
        try (CsrMatrix unsorted = CsrMatrix.of(1, 5, new long[] {0, 2}, new int[] {3, 1}, null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BprSampler(unsorted));
            assertTrue(e.getMessage().contains("user 0"), e.getMessage());
        }
        try (CsrMatrix full = CsrMatrix.of(1, 2, new long[] {0, 2}, new int[] {0, 1}, null)) {
            assertThrows(IllegalArgumentException.class, () -> new BprSampler(full));
        }
    }
}
