package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.reckernels.backend.EmbeddingBags.OptimizerKind;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.reference.CtrReferenceOps;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.IndexVector;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * Embedding bags (forward; backward fused with SGD / Adagrad / row-wise Adagrad / Adam), FM and the
 * logistic loss on one backend against {@link CtrReferenceOps}: random bags with empty bags, duplicates,
 * a hot index, ids at a table's last row, widths 4..256 (and odd ones), plus bitwise determinism.
 */
public abstract class EmbeddingFmContract {

    protected abstract Backend backend();

    /** A random batch: T tables of the given sizes, B samples, bag lengths 0..maxLen, a third of ids hot. */
    protected record Batch(long[] tableOffsets, int[] indices, int[] offsets, float[] weights, int batch) {
        int tables() {
            return tableOffsets.length - 1;
        }
    }

    protected static Batch randomBatch(int[] tableRows, int batch, int maxLen, boolean hot, long seed) {
        Random rnd = new Random(seed);
        long[] to = new long[tableRows.length + 1];
        for (int t = 0; t < tableRows.length; t++) {
            to[t + 1] = to[t] + tableRows[t];
        }
        List<Integer> idx = new ArrayList<>();
        int[] off = new int[tableRows.length * batch + 1];
        for (int t = 0; t < tableRows.length; t++) {
            for (int b = 0; b < batch; b++) {
                int g = t * batch + b;
                int len = b % 7 == 3 ? 0 : rnd.nextInt(maxLen + 1); // some bags empty
                for (int j = 0; j < len; j++) {
                    int r = rnd.nextInt(3);
                    int v = hot && r == 0 ? tableRows[t] - 1          // the last row, and hot
                            : r == 1 && j > 0 ? idx.get(idx.size() - 1) // duplicate inside the bag
                            : rnd.nextInt(tableRows[t]);
                    idx.add(v);
                }
                off[g + 1] = idx.size();
            }
        }
        float[] w = new float[idx.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextFloat() * 2 - 0.5f;
        }
        return new Batch(to, idx.stream().mapToInt(Integer::intValue).toArray(), off, w, batch);
    }

    private HostMatrix download(Matrix m) {
        HostMatrix h = HostMatrix.zeros(m.rows(), m.cols());
        backend().download(m, h);
        return h;
    }

    static List<Arguments> forwardCases() {
        List<Arguments> out = new ArrayList<>();
        for (int d : new int[] {1, 4, 16, 100, 256, 7, 260}) {
            for (Pooling p : Pooling.values()) {
                out.add(Arguments.of(d, p, false));
                if (p != Pooling.MEAN) {
                    out.add(Arguments.of(d, p, true));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "d={0} {1} weights={2}")
    @MethodSource("forwardCases")
    void forwardMatchesReference(int d, Pooling pooling, boolean weighted) {
        Backend be = backend();
        Batch bt = randomBatch(new int[] {13, 1, 40, 7}, 37, 9, true, 100L * d + pooling.ordinal());
        long rows = bt.tableOffsets()[bt.tables()];
        int nnz = bt.indices().length;
        long outRows = pooling == Pooling.NONE ? nnz : bt.batch();
        long outCols = pooling == Pooling.NONE ? d : (long) bt.tables() * d;
        try (HostMatrix w = TestMatrices.dense(rows, d, d);
             HostMatrix psw = HostMatrix.of(1, nnz, bt.weights());
             HostIndexVector hi = HostIndexVector.of(bt.indices());
             HostIndexVector ho = HostIndexVector.of(bt.offsets());
             HostMatrix expected = HostMatrix.zeros(outRows, outCols);
             Matrix dw = be.upload(w);
             Matrix dpsw = be.upload(psw);
             IndexVector di = be.upload(bt.indices());
             IndexVector doff = be.upload(bt.offsets());
             Matrix dout = be.allocate(outRows, outCols)) {
            be.fill(dout, Float.NaN); // every element must be written (empty bags too)
            CtrReferenceOps.embeddingBagForward(w, bt.tableOffsets(), hi, ho, weighted ? psw : null, pooling, expected);
            be.embeddingBagForward(dw, bt.tableOffsets(), di, doff, weighted ? dpsw : null, pooling, dout);
            try (HostMatrix got = download(dout)) {
                Assertions2.assertClose(expected, got, null, 1e-5, 1e-5, "embedding bag forward on " + be.name());
            }
        }
    }

    @Test
    void meanOfEmptyBagIsZero() {
        Backend be = backend();
        long[] to = {0, 3};
        try (HostMatrix w = HostMatrix.of(3, 4, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
             Matrix dw = be.upload(w);
             IndexVector di = be.upload(new int[] {2, 0});
             IndexVector doff = be.upload(new int[] {0, 0, 2}); // bag 0 empty, bag 1 = rows 2 and 0
             Matrix dout = be.allocate(2, 4)) {
            be.fill(dout, Float.NaN);
            be.embeddingBagForward(dw, to, di, doff, null, Pooling.MEAN, dout);
            try (HostMatrix got = download(dout)) {
                assertArrayEquals(new float[] {0, 0, 0, 0, 5, 6, 7, 8}, got.toArray());
            }
        }
    }

    static List<Arguments> backwardCases() {
        List<Arguments> out = new ArrayList<>();
        for (OptimizerKind k : OptimizerKind.values()) {
            for (int d : new int[] {4, 16, 100, 256, 5}) {
                out.add(Arguments.of(k, d, Pooling.SUM, true));
            }
            out.add(Arguments.of(k, 16, Pooling.MEAN, false));
            out.add(Arguments.of(k, 8, Pooling.NONE, true));
            out.add(Arguments.of(k, 3, Pooling.MEAN, false));
        }
        return out;
    }

    private static SparseOptimizer optimizer(OptimizerKind k) {
        return switch (k) {
            case SGD -> SparseOptimizer.sgd(0.3f);
            case ADAGRAD -> SparseOptimizer.adagrad(0.2f, 1e-3f);
            case ROWWISE_ADAGRAD -> SparseOptimizer.rowwiseAdagrad(0.2f, 1e-3f);
            case ADAM -> SparseOptimizer.adam(0.05f, 0.9f, 0.99f, 1e-3f);
        };
    }

    private static long[] stateShape(OptimizerKind k, long rows, int d) {
        return k == OptimizerKind.ROWWISE_ADAGRAD ? new long[] {rows, 1} : new long[] {rows, d};
    }

    @ParameterizedTest(name = "{0} d={1} {2} weights={3}")
    @MethodSource("backwardCases")
    void backwardMatchesReference(OptimizerKind kind, int d, Pooling pooling, boolean weighted) {
        Backend be = backend();
        Batch bt = randomBatch(new int[] {11, 2, 30}, 41, 8, true, 7L * d + kind.ordinal());
        long rows = bt.tableOffsets()[bt.tables()];
        int nnz = bt.indices().length;
        long gRows = pooling == Pooling.NONE ? nnz : bt.batch();
        long gCols = pooling == Pooling.NONE ? d : (long) bt.tables() * d;
        long[] ss = stateShape(kind, rows, d);
        SparseOptimizer opt = optimizer(kind);
        try (HostMatrix w = TestMatrices.dense(rows, d, d + 1);
             HostMatrix s1 = TestMatrices.dense(ss[0], ss[1], d + 2);
             HostMatrix s2 = TestMatrices.dense(rows, d, d + 3);
             HostMatrix go = TestMatrices.dense(gRows, gCols, d + 4);
             HostMatrix psw = HostMatrix.of(nnz, 1, bt.weights());
             HostIndexVector hi = HostIndexVector.of(bt.indices());
             HostIndexVector ho = HostIndexVector.of(bt.offsets());
             Matrix dw = be.upload(w);
             Matrix ds1 = be.upload(abs(s1));
             Matrix ds2 = be.upload(abs(s2));
             Matrix dgo = be.upload(go);
             Matrix dpsw = be.upload(psw);
             IndexVector di = be.upload(bt.indices());
             IndexVector doff = be.upload(bt.offsets())) {
            Matrix st1 = kind == OptimizerKind.SGD ? null : ds1;
            Matrix st2 = kind == OptimizerKind.ADAM ? ds2 : null;
            CtrReferenceOps.embeddingBagBackward(w, bt.tableOffsets(), hi, ho, weighted ? psw : null, pooling, go, opt,
                    s1, s2, 3);
            be.embeddingBagBackward(dw, bt.tableOffsets(), di, doff, weighted ? dpsw : null, pooling, dgo, opt, st1, st2, 3);
            try (HostMatrix gw = download(dw); HostMatrix g1 = download(ds1); HostMatrix g2 = download(ds2)) {
                String what = kind + " " + pooling + " d=" + d + " on " + be.name();
                Assertions2.assertClose(w, gw, null, 2e-4, 2e-5, "weights after " + what);
                if (kind != OptimizerKind.SGD) {
                    Assertions2.assertClose(s1, g1, null, 2e-4, 2e-5, "state1 after " + what);
                }
                if (kind == OptimizerKind.ADAM) {
                    Assertions2.assertClose(s2, g2, null, 2e-4, 2e-6, "state2 after " + what);
                }
            }
        }
    }

    /** Non-negative copy for Adagrad / Adam second moments (the reference reads the same values). */
    private static HostMatrix abs(HostMatrix m) {
        HostMatrix a = HostMatrix.zeros(m.rows(), m.cols());
        for (long r = 0; r < m.rows(); r++) {
            for (long c = 0; c < m.cols(); c++) {
                float v = Math.abs(m.get(r, c));
                a.set(r, c, v);
                m.set(r, c, v);
            }
        }
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ADAGRAD", "ROWWISE_ADAGRAD", "ADAM", "SGD"})
    void backwardIsBitwiseReproducibleWithAHotIndex(String kindName) {
        OptimizerKind kind = OptimizerKind.valueOf(kindName);
        Backend be = backend();
        int d = 16;
        int batch = 2000;
        // One table, every bag holds the hot row 5 plus random rows: a run of > 2000 duplicates.
        Random rnd = new Random(42);
        int[] off = new int[batch + 1];
        List<Integer> idx = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            idx.add(5);
            for (int j = rnd.nextInt(4); j > 0; j--) {
                idx.add(rnd.nextInt(64));
            }
            off[b + 1] = idx.size();
        }
        int[] ids = idx.stream().mapToInt(Integer::intValue).toArray();
        long[] to = {0, 64};
        long[] ss = stateShape(kind, 64, d);
        float[][] results = new float[5][];
        try (HostMatrix w0 = TestMatrices.dense(64, d, 1);
             HostMatrix go = TestMatrices.dense(batch, d, 2);
             Matrix dgo = be.upload(go);
             IndexVector di = be.upload(ids);
             IndexVector doff = be.upload(off)) {
            for (int run = 0; run < 5; run++) {
                try (Matrix dw = be.upload(w0);
                     Matrix s1 = be.allocate(ss[0], ss[1]);
                     Matrix s2 = be.allocate(64, d)) {
                    be.embeddingBagBackward(dw, to, di, doff, null, Pooling.SUM, dgo, optimizer(kind),
                            kind == OptimizerKind.SGD ? null : s1, kind == OptimizerKind.ADAM ? s2 : null, 1);
                    try (HostMatrix got = download(dw)) {
                        results[run] = got.toArray();
                    }
                }
            }
        }
        for (int run = 1; run < 5; run++) {
            for (int i = 0; i < results[0].length; i++) {
                assertEquals(Float.floatToRawIntBits(results[0][i]), Float.floatToRawIntBits(results[run][i]),
                        "run " + run + " element " + i + " differs bitwise from run 0 on " + be.name());
            }
        }
    }

    @Test
    void backwardWithEmptyBatchChangesNothing() {
        Backend be = backend();
        try (HostMatrix w = TestMatrices.dense(6, 4, 3);
             Matrix dw = be.upload(w);
             Matrix dgo = be.allocate(3, 8);
             IndexVector di = be.upload(new int[0]);
             IndexVector doff = be.upload(new int[7])) {
            be.embeddingBagBackward(dw, new long[] {0, 2, 6}, di, doff, null, Pooling.SUM, dgo, SparseOptimizer.sgd(1f),
                    null, null, 1);
            try (HostMatrix got = download(dw)) {
                assertArrayEquals(w.toArray(), got.toArray());
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        Backend be = backend();
        try (Matrix w = be.allocate(10, 4);
             Matrix out = be.allocate(2, 8);
             IndexVector di = be.upload(new int[] {1, 2, 3});
             IndexVector neg = be.upload(new int[] {-1, 2, 3});
             IndexVector big = be.upload(new int[] {1, 2, 9}); // 9 outside both tables (5 rows each)
             IndexVector doff = be.upload(new int[] {0, 1, 2, 2, 3})) {
            long[] to = {0, 5, 10};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.embeddingBagForward(w, to, neg, doff, null, Pooling.SUM, out));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.embeddingBagForward(w, to, big, doff, null, Pooling.SUM, out));
            assertTrue(e.getMessage().contains("9"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.embeddingBagForward(w, new long[] {0, 5, 9}, di, doff, null, Pooling.SUM, out));
            assertTrue(e.getMessage().contains("weights has 10 rows"), e.getMessage());
            try (Matrix wrong = be.allocate(2, 4)) {
                e = assertThrows(IllegalArgumentException.class,
                        () -> be.embeddingBagForward(w, to, di, doff, null, Pooling.SUM, wrong));
                assertTrue(e.getMessage().contains("needs 2x8"), e.getMessage());
            }
            try (Matrix psw = be.allocate(1, 3)) {
                assertThrows(IllegalArgumentException.class,
                        () -> be.embeddingBagForward(w, to, di, doff, psw, Pooling.MEAN, out));
            }
            e = assertThrows(IllegalArgumentException.class, () -> be.embeddingBagBackward(w, to, di, doff, null,
                    Pooling.SUM, out, SparseOptimizer.adagrad(0.1f, 1e-8f), null, null, 1));
            assertTrue(e.getMessage().contains("state1"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "F={0} d={1}")
    @org.junit.jupiter.params.provider.CsvSource({"1,4", "2,16", "39,16", "5,7", "26,64", "3,100"})
    void fmForwardBackwardMatchReference(int fields, int d) {
        Backend be = backend();
        int b = 53;
        try (HostMatrix v = TestMatrices.dense(b, (long) fields * d, fields * 31L + d);
             HostMatrix lin = TestMatrices.dense(b, 3, 5);
             HostMatrix g = TestMatrices.dense(b, 1, 6);
             HostMatrix ez = HostMatrix.zeros(b, 1);
             HostMatrix egv = HostMatrix.zeros(b, (long) fields * d);
             HostMatrix egl = HostMatrix.zeros(b, 3);
             Matrix dv = be.upload(v);
             Matrix dl = be.upload(lin);
             Matrix dg = be.upload(g);
             Matrix dz = be.allocate(b, 1);
             Matrix dgv = be.allocate(b, (long) fields * d);
             Matrix dgl = be.allocate(b, 3)) {
            CtrReferenceOps.fmForward(v, fields, lin, ez);
            CtrReferenceOps.fmBackward(v, fields, g, egv, egl);
            be.fmForward(dv, fields, dl, dz);
            be.fmBackward(dv, fields, dg, dgv, dgl);
            try (HostMatrix z = download(dz); HostMatrix gv = download(dgv); HostMatrix gl = download(dgl)) {
                // The sum-square identity cancels: allow room proportional to Σ|v|² per sample.
                Assertions2.assertClose(ez, z, null, 1e-4, 1e-4 * fields * d, "fm logits on " + be.name());
                Assertions2.assertClose(egv, gv, null, 1e-4, 1e-5 * fields, "fm grad v on " + be.name());
                Assertions2.assertClose(egl, gl, null, 0, 0, "fm grad linear on " + be.name());
            }
        }
    }

    @Test
    void logisticLossGradMatchesReferenceIncludingLargeLogits() {
        Backend be = backend();
        float[] z = {0f, 1f, -1f, 30f, -30f, 100f, -100f, 2.5f, -0.25f};
        float[] y = {1f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 0f};
        try (HostMatrix hz = HostMatrix.of(z.length, 1, z);
             HostMatrix hy = HostMatrix.of(y.length, 1, y);
             HostMatrix eg = HostMatrix.zeros(z.length, 1);
             HostMatrix el = HostMatrix.of(1, 1, new float[] {1f});
             Matrix dz = be.upload(hz);
             Matrix dy = be.upload(hy);
             Matrix dg = be.allocate(z.length, 1);
             Matrix dl = be.upload(el)) {
            CtrReferenceOps.logisticLossGrad(hz, hy, 0.5f, eg, el);
            be.logisticLossGrad(dz, dy, 0.5f, dg, dl);
            try (HostMatrix g = download(dg); HostMatrix l = download(dl)) {
                Assertions2.assertClose(eg, g, null, 1e-5, 1e-6, "logistic grad on " + be.name());
                Assertions2.assertClose(el, l, null, 1e-5, 1e-5, "logistic loss on " + be.name());
                assertTrue(Float.isFinite(l.get(0, 0)));
            }
        }
    }
}
