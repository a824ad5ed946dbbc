package org.reckernels.ann;

import java.util.Arrays;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * Exact brute-force k-NN as GEMM + top-k on an {@link AnnKernels} executor (CUDA, or the CPU
 * reference): per batch of queries, {@code dots = Q · Bᵀ} ({@link Backend#gemm}, cuBLAS), then per
 * query the k smallest {@code max(0, ||b||² - 2 q·b + ||q||²)} (L2) or {@code -q·b} (inner product)
 * ({@link AnnKernels#topkAffine}), ties to the lower id. The GPU ground truth and exact mode; the
 * same results as {@link ExactSearch} up to float rounding. k at most {@link AnnKernels#MAX_K}.
 */
public final class GpuExactSearch implements AutoCloseable {
    /** Floats of the per-batch dot-product matrix (1 GiB). */
    static final long DOTS_BUDGET = 1L << 28;

    private final AnnKernels kernels;
    private final Backend backend;
    private final int d;
    private final long n;
    private final Metric metric;
    private final Matrix base;
    private final Matrix norms;
    private final AnnKernels.Buffer ids;

    /** Base vectors (n x d, row-major) and their ids (null: 0..n-1), copied to the executor. */
    public GpuExactSearch(AnnKernels kernels, float[] vectors, long[] ids, int d, Metric metric) {
        if (d < 1 || vectors.length % d != 0 || vectors.length == 0) {
            throw new IllegalArgumentException("gpu exact search: " + vectors.length
                    + " floats is not a positive multiple of the dimension " + d);
        }
        this.n = vectors.length / d;
        if (ids != null && ids.length != n) {
            throw new IllegalArgumentException("gpu exact search: " + ids.length + " ids for " + n + " vectors");
        }
        VecMath.requireFinite("gpu exact search base", vectors, d);
        this.kernels = kernels;
        this.backend = kernels.backend();
        this.d = d;
        this.metric = metric;
        this.base = backend.upload(HostMatrix.of(n, d, vectors));
        this.norms = backend.upload(HostMatrix.of(1, n, VecMath.norms(vectors, (int) n, d)));
        this.ids = ids == null ? null : kernels.uploadLongs(ids);
    }

    /** Over the raw vectors an index stores (ids sorted ascending). */
    public static GpuExactSearch of(IvfPqIndex ix, AnnKernels kernels) {
        IvfPqIndex.RawVectors raw = ix.rawVectorsById();
        return new GpuExactSearch(kernels, raw.vectors(), raw.ids(), ix.d, ix.metric);
    }

    public long size() {
        return n;
    }

    public SearchResult search(float[] queries, int k) {
        if (queries.length == 0 || queries.length % d != 0) {
            throw new IllegalArgumentException("gpu exact search: queries have " + queries.length
                    + " floats, not a positive multiple of the dimension " + d + " (dimension mismatch)");
        }
        VecMath.requireFinite("gpu exact search queries", queries, d);
        if (k < 1 || k > n || k > AnnKernels.MAX_K) {
            throw new IllegalArgumentException("gpu exact search: k=" + k + " outside [1, " + Math.min(n, AnnKernels.MAX_K)
                    + "] (the number of vectors, and the GPU top-k's limit " + AnnKernels.MAX_K + ")");
        }
        int nq = queries.length / d;
        int batch = (int) Math.max(1, Math.min(nq, DOTS_BUDGET / n));
        long[] outIds = new long[nq * k];
        float[] outDist = new float[nq * k];
        boolean l2 = metric == Metric.L2;
        for (int q0 = 0; q0 < nq; q0 += batch) {
            int qc = Math.min(batch, nq - q0);
            float[] qs = Arrays.copyOfRange(queries, q0 * d, (q0 + qc) * d);
            try (Matrix qm = backend.upload(HostMatrix.of(qc, d, qs));
                 Matrix qn = backend.upload(HostMatrix.of(qc, 1, VecMath.norms(qs, qc, d)));
                 Matrix dots = backend.allocate(qc, n);
                 AnnKernels.Buffer oi = kernels.allocateLongs((long) qc * k);
                 Matrix od = backend.allocate(qc, k)) {
                backend.gemm(false, true, 1f, qm, base, 0f, dots);
                kernels.topkAffine(dots, n, l2 ? -2f : -1f, l2 ? norms : null, l2 ? qn : null, l2, ids, k, oi, od);
                long[] hi = new long[qc * k];
                kernels.download(oi, hi);
                HostMatrix hd = HostMatrix.zeros(qc, k);
                backend.download(od, hd);
                System.arraycopy(hi, 0, outIds, q0 * k, hi.length);
                float[] dv = hd.toArray();
                for (int i = 0; i < dv.length; i++) {
                    outDist[q0 * k + i] = metric.external(dv[i]);
                }
                hd.close();
            }
        }
        return new SearchResult(nq, k, outIds, outDist);
    }

    @Override
    public void close() {
        IvfPqGpuSearcher.closeAll(base, norms, ids);
    }
}
