package org.reckernels.backend.cuda;

import org.reckernels.testing.GpuTest;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.reckernels.backend.cuda.SpmmLauncher.Variant;
import org.reckernels.reference.ReferenceOps;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;
import org.reckernels.testing.Assertions2;
import org.reckernels.testing.TestMatrices;

/**
 * Every SpMM kernel variant forced explicitly, on widths that need several column passes
 * (d > 4·G or d > G) and partial last passes, with row degrees that are not multiples of G,
 * and empty rows at the tail of the grid (n_rows not a multiple of rows per block); the same
 * for the accumulating form of each variant.
 */
@GpuTest
class CudaSpmmVariantsTest {
    private static final int[] WIDTHS = {4, 32, 64, 132, 256, 260, 513};
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = GpuTests.openOrSkip();
    }

    @AfterAll
    static void close() {
        GpuTests.close(backend);
    }

    static Stream<Arguments> variantsAndWidths() {
        List<Arguments> out = new ArrayList<>();
        for (Variant v : Variant.values()) {
            for (int d : WIDTHS) {
                if (v.vec == 1 || d % 4 == 0) {
                    out.add(Arguments.of(v, d));
                }
            }
        }
        return out.stream();
    }

    /** 1000 + 13 rows: degrees cycle through values around multiples of 8/16/32; the last 40 rows are empty. */
    static CsrMatrix adversarial(long seed, boolean unit) {
        int[] pattern = {0, 1, 3, 7, 9, 15, 17, 31, 33, 63, 65, 100, 0, 5};
        int[] degrees = new int[1013];
        for (int r = 0; r < degrees.length - 40; r++) {
            degrees[r] = pattern[r % pattern.length];
        }
        return TestMatrices.withDegrees(degrees, 301, unit, new Random(seed));
    }

    @ParameterizedTest(name = "{0} d={1}")
    @MethodSource("variantsAndWidths")
    void forcedVariantMatchesReference(Variant v, int d) {
        for (boolean unit : new boolean[] {false, true}) {
            long seed = 7000L + 31L * d + v.ordinal();
            try (CsrMatrix a = adversarial(seed, unit);
                 HostMatrix x = TestMatrices.dense(a.cols(), d, seed + 1);
                 HostMatrix expected = HostMatrix.zeros(a.rows(), d);
                 HostMatrix actual = HostMatrix.zeros(a.rows(), d)) {
                ReferenceOps.spmm(a, x, expected);
                actual.fill(Float.NaN); // rows the kernel forgets stay NaN
                try (SparseMatrix da = backend.upload(a); Matrix dx = backend.upload(x); Matrix dy = backend.upload(actual)) {
                    backend.spmm(da, dx, dy, v);
                    backend.download(dy, actual);
                }
                Assertions2.assertClose(expected, actual, null, 1e-4, 1e-4,
                        v.entry + " d=" + d + " unit=" + unit + " seed=" + seed);
            }
        }
    }

    /** The accumulating kernel of each variant: Y = A·X and ACC = acc0 + alpha·Y, ACC pre-filled. */
    @ParameterizedTest(name = "{0} acc d={1}")
    @MethodSource("variantsAndWidths")
    void forcedAccumulateVariantMatchesReference(Variant v, int d) {
        for (boolean unit : new boolean[] {false, true}) {
            long seed = 9000L + 31L * d + v.ordinal();
            float alpha = unit ? -1f : 0.25f;
            try (CsrMatrix a = adversarial(seed, unit);
                 HostMatrix x = TestMatrices.dense(a.cols(), d, seed + 1);
                 HostMatrix acc0 = TestMatrices.dense(a.rows(), d, seed + 2);
                 HostMatrix expectedY = HostMatrix.zeros(a.rows(), d);
                 HostMatrix expectedAcc = HostMatrix.zeros(a.rows(), d);
                 HostMatrix actualY = HostMatrix.zeros(a.rows(), d);
                 HostMatrix actualAcc = HostMatrix.zeros(a.rows(), d)) {
                expectedAcc.copyFrom(acc0);
                ReferenceOps.spmmAccumulate(a, x, expectedY, alpha, expectedAcc);
                actualY.fill(Float.NaN);
                try (SparseMatrix da = backend.upload(a); Matrix dx = backend.upload(x); Matrix dy = backend.upload(actualY);
                     Matrix dacc = backend.upload(acc0)) {
                    backend.spmmAccumulate(da, dx, dy, alpha, dacc, v);
                    backend.download(dy, actualY);
                    backend.download(dacc, actualAcc);
                }
                String what = v.accEntry + " d=" + d + " unit=" + unit + " alpha=" + alpha + " seed=" + seed;
                Assertions2.assertClose(expectedY, actualY, null, 1e-4, 1e-4, what + ": Y");
                Assertions2.assertClose(expectedAcc, actualAcc, null, 1e-4, 1e-4, what + ": ACC");
            }
        }
    }

    /** The bi-interaction kernel of each variant on a square adversarial graph: SIDE, SUM, BI. */
    @ParameterizedTest(name = "{0} bi d={1}")
    @MethodSource("variantsAndWidths")
    void forcedBiInteractionVariantMatchesReference(Variant v, int d) {
        for (boolean unit : new boolean[] {false, true}) {
            long seed = 11000L + 31L * d + v.ordinal();
            try (CsrMatrix rect = adversarial(seed, unit);
                 CsrMatrix a = squareOf(rect, seed);
                 HostMatrix x = TestMatrices.dense(a.rows(), d, seed + 1);
                 HostMatrix side = HostMatrix.zeros(a.rows(), d);
                 HostMatrix sum = HostMatrix.zeros(a.rows(), d);
                 HostMatrix bi = HostMatrix.zeros(a.rows(), d);
                 HostMatrix got = HostMatrix.zeros(a.rows(), d)) {
                ReferenceOps.spmmBiInteraction(a, x, side, sum, bi);
                got.fill(Float.NaN);
                try (SparseMatrix da = backend.upload(a); Matrix dx = backend.upload(x); Matrix ds = backend.upload(got);
                     Matrix dsum = backend.upload(got); Matrix dbi = backend.upload(got)) {
                    backend.spmmBiInteraction(da, dx, ds, dsum, dbi, v);
                    String what = v.biEntry + " d=" + d + " unit=" + unit + " seed=" + seed;
                    backend.download(ds, got);
                    Assertions2.assertClose(side, got, null, 1e-4, 1e-4, what + ": SIDE");
                    backend.download(dsum, got);
                    Assertions2.assertClose(sum, got, null, 1e-4, 1e-4, what + ": SUM");
                    backend.download(dbi, got);
                    Assertions2.assertClose(bi, got, null, 1e-4, 1e-4, what + ": BI");
                }
            }
        }
    }

    /** The same rows with columns folded into [0, rows): a square matrix of the adversarial degrees. */
    static CsrMatrix squareOf(CsrMatrix a, long seed) {
        long[] ptr = new long[Math.toIntExact(a.rows() + 1)];
        int[] ci = new int[Math.toIntExact(a.nnz())];
        float[] vs = a.unitValues() ? null : new float[ci.length];
        for (int r = 0; r <= a.rows(); r++) {
            ptr[r] = a.rowStart(r);
        }
        for (int k = 0; k < ci.length; k++) {
            ci[k] = (int) ((a.col(k) * 7L + seed) % a.rows());
            if (vs != null) {
                vs[k] = a.value(k);
            }
        }
        return CsrMatrix.of(a.rows(), a.rows(), ptr, ci, vs);
    }

    @Test
    void v4AccumulateVariantRejectsWidthNotMultipleOfFour() {
        try (CsrMatrix a = adversarial(1, false);
             SparseMatrix da = backend.upload(a);
             Matrix dx = backend.allocate(a.cols(), 6);
             Matrix dy = backend.allocate(a.rows(), 6);
             Matrix dacc = backend.allocate(a.rows(), 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.spmmAccumulate(da, dx, dy, 0.5f, dacc, Variant.V4G16));
            assertTrue(e.getMessage().contains("rk_spmm_acc_csr_f32_v4g16") && e.getMessage().contains("d = 6"),
                    e.getMessage());
        }
    }

    @Test
    void v4VariantRejectsWidthNotMultipleOfFour() {
        try (CsrMatrix a = adversarial(1, false);
             SparseMatrix da = backend.upload(a);
             Matrix dx = backend.allocate(a.cols(), 6);
             Matrix dy = backend.allocate(a.rows(), 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.spmm(da, dx, dy, Variant.V4G8));
            assertTrue(e.getMessage().contains("rk_spmm_csr_f32_v4g8") && e.getMessage().contains("d = 6"), e.getMessage());
        }
    }
}
