package org.reckernels.ann;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * {@link KMeans} on an {@link AnnKernels} executor (CUDA, or the CPU reference that tests the same
 * steps), batched over m independent problems that read the column slices of one n x d matrix:
 * the coarse quantizer (m = 1) and the M sub-space codebooks of a product quantizer (m = M). The
 * data stays on the device; the host keeps only the random number generators and the small
 * per-iteration plans, so that every random choice is the CPU's.
 *
 * <p>Per iteration (kernels/kmeans.cu):
 * <ol>
 *   <li>assignment: GEMM ({@link Backend#gemm}, cuBLAS) {@code dots = X C^T} in row blocks, then the
 *       fused argmin of {@code ||c||^2 - 2 x.c}, ties to the lowest index ({@link AnnKernels#kmeansArgmin});
 *       or, for sub-spaces and on request, the direct form ({@link AnnKernels#kmeansSubspaceArgmin});</li>
 *   <li>centroid update: stable sort of (label, point) ({@link AnnKernels#sortPairs}), segment
 *       offsets, and per (cluster, column) double sums in point order ({@link AnnKernels#kmeansUpdate});</li>
 *   <li>empty-cluster repair: the offsets come back to the host, which draws the plan exactly as
 *       the CPU does ({@link KMeans#planRepairs}) and the device applies it ({@link AnnKernels#kmeansRepair}).</li>
 * </ol>
 * Initialisation: RANDOM rows are drawn on the host (k numbers) and copied on the device.
 * k-means++ runs on the device: it is k sequential passes over all n points, as costly as one
 * Lloyd iteration on the CPU and so not cheap next to device iterations; each step computes the
 * distances to the newest centroid and per-block sums on the device, the host draws r from the
 * CPU's generator, picks the block, and the device finds the point in it
 * ({@link AnnKernels#kmeansPlusPlusDistances}, {@link AnnKernels#kmeansPlusPlusPick}): one small
 * copy each way per step.
 *
 * <p>Agreement with {@link KMeans#train}: the same random draws, updates and repairs, so the
 * centroids are equal bit for bit whenever the assignments and k-means++ distances are. With the
 * direct assignment they are (dots are fma in order, as {@link VecMath#dotsT}) as long as the
 * CPU's centroid norms and distances are plain sums in order, i.e. d (or dsub) below its vector
 * length and k a multiple of it; with a GEMM, and with vectorised CPU norms, equal up to the
 * rounding of the dot products, which can flip the assignment of a point that is (almost)
 * equidistant from two centroids.
 */
public final class DeviceKMeans {
    /** Floats of the per-block GEMM output of the assignment (256 MiB). */
    static final long DOTS_BUDGET = 1L << 26;

    private final AnnKernels kernels;
    private final Backend backend;
    /** Floats of the GEMM output per block of rows ({@link #DOTS_BUDGET}; smaller in tests). */
    private final long dotsBudget;

    public DeviceKMeans(AnnKernels kernels) {
        this(kernels, DOTS_BUDGET);
    }

    DeviceKMeans(AnnKernels kernels, long dotsBudget) {
        this.kernels = kernels;
        this.backend = kernels.backend();
        this.dotsBudget = dotsBudget;
    }

    /** How points are assigned to centroids. */
    public enum Assignment {
        /** {@code dots = X C^T} by the backend's GEMM, then the fused argmin (m = 1 only). */
        GEMM,
        /** Distances computed directly by the sub-space kernel (any m; the CPU's rounding). */
        DIRECT
    }

    /**
     * Trains k centroids on the host rows {@code x} (n x d), as {@link KMeans#train} does; the
     * result comes back to the host (k x d).
     */
    public float[] train(float[] x, int n, int d, int k, int iterations, long seed, KMeans.Init init, Assignment how) {
        KMeans.checkShape(x.length, n, d, k);
        try (Matrix xd = backend.upload(HostMatrix.of(n, d, x));
             Matrix c = train(xd, 1, k, iterations, new long[] {seed}, init, how)) {
            return download(c);
        }
    }

    /** A device matrix back on the host, row-major. */
    float[] download(Matrix m) {
        try (HostMatrix h = HostMatrix.zeros(m.rows(), m.cols())) {
            backend.download(m, h);
            return h.toArray();
        }
    }

    /**
     * Trains a batch of m problems on the device matrix x (n x d, d % m == 0; problem s on columns
     * [s*dsub, (s+1)*dsub)), k centroids each, problem s seeded with {@code seeds[s]}. Returns the
     * (m*k) x dsub centroids (the caller closes them).
     */
    public Matrix train(Matrix x, int m, int k, int iterations, long[] seeds, KMeans.Init init, Assignment how) {
        int n = Math.toIntExact(x.rows());
        int d = Math.toIntExact(x.cols());
        if (m < 1 || d % m != 0) {
            throw new IllegalArgumentException("device k-means: m=" + m + " does not divide the dimension " + d);
        }
        if (seeds.length != m) {
            throw new IllegalArgumentException("device k-means: " + seeds.length + " seeds for m=" + m + " problems");
        }
        if (how == Assignment.GEMM && m != 1) {
            throw new IllegalArgumentException("device k-means: the GEMM assignment serves one problem (m=1), not m=" + m);
        }
        KMeans.checkShape((long) n * d, n, d, k);
        long groups = (long) m * k;
        if ((long) n * m > Integer.MAX_VALUE || groups > (1 << 30)) {
            throw new IllegalArgumentException("device k-means: n*m = " + ((long) n * m) + " labels or m*k = " + groups
                    + " clusters exceed the int32 sort");
        }
        SplittableRandom[] rnd = new SplittableRandom[m];
        for (int s = 0; s < m; s++) {
            rnd[s] = new SplittableRandom(seeds[s]);
        }
        int dsub = d / m;
        List<AutoCloseable> owned = new ArrayList<>();
        Matrix c = backend.allocate(groups, dsub);
        try {
            if (init == KMeans.Init.KMEANS_PLUS_PLUS) {
                plusPlus(x, m, k, c, rnd);
            } else {
                randomInit(x, n, m, k, c, rnd, owned);
            }
            if (iterations > 0) {
                lloyd(x, n, m, k, iterations, c, rnd, how, owned);
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        } finally {
            IvfPqGpuSearcher.closeAll(owned.toArray(new AutoCloseable[0]));
        }
    }

    private void randomInit(Matrix x, int n, int m, int k, Matrix c, SplittableRandom[] rnd, List<AutoCloseable> owned) {
        int[] plan = new int[3 * m * k];
        for (int s = 0; s < m; s++) {
            int[] rows = KMeans.randomRows(n, k, rnd[s]);
            for (int j = 0; j < k; j++) {
                int e = 3 * (s * k + j);
                plan[e] = s;
                plan[e + 1] = j;
                plan[e + 2] = -rows[j] - 1;
            }
        }
        AnnKernels.Buffer pb = kernels.allocateInts(plan.length);
        owned.add(pb);
        kernels.upload(plan, pb);
        kernels.kmeansRepair(x, m, c, pb, m * k);
    }

    /** k-means++ on the device with the CPU's draws (see {@link KMeans} plusPlus). */
    private void plusPlus(Matrix x, int m, int k, Matrix c, SplittableRandom[] rnd) {
        int n = Math.toIntExact(x.rows());
        int blocks = (n + AnnKernels.PP_BLOCK - 1) / AnnKernels.PP_BLOCK;
        double[] plan = new double[3 * m];
        double[] sums = new double[m * blocks];
        try (Matrix best = backend.allocate(m, n); AnnKernels.Buffer sumBuf = kernels.allocateDoubles((long) m * blocks);
             AnnKernels.Buffer planBuf = kernels.allocateDoubles(3L * m)) {
            for (int s = 0; s < m; s++) {
                plan[3 * s] = 0;
                plan[3 * s + 1] = 0;
                plan[3 * s + 2] = rnd[s].nextInt(n);
            }
            kernels.upload(plan, planBuf);
            kernels.kmeansPlusPlusPick(x, m, best, planBuf, c, k, 0);
            for (int j = 1; j < k; j++) {
                kernels.kmeansPlusPlusDistances(x, m, c, k, j - 1, j == 1, best, sumBuf);
                kernels.download(sumBuf, sums);
                for (int s = 0; s < m; s++) {
                    double total = 0;
                    for (int b = 0; b < blocks; b++) {
                        total += sums[s * blocks + b];
                    }
                    plan[3 * s] = 0;
                    plan[3 * s + 1] = 0;
                    plan[3 * s + 2] = -1;
                    if (total <= 0) { // all points coincide with chosen centroids
                        plan[3 * s + 2] = rnd[s].nextInt(n);
                        continue;
                    }
                    double r = rnd[s].nextDouble() * total;
                    int b = 0;
                    while (b < blocks - 1 && r - sums[s * blocks + b] >= 0) {
                        r -= sums[s * blocks + b];
                        b++;
                    }
                    plan[3 * s] = b;
                    plan[3 * s + 1] = r;
                }
                kernels.upload(plan, planBuf);
                kernels.kmeansPlusPlusPick(x, m, best, planBuf, c, k, j);
            }
        }
    }

    private void lloyd(Matrix x, int n, int m, int k, int iterations, Matrix c, SplittableRandom[] rnd, Assignment how,
                       List<AutoCloseable> owned) {
        int total = n * m;
        int groups = m * k;
        int endBit = 32 - Integer.numberOfLeadingZeros(Math.max(1, groups - 1));
        AnnKernels.Buffer labels = kernels.allocateInts(total);
        owned.add(labels);
        AnnKernels.Buffer points = kernels.allocateInts(total);
        owned.add(points);
        AnnKernels.Buffer sortedLabels = kernels.allocateInts(total);
        owned.add(sortedLabels);
        AnnKernels.Buffer sortedPoints = kernels.allocateInts(total);
        owned.add(sortedPoints);
        AnnKernels.Buffer offsets = kernels.allocateInts(groups + 1L);
        owned.add(offsets);
        AnnKernels.Buffer planBuf = kernels.allocateInts(3L * groups);
        owned.add(planBuf);
        Matrix cnorms = backend.allocate(1, groups);
        owned.add(cnorms);
        GemmScratch gemm = how == Assignment.GEMM ? new GemmScratch(n, x.cols(), k) : null;
        owned.add(gemm);
        int[] pointOf = new int[total];
        for (int i = 0; i < total; i++) {
            pointOf[i] = i / m;
        }
        kernels.upload(pointOf, points);
        int[] off = new int[groups + 1];
        int[] count = new int[k];
        int[] sub = new int[2 * k];
        int[] plan = new int[3 * groups];
        for (int it = 0; it < iterations; it++) {
            assign(x, m, k, c, cnorms, how, gemm, labels);
            kernels.sortPairs(labels, points, total, Math.max(1, endBit), sortedLabels, sortedPoints);
            kernels.segmentOffsets(sortedLabels, total, groups, offsets);
            kernels.kmeansUpdate(x, m, sortedPoints, offsets, k, c);
            kernels.download(offsets, off);
            int entries = 0;
            for (int s = 0; s < m; s++) {
                for (int j = 0; j < k; j++) {
                    count[j] = off[s * k + j + 1] - off[s * k + j];
                }
                int e = KMeans.planRepairs(count, n, rnd[s], sub);
                for (int p = 0; p < e; p++) {
                    plan[3 * entries] = s;
                    plan[3 * entries + 1] = sub[2 * p];
                    plan[3 * entries + 2] = sub[2 * p + 1];
                    entries++;
                }
            }
            if (entries > 0) {
                kernels.upload(java.util.Arrays.copyOf(plan, 3 * entries), planBuf);
                kernels.kmeansRepair(x, m, c, planBuf, entries);
            }
        }
    }

    /**
     * Buffers of the GEMM assignment, made once per training run: the dot products of a block of
     * rows (all n when they fit the budget), and for blocks the copied rows, plus a
     * shorter pair for the last block.
     */
    private final class GemmScratch implements AutoCloseable {
        final long n;
        final long block;
        final Matrix dots;
        final Matrix rows;
        final Matrix tailDots;
        final Matrix tailRows;

        GemmScratch(long n, long d, int k) {
            this.n = n;
            this.block = Math.max(1, Math.min(n, dotsBudget / k));
            long tail = n % block;
            List<Matrix> made = new ArrayList<>();
            try {
                dots = add(made, backend.allocate(block, k));
                rows = block < n ? add(made, backend.allocate(block, d)) : null;
                tailDots = tail > 0 && block < n ? add(made, backend.allocate(tail, k)) : null;
                tailRows = tailDots != null ? add(made, backend.allocate(tail, d)) : null;
            } catch (RuntimeException e) {
                IvfPqGpuSearcher.closeAll(made.toArray(new AutoCloseable[0]));
                throw e;
            }
        }

        private static Matrix add(List<Matrix> made, Matrix m) {
            made.add(m);
            return m;
        }

        @Override
        public void close() {
            IvfPqGpuSearcher.closeAll(dots, rows, tailDots, tailRows);
        }
    }

    /**
     * Labels of every point: {@code labels[i*m + s] = s*k + j}, j the nearest centroid of problem s
     * (int32 buffer of n*m); {@code cnorms} (1 x m*k) receives the centroid norms. {@code gemm}:
     * the scratch of the GEMM assignment (null for DIRECT).
     */
    void assign(Matrix x, int m, int k, Matrix c, Matrix cnorms, Assignment how, GemmScratch gemm,
                AnnKernels.Buffer labels) {
        kernels.rowNorms(c, cnorms);
        if (how == Assignment.DIRECT) {
            kernels.kmeansSubspaceArgmin(x, m, c, cnorms, k, labels);
            return;
        }
        if (gemm.block >= gemm.n) {
            backend.gemm(false, true, 1f, x, c, 0f, gemm.dots);
            kernels.kmeansArgmin(gemm.dots, k, cnorms, labels, 0);
            return;
        }
        for (long r0 = 0; r0 < gemm.n; r0 += gemm.block) {
            boolean full = gemm.n - r0 >= gemm.block;
            Matrix xb = full ? gemm.rows : gemm.tailRows;
            Matrix dots = full ? gemm.dots : gemm.tailDots;
            kernels.gatherRows(x, null, r0, null, null, xb);
            backend.gemm(false, true, 1f, xb, c, 0f, dots);
            kernels.kmeansArgmin(dots, k, cnorms, labels, r0);
        }
    }

    /** Labels (int32, n) of the rows of x against the k x d centroids c; the caller closes the buffer. */
    public AnnKernels.Buffer assign(Matrix x, Matrix c, Assignment how) {
        int k = Math.toIntExact(c.rows());
        AnnKernels.Buffer labels = kernels.allocateInts(x.rows());
        try (Matrix cnorms = backend.allocate(1, k);
             GemmScratch gemm = how == Assignment.GEMM ? new GemmScratch(x.rows(), x.cols(), k) : null) {
            assign(x, 1, k, c, cnorms, how, gemm, labels);
        } catch (RuntimeException e) {
            labels.close();
            throw e;
        }
        return labels;
    }
}
