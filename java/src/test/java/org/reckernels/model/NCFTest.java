package org.reckernels.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.TrainTestSplit;
import org.reckernels.nn.MlpContract;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.PlantedCommunities;
import org.reckernels.train.NcfConfig;
import org.reckernels.train.NcfTraining;

/** NCF's forward against a double reference, its whole backward against finite differences, scoring, training. */
class NCFTest {
    private static final int USERS = 3;
    private static final int ITEMS = 4;
    private static final int G = 3;
    private static final int[] TOWER = {4, 3, 2};
    // user 0 and item 0 repeat, so the row gradients of a table row sum over the batch
    private static final int[] BATCH_USERS = {0, 1, 2, 0, 1};
    private static final int[] BATCH_ITEMS = {0, 3, 2, 1, 0};

    /** Host copies of the parameters in double: G, M, then tower W/b per layer, then head W, b. */
    private static double[][] params(JavaBackend backend, NCF model) {
        List<Matrix> ps = model.parameters();
        double[][] out = new double[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            out[i] = download(backend, ps.get(i));
        }
        return out;
    }

    private static double[] download(JavaBackend backend, Matrix m) {
        try (HostMatrix h = HostMatrix.zeros(m.rows(), m.cols())) {
            backend.download(m, h);
            float[] f = h.toArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
    }

    /** The NeuMF logit of each batch pair in double, from the parameter arrays. */
    static double[] referenceLogits(double[][] p, int[] us, int[] is, int users, int g, int[] tower) {
        int m = tower[0] / 2;
        int layers = tower.length - 1;
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = p[2 + 2 * l];
            b[l] = p[3 + 2 * l];
        }
        double[] headW = p[2 + 2 * layers];
        double headB = p[3 + 2 * layers][0];
        int rows = us.length;
        double[] x0 = new double[rows * 2 * m];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < m; c++) {
                x0[r * 2 * m + c] = p[1][us[r] * m + c];
                x0[r * 2 * m + m + c] = p[1][(users + is[r]) * m + c];
            }
        }
        double[] mlp = MlpContract.referenceForward(x0, rows, tower, w, b, true);
        int top = tower[layers];
        double[] z = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = headB;
            for (int c = 0; c < g; c++) {
                s += p[0][us[r] * g + c] * p[0][(users + is[r]) * g + c] * headW[c];
            }
            for (int c = 0; c < top; c++) {
                s += mlp[r * top + c] * headW[g + c];
            }
            z[r] = s;
        }
        return z;
    }

    private static int[] joint(int[] items, int users) {
        int[] out = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = users + items[i];
        }
        return out;
    }

    @Test
    void forwardAndWholeBackwardMatchReferenceAndFiniteDifferences() {
        int rows = BATCH_USERS.length;
        double[] gz = {0.7, -1.3, 0.4, 1.1, -0.6};   // L = Σ gz·z
        try (JavaBackend backend = new JavaBackend(2);
             NCF model = new NCF(backend, USERS, ITEMS, G, TOWER, 0.5f, 5);
             NCF.Batch batch = model.batch(rows);
             IndexVector u = backend.upload(BATCH_USERS);
             IndexVector i = backend.upload(joint(BATCH_ITEMS, USERS));
             HostMatrix hg = HostMatrix.zeros(rows, 1)) {
            for (int r = 0; r < rows; r++) {
                hg.set(r, 0, (float) gz[r]);
            }
            double[][] p = params(backend, model);
            double[] expected = referenceLogits(p, BATCH_USERS, BATCH_ITEMS, USERS, G, TOWER);
            double[] got = download(backend, model.forward(batch, u, i));
            for (int r = 0; r < rows; r++) {
                assertEquals(expected[r], got[r], 1e-5 * (1 + Math.abs(expected[r])), "logit of pair " + r);
            }
            try (Matrix dg = backend.upload(hg)) {
                model.backward(batch, dg);
            }
            DoubleSupplier loss = () -> {
                double[] z = referenceLogits(p, BATCH_USERS, BATCH_ITEMS, USERS, G, TOWER);
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += gz[r] * z[r];
                }
                return s;
            };
            // embedding tables: sum the gathered-row gradients of each table row over the batch
            double[] gG = tableGradient(download(backend, batch.gradGmfUsers()), download(backend, batch.gradGmfItems()), G);
            double[] gM = tableGradient(download(backend, batch.gradMlpUsers()), download(backend, batch.gradMlpItems()),
                    TOWER[0] / 2);
            int checked = check(p[0], gG, loss, "G") + check(p[1], gM, loss, "M");
            List<Matrix> dense = model.denseGradients();
            for (int k = 0; k < dense.size(); k++) {
                checked += check(p[2 + k], download(backend, dense.get(k)), loss, "dense parameter " + k);
            }
            assertTrue(checked > 40, "checked " + checked + " gradient entries");
        }
    }

    /** (U + I) x d table gradient from the batch's user-row and item-row gradients. */
    private static double[] tableGradient(double[] users, double[] items, int d) {
        double[] t = new double[(USERS + ITEMS) * d];
        for (int r = 0; r < BATCH_USERS.length; r++) {
            for (int c = 0; c < d; c++) {
                t[BATCH_USERS[r] * d + c] += users[r * d + c];
                t[(USERS + BATCH_ITEMS[r]) * d + c] += items[r * d + c];
            }
        }
        return t;
    }

    private static int check(double[] param, double[] analytic, DoubleSupplier loss, String what) {
        assertEquals(param.length, analytic.length, what + " gradient shape");
        double h = 1e-6;
        int nonZero = 0;
        for (int k = 0; k < param.length; k++) {
            double keep = param[k];
            param[k] = keep + h;
            double up = loss.getAsDouble();
            param[k] = keep - h;
            double down = loss.getAsDouble();
            param[k] = keep;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, analytic[k], 1e-3 * Math.abs(fd) + 1e-4, what + "[" + k + "]: backend vs finite difference");
            if (fd != 0) {
                nonZero++;
            }
        }
        assertTrue(nonZero > 0, what + ": every gradient is zero, the check proves nothing");
        return param.length;
    }

    @Test
    void scorerWithItsSplitFirstLayerGivesTheForwardOfEveryPairAndPadsTheLastTile() {
        int users = 5;
        int items = 7;
        try (JavaBackend backend = new JavaBackend(2);
             NCF model = new NCF(backend, users, items, 4, new int[] {6, 5, 3}, 0.3f, 9);
             NCF.Scorer scorer = model.scorer(2L * items);   // 2 users per tile: tiles 2, 2, 1 (padded)
             NCF.Batch one = model.batch(users * items)) {
            assertEquals(2, scorer.maxUsersPerCall());
            float[] all = new float[users * items];
            float[] tile = new float[2 * items];
            for (int u0 = 0; u0 < users; u0 += 2) {
                int n = Math.min(2, users - u0);
                scorer.score(u0, n, tile);
                System.arraycopy(tile, 0, all, u0 * items, n * items);
            }
            int[] us = new int[users * items];
            int[] is = new int[users * items];
            for (int u = 0; u < users; u++) {
                for (int i = 0; i < items; i++) {
                    us[u * items + i] = u;
                    is[u * items + i] = users + i;
                }
            }
            try (IndexVector uv = backend.upload(us); IndexVector iv = backend.upload(is)) {
                double[] expected = download(backend, model.forward(one, uv, iv));
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], all[k], 1e-5 * (1 + Math.abs(expected[k])), "score of user " + k / items + ", item " + k % items);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> scorer.score(4, 2, tile));
        }
    }

    @Test
    void rejectsRowsOutsideTheirRange() {
        try (JavaBackend backend = new JavaBackend(1);
             NCF model = new NCF(backend, USERS, ITEMS, G, TOWER, 0.1f, 1);
             NCF.Batch batch = model.batch(2);
             IndexVector users = backend.upload(new int[] {0, 1});
             IndexVector itemsAsUsers = backend.upload(new int[] {0, 1});
             IndexVector items = backend.upload(new int[] {USERS, USERS + ITEMS - 1})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(batch, users, itemsAsUsers));
            assertTrue(e.getMessage().contains("item rows"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.forward(batch, items, items));
            assertThrows(IllegalStateException.class, () -> model.step(model.batch(2), 0.1f, 0f, 1));
        }
        try (JavaBackend backend = new JavaBackend(1)) {
            assertThrows(IllegalArgumentException.class, () -> new NCF(backend, 3, 4, 2, new int[] {5, 2}, 0.1f, 1));
        }
    }

    /** The planted-community generator at the size of the other models' training tests (seconds on CPU); 4 epochs reach recall@20 ≈ 0.47, random ≈ 0.05. */
    @Test
    void trainsOnPlantedCommunitiesFarAboveRandom() {
        TrainTestSplit data = PlantedCommunities.smallSplit();
        NcfConfig config = PlantedCommunities.ncfFourEpochs();
        java.util.List<Double> losses = new java.util.ArrayList<>();
        org.reckernels.train.TrainingListener listener = new org.reckernels.train.TrainingListener() {
            @Override
            public void onEpoch(Epoch e) {
                losses.add(e.loss());
            }
        };
        try (JavaBackend backend = new JavaBackend(2)) {
            NcfTraining.Outcome o = NcfTraining.run(backend, data, config, listener, 20);
            double recall = o.finalEval().recall(20);
            double random = 20.0 / data.numItems();
            assertEquals(4, o.epochsRun());
            assertEquals(4, losses.size());
            assertTrue(losses.get(3) < 0.8 * losses.get(0), "BCE did not fall: " + losses);
            assertTrue(recall > 6 * random, "recall@20 " + recall + " vs random " + random);
        }
    }
}
