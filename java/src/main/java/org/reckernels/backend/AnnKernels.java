package org.reckernels.backend;

import org.reckernels.tensor.Matrix;

/**
 * The kernels of batched (GPU-style) nearest-neighbour search, next to a {@link Backend} that
 * holds the float matrices and runs the GEMMs: {@code kernels/topk.cu} and {@code kernels/ivfpq.cu}
 * on CUDA ({@code CudaBackend.annKernels()}), and {@code org.reckernels.reference.AnnReferenceKernels}
 * on the CPU (the reference the CUDA kernels are tested against; it runs the same search pipeline,
 * {@code org.reckernels.ann.IvfPqGpuSearcher}, so that pipeline is tested without a GPU).
 *
 * <p>Distances are internal (smaller is better): squared L2, or {@code -<x, y>} for inner product.
 * Every selection keeps the k smallest (distance, id) pairs, ties to the lower id, best first, and
 * pads rows with fewer than k candidates with id -1 and {@code +inf}. {@code k <= MAX_K}.
 * Shapes are row-major; integer arrays live in {@link Buffer}s of this object.
 */
public interface AnnKernels extends AutoCloseable {
    /** Largest k of one selection (the shared-memory sort of kernels/topk.cuh). */
    int MAX_K = 2048;

    /** An int64 or uint8 array owned by these kernels. */
    interface Buffer extends AutoCloseable {
        /** Number of elements. */
        long length();

        @Override
        void close();
    }

    /** The backend whose matrices these kernels read and write. */
    Backend backend();

    Buffer uploadLongs(long[] values);

    Buffer uploadBytes(byte[] values);

    Buffer allocateLongs(long n);

    /** Waits for pending work, then copies the first {@code out.length} elements. */
    void download(Buffer longs, long[] out);

    /**
     * Per-row top-k of {@code dist(r, j) = alpha * x[r, j] + colTerm[j] + rowTerm[r]} (then
     * {@code max(0, .)} when {@code clampZero}), over the first {@code n} columns of x (rows x ≥ n).
     * {@code colTerm}: null or 1 x n; {@code rowTerm}: null or rows x 1; {@code ids}: null (the id of
     * column j is j) or n int64 ids. Writes {@code outIds} (rows x k int64) and {@code outDist} (rows x k).
     */
    void topkAffine(Matrix x, long n, float alpha, Matrix colTerm, Matrix rowTerm, boolean clampZero, Buffer ids,
                    int k, Buffer outIds, Matrix outDist);

    /**
     * IVF-PQ lookup tables for each (query, probed list): {@code lut} is (nq·nprobe) x (M·ksub),
     * L2: {@code ||(q - c)_s - C_s[j]||²}; inner product: {@code -<q_s, C_s[j]>}. {@code codebooks}
     * is (M·ksub) x dsub; {@code probes} nq x nprobe int64 list numbers.
     */
    void ivfpqLut(Matrix queries, Matrix centroids, Buffer probes, int nprobe, Matrix codebooks, int m, int ksub,
                  boolean innerProduct, Matrix lut);

    /**
     * ADC scan: for each (query q, probe p) on list l, the distance of every vector of l (codes rows
     * {@code listOff[l] .. listOff[l+1]}) to q, from the (q, p) table built in place, plus
     * {@code probeDist[q, p]} for inner product; written to {@code cand[candOff[q·nprobe + p] ..]}
     * (candOff: nq·nprobe + 1 prefix sums of the probed lists' sizes; cand: 1 x candOff[last]).
     */
    void ivfpqScan(Matrix queries, Matrix centroids, Buffer probes, Matrix probeDist, int nprobe, Matrix codebooks,
                   int m, int ksub, boolean innerProduct, Buffer listOff, Buffer codes, Buffer candOff, Matrix cand);

    /**
     * Per-query top-k over the candidates of {@link #ivfpqScan}: query q's candidates are
     * {@code cand[candOff[q·nprobe] .. candOff[(q+1)·nprobe])}, the id of a candidate is
     * {@code ids[listOff[l] + row in list]}. Writes outIds (nq x k) and outDist (nq x k).
     */
    void ivfpqSelect(Matrix cand, Buffer candOff, Buffer probes, int nprobe, Buffer listOff, Buffer ids, int nq, int k,
                     Buffer outIds, Matrix outDist);

    /** Releases what the kernels hold (not the buffers they made, which the caller closes). */
    @Override
    void close();
}
