package org.reckernels.ann;

import java.util.Arrays;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * Batched IVF-PQ search on an {@link AnnKernels} executor (CUDA, or the CPU reference that tests
 * the same pipeline): holds device copies of a snapshot of an {@link IvfPqIndex} (centroids, their
 * norms, PQ codebooks, and the inverted lists concatenated in list order: codes, ids, offsets).
 * Later changes to the index are not seen; open a new searcher.
 *
 * <p>Per batch of queries:
 * <ol>
 *   <li>coarse assignment: {@code dots = Q · Cᵀ} by {@link Backend#gemm} (cuBLAS), then the nprobe
 *       smallest {@code ||c||² - 2 q·c} (L2) or {@code -q·c} (inner product) per query
 *       ({@link AnnKernels#topkAffine});</li>
 *   <li>the probes come back to the host, which prefix-sums the probed lists' sizes into candidate
 *       offsets (a small copy each way);</li>
 *   <li>ADC scan ({@link AnnKernels#ivfpqScan}): per (query, probe) the M x ksub table of partial
 *       distances on the residual is built in shared memory and the list's codes are scored;</li>
 *   <li>per-query top-k over all its candidates ({@link AnnKernels#ivfpqSelect}), ids from the device
 *       id array, ties to the lower id.</li>
 * </ol>
 * The distances are those of the decoded vectors {@code c + r}, as in {@link IvfPqIndex#search}
 * without rerank: the same results up to float rounding. With {@code rerank > 0} (as
 * {@link IvfPqIndex.SearchParams#rerank}; the index must store its raw vectors, which the searcher
 * then also holds in list order) step 4 keeps the best {@code max(rerank, k)} candidates by list
 * position ({@link AnnKernels#ivfpqSelect} with no ids), and {@link AnnKernels#ivfpqRerank} scores
 * them exactly against the raw vectors and keeps the best k, ties to the lower id, as
 * {@link IvfPqIndex}'s CPU re-rank. Limits: k, nprobe and max(rerank, k) at most
 * {@link AnnKernels#MAX_K}. Not thread-safe (one batch at a time).
 */
public final class IvfPqGpuSearcher implements AutoCloseable {
    /** Candidate floats per batch (512 MiB). */
    static final long CANDIDATE_BUDGET = 1L << 27;
    static final int MAX_BATCH = 1024;

    private final AnnKernels kernels;
    private final Backend backend;
    private final int d;
    private final int nlist;
    private final int m;
    private final int ksub;
    private final Metric metric;
    private final long size;
    private final long[] listOffsets;
    private final int maxList;
    private final Matrix centroids;
    private final Matrix centroidNorms;
    private final Matrix codebooks;
    private final AnnKernels.Buffer listOff;
    private final AnnKernels.Buffer codes;
    private final AnnKernels.Buffer ids;
    /** Raw vectors in list order (N x d), or null. */
    private final Matrix vectors;

    private IvfPqGpuSearcher(AnnKernels kernels, IvfPqIndex ix, long[] listOffsets, byte[] allCodes, long[] allIds,
                             float[] allVectors) {
        this.kernels = kernels;
        this.backend = kernels.backend();
        this.d = ix.d;
        this.nlist = ix.nlist;
        this.m = ix.m;
        this.ksub = ix.pq.ksub;
        this.metric = ix.metric;
        this.listOffsets = listOffsets;
        this.size = listOffsets[nlist];
        int mx = 0;
        for (int l = 0; l < nlist; l++) {
            mx = (int) Math.max(mx, listOffsets[l + 1] - listOffsets[l]);
        }
        this.maxList = mx;
        this.centroids = backend.upload(HostMatrix.of(nlist, d, ix.centroids));
        this.centroidNorms = backend.upload(HostMatrix.of(1, nlist, ix.centroidNorms));
        this.codebooks = backend.upload(HostMatrix.of((long) m * ksub, d / m, ix.pq.codebooks));
        this.listOff = kernels.uploadLongs(listOffsets);
        this.codes = kernels.uploadBytes(allCodes);
        this.ids = kernels.uploadLongs(allIds);
        this.vectors = allVectors == null ? null : backend.upload(HostMatrix.of(size, d, allVectors));
    }

    /** Copies a snapshot of {@code ix} to the executor's memory, its raw vectors too when it stores them. */
    public static IvfPqGpuSearcher open(IvfPqIndex ix, AnnKernels kernels) {
        return open(ix, kernels, true);
    }

    /** As {@link #open(IvfPqIndex, AnnKernels)}; {@code withVectors = false} leaves the raw vectors (and re-rank) out. */
    public static IvfPqGpuSearcher open(IvfPqIndex ix, AnnKernels kernels, boolean withVectors) {
        return ix.snapshot(withVectors, (offsets, codes, ids, vecs) -> new IvfPqGpuSearcher(kernels, ix, offsets, codes, ids,
                vecs));
    }

    /** Whether {@link #search(float[], int, int, int)} can re-rank (the raw vectors are on the device). */
    public boolean canRerank() {
        return vectors != null;
    }

    /** Vectors in the snapshot. */
    public long size() {
        return size;
    }

    /** The k nearest (by decoded PQ distance) of each query over its nprobe nearest lists. */
    public SearchResult search(float[] queries, int k, int nprobe) {
        return search(queries, k, nprobe, 0);
    }

    /**
     * The k nearest of each query over its nprobe nearest lists; with {@code rerank > 0} the best
     * {@code max(rerank, k)} by PQ distance are re-scored exactly and the distances are exact.
     */
    public SearchResult search(float[] queries, int k, int nprobe, int rerank) {
        int nq = checkQueries(queries, k, nprobe);
        int r = checkRerank(rerank, k);
        long[] outIds = new long[nq * k];
        float[] outDist = new float[nq * k];
        int batch = batchSize(nprobe);
        for (int q0 = 0; q0 < nq; q0 += batch) {
            int qc = Math.min(batch, nq - q0);
            try (Batch b = prepare(Arrays.copyOfRange(queries, q0 * d, (q0 + qc) * d), nprobe)) {
                b.scan();
                if (r > 0) {
                    b.selectReranked(k, r, outIds, outDist, q0 * k);
                } else {
                    b.select(k, outIds, outDist, q0 * k);
                }
            }
        }
        for (int i = 0; i < outDist.length; i++) {
            outDist[i] = metric.external(outDist[i]);
        }
        return new SearchResult(nq, k, outIds, outDist);
    }

    int batchSize(int nprobe) {
        long worst = Math.max(1L, (long) nprobe * maxList);
        return (int) Math.max(1, Math.min(MAX_BATCH, CANDIDATE_BUDGET / worst));
    }

    /** The candidates to re-rank, max(rerank, k), or 0 for none. */
    private int checkRerank(int rerank, int k) {
        if (rerank < 0) {
            throw new IllegalArgumentException("gpu search: rerank=" + rerank + " must be >= 0");
        }
        if (rerank == 0) {
            return 0;
        }
        if (vectors == null) {
            throw new IllegalArgumentException("gpu search: rerank=" + rerank + " needs the raw vectors, but the index was"
                    + " built with storeVectors=false or the searcher was opened without them");
        }
        int r = Math.max(rerank, k);
        if (r > AnnKernels.MAX_K) {
            throw new IllegalArgumentException("gpu search: rerank=" + rerank + " exceeds the GPU top-k's limit "
                    + AnnKernels.MAX_K);
        }
        return r;
    }

    private int checkQueries(float[] queries, int k, int nprobe) {
        if (queries.length == 0 || queries.length % d != 0) {
            throw new IllegalArgumentException("gpu search: queries have " + queries.length
                    + " floats, not a positive multiple of the index dimension " + d + " (dimension mismatch)");
        }
        VecMath.requireFinite("gpu search queries", queries, d);
        if (nprobe < 1 || nprobe > nlist) {
            throw new IllegalArgumentException("gpu search: nprobe=" + nprobe + " outside [1, " + nlist + "] (nlist)");
        }
        if (nprobe > AnnKernels.MAX_K) {
            throw new IllegalArgumentException("gpu search: nprobe=" + nprobe + " exceeds the GPU top-k's limit "
                    + AnnKernels.MAX_K);
        }
        if (k < 1 || k > size || k > AnnKernels.MAX_K) {
            throw new IllegalArgumentException("gpu search: k=" + k + " outside [1, " + Math.min(size, AnnKernels.MAX_K)
                    + "] (the vectors in the index, and the GPU top-k's limit " + AnnKernels.MAX_K + ")");
        }
        return queries.length / d;
    }

    /**
     * Coarse assignment of one batch (GEMM + top-nprobe) and its candidate offsets; the scan and
     * selection follow. Public for benchmarks that time the scan alone.
     */
    public Batch prepare(float[] queries, int nprobe) {
        checkQueries(queries, 1, nprobe);
        return new Batch(queries, nprobe);
    }

    /** One batch's device state: queries, probes, candidate offsets and distances. */
    public final class Batch implements AutoCloseable {
        private final int nq;
        private final int nprobe;
        private final Matrix q;
        private final Matrix probeDist;
        private final AnnKernels.Buffer probes;
        private final AnnKernels.Buffer candOff;
        private final Matrix cand;
        private final long candidates;

        private Batch(float[] queries, int nprobe) {
            this.nq = queries.length / d;
            this.nprobe = nprobe;
            Matrix qm = null;
            Matrix pd = null;
            AnnKernels.Buffer pr = null;
            AnnKernels.Buffer co = null;
            Matrix cd = null;
            try {
                qm = backend.upload(HostMatrix.of(nq, d, queries));
                pd = backend.allocate(nq, nprobe);
                pr = kernels.allocateLongs((long) nq * nprobe);
                try (Matrix dots = backend.allocate(nq, nlist)) {
                    backend.gemm(false, true, 1f, qm, centroids, 0f, dots);
                    boolean l2 = metric == Metric.L2;
                    kernels.topkAffine(dots, nlist, l2 ? -2f : -1f, l2 ? centroidNorms : null, null, false, null, nprobe, pr,
                            pd);
                }
                long[] probeHost = new long[nq * nprobe];
                kernels.download(pr, probeHost);
                long[] off = new long[nq * nprobe + 1];
                for (int i = 0; i < probeHost.length; i++) {
                    long l = probeHost[i];
                    off[i + 1] = off[i] + (l < 0 ? 0 : listOffsets[(int) l + 1] - listOffsets[(int) l]);
                }
                co = kernels.uploadLongs(off);
                cd = backend.allocate(1, off[off.length - 1]);
                this.candidates = off[off.length - 1];
            } catch (RuntimeException e) {
                closeAll(qm, pd, pr, co, cd);
                throw e;
            }
            this.q = qm;
            this.probeDist = pd;
            this.probes = pr;
            this.candOff = co;
            this.cand = cd;
        }

        /** Candidates (codes scanned) in this batch. */
        public long candidates() {
            return candidates;
        }

        /** Bytes of codes the scan reads: candidates x M. */
        public long codeBytes() {
            return candidates * m;
        }

        public int queries() {
            return nq;
        }

        /** The ADC scan (enqueued; ordered before {@link #select}). */
        public void scan() {
            kernels.ivfpqScan(q, centroids, probes, probeDist, nprobe, codebooks, m, ksub, metric == Metric.INNER_PRODUCT,
                    listOff, codes, candOff, cand);
        }

        /** Per-query top-k into {@code outIds/outDist[off ..]} (internal distances); waits for the result. */
        public void select(int k, long[] outIds, float[] outDist, int off) {
            try (AnnKernels.Buffer oi = kernels.allocateLongs((long) nq * k); Matrix od = backend.allocate(nq, k)) {
                kernels.ivfpqSelect(cand, candOff, probes, nprobe, listOff, ids, nq, k, oi, od);
                long[] hi = new long[nq * k];
                kernels.download(oi, hi);
                HostMatrix hd = HostMatrix.zeros(nq, k);
                backend.download(od, hd);
                System.arraycopy(hi, 0, outIds, off, hi.length);
                System.arraycopy(hd.toArray(), 0, outDist, off, nq * k);
                hd.close();
            }
        }

        /**
         * Best {@code r} candidates by PQ distance (list positions), re-scored exactly on the raw
         * vectors; the best k into {@code outIds/outDist[off ..]} (internal distances).
         */
        public void selectReranked(int k, int r, long[] outIds, float[] outDist, int off) {
            try (AnnKernels.Buffer pos = kernels.allocateLongs((long) nq * r); Matrix pd = backend.allocate(nq, r);
                 AnnKernels.Buffer oi = kernels.allocateLongs((long) nq * k); Matrix od = backend.allocate(nq, k)) {
                kernels.ivfpqSelect(cand, candOff, probes, nprobe, listOff, null, nq, r, pos, pd);
                kernels.ivfpqRerank(q, vectors, ids, pos, r, metric == Metric.INNER_PRODUCT, k, oi, od);
                long[] hi = new long[nq * k];
                kernels.download(oi, hi);
                HostMatrix hd = HostMatrix.zeros(nq, k);
                backend.download(od, hd);
                System.arraycopy(hi, 0, outIds, off, hi.length);
                System.arraycopy(hd.toArray(), 0, outDist, off, nq * k);
                hd.close();
            }
        }

        @Override
        public void close() {
            closeAll(q, probeDist, probes, candOff, cand);
        }
    }

    static void closeAll(AutoCloseable... items) {
        for (AutoCloseable c : items) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + c, e);
                }
            }
        }
    }

    @Override
    public void close() {
        closeAll(centroids, centroidNorms, codebooks, listOff, codes, ids, vectors);
    }
}
