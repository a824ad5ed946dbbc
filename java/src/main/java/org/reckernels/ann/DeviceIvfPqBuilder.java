package org.reckernels.ann;

import java.util.Arrays;
import java.util.function.Consumer;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * Builds and fills an {@link IvfPqIndex} on an {@link AnnKernels} executor (CUDA; the CPU reference
 * runs the same steps in tests): the steps of {@link IvfPqIndex#build} and {@link IvfPqIndex#add}
 * with the heavy parts on the device.
 *
 * <p>Build: the same seeded training subsample as the CPU (drawn on the host, then uploaded once);
 * coarse k-means by {@link DeviceKMeans} (GEMM assignment); the final assignment and the residuals
 * of the PQ subsample ({@link AnnKernels#gatherRows}); PQ codebooks by {@link DeviceKMeans} over
 * the M sub-spaces at once (direct assignment, k-means++, the CPU's seeds {@code seed + 2 + 7919 s}).
 * Only the centroids and codebooks come back. Add: per block of rows, the coarse assignment (GEMM
 * + argmin), the PQ codes of the residuals and the L2 terms ({@link AnnKernels#pqEncode}); the
 * lists are filled on the host as the CPU add does.
 *
 * <p>Agreement with the CPU build: the same draws and the same arithmetic except the coarse
 * GEMM's rounding (see {@link DeviceKMeans}), so equal centroids and codebooks unless a point lies
 * (almost) on the boundary between two centroids; the L2 terms are fp32 sums in another order than
 * the CPU's vectorised ones (relative differences of order 1e-7).
 */
public final class DeviceIvfPqBuilder {
    /** Rows per block of {@link #add} (bounded further by the GEMM budget of {@link DeviceKMeans}). */
    static final int ADD_BLOCK = 1 << 16;

    private DeviceIvfPqBuilder() {
    }

    /** Trains the coarse quantizer and the PQ on the device; the index starts empty. */
    public static IvfPqIndex build(float[] train, int d, IvfPqIndex.Params p, AnnKernels kernels,
                                   Consumer<String> progress) {
        return build(train, d, p, kernels, DeviceKMeans.Assignment.GEMM, progress);
    }

    /** As {@link #build(float[], int, IvfPqIndex.Params, AnnKernels, Consumer)} with a chosen coarse assignment. */
    static IvfPqIndex build(float[] train, int d, IvfPqIndex.Params p, AnnKernels kernels,
                            DeviceKMeans.Assignment coarseAssignment, Consumer<String> progress) {
        int n = IvfPqIndex.checkTrain(train, d, p);
        int sample = IvfPqIndex.trainSample(n, p);
        float[] x = sample == n ? train : IvfPqIndex.subsample(train, n, d, sample, p.seed());
        Backend backend = kernels.backend();
        DeviceKMeans km = new DeviceKMeans(kernels);
        int ksub = 1 << p.nbits();
        float[] centroids;
        float[] codebooks;
        progress.accept(String.format("k-means on the device: %d centroids on %d x %d (%d iterations)", p.nlist(), sample,
                d, p.kmeansIterations()));
        try (Matrix xd = backend.upload(HostMatrix.of(sample, d, x));
             Matrix c = km.train(xd, 1, p.nlist(), p.kmeansIterations(), new long[] {p.seed()}, p.init(), coarseAssignment);
             AnnKernels.Buffer labels = km.assign(xd, c, coarseAssignment)) {
            centroids = km.download(c);
            int pqSample = IvfPqIndex.pqSample(sample, p);
            progress.accept(String.format("PQ on the device: M=%d x %d codes on %d residuals (%d iterations)", p.m(), ksub,
                    pqSample, p.pqIterations()));
            AnnKernels.Buffer rows = null;
            try (Matrix resid = backend.allocate(pqSample, d)) {
                if (pqSample != sample) {
                    int[] r = IvfPqIndex.subsampleRows(sample, pqSample, p.seed() + 1);
                    rows = kernels.allocateInts(r.length);
                    kernels.upload(r, rows);
                }
                kernels.gatherRows(xd, rows, 0, c, labels, resid);
                long[] seeds = new long[p.m()];
                for (int s = 0; s < p.m(); s++) {
                    seeds[s] = p.seed() + 2 + 7919L * s; // ProductQuantizer.train's seeds
                }
                try (Matrix cb = km.train(resid, p.m(), ksub, p.pqIterations(), seeds, KMeans.Init.KMEANS_PLUS_PLUS,
                        DeviceKMeans.Assignment.DIRECT)) {
                    codebooks = km.download(cb);
                }
            } finally {
                if (rows != null) {
                    rows.close();
                }
            }
        }
        return new IvfPqIndex(d, p.metric(), p.storeVectors(), centroids, new ProductQuantizer(d, p.m(), p.nbits(),
                codebooks));
    }

    /** {@link IvfPqIndex#add} with the assignment, the encoding and the L2 terms on the device. */
    public static void add(IvfPqIndex ix, long[] ids, float[] vectors, AnnKernels kernels) {
        int d = ix.d;
        if ((long) ids.length * d != vectors.length) {
            throw new IllegalArgumentException("add: " + vectors.length + " floats for " + ids.length
                    + " ids; the index dimension is " + d + " (dimension mismatch)");
        }
        VecMath.requireFinite("add", vectors, d);
        int n = ids.length;
        int m = ix.m;
        int ksub = ix.pq.ksub;
        int[] assign = new int[n];
        byte[] codes = new byte[n * m];
        float[] terms = new float[n];
        boolean l2 = ix.metric == Metric.L2;
        Backend backend = kernels.backend();
        DeviceKMeans km = new DeviceKMeans(kernels);
        int block = (int) Math.max(1, Math.min(ADD_BLOCK, DeviceKMeans.DOTS_BUDGET / ix.nlist));
        try (Matrix c = backend.upload(HostMatrix.of(ix.nlist, d, ix.centroids));
             Matrix cb = backend.upload(HostMatrix.of((long) m * ksub, d / m, ix.pq.codebooks));
             Matrix cbNorms = backend.allocate(1, (long) m * ksub)) {
            kernels.rowNorms(cb, cbNorms);
            for (int r0 = 0; r0 < n; r0 += block) {
                int rows = Math.min(block, n - r0);
                try (Matrix xb = backend.upload(HostMatrix.of(rows, d, Arrays.copyOfRange(vectors, r0 * d, (r0 + rows) * d)));
                     AnnKernels.Buffer labels = km.assign(xb, c, DeviceKMeans.Assignment.GEMM);
                     AnnKernels.Buffer cd = kernels.allocateBytes((long) rows * m);
                     Matrix tb = l2 ? backend.allocate(1, rows) : null) {
                    kernels.pqEncode(xb, c, labels, cb, cbNorms, m, ksub, cd, tb);
                    int[] lb = new int[rows];
                    kernels.download(labels, lb);
                    System.arraycopy(lb, 0, assign, r0, rows);
                    byte[] bc = new byte[rows * m];
                    kernels.download(cd, bc);
                    System.arraycopy(bc, 0, codes, r0 * m, bc.length);
                    if (tb != null) {
                        System.arraycopy(km.download(tb), 0, terms, r0, rows);
                    }
                }
            }
        }
        ix.insertEncoded(ids, vectors, assign, codes, terms);
    }
}
