package org.reckernels.ann;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;

/**
 * IVF-PQ approximate nearest-neighbour index (CPU, Vector API).
 *
 * <p>Build: a coarse quantizer of {@code nlist} centroids ({@link KMeans}, seeded) partitions the
 * space into inverted lists; each vector x is stored in the list of its nearest centroid c as the
 * {@link ProductQuantizer PQ} code of its residual {@code r = x - c} (M bytes).
 *
 * <p>Search (the L2 decomposition of KERNEL-NOTES): with r the decoded residual,
 * <pre>  ||q - c - r||^2 = ||q - c||^2            (once per probed list)
 *                  + (||r||^2 + 2 &lt;c, r&gt;)     (one float per vector, stored at add time)
 *                  - 2 &lt;q, r&gt;               (= sum over subspaces of a per-query LUT, M x ksub)</pre>
 * so one LUT per query serves every list. For inner product, {@code -<q, c + r> = -<q, c> - sum LUT}
 * and no per-vector term is needed. The {@code nprobe} lists nearest the query are scanned by
 * asymmetric distance computation (ADC) into a bounded {@link TopKBuffer}; with {@code rerank > 0} the best
 * {@code rerank} candidates are re-scored exactly against the stored raw vectors
 * ({@link Params#storeVectors}) and the best k returned. With 4-bit PQ the lists also keep a
 * {@link FastScan} layout (codes packed two per byte in blocks of two vector registers, scored with 8-bit
 * quantised LUTs held in vector registers).
 *
 * <p>Threads: any number of concurrent {@link #search} calls (read lock); {@link #add} and
 * {@link #remove} take the write lock. Results are deterministic: equal distances go to the lower id.
 * Coarse assignment is by L2 for both metrics (residuals stay small, which is what PQ needs);
 * for inner product the probed lists are the ones with the largest {@code <q, c>}.
 */
public final class IvfPqIndex {
    /** Build parameters. */
    public record Params(int nlist, int m, int nbits, Metric metric, int kmeansIterations, int pqIterations,
                         int maxTrainPoints, long seed, KMeans.Init init, boolean storeVectors) {
        public Params {
            if (nlist < 1) {
                throw new IllegalArgumentException("nlist=" + nlist + " must be >= 1");
            }
            if (nbits != 4 && nbits != 8) {
                throw new IllegalArgumentException("nbits=" + nbits + " (supported: 4 or 8)");
            }
            if (m < 1) {
                throw new IllegalArgumentException("M=" + m + " must be >= 1");
            }
            if (kmeansIterations < 0 || pqIterations < 0) {
                throw new IllegalArgumentException("iterations must be >= 0");
            }
            java.util.Objects.requireNonNull(metric, "metric");
            java.util.Objects.requireNonNull(init, "init");
        }

        /** 10 coarse and 10 PQ k-means iterations, at most 64 training points per centroid, k-means++, raw vectors kept. */
        public static Params of(int nlist, int m, int nbits, Metric metric) {
            return new Params(nlist, m, nbits, metric, 10, 10, 64 * nlist, 42L, KMeans.Init.KMEANS_PLUS_PLUS, true);
        }

        public Params withSeed(long s) {
            return new Params(nlist, m, nbits, metric, kmeansIterations, pqIterations, maxTrainPoints, s, init, storeVectors);
        }

        public Params withStoreVectors(boolean b) {
            return new Params(nlist, m, nbits, metric, kmeansIterations, pqIterations, maxTrainPoints, seed, init, b);
        }

        public Params withInit(KMeans.Init i) {
            return new Params(nlist, m, nbits, metric, kmeansIterations, pqIterations, maxTrainPoints, seed, i, storeVectors);
        }

        public Params withIterations(int coarse, int pq) {
            return new Params(nlist, m, nbits, metric, coarse, pq, maxTrainPoints, seed, init, storeVectors);
        }

        public Params withMaxTrainPoints(int p) {
            return new Params(nlist, m, nbits, metric, kmeansIterations, pqIterations, p, seed, init, storeVectors);
        }
    }

    /** One inverted list: parallel growable arrays. */
    static final class InvList {
        long[] ids = new long[0];
        byte[] codes = new byte[0];
        float[] terms = new float[0];
        float[] vectors = new float[0];
        int size;
        /** Fast-scan layout (4-bit only), rebuilt when the list changes; null when stale. */
        volatile FastScan.Packed packed;
    }

    final int d;
    final int nlist;
    final int m;
    final int nbits;
    final Metric metric;
    final boolean storeVectors;
    final float[] centroids;
    /** The centroids laid out for {@link VecMath#dotsBlocked} (the coarse step of a search). */
    final float[] centroidsBlocked;
    final float[] centroidNorms;
    /** bfloat16 first pass of the coarse step for large indexes (nlist ≥ {@link #HALF_COARSE_MIN_LISTS}); else null. */
    final CoarseBf16 coarseBf16;
    /** From this many lists on, the float centroids (nlist·d·4 bytes) no longer sit in L2 at d ~ 128. */
    static final int HALF_COARSE_MIN_LISTS = 2048;
    final ProductQuantizer pq;
    final InvList[] lists;
    private final Map<Long, Integer> listOf = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final ThreadLocal<Scratch> scratch;

    IvfPqIndex(int d, Metric metric, boolean storeVectors, float[] centroids, ProductQuantizer pq) {
        this.d = d;
        this.nlist = centroids.length / d;
        this.m = pq.m;
        this.nbits = pq.nbits;
        this.metric = metric;
        this.storeVectors = storeVectors;
        this.centroids = centroids;
        this.centroidsBlocked = VecMath.blockTranspose(centroids, nlist, d);
        this.centroidNorms = VecMath.norms(centroids, nlist, d);
        this.coarseBf16 = nlist >= HALF_COARSE_MIN_LISTS ? CoarseBf16.of(centroidsBlocked, centroidNorms, nlist, d) : null;
        this.pq = pq;
        this.lists = new InvList[nlist];
        for (int i = 0; i < nlist; i++) {
            lists[i] = new InvList();
        }
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(nlist, m * pq.ksub));
    }

    /** Per-thread search buffers. */
    static final class Scratch {
        final float[] coarse;
        final float[] lut;
        /** The probed lists, nearest first, and their coarse distances. */
        final int[] probes;
        final float[] regMin;
        /** Scratch copy of {@link #regMin} for the selection of the bound. */
        final float[] regMinWork;
        /** The lists the bfloat16 coarse pass leaves to re-score exactly, and their exact dot products. */
        final int[] refine;
        final float[] refineDots;
        TopKBuffer probesSel;
        long[] probeIds = new long[0];
        float[] probeDist = new float[0];
        TopKBuffer heap;
        TopKBuffer best;
        long[] locs = new long[0];
        FastScan.Work fast;
        /** Sink of the re-rank's cache-line touches. */
        float touched;

        Scratch(int nlist, int lutSize) {
            coarse = new float[nlist];
            lut = new float[lutSize];
            probes = new int[nlist];
            regMin = new float[nlist / VecMath.L];
            regMinWork = new float[nlist / VecMath.L];
            refine = new int[nlist];
            refineDots = new float[nlist];
        }

        TopKBuffer probesSel(int nprobe) {
            if (probesSel == null || probesSel.capacity() != nprobe) {
                probesSel = new TopKBuffer(nprobe);
                probeIds = new long[nprobe];
                probeDist = new float[nprobe];
            }
            probesSel.clear();
            return probesSel;
        }

        TopKBuffer best(int k) {
            if (best == null || best.capacity() != k) {
                best = new TopKBuffer(k);
            }
            best.clear();
            return best;
        }

        TopKBuffer heap(int cap) {
            if (heap == null || heap.capacity() != cap) {
                heap = new TopKBuffer(cap);
            }
            heap.clear();
            return heap;
        }
    }

    // ------------------------------------------------------------------ build

    /** Trains the coarse quantizer and the PQ on {@code train} (n x d, row-major); the index starts empty. */
    public static IvfPqIndex build(float[] train, int d, Params p) {
        return build(train, d, p, msg -> { });
    }

    public static IvfPqIndex build(float[] train, int d, Params p, Consumer<String> progress) {
        int n = checkTrain(train, d, p);
        int sample = trainSample(n, p);
        float[] x = sample == n ? train : subsample(train, n, d, sample, p.seed());
        progress.accept(String.format("k-means: %d centroids on %d x %d (%d iterations)", p.nlist(), sample, d,
                p.kmeansIterations()));
        float[] centroids = KMeans.train(x, sample, d, p.nlist(), p.kmeansIterations(), p.seed(), p.init());
        int[] assign = new int[sample];
        KMeans.assign(x, sample, d, centroids, p.nlist(), assign);
        float[] resid = new float[sample * d];
        for (int i = 0; i < sample; i++) {
            for (int j = 0; j < d; j++) {
                resid[i * d + j] = x[i * d + j] - centroids[assign[i] * d + j];
            }
        }
        int pqSample = pqSample(sample, p);
        float[] pqx = pqSample == sample ? resid : subsample(resid, sample, d, pqSample, p.seed() + 1);
        progress.accept(String.format("PQ: M=%d x %d codes on %d residuals (%d iterations)", p.m(), 1 << p.nbits(),
                pqSample, p.pqIterations()));
        ProductQuantizer pq = ProductQuantizer.train(pqx, pqSample, d, p.m(), p.nbits(), p.pqIterations(), p.seed() + 2);
        return new IvfPqIndex(d, p.metric(), p.storeVectors(), centroids, pq);
    }

    /**
     * Builds on the backend's {@link AnnKernels} when it has them (CUDA: k-means and PQ training on
     * the device, {@link DeviceIvfPqBuilder}), else on the CPU exactly as
     * {@link #build(float[], int, Params, Consumer)}.
     */
    public static IvfPqIndex build(float[] train, int d, Params p, Backend backend, Consumer<String> progress) {
        AnnKernels k = backend == null ? null : backend.annKernels();
        return k == null ? build(train, d, p, progress) : DeviceIvfPqBuilder.build(train, d, p, k, progress);
    }

    /** Checks the training set and parameters; returns the number of training vectors. */
    static int checkTrain(float[] train, int d, Params p) {
        if (d < 1) {
            throw new IllegalArgumentException("dimension " + d + " must be >= 1");
        }
        if (train.length % d != 0) {
            throw new IllegalArgumentException("training data has " + train.length
                    + " floats, not a multiple of the dimension " + d + " (dimension mismatch)");
        }
        if (d % p.m() != 0) {
            throw new IllegalArgumentException("M=" + p.m() + " must divide the dimension " + d);
        }
        int n = train.length / d;
        if (n < p.nlist()) {
            throw new IllegalArgumentException(n + " training vectors for nlist=" + p.nlist()
                    + " centroids (need at least as many training vectors as centroids)");
        }
        if (n < (1 << p.nbits())) {
            throw new IllegalArgumentException(n + " training vectors for " + (1 << p.nbits())
                    + " PQ codes per subspace (need at least as many training vectors as codes)");
        }
        VecMath.requireFinite("training vectors", train, d);
        return n;
    }

    /** Training vectors of the coarse k-means (a seeded subsample of the n given). */
    static int trainSample(int n, Params p) {
        return Math.min(n, Math.max(p.maxTrainPoints(), Math.max(p.nlist(), 1 << p.nbits())));
    }

    /** Residuals the PQ trains on (a seeded subsample of the coarse sample's). */
    static int pqSample(int sample, Params p) {
        return Math.min(sample, 256 * (1 << p.nbits()));
    }

    static float[] subsample(float[] x, int n, int d, int count, long seed) {
        int[] rows = subsampleRows(n, count, seed);
        float[] out = new float[count * d];
        for (int j = 0; j < count; j++) {
            System.arraycopy(x, rows[j] * d, out, j * d, d);
        }
        return out;
    }

    /** The rows {@link #subsample} takes, in order (a seeded partial Fisher-Yates shuffle). */
    static int[] subsampleRows(int n, int count, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int j = 0; j < count; j++) {
            int r = j + rnd.nextInt(n - j);
            int t = perm[j];
            perm[j] = perm[r];
            perm[r] = t;
        }
        return Arrays.copyOf(perm, count);
    }

    // ------------------------------------------------------------------ add / remove

    /** Adds vectors (ids.length x d, row-major) under the given ids (unique, not yet in the index). */
    public void add(long[] ids, float[] vectors) {
        if ((long) ids.length * d != vectors.length) {
            throw new IllegalArgumentException("add: " + vectors.length + " floats for " + ids.length
                    + " ids; the index dimension is " + d + " (dimension mismatch)");
        }
        VecMath.requireFinite("add", vectors, d);
        int n = ids.length;
        int[] assign = new int[n];
        KMeans.assign(vectors, n, d, centroids, nlist, assign);
        byte[] codes = new byte[n * m];
        float[] terms = new float[n];
        IntStream.range(0, (n + 255) / 256).parallel().forEach(t -> {
            float[] r = new float[d];
            float[] rec = new float[d];
            float[] sc = new float[pq.ksub];
            int end = Math.min(n, (t + 1) * 256);
            for (int i = t * 256; i < end; i++) {
                int c = assign[i];
                for (int j = 0; j < d; j++) {
                    r[j] = vectors[i * d + j] - centroids[c * d + j];
                }
                pq.encode(r, 0, codes, i * m, sc);
                if (metric == Metric.L2) {
                    pq.decode(codes, i * m, rec, 0);
                    terms[i] = VecMath.dot(rec, 0, rec, 0, d) + 2f * VecMath.dot(centroids, c * d, rec, 0, d);
                }
            }
        });
        insertEncoded(ids, vectors, assign, codes, terms);
    }

    /**
     * Adds vectors encoded on the backend's {@link AnnKernels} when it has them (CUDA: coarse
     * assignment, residual PQ codes and L2 terms on the device, {@link DeviceIvfPqBuilder#add}),
     * else as {@link #add(long[], float[])}.
     */
    public void add(long[] ids, float[] vectors, Backend backend) {
        AnnKernels k = backend == null ? null : backend.annKernels();
        if (k == null) {
            add(ids, vectors);
        } else {
            DeviceIvfPqBuilder.add(this, ids, vectors, k);
        }
    }

    /** Appends encoded vectors (list, M codes and L2 term per vector) to their lists, under the write lock. */
    void insertEncoded(long[] ids, float[] vectors, int[] assign, byte[] codes, float[] terms) {
        int n = ids.length;
        lock.writeLock().lock();
        try {
            java.util.HashSet<Long> batch = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                if (listOf.containsKey(ids[i]) || !batch.add(ids[i])) {
                    throw new IllegalArgumentException("add: id " + ids[i] + " (row " + i + ") is already in the index"
                            + " or repeated in the batch; remove it first");
                }
            }
            for (int i = 0; i < n; i++) {
                InvList l = lists[assign[i]];
                ensure(l, l.size + 1);
                int s = l.size++;
                l.ids[s] = ids[i];
                System.arraycopy(codes, i * m, l.codes, s * m, m);
                l.terms[s] = terms[i];
                if (storeVectors) {
                    System.arraycopy(vectors, i * d, l.vectors, s * d, d);
                }
                l.packed = null;
                listOf.put(ids[i], assign[i]);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensure(InvList l, int cap) {
        if (l.ids.length >= cap) {
            return;
        }
        int nc = Math.max(cap, Math.max(8, l.ids.length + (l.ids.length >> 1)));
        l.ids = Arrays.copyOf(l.ids, nc);
        l.codes = Arrays.copyOf(l.codes, nc * m);
        l.terms = Arrays.copyOf(l.terms, nc);
        if (storeVectors) {
            l.vectors = Arrays.copyOf(l.vectors, nc * d);
        }
    }

    /** Removes the given ids; ids not in the index are ignored. Returns how many were removed. */
    public int remove(long... ids) {
        lock.writeLock().lock();
        try {
            java.util.Set<Long> gone = new java.util.HashSet<>();
            java.util.Set<Integer> touched = new java.util.HashSet<>();
            for (long id : ids) {
                Integer l = listOf.remove(id);
                if (l != null) {
                    gone.add(id);
                    touched.add(l);
                }
            }
            for (int li : touched) {
                InvList l = lists[li];
                int w = 0;
                for (int r = 0; r < l.size; r++) {
                    if (gone.contains(l.ids[r])) {
                        continue;
                    }
                    if (w != r) {
                        l.ids[w] = l.ids[r];
                        System.arraycopy(l.codes, r * m, l.codes, w * m, m);
                        l.terms[w] = l.terms[r];
                        if (storeVectors) {
                            System.arraycopy(l.vectors, r * d, l.vectors, w * d, d);
                        }
                    }
                    w++;
                }
                l.size = w;
                l.packed = null;
            }
            return gone.size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ------------------------------------------------------------------ search

    /**
     * Search parameters: k results, {@code nprobe} lists, exact re-rank of the best {@code rerank}
     * candidates (0: none), and {@code fastScan}: score a 4-bit index with {@link FastScan} (8-bit
     * quantised tables in vector registers; several times faster than the scalar table lookups, with
     * estimates good enough that a small re-rank recovers exact order — the configuration to use for
     * 4-bit indexes). Off by default, so that results are the exact-table ADC's unless asked.
     */
    public record SearchParams(int k, int nprobe, int rerank, boolean fastScan) {
        public static SearchParams of(int k, int nprobe) {
            return new SearchParams(k, nprobe, 0, false);
        }

        public SearchParams withRerank(int r) {
            return new SearchParams(k, nprobe, r, fastScan);
        }

        public SearchParams withFastScan(boolean f) {
            return new SearchParams(k, nprobe, rerank, f);
        }
    }

    public SearchResult search(float[] queries, int k, int nprobe) {
        return search(queries, SearchParams.of(k, nprobe));
    }

    /** Searches every query (queries.length / d of them), queries in parallel on the common pool. */
    public SearchResult search(float[] queries, SearchParams sp) {
        int nq = checkQueries(queries, sp);
        long[] ids = new long[nq * sp.k()];
        float[] dist = new float[nq * sp.k()];
        lock.readLock().lock();
        try {
            checkK(sp);
            IntStream.range(0, nq).parallel().forEach(q -> searchOneLocked(queries, q * d, sp, ids, dist, q * sp.k()));
        } finally {
            lock.readLock().unlock();
        }
        return new SearchResult(nq, sp.k(), ids, dist);
    }

    /** One query at {@code query[qo..qo+d)} on the calling thread; results into {@code outIds/outDist[off..off+k)}. */
    public void searchOne(float[] query, int qo, SearchParams sp, long[] outIds, float[] outDist, int off) {
        if (qo < 0 || qo + d > query.length) {
            throw new IllegalArgumentException("search: query offset " + qo + " + dimension " + d + " outside "
                    + query.length + " floats (dimension mismatch)");
        }
        checkParams(sp);
        lock.readLock().lock();
        try {
            checkK(sp);
            searchOneLocked(query, qo, sp, outIds, outDist, off);
        } finally {
            lock.readLock().unlock();
        }
    }

    private int checkQueries(float[] queries, SearchParams sp) {
        if (queries.length % d != 0 || queries.length == 0) {
            throw new IllegalArgumentException("search: queries have " + queries.length
                    + " floats, not a positive multiple of the index dimension " + d + " (dimension mismatch)");
        }
        checkParams(sp);
        return queries.length / d;
    }

    private void checkParams(SearchParams sp) {
        if (sp.nprobe() < 1 || sp.nprobe() > nlist) {
            throw new IllegalArgumentException("search: nprobe=" + sp.nprobe() + " outside [1, " + nlist + "] (nlist)");
        }
        if (sp.rerank() > 0 && !storeVectors) {
            throw new IllegalArgumentException("search: rerank=" + sp.rerank()
                    + " needs the raw vectors, but this index was built with storeVectors=false");
        }
        if (sp.rerank() < 0) {
            throw new IllegalArgumentException("search: rerank=" + sp.rerank() + " must be >= 0");
        }
        if (sp.fastScan() && nbits != 4) {
            throw new IllegalArgumentException("search: fast scan needs a 4-bit PQ (this index has nbits=" + nbits + ")");
        }
    }

    private void checkK(SearchParams sp) {
        int size = listOf.size();
        if (sp.k() < 1 || sp.k() > size) {
            throw new IllegalArgumentException("search: k=" + sp.k() + " outside [1, " + size
                    + "] (the number of vectors in the index)");
        }
    }

    private void searchOneLocked(float[] q, int qo, SearchParams sp, long[] outIds, float[] outDist, int off) {
        for (int t = 0; t < d; t++) {
            if (!Float.isFinite(q[qo + t])) {
                throw new IllegalArgumentException("search: query at offset " + qo + " has " + q[qo + t]
                        + " in column " + t + " (vectors must be finite)");
            }
        }
        Scratch s = scratch.get();
        int k = sp.k();
        // coarse: distances to all centroids (GEMV against the block-transposed centroids), nprobe best
        float qn = metric == Metric.L2 ? VecMath.dot(q, qo, q, qo, d) : 0f;
        int np;
        if (coarseBf16 != null) {
            coarseBf16.approxDots(q, qo, s.coarse);
            np = selectProbesRefined(q, qo, qn, sp.nprobe(), s);
        } else {
            VecMath.dotsBlocked(q, qo, d, centroidsBlocked, nlist, s.coarse, 0);
            np = selectProbes(s.coarse, qn, sp.nprobe(), s);
        }
        int[] probeLists = s.probes;
        pq.lut(q, qo, metric == Metric.L2 ? -2f : -1f, s.lut);
        boolean rerank = sp.rerank() > 0;
        TopKBuffer heap = s.heap(rerank ? Math.max(sp.rerank(), k) : k);
        if (sp.fastScan()) {
            if (s.fast == null) {
                s.fast = new FastScan.Work(m);
            }
            FastScan.scan(this, q, qo, probeLists, np, s.coarse, s.lut, heap, rerank, s.fast);
        } else {
            for (int i = 0; i < np; i++) {
                scanList(probeLists[i], s.coarse[probeLists[i]], s.lut, heap, rerank);
            }
        }
        if (rerank) {
            rerankExact(q, qo, qn, heap, k, outIds, outDist, off, s);
        } else {
            heap.drainBestFirst(outIds, outDist, off, k);
        }
        for (int r = 0; r < k; r++) {
            outDist[off + r] = metric.external(outDist[off + r]);
        }
    }

    /**
     * Turns the centroid dot products in {@code coarse} into coarse distances (in place:
     * {@code ||c||^2 - 2 q.c + ||q||^2} for L2, {@code -q.c} for inner product) and writes the
     * nprobe nearest lists to {@code s.probes}, nearest first (ties to the lower list); returns how
     * many. The nprobe-th smallest of the per-register minima is an upper bound on the nprobe-th
     * smallest distance, so only entries within that bound are offered: a few dozen offers
     * instead of one test-and-offer per centroid, and the selection is unchanged.
     */
    private int selectProbes(float[] coarse, float qn, int nprobe, Scratch s) {
        int nreg = nlist / VecMath.L;
        float[] regMin = s.regMin;
        float bound = distancesAndBound(coarse, qn, nprobe, s);
        // pass 2: only registers holding a distance within the bound reach the selection
        TopKBuffer sel = s.probesSel(nprobe);
        for (int r = 0, j = 0; r < nreg; r++, j += VecMath.L) {
            if (regMin[r] <= bound) {
                for (int t = j; t < j + VecMath.L; t++) {
                    if (coarse[t] <= bound) {
                        sel.offer(t, coarse[t]);
                    }
                }
            }
        }
        for (int j = nreg * VecMath.L; j < nlist; j++) {
            sel.offer(j, coarse[j]);
        }
        return drainProbes(sel, nprobe, s);
    }

    /**
     * Pass 1 of the probe selection: the dot products in {@code coarse} become coarse distances (in
     * place), {@code s.regMin} the smallest of each register; returns the nprobe-th smallest register
     * minimum, an upper bound on the nprobe-th smallest distance (+inf when there are fewer registers).
     */
    private float distancesAndBound(float[] coarse, float qn, int nprobe, Scratch s) {
        boolean l2 = metric == Metric.L2;
        int nreg = nlist / VecMath.L;
        float[] regMin = s.regMin;
        for (int r = 0, j = 0; r < nreg; r++, j += VecMath.L) {
            FloatVector c = FloatVector.fromArray(VecMath.S, coarse, j);
            FloatVector cd = l2 ? FloatVector.fromArray(VecMath.S, centroidNorms, j).sub(c.mul(2f)).add(qn) : c.neg();
            cd.intoArray(coarse, j);
            regMin[r] = cd.reduceLanes(VectorOperators.MIN);
        }
        for (int j = nreg * VecMath.L; j < nlist; j++) {
            coarse[j] = l2 ? centroidNorms[j] - 2f * coarse[j] + qn : -coarse[j];
        }
        if (nreg < nprobe) {
            return Float.POSITIVE_INFINITY;
        }
        System.arraycopy(regMin, 0, s.regMinWork, 0, nreg);
        return kthSmallest(s.regMinWork, nreg, nprobe - 1);
    }

    /**
     * {@link #selectProbes} when {@code s.coarse} holds the bfloat16 pass's dot products: every list
     * whose approximate distance is within twice the error bound of the approximate nprobe-th is
     * re-scored exactly ({@link CoarseBf16#exactDot}, the float path's bits) and only exact distances
     * are offered, so the probes — and their distances, which the scan uses as list bases — are the
     * float path's. A list of the true nprobe best has approximate distance ≤ its distance + e ≤ the
     * true nprobe-th + e ≤ the approximate nprobe-th + 2e.
     */
    private int selectProbesRefined(float[] q, int qo, float qn, int nprobe, Scratch s) {
        boolean l2 = metric == Metric.L2;
        float[] coarse = s.coarse;
        float bound = distancesAndBound(coarse, qn, nprobe, s);
        float qNorm = (float) Math.sqrt(l2 ? qn : VecMath.dot(q, qo, q, qo, d)); // qn is |q|^2 for L2
        float dotErr = coarseBf16.dotError(qNorm);
        float cn = coarseBf16.maxNorm();
        // L2 adds the rounding of "norm - 2 dot + |q|^2" on both sides
        float e = l2 ? 2f * dotErr + (float) (1.1 * 4 * Math.scalb(1.0, -24) * (cn * cn + 2 * qNorm * cn + qn)) : dotErr;
        float limit = bound + 2f * e;
        int nreg = nlist / VecMath.L;
        float[] regMin = s.regMin;
        int[] cand = s.refine;
        int nc = 0;
        for (int r = 0, j = 0; r < nreg; r++, j += VecMath.L) {
            if (regMin[r] <= limit) {
                for (int t = j; t < j + VecMath.L; t++) {
                    if (coarse[t] <= limit) {
                        cand[nc++] = t;
                    }
                }
            }
        }
        float[] dots = s.refineDots;
        coarseBf16.exactDots(q, qo, cand, nc, dots);
        TopKBuffer sel = s.probesSel(nprobe);
        for (int i = 0; i < nc; i++) {
            int t = cand[i];
            coarse[t] = l2 ? centroidNorms[t] - 2f * dots[i] + qn : -dots[i];
            sel.offer(t, coarse[t]);
        }
        return drainProbes(sel, nprobe, s);
    }

    /** The selected lists into {@code s.probes}, nearest first (so that the scan's bar tightens early); returns how many. */
    private static int drainProbes(TopKBuffer sel, int nprobe, Scratch s) {
        int np = sel.drainBestFirst(s.probeIds, s.probeDist, 0, nprobe);
        for (int i = 0; i < np; i++) {
            s.probes[i] = (int) s.probeIds[i];
        }
        return np;
    }

    /** The k-th smallest (0-based) of {@code a[0..n)} by quickselect; reorders {@code a}. */
    static float kthSmallest(float[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    /**
     * ADC scan of one list; {@code byLocation}: offer (list << 32 | row) instead of the user id (for re-rank).
     * Four vectors at a time, each summed in the same order as one at a time (so the distances are
     * bit-identical), which gives the CPU four independent add chains instead of one.
     */
    private void scanList(int li, float base, float[] lut, TopKBuffer heap, boolean byLocation) {
        InvList l = lists[li];
        int n = l.size;
        byte[] codes = l.codes;
        float[] terms = l.terms;
        long[] ids = l.ids;
        int ksub = pq.ksub;
        float thr = heap.threshold();
        int i = 0;
        for (int co = 0; i + 4 <= n; i += 4, co += 4 * m) {
            float d0 = base + terms[i];
            float d1 = base + terms[i + 1];
            float d2 = base + terms[i + 2];
            float d3 = base + terms[i + 3];
            for (int s = 0, lo = 0, c = co; s < m; s++, lo += ksub, c++) {
                d0 += lut[lo + (codes[c] & 0xFF)];
                d1 += lut[lo + (codes[c + m] & 0xFF)];
                d2 += lut[lo + (codes[c + 2 * m] & 0xFF)];
                d3 += lut[lo + (codes[c + 3 * m] & 0xFF)];
            }
            if (d0 <= thr) {
                heap.offer(byLocation ? ((long) li << 32) | i : ids[i], d0);
                thr = heap.threshold();
            }
            if (d1 <= thr) {
                heap.offer(byLocation ? ((long) li << 32) | (i + 1) : ids[i + 1], d1);
                thr = heap.threshold();
            }
            if (d2 <= thr) {
                heap.offer(byLocation ? ((long) li << 32) | (i + 2) : ids[i + 2], d2);
                thr = heap.threshold();
            }
            if (d3 <= thr) {
                heap.offer(byLocation ? ((long) li << 32) | (i + 3) : ids[i + 3], d3);
                thr = heap.threshold();
            }
        }
        for (int co = i * m; i < n; i++, co += m) {
            float dist = base + terms[i];
            for (int s = 0, lo = 0; s < m; s++, lo += ksub) {
                dist += lut[lo + (codes[co + s] & 0xFF)];
            }
            if (dist <= thr) {
                heap.offer(byLocation ? ((long) li << 32) | i : ids[i], dist);
                thr = heap.threshold();
            }
        }
    }

    /** Re-scores the heap's candidates (locations) exactly and keeps the best k by user id. */
    void rerankExact(float[] q, int qo, float qn, TopKBuffer cand, int k, long[] outIds, float[] outDist, int off, Scratch s) {
        int n = cand.finish();
        if (s.locs.length < n) {
            s.locs = new long[cand.capacity()];
        }
        long[] locs = s.locs;
        for (int c = 0; c < n; c++) {
            locs[c] = cand.id(c);
        }
        cand.clear();
        TopKBuffer best = s.best(k);
        // touch every cache line of every candidate first: independent loads, so their misses overlap
        // instead of being taken one candidate at a time inside the distance loop (measured: 34-35 -> 31-33 us
        // per query at 200k x 128, nprobe 8, re-rank 40)
        float touched = 0f;
        for (int c = 0; c < n; c++) {
            float[] v = lists[(int) (locs[c] >>> 32)].vectors;
            int at = (int) locs[c] * d;
            for (int t = 0; t < d; t += 16) {
                touched += v[at + t];
            }
        }
        s.touched = touched; // kept, so the loads are not dropped
        for (int c = 0; c < n; c++) {
            InvList l = lists[(int) (locs[c] >>> 32)];
            int row = (int) locs[c];
            float dist = metric == Metric.L2 ? VecMath.l2sq(q, qo, l.vectors, row * d, d)
                    : -VecMath.dot(q, qo, l.vectors, row * d, d);
            best.offer(l.ids[row], dist);
        }
        best.drainBestFirst(outIds, outDist, off, k);
    }

    /** Exact brute-force search over the stored raw vectors (the index's exact mode; needs storeVectors). */
    public SearchResult searchExact(float[] queries, int k) {
        if (!storeVectors) {
            throw new IllegalArgumentException("exact search needs the raw vectors, but this index was built with storeVectors=false");
        }
        lock.readLock().lock();
        try {
            int size = listOf.size();
            long[] ids = new long[size];
            float[] vecs = new float[size * d];
            int w = 0;
            for (InvList l : lists) {
                System.arraycopy(l.ids, 0, ids, w, l.size);
                System.arraycopy(l.vectors, 0, vecs, w * d, l.size * d);
                w += l.size;
            }
            return new ExactSearch(vecs, ids, d, metric).search(queries, k);
        } finally {
            lock.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------ info, save/load

    public int dimension() {
        return d;
    }

    public int nlist() {
        return nlist;
    }

    public int m() {
        return m;
    }

    public int nbits() {
        return nbits;
    }

    public Metric metric() {
        return metric;
    }

    public boolean storesVectors() {
        return storeVectors;
    }

    public int size() {
        lock.readLock().lock();
        try {
            return listOf.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sizes of the inverted lists. */
    public int[] listSizes() {
        lock.readLock().lock();
        try {
            int[] s = new int[nlist];
            for (int i = 0; i < nlist; i++) {
                s[i] = lists[i].size;
            }
            return s;
        } finally {
            lock.readLock().unlock();
        }
    }

    public MemoryReport memory() {
        lock.readLock().lock();
        try {
            long n = listOf.size();
            long fast = 0;
            for (InvList l : lists) {
                FastScan.Packed p = l.packed;
                if (p != null) {
                    fast += p.bytes();
                }
            }
            long fixed = (long) centroids.length * 4 * 2 + nlist * 4L + (long) pq.codebooks.length * 4 * 2 + pq.norms.length * 4L
                    + (coarseBf16 != null ? (long) centroids.length * 2 : 0);
            return new MemoryReport(n, n * m, n * Long.BYTES, metric == Metric.L2 ? n * Float.BYTES : 0,
                    storeVectors ? n * d * (long) Float.BYTES : 0, fast, fixed);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void save(Path path) throws IOException {
        lock.readLock().lock();
        try {
            IndexFile.write(path, this);
        } finally {
            lock.readLock().unlock();
        }
    }

    public static IvfPqIndex load(Path path) throws IOException {
        return IndexFile.read(path);
    }

    /** Used by {@link IndexFile} when loading: appends a whole list without re-encoding. */
    void restoreList(int li, long[] ids, byte[] codes, float[] terms, float[] vectors) {
        InvList l = lists[li];
        l.ids = ids;
        l.codes = codes;
        l.terms = terms;
        l.vectors = vectors == null ? new float[0] : vectors;
        l.size = ids.length;
        for (long id : ids) {
            if (listOf.put(id, li) != null) {
                throw new IllegalStateException("id " + id + " appears twice");
            }
        }
    }

    /** Receives a snapshot of the lists concatenated in list order. */
    interface SnapshotConsumer<T> {
        /** vectors: the raw vectors in the same order (size x d), or null when not stored or not asked for. */
        T accept(long[] listOffsets, byte[] codes, long[] ids, float[] vectors);
    }

    /**
     * The inverted lists concatenated in list order (offsets nlist + 1, codes size x M, ids, and the
     * raw vectors when {@code withVectors} and stored), under the read lock.
     */
    <T> T snapshot(boolean withVectors, SnapshotConsumer<T> consumer) {
        lock.readLock().lock();
        try {
            long[] off = new long[nlist + 1];
            for (int l = 0; l < nlist; l++) {
                off[l + 1] = off[l] + lists[l].size;
            }
            int n = Math.toIntExact(off[nlist]);
            byte[] codes = new byte[Math.multiplyExact(n, m)];
            long[] ids = new long[n];
            float[] vecs = withVectors && storeVectors ? new float[Math.multiplyExact(n, d)] : null;
            for (int l = 0; l < nlist; l++) {
                InvList il = lists[l];
                System.arraycopy(il.codes, 0, codes, (int) off[l] * m, il.size * m);
                System.arraycopy(il.ids, 0, ids, (int) off[l], il.size);
                if (vecs != null) {
                    System.arraycopy(il.vectors, 0, vecs, (int) off[l] * d, il.size * d);
                }
            }
            return consumer.accept(off, codes, ids, vecs);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Raw vectors (n x d) with their ids. */
    record RawVectors(float[] vectors, long[] ids) {
    }

    /** The stored raw vectors and their ids, sorted by id (exact search's base); needs storeVectors. */
    RawVectors rawVectorsById() {
        if (!storeVectors) {
            throw new IllegalArgumentException("exact search needs the raw vectors, but this index was built with storeVectors=false");
        }
        lock.readLock().lock();
        try {
            int size = listOf.size();
            long[] ids = new long[size];
            int[][] where = new int[size][];
            int w = 0;
            for (int l = 0; l < nlist; l++) {
                for (int r = 0; r < lists[l].size; r++) {
                    ids[w] = lists[l].ids[r];
                    where[w++] = new int[] {l, r};
                }
            }
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
            float[] vecs = new float[Math.multiplyExact(size, d)];
            long[] sorted = new long[size];
            for (int i = 0; i < size; i++) {
                int[] lr = where[order[i]];
                sorted[i] = ids[order[i]];
                System.arraycopy(lists[lr[0]].vectors, lr[1] * d, vecs, i * d, d);
            }
            return new RawVectors(vecs, sorted);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "IvfPqIndex(d=" + d + ", nlist=" + nlist + ", M=" + m + ", nbits=" + nbits + ", " + metric + ", "
                + size() + " vectors)";
    }
}
