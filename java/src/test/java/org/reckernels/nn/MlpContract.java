package org.reckernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.backend.Backend;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * {@link Dense} / {@link Mlp} on one backend: forward against a naive double-precision reference,
 * gradients against central finite differences of that reference, accumulation, workspace reuse and
 * the optimizer steps against {@link ReferenceOps#adam}.
 */
public abstract class MlpContract {

    protected abstract Backend backend();

    /** Naive forward in double: weights[l] is (in x out) row-major, biases[l] (out). */
    static double[] referenceForward(double[] x, int rows, int[] sizes, double[][] w, double[][] b, boolean lastRelu) {
        double[] h = x;
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            boolean relu = l + 2 < sizes.length || lastRelu;
            double[] y = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    double s = b[l][j];
                    for (int i = 0; i < in; i++) {
                        s += h[r * in + i] * w[l][i * out + j];
                    }
                    y[r * out + j] = relu ? Math.max(s, 0) : s;
                }
            }
            h = y;
        }
        return h;
    }

    private static double[] toDouble(HostMatrix m) {
        float[] f = m.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private HostMatrix download(Matrix m) {
        HostMatrix h = HostMatrix.zeros(m.rows(), m.cols());
        backend().download(m, h);
        return h;
    }

    /** An MLP with random weights AND random biases (so the bias path is exercised). */
    private Mlp randomMlp(int[] sizes, boolean lastRelu, long seed) {
        Backend be = backend();
        List<Dense> layers = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            try (HostMatrix w = TestMatrices.dense(sizes[l], sizes[l + 1], seed + 2L * l);
                 HostMatrix bias = TestMatrices.dense(1, sizes[l + 1], seed + 2L * l + 1)) {
                Activation act = l + 2 < sizes.length || lastRelu ? Activation.RELU : Activation.NONE;
                layers.add(Dense.of(be, w, bias, act));
            }
        }
        return new Mlp(be, layers);
    }

    private double[][][] hostParams(Mlp mlp) {
        int n = mlp.layers().size();
        double[][] w = new double[n][];
        double[][] b = new double[n][];
        for (int l = 0; l < n; l++) {
            try (HostMatrix hw = download(mlp.layers().get(l).weight()); HostMatrix hb = download(mlp.layers().get(l).bias())) {
                w[l] = toDouble(hw);
                b[l] = toDouble(hb);
            }
        }
        return new double[][][] {w, b};
    }

    private static int[] sizes(String spec) {
        String[] p = spec.split("-");
        int[] s = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            s[i] = Integer.parseInt(p[i]);
        }
        return s;
    }

    @ParameterizedTest(name = "rows={0} sizes={1} lastRelu={2}")
    @CsvSource({
        "1, 1-1, false",
        "7, 5-3, true",
        "33, 16-64-32-16-1, false",
        "33, 16-64-32-16, true",
        "64, 65-17-3, false",
        "5, 1-257-1, false",
        "130, 128-64-32-16, true"})
    void forwardMatchesNaiveReference(int rows, String spec, boolean lastRelu) {
        int[] sizes = sizes(spec);
        long seed = rows * 131L + sizes.length;
        Backend be = backend();
        try (Mlp mlp = randomMlp(sizes, lastRelu, seed);
             MlpWorkspace ws = mlp.workspace(rows);
             HostMatrix x = TestMatrices.dense(rows, sizes[0], seed + 99);
             Matrix dx = be.upload(x)) {
            double[][][] p = hostParams(mlp);
            double[] expected = referenceForward(toDouble(x), rows, sizes, p[0], p[1], lastRelu);
            Matrix y = mlp.forward(ws, dx);
            assertEquals(rows, y.rows());
            assertEquals(sizes[sizes.length - 1], y.cols());
            try (HostMatrix actual = download(y)) {
                float[] a = actual.toArray();
                int width = 0;
                for (int s : sizes) {
                    width = Math.max(width, s);
                }
                for (int i = 0; i < expected.length; i++) {
                    double tol = 1e-4 * (1 + Math.abs(expected[i])) * Math.sqrt(width);
                    int row = i / sizes[sizes.length - 1];
                    assertTrue(Math.abs(a[i] - expected[i]) <= tol, "row " + row + " element " + i + ": got " + a[i]
                            + ", expected " + expected[i] + " on " + be.name());
                }
            }
        }
    }

    /** L = Σ G ⊙ out; checks every parameter and input gradient against central differences in double. */
    @ParameterizedTest(name = "rows={0} sizes={1} lastRelu={2}")
    @CsvSource({
        "5, 6-5-4-3, false",
        "3, 4-7-1, true",
        "1, 3-2, false"})
    void gradientsMatchFiniteDifferences(int rows, String spec, boolean lastRelu) {
        int[] sizes = sizes(spec);
        long seed = 7L * rows + sizes.length;
        int outW = sizes[sizes.length - 1];
        Backend be = backend();
        try (Mlp mlp = randomMlp(sizes, lastRelu, seed);
             MlpWorkspace ws = mlp.workspace(rows);
             HostMatrix x = TestMatrices.dense(rows, sizes[0], seed + 5);
             HostMatrix g = TestMatrices.dense(rows, outW, seed + 6);
             Matrix dx = be.upload(x);
             Matrix dg = be.upload(g);
             Matrix dgx = be.allocate(rows, sizes[0])) {
            mlp.forward(ws, dx);
            mlp.backward(ws, dx, dg, dgx, false);
            double[][][] p = hostParams(mlp);
            double[] xs = toDouble(x);
            double[] gs = toDouble(g);
            double h = 1e-6;
            int checked = 0;
            for (int l = 0; l < mlp.layers().size(); l++) {
                try (HostMatrix gw = download(mlp.layers().get(l).gradWeight());
                     HostMatrix gb = download(mlp.layers().get(l).gradBias())) {
                    float[] aw = gw.toArray();
                    float[] ab = gb.toArray();
                    for (int i = 0; i < aw.length; i++) {
                        double fd = centralDifference(p[0][l], i, h, () -> loss(xs, rows, sizes, p, lastRelu, gs));
                        assertGrad(fd, aw[i], "dL/dW" + l + "[" + i + "]");
                        checked++;
                    }
                    for (int i = 0; i < ab.length; i++) {
                        double fd = centralDifference(p[1][l], i, h, () -> loss(xs, rows, sizes, p, lastRelu, gs));
                        assertGrad(fd, ab[i], "dL/db" + l + "[" + i + "]");
                        checked++;
                    }
                }
            }
            try (HostMatrix gx = download(dgx)) {
                float[] ax = gx.toArray();
                for (int i = 0; i < ax.length; i++) {
                    double fd = centralDifference(xs, i, h, () -> loss(xs, rows, sizes, p, lastRelu, gs));
                    assertGrad(fd, ax[i], "dL/dx[" + i + "]");
                    checked++;
                }
            }
            assertTrue(checked > sizes[0] * rows, "checked " + checked + " gradients");
        }
    }

    private static double loss(double[] x, int rows, int[] sizes, double[][][] p, boolean lastRelu, double[] g) {
        double[] y = referenceForward(x, rows, sizes, p[0], p[1], lastRelu);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * g[i];
        }
        return s;
    }

    private static double centralDifference(double[] v, int i, double h, java.util.function.DoubleSupplier f) {
        double keep = v[i];
        v[i] = keep + h;
        double up = f.getAsDouble();
        v[i] = keep - h;
        double down = f.getAsDouble();
        v[i] = keep;
        return (up - down) / (2 * h);
    }

    private void assertGrad(double expected, float actual, String what) {
        double tol = 1e-3 * Math.abs(expected) + 2e-4;
        assertTrue(Math.abs(actual - expected) <= tol, what + " on " + backend().name() + ": backend " + actual
                + ", finite difference " + expected);
    }

    @Test
    void accumulateAddsAndOverwriteReplaces() {
        int rows = 9;
        int[] sizes = {6, 8, 2};
        Backend be = backend();
        try (Mlp mlp = randomMlp(sizes, false, 3);
             MlpWorkspace ws = mlp.workspace(rows);
             HostMatrix x = TestMatrices.dense(rows, 6, 4);
             HostMatrix g = TestMatrices.dense(rows, 2, 5);
             Matrix dx = be.upload(x);
             Matrix dg = be.upload(g)) {
            mlp.forward(ws, dx);
            mlp.backward(ws, dx, dg, null, false);
            HostMatrix once = download(mlp.layers().get(0).gradWeight());
            HostMatrix onceB = download(mlp.layers().get(0).gradBias());
            mlp.backward(ws, dx, dg, null, true);
            try (HostMatrix twice = download(mlp.layers().get(0).gradWeight());
                 HostMatrix twiceB = download(mlp.layers().get(0).gradBias());
                 HostMatrix expected = HostMatrix.zeros(6, 8);
                 HostMatrix expectedB = HostMatrix.zeros(1, 8)) {
                for (int i = 0; i < 6; i++) {
                    for (int j = 0; j < 8; j++) {
                        expected.set(i, j, 2 * once.get(i, j));
                    }
                }
                for (int j = 0; j < 8; j++) {
                    expectedB.set(0, j, 2 * onceB.get(0, j));
                }
                Assertions2.assertClose(expected, twice, null, 1e-5, 1e-6, "accumulated gW");
                Assertions2.assertClose(expectedB, twiceB, null, 1e-5, 1e-6, "accumulated gb");
            }
            mlp.backward(ws, dx, dg, null, false);
            try (HostMatrix again = download(mlp.layers().get(0).gradWeight())) {
                Assertions2.assertClose(once, again, null, 1e-6, 1e-7, "overwritten gW");
            }
            once.close();
            onceB.close();
        }
    }

    @Test
    void workspaceIsReusableAcrossBatches() {
        int rows = 12;
        int[] sizes = {10, 16, 4};
        Backend be = backend();
        try (Mlp mlp = randomMlp(sizes, false, 11);
             MlpWorkspace ws = mlp.workspace(rows);
             MlpWorkspace fresh = mlp.workspace(rows);
             HostMatrix x1 = TestMatrices.dense(rows, 10, 12);
             HostMatrix x2 = TestMatrices.dense(rows, 10, 13);
             Matrix d1 = be.upload(x1);
             Matrix d2 = be.upload(x2)) {
            mlp.forward(ws, d1);
            Matrix second = mlp.forward(ws, d2);
            try (HostMatrix reused = download(second); HostMatrix expected = download(mlp.forward(fresh, d2))) {
                Assertions2.assertClose(expected, reused, null, 0, 0, "second batch on a reused workspace");
            }
            assertTrue(second == ws.output(), "forward returns the workspace's output buffer");
        }
    }

    @Test
    void adamAndSgdStepsMatchReference() {
        int rows = 6;
        int[] sizes = {5, 4, 3};
        Backend be = backend();
        try (Mlp mlp = randomMlp(sizes, false, 21);
             MlpWorkspace ws = mlp.workspace(rows);
             HostMatrix x = TestMatrices.dense(rows, 5, 22);
             HostMatrix g = TestMatrices.dense(rows, 3, 23);
             Matrix dx = be.upload(x);
             Matrix dg = be.upload(g)) {
            List<HostMatrix> params = new ArrayList<>();
            List<HostMatrix> m = new ArrayList<>();
            List<HostMatrix> v = new ArrayList<>();
            for (Matrix p : mlp.parameters()) {
                params.add(download(p));
                m.add(HostMatrix.zeros(p.rows(), p.cols()));
                v.add(HostMatrix.zeros(p.rows(), p.cols()));
            }
            for (long step = 1; step <= 2; step++) {
                mlp.forward(ws, dx);
                mlp.backward(ws, dx, dg, null, false);
                mlp.addL2Gradient(0.1f);
                for (int i = 0; i < params.size(); i++) {
                    try (HostMatrix grad = download(mlp.gradients().get(i))) {
                        ReferenceOps.adam(params.get(i), grad, m.get(i), v.get(i), 0.01f, 0.9f, 0.999f, 1e-8f, step);
                    }
                }
                mlp.adamStep(0.01f, 0.9f, 0.999f, 1e-8f, step);
            }
            for (int i = 0; i < params.size(); i++) {
                try (HostMatrix actual = download(mlp.parameters().get(i))) {
                    Assertions2.assertClose(params.get(i), actual, null, 1e-4, 1e-5, "Adam parameter " + i);
                }
            }
            // SGD: p -= lr·g
            mlp.forward(ws, dx);
            mlp.backward(ws, dx, dg, null, false);
            try (HostMatrix before = download(mlp.layers().get(1).bias()); HostMatrix grad = download(mlp.layers().get(1).gradBias())) {
                mlp.sgdStep(0.5f);
                try (HostMatrix after = download(mlp.layers().get(1).bias()); HostMatrix expected = HostMatrix.zeros(1, 3)) {
                    for (int j = 0; j < 3; j++) {
                        expected.set(0, j, before.get(0, j) - 0.5f * grad.get(0, j));
                    }
                    Assertions2.assertClose(expected, after, null, 1e-6, 1e-7, "SGD bias");
                }
            }
            params.forEach(HostMatrix::close);
            m.forEach(HostMatrix::close);
            v.forEach(HostMatrix::close);
        }
    }

    @Test
    void xavierInitIsBoundedAndBiasZero() {
        try (Dense d = new Dense(backend(), 30, 20, Activation.RELU, new Random(1));
             HostMatrix w = download(d.weight());
             HostMatrix b = download(d.bias())) {
            double bound = Math.sqrt(6.0 / 50);
            double maxAbs = 0;
            for (float f : w.toArray()) {
                maxAbs = Math.max(maxAbs, Math.abs(f));
            }
            assertTrue(maxAbs <= bound && maxAbs > 0.8 * bound, "max |w| " + maxAbs + " vs bound " + bound);
            for (float f : b.toArray()) {
                assertEquals(0f, f);
            }
        }
    }

    @Test
    void badShapesAreRejectedWithTheShapes() {
        Backend be = backend();
        try (Mlp mlp = randomMlp(new int[] {4, 3, 2}, false, 1);
             Mlp other = randomMlp(new int[] {4, 3, 2}, false, 2);
             MlpWorkspace ws = mlp.workspace(5);
             Matrix wrongCols = be.allocate(5, 3);
             Matrix wrongRows = be.allocate(6, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.forward(ws, wrongCols));
            assertTrue(e.getMessage().contains("5x3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> mlp.forward(ws, wrongRows));
            assertThrows(IllegalArgumentException.class, () -> other.forward(ws, wrongRows));
            assertThrows(IllegalArgumentException.class, () -> mlp.workspace(0));
        }
        assertThrows(IllegalArgumentException.class, () -> new Mlp(be, new int[] {4}, Activation.RELU, Activation.NONE,
                new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> new Mlp(be, new int[] {4, 0, 1}, Activation.RELU,
                Activation.NONE, new Random(1)));
        try (Dense a = new Dense(be, 4, 3, Activation.RELU, new Random(1));
             Dense b = new Dense(be, 2, 1, Activation.NONE, new Random(1))) {
            assertThrows(IllegalArgumentException.class, () -> new Mlp(be, List.of(a, b)));
        }
    }
}
