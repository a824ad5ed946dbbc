package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.reckernels.backend.AlsParams;
import org.reckernels.data.Interactions;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.testing.TestMatrices;

/** The Gramian form of the iALS objective equals the sum over every user–item pair. */
class IalsObjectiveTest {
    @Test
    void gramianFormEqualsTheSumOverAllPairs() {
        Interactions data = Interactions.fromLists(9, new int[][] {{0, 3, 4}, {}, {1, 2, 3, 4, 5, 6, 7, 8}, {8}, {2, 5}});
        for (AlsParams p : new AlsParams[] {AlsParams.of(3f, 0.2f, 0.1f, 2), new AlsParams(1f, 1f, 0.01f, 1f, 2)}) {
            try (CsrMatrix r = data.toCsr();
                 CsrMatrix rT = data.transposeCsr();
                 HostMatrix u = TestMatrices.dense(5, 4, 1);
                 HostMatrix v = TestMatrices.dense(9, 4, 2)) {
                double brute = 0;
                for (int a = 0; a < 5; a++) {
                    for (int i = 0; i < 9; i++) {
                        double y = 0;
                        for (int j = 0; j < 4; j++) {
                            y += (double) u.get(a, j) * v.get(i, j);
                        }
                        brute += data.contains(a, i) ? (1 + p.alpha()) * (1 - y) * (1 - y) : p.w0() * y * y;
                    }
                }
                for (int a = 0; a < 5; a++) {
                    brute += p.regularization(data.degreeOfUser(a), 9) * sq(u, a);
                }
                for (int i = 0; i < 9; i++) {
                    brute += p.regularization(data.degreeOfItem(i), 5) * sq(v, i);
                }
                assertEquals(brute, IalsObjective.compute(r, rT, u, v, p), 1e-9 * Math.abs(brute));
            }
        }
    }

    private static double sq(HostMatrix m, int r) {
        double s = 0;
        for (int j = 0; j < m.cols(); j++) {
            s += (double) m.get(r, j) * m.get(r, j);
        }
        return s;
    }
}
