package org.reckernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reckernels.reference.FfmReferenceOps;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * Field-aware FM pair terms (forward, backward) on one backend against {@link FfmReferenceOps}: random inputs over
 * F = 1, 2, 3, 39 and d = 1, odd d, one vector and more; adversarial magnitudes (huge and tiny values, exact
 * cancellation, all zeros); a finite-difference check of the backward against the forward; determinism; bad shapes.
 */
public abstract class FfmContract {

    protected abstract Backend backend();

    private HostMatrix download(Matrix m) {
        HostMatrix h = HostMatrix.zeros(m.rows(), m.cols());
        backend().download(m, h);
        return h;
    }

    /** Σ_{i<j} Σ_c |v[i,j,c]·v[j,i,c]| + Σ|linear| per sample: the rounding scale of a logit. */
    private static HostMatrix magnitude(HostMatrix v, int fields, HostMatrix lin) {
        int d = (int) (v.cols() / ((long) fields * fields));
        HostMatrix m = HostMatrix.zeros(v.rows(), 1);
        for (long b = 0; b < v.rows(); b++) {
            double s = 0;
            for (int i = 0; i < fields; i++) {
                for (int j = i + 1; j < fields; j++) {
                    for (int c = 0; c < d; c++) {
                        s += Math.abs((double) v.get(b, ((long) i * fields + j) * d + c) * v.get(b, ((long) j * fields + i) * d + c));
                    }
                }
            }
            for (long l = 0; lin != null && l < lin.cols(); l++) {
                s += Math.abs(lin.get(b, l));
            }
            m.set(b, 0, (float) s);
        }
        return m;
    }

    private void check(HostMatrix v, int fields, HostMatrix lin, HostMatrix g, String what) {
        Backend be = backend();
        long b = v.rows();
        try (HostMatrix ez = HostMatrix.zeros(b, 1);
             HostMatrix egv = HostMatrix.zeros(b, v.cols());
             HostMatrix egl = lin == null ? null : HostMatrix.zeros(b, lin.cols());
             HostMatrix mag = magnitude(v, fields, lin);
             Matrix dv = be.upload(v);
             Matrix dl = lin == null ? null : be.upload(lin);
             Matrix dg = be.upload(g);
             Matrix dz = be.allocate(b, 1);
             Matrix dgv = be.allocate(b, v.cols());
             Matrix dgl = lin == null ? null : be.allocate(b, lin.cols())) {
            FfmReferenceOps.ffmForward(v, fields, lin, ez);
            FfmReferenceOps.ffmBackward(v, fields, g, egv, egl);
            be.ffmForward(dv, fields, dl, dz);
            be.ffmBackward(dv, fields, dg, dgv, dgl);
            try (HostMatrix z = download(dz); HostMatrix gv = download(dgv)) {
                Assertions2.assertClose(ez, z, mag, 1e-5, 1e-30, "ffm logits " + what + " on " + be.name());
                // one product per element: exact up to one rounding
                Assertions2.assertClose(egv, gv, null, 1e-6, 1e-30, "ffm grad v " + what + " on " + be.name());
                if (lin != null) {
                    try (HostMatrix gl = download(dgl)) {
                        Assertions2.assertClose(egl, gl, null, 0, 0, "ffm grad linear " + what + " on " + be.name());
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "F={0} d={1} B={2}")
    @CsvSource({"1,4,5", "2,1,37", "2,16,37", "3,3,64", "39,1,9", "39,4,23", "39,16,11", "5,7,40", "4,17,33", "6,33,19"})
    void randomInputsMatchReference(int fields, int d, int batch) {
        long width = (long) fields * fields * d;
        try (HostMatrix v = TestMatrices.dense(batch, width, fields * 131L + d);
             HostMatrix lin = TestMatrices.dense(batch, 3, 9);
             HostMatrix g = TestMatrices.dense(batch, 1, 10)) {
            check(v, fields, lin, g, "F=" + fields + " d=" + d);
            check(v, fields, null, g, "F=" + fields + " d=" + d + " without linear");
        }
    }

    @Test
    void adversarialMagnitudesAndCancellation() {
        int fields = 7;
        int d = 5;
        int batch = 6;
        long width = (long) fields * fields * d;
        Random rnd = new Random(3);
        try (HostMatrix v = HostMatrix.zeros(batch, width); HostMatrix g = HostMatrix.zeros(batch, 1)) {
            for (long c = 0; c < width; c++) {
                float x = rnd.nextFloat() * 2 - 1;
                v.set(0, c, x * 1e3f);                                   // huge
                v.set(1, c, x * 1e-3f);                                  // tiny
                v.set(2, c, c % 2 == 0 ? 1e3f : 1e-3f);                  // mixed scales
                v.set(3, c, 0f);                                         // all zero
                v.set(4, c, (c / d) % 2 == 0 ? 1f : -1f);               // many exactly cancelling products
                v.set(5, c, c % 11 == 0 ? Float.MIN_NORMAL : x);         // subnormal neighbours
            }
            for (int b = 0; b < batch; b++) {
                g.set(b, 0, b % 2 == 0 ? 0.5f : -3f);
            }
            check(v, fields, null, g, "adversarial");
        }
    }

    @Test
    void emptyBatchIsANoOp() {
        Backend be = backend();
        try (Matrix v = be.allocate(0, 8); Matrix z = be.allocate(0, 1); Matrix gv = be.allocate(0, 8)) {
            be.ffmForward(v, 2, null, z);
            be.ffmBackward(v, 2, z, gv, null);
        }
    }

    /**
     * The backward against central differences of the forward: L = Σ_b g_b·logit_b is linear in each single entry
     * (v[i,j] only multiplies v[j,i], i ≠ j), so the difference is exact up to float rounding.
     */
    @Test
    void backwardMatchesFiniteDifferencesOfForward() {
        Backend be = backend();
        int fields = 4;
        int d = 3;
        int batch = 5;
        long width = (long) fields * fields * d;
        float h = 0.25f;
        try (HostMatrix v = TestMatrices.dense(batch, width, 77);
             HostMatrix g = TestMatrices.dense(batch, 1, 78);
             Matrix dg = be.upload(g);
             Matrix dz = be.allocate(batch, 1);
             Matrix dgv = be.allocate(batch, width)) {
            float[] grad;
            try (Matrix dv = be.upload(v)) {
                be.ffmBackward(dv, fields, dg, dgv, null);
                try (HostMatrix gv = download(dgv)) {
                    grad = gv.toArray();
                }
            }
            Random rnd = new Random(79);
            for (int trial = 0; trial < 40; trial++) {
                int b = rnd.nextInt(batch);
                long c = trial < 4 ? (long) (trial * (fields + 1)) * d : rnd.nextInt((int) width); // diagonals first
                float x = v.get(b, c);
                double[] loss = new double[2];
                for (int s = 0; s < 2; s++) {
                    v.set(b, c, x + (s == 0 ? h : -h));
                    try (Matrix dv = be.upload(v)) {
                        be.ffmForward(dv, fields, null, dz);
                        try (HostMatrix z = download(dz)) {
                            for (int r = 0; r < batch; r++) {
                                loss[s] += (double) g.get(r, 0) * z.get(r, 0);
                            }
                        }
                    }
                }
                v.set(b, c, x);
                double fd = (loss[0] - loss[1]) / (2 * h);
                double an = grad[(int) (b * width + c)];
                assertEquals(fd, an, 1e-4 + 1e-3 * Math.abs(an), "d L / d v[" + b + ", " + c + "] on " + be.name());
            }
        }
    }

    @Test
    void deterministicRunToRun() {
        Backend be = backend();
        int fields = 39;
        int d = 8;
        int batch = 41;
        long width = (long) fields * fields * d;
        try (HostMatrix v = TestMatrices.dense(batch, width, 5);
             HostMatrix g = TestMatrices.dense(batch, 1, 6);
             Matrix dv = be.upload(v);
             Matrix dg = be.upload(g);
             Matrix dz = be.allocate(batch, 1);
             Matrix dgv = be.allocate(batch, width)) {
            be.ffmForward(dv, fields, null, dz);
            float[] first;
            try (HostMatrix z = download(dz)) {
                first = z.toArray();
            }
            be.ffmForward(dv, fields, null, dz);
            try (HostMatrix z = download(dz)) {
                assertArrayEquals(first, z.toArray());
            }
        }
    }

    @Test
    void badShapesAreRejectedWithTheShapes() {
        Backend be = backend();
        try (Matrix v = be.allocate(3, 2 * 2 * 4 + 1); Matrix z = be.allocate(3, 1); Matrix ok = be.allocate(3, 16);
             Matrix z2 = be.allocate(2, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.ffmForward(v, 2, null, z));
            assertTrue(e.getMessage().contains("fields·fields·d"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> be.ffmForward(ok, 2, null, z2));
            assertThrows(IllegalArgumentException.class, () -> be.ffmForward(ok, 0, null, z));
            assertThrows(IllegalArgumentException.class, () -> be.ffmBackward(ok, 2, z, ok, null));
        }
    }
}
