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
 *
 * <p>Training (appended at the end): the steps of batched Lloyd k-means ({@code
 * org.reckernels.ann.DeviceKMeans} composes them) and PQ encoding. A k-means batch is {@code m}
 * independent problems over the column slices of one {@code n x d} matrix x: problem s reads
 * {@code x_s(i) = x[i, s*dsub .. (s+1)*dsub)}, {@code dsub = d / m}; its k centroids are rows
 * {@code [s*k, s*k + k)} of an {@code (m*k) x dsub} matrix (the codebook layout of a product
 * quantizer; m = 1 is the coarse quantizer). Labels are global cluster ids {@code g = s*k + j}.
 * Dot products are fma in order and norms plain sums in order (the rounding of
 * {@code org.reckernels.ann.ProductQuantizer}), so the reference and CUDA agree bit for bit except
 * where a GEMM ({@link Backend#gemm}) is involved.
 */
public interface AnnKernels extends AutoCloseable {
    /** Largest k of one selection (the shared-memory sort of kernels/topk.cuh). */
    int MAX_K = 2048;

    /** An int64, int32, float64 or uint8 array owned by these kernels. */
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
     * {@code ids[listOff[l] + row in list]} (ids null: that position itself, for {@link #ivfpqRerank}).
     * Writes outIds (nq x k) and outDist (nq x k).
     */
    void ivfpqSelect(Matrix cand, Buffer candOff, Buffer probes, int nprobe, Buffer listOff, Buffer ids, int nq, int k,
                     Buffer outIds, Matrix outDist);

    /** Releases what the kernels hold (not the buffers they made, which the caller closes). */
    @Override
    void close();

    // ---- k-means / PQ training and encoding, exact re-rank (kernels/kmeans.cu, kernels/ivfpq.cu; appended) ----

    /** Elements per block of {@link #kmeansPlusPlusDistances}' block sums. */
    int PP_BLOCK = 256;

    Buffer allocateInts(long n);

    Buffer allocateDoubles(long n);

    Buffer allocateBytes(long n);

    /** Copies {@code values} into the first elements of an int32 buffer (no new allocation). */
    void upload(int[] values, Buffer into);

    /** Copies {@code values} into the first elements of a float64 buffer (no new allocation). */
    void upload(double[] values, Buffer into);

    /** Waits for pending work, then copies the first {@code out.length} int32 elements. */
    void download(Buffer ints, int[] out);

    /** Waits for pending work, then copies the first {@code out.length} float64 elements. */
    void download(Buffer doubles, double[] out);

    /** Waits for pending work, then copies the first {@code out.length} uint8 elements. */
    void download(Buffer bytes, byte[] out);

    /** {@code out[0, r] = sum_t src[r, t]^2}, summed in order without fma; out: 1 x src.rows(). */
    void rowNorms(Matrix src, Matrix out);

    /**
     * {@code out[r] = x[row(r)] - (centroids == null ? 0 : centroids[labels[row(r)]])} with
     * {@code row(r) = rows == null ? row0 + r : rows[r]}, r < out.rows(): residuals of a sample,
     * or a block of rows. x: n x d; centroids: null or c x d; labels: int32 (n); rows: null or
     * int32 (out.rows()); out: out.rows() x d.
     */
    void gatherRows(Matrix x, Buffer rows, long row0, Matrix centroids, Buffer labels, Matrix out);

    /**
     * The assignment after the GEMM {@code dots = X * C^T}: for each row r of dots (rows x ≥ k),
     * {@code labels[labelOffset + r] = argmin_{j<k} (cnorms[j] - 2 dots[r, j])}, ties to the lowest
     * j. cnorms: 1 x ≥ k; labels: int32.
     */
    void kmeansArgmin(Matrix dots, int k, Matrix cnorms, Buffer labels, long labelOffset);

    /**
     * Direct assignment (no GEMM) of a batch of m problems:
     * {@code labels[i*m + s] = s*k + argmin_j (cnorms[s*k + j] - 2 <x_s(i), C[s*k + j]>)}, ties to
     * the lowest j. x: n x d (d % m == 0); centroids: (m*k) x (d/m); cnorms: 1 x m*k; labels: int32 (n*m).
     */
    void kmeansSubspaceArgmin(Matrix x, int m, Matrix centroids, Matrix cnorms, int k, Buffer labels);

    /**
     * Stable sort of n (key, value) int32 pairs by key (keys in [0, 2^endBit)): equal keys keep
     * their input order. Outputs must not alias inputs.
     */
    void sortPairs(Buffer keys, Buffer values, int n, int endBit, Buffer keysOut, Buffer valuesOut);

    /** {@code offsets[g]} = the first position of a key ≥ g in n sorted int32 keys, g in [0, groups]; int32. */
    void segmentOffsets(Buffer sortedKeys, int n, int groups, Buffer offsets);

    /**
     * Centroid update of a batch of m problems: for every cluster g = s*k + j with members
     * {@code sortedPoints[offsets[g] .. offsets[g+1])} (point numbers, increasing) not empty,
     * {@code C[g, t] = (float) (sum of (double) x[p, s*dsub + t] in member order / count)}; empty
     * clusters keep their centroid.
     */
    void kmeansUpdate(Matrix x, int m, Buffer sortedPoints, Buffer offsets, int k, Matrix centroids);

    /**
     * Applies {@code entries} (s, a, src) int32 triples of {@code plan} in order: src ≥ 0 splits
     * cluster src of problem s into a and src ({@code C[a] = v + e, C[src] = v - e}, v = C[src],
     * {@code e_t = (t even ? 1 : -1) / 1024 * (|v_t| + 1/1024)}, the CPU KMeans rule); src &lt; 0
     * copies point {@code -src - 1}: {@code C[a] = x_s(-src - 1)}.
     */
    void kmeansRepair(Matrix x, int m, Matrix centroids, Buffer plan, int entries);

    /**
     * k-means++ distances for centroid j of each problem: {@code best[s, i] = min(best[s, i],
     * ||x_s(i) - C[s*k + j]||^2)} (or the distance alone when {@code first}), in order without fma;
     * {@code blockSums[s*B + b]} = the double sum of {@code best[s, b*PP_BLOCK ..]} (B = ceil(n /
     * PP_BLOCK) blocks, a fixed pairwise tree). best: m x n; blockSums: float64 (m*B).
     */
    void kmeansPlusPlusDistances(Matrix x, int m, Matrix centroids, int k, int j, boolean first, Matrix best,
                                 Buffer blockSums);

    /**
     * k-means++ pick of centroid j of each problem s from {@code plan[3s .. 3s+2] = (block, r,
     * point)} (float64): point ≥ 0 is taken as is; else the first i ≥ block*PP_BLOCK at which
     * {@code r -= best[s, i]} turns negative (n - 1 if none). {@code C[s*k + j] = x_s(pick)}.
     */
    void kmeansPlusPlusPick(Matrix x, int m, Matrix best, Buffer plan, Matrix centroids, int k, int j);

    /**
     * PQ encoding of residuals: {@code codes[i*m + s] = argmin_j (codeNorms[s*ksub + j] - 2 <r_s,
     * codebooks[s*ksub + j]>)}, r = x_i - coarse[labels[i]] (x_i when coarse is null); uint8 codes
     * (n*m). When {@code terms} (1 x n) is not null it receives the L2 term {@code ||rec||^2 + 2 <c,
     * rec>} of the decoded residual (coarse required).
     */
    void pqEncode(Matrix x, Matrix coarse, Buffer labels, Matrix codebooks, Matrix codeNorms, int m, int ksub,
                  Buffer codes, Matrix terms);

    /**
     * Exact re-rank: {@code cand} (nq x r int64) holds positions in the concatenated lists (from
     * {@link #ivfpqSelect} with null ids; -1: none); per query the exact distance to
     * {@code vectors[pos]} (N x d; L2 {@code ||q - v||^2} or {@code -<q, v>}), then the k best by
     * (distance, {@code ids[pos]}), best first, padded with -1 / +inf. r ≤ MAX_K, k ≤ r.
     */
    void ivfpqRerank(Matrix queries, Matrix vectors, Buffer ids, Buffer cand, int r, boolean innerProduct, int k,
                     Buffer outIds, Matrix outDist);
}
