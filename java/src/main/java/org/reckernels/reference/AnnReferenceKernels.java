package org.reckernels.reference;

import java.util.Arrays;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * {@link AnnKernels} done the obvious way on the host, in float arithmetic like the CUDA kernels:
 * the oracle of the CUDA top-k and IVF-PQ kernels, and the CPU executor of the batched search
 * pipeline ({@code org.reckernels.ann.IvfPqGpuSearcher}). Single-threaded; matrices are the
 * {@link HostMatrix}es of the given (host) backend.
 */
public final class AnnReferenceKernels implements AnnKernels {
    private final Backend backend;

    public AnnReferenceKernels(Backend backend) {
        this.backend = backend;
    }

    /** A host array as a buffer (exactly one of the arrays is set). */
    private record HostBuffer(long[] longs, byte[] bytes, int[] ints, double[] doubles) implements Buffer {
        static HostBuffer of(long[] v) {
            return new HostBuffer(v, null, null, null);
        }

        static HostBuffer of(byte[] v) {
            return new HostBuffer(null, v, null, null);
        }

        @Override
        public long length() {
            return longs != null ? longs.length : bytes != null ? bytes.length : ints != null ? ints.length : doubles.length;
        }

        @Override
        public void close() {
        }
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Buffer uploadLongs(long[] values) {
        return HostBuffer.of(values.clone());
    }

    @Override
    public Buffer uploadBytes(byte[] values) {
        return HostBuffer.of(values.clone());
    }

    @Override
    public Buffer allocateLongs(long n) {
        return HostBuffer.of(new long[Math.toIntExact(n)]);
    }

    @Override
    public void download(Buffer longs, long[] out) {
        System.arraycopy(longs(longs, "download"), 0, out, 0, out.length);
    }

    private static long[] longs(Buffer b, String what) {
        if (b instanceof HostBuffer h && h.longs != null) {
            return h.longs;
        }
        throw new IllegalArgumentException(what + ": not an int64 buffer of the reference kernels: " + b);
    }

    private static byte[] bytes(Buffer b, String what) {
        if (b instanceof HostBuffer h && h.bytes != null) {
            return h.bytes;
        }
        throw new IllegalArgumentException(what + ": not a uint8 buffer of the reference kernels: " + b);
    }

    private static HostMatrix host(Matrix m, String what) {
        if (m instanceof HostMatrix h) {
            return h;
        }
        throw new IllegalArgumentException(what + ": not a host matrix: " + m);
    }

    /** Keeps the k smallest (dist, id) pairs of {@code n} candidates, best first, padded; ties to the lower id. */
    static void select(float[] dist, long[] ids, int n, int k, long[] outIds, int ooff, HostMatrix outDist, long row) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(dist[a] == 0f ? 0f : dist[a], dist[b] == 0f ? 0f : dist[b]);
            return c != 0 ? c : Long.compare(ids[a], ids[b]);
        });
        for (int r = 0; r < k; r++) {
            outIds[ooff + r] = r < n ? ids[order[r]] : -1L;
            outDist.set(row, r, r < n ? dist[order[r]] : Float.POSITIVE_INFINITY);
        }
    }

    @Override
    public void topkAffine(Matrix x, long n, float alpha, Matrix colTerm, Matrix rowTerm, boolean clampZero, Buffer ids,
                           int k, Buffer outIds, Matrix outDist) {
        HostMatrix hx = host(x, "topkAffine x");
        int cols = Math.toIntExact(n);
        long[] idOf = ids == null ? null : longs(ids, "topkAffine ids");
        long[] out = longs(outIds, "topkAffine outIds");
        float[] d = new float[cols];
        long[] id = new long[cols];
        for (long r = 0; r < hx.rows(); r++) {
            float rt = rowTerm == null ? 0f : host(rowTerm, "rowTerm").get(r, 0);
            for (int j = 0; j < cols; j++) {
                float v = alpha * hx.get(r, j) + (colTerm == null ? 0f : host(colTerm, "colTerm").get(0, j)) + rt;
                d[j] = clampZero ? Math.max(v, 0f) : v;
                id[j] = idOf == null ? j : idOf[j];
            }
            select(d, id, cols, k, out, (int) (r * k), host(outDist, "outDist"), r);
        }
    }

    /** The (q, p) table: x = q - c (L2) or q, then per subspace and code. */
    static void table(HostMatrix queries, long q, HostMatrix centroids, long list, HostMatrix codebooks, int m, int ksub,
                      boolean innerProduct, float[] out) {
        int d = (int) queries.cols();
        int dsub = d / m;
        for (int s = 0; s < m; s++) {
            for (int j = 0; j < ksub; j++) {
                float acc = 0f;
                for (int t = 0; t < dsub; t++) {
                    int col = s * dsub + t;
                    float xv = innerProduct ? queries.get(q, col) : queries.get(q, col) - centroids.get(list, col);
                    float cw = codebooks.get((long) s * ksub + j, t);
                    acc = innerProduct ? acc + xv * cw : acc + (xv - cw) * (xv - cw);
                }
                out[s * ksub + j] = innerProduct ? -acc : acc;
            }
        }
    }

    @Override
    public void ivfpqLut(Matrix queries, Matrix centroids, Buffer probes, int nprobe, Matrix codebooks, int m, int ksub,
                         boolean innerProduct, Matrix lut) {
        HostMatrix hq = host(queries, "ivfpqLut queries");
        long[] pr = longs(probes, "ivfpqLut probes");
        HostMatrix out = host(lut, "ivfpqLut lut");
        float[] t = new float[m * ksub];
        for (long qp = 0; qp < hq.rows() * nprobe; qp++) {
            table(hq, qp / nprobe, host(centroids, "centroids"), pr[(int) qp], host(codebooks, "codebooks"), m, ksub,
                    innerProduct, t);
            for (int e = 0; e < t.length; e++) {
                out.set(qp, e, t[e]);
            }
        }
    }

    @Override
    public void ivfpqScan(Matrix queries, Matrix centroids, Buffer probes, Matrix probeDist, int nprobe, Matrix codebooks,
                          int m, int ksub, boolean innerProduct, Buffer listOff, Buffer codes, Buffer candOff, Matrix cand) {
        HostMatrix hq = host(queries, "ivfpqScan queries");
        long[] pr = longs(probes, "ivfpqScan probes");
        long[] lo = longs(listOff, "ivfpqScan listOff");
        byte[] cd = bytes(codes, "ivfpqScan codes");
        long[] co = longs(candOff, "ivfpqScan candOff");
        HostMatrix out = host(cand, "ivfpqScan cand");
        float[] t = new float[m * ksub];
        for (long qp = 0; qp < hq.rows() * nprobe; qp++) {
            long list = pr[(int) qp];
            if (list < 0) {
                continue;
            }
            table(hq, qp / nprobe, host(centroids, "centroids"), list, host(codebooks, "codebooks"), m, ksub, innerProduct, t);
            float base = innerProduct ? host(probeDist, "probeDist").get(qp / nprobe, qp % nprobe) : 0f;
            for (long row = lo[(int) list]; row < lo[(int) list + 1]; row++) {
                float dist = base;
                for (int s = 0; s < m; s++) {
                    dist += t[s * ksub + (cd[(int) (row * m + s)] & 0xFF)];
                }
                out.set(0, co[(int) qp] + row - lo[(int) list], dist);
            }
        }
    }

    @Override
    public void ivfpqSelect(Matrix cand, Buffer candOff, Buffer probes, int nprobe, Buffer listOff, Buffer ids, int nq,
                            int k, Buffer outIds, Matrix outDist) {
        HostMatrix hc = host(cand, "ivfpqSelect cand");
        long[] co = longs(candOff, "ivfpqSelect candOff");
        long[] pr = longs(probes, "ivfpqSelect probes");
        long[] lo = longs(listOff, "ivfpqSelect listOff");
        long[] idOf = ids == null ? null : longs(ids, "ivfpqSelect ids");
        long[] out = longs(outIds, "ivfpqSelect outIds");
        for (int q = 0; q < nq; q++) {
            int start = (int) co[q * nprobe];
            int n = (int) (co[(q + 1) * nprobe] - start);
            float[] d = new float[n];
            long[] id = new long[n];
            for (int p = 0; p < nprobe; p++) {
                int qp = q * nprobe + p;
                for (long e = co[qp]; e < co[qp + 1]; e++) {
                    d[(int) (e - start)] = hc.get(0, e);
                    long pos = lo[(int) pr[qp]] + e - co[qp];
                    id[(int) (e - start)] = idOf == null ? pos : idOf[(int) pos];
                }
            }
            select(d, id, n, k, out, q * k, host(outDist, "outDist"), q);
        }
    }

    @Override
    public void close() {
    }

    // ---- k-means / PQ training and encoding, exact re-rank

    @Override
    public Buffer allocateInts(long n) {
        return new HostBuffer(null, null, new int[Math.toIntExact(n)], null);
    }

    @Override
    public Buffer allocateDoubles(long n) {
        return new HostBuffer(null, null, null, new double[Math.toIntExact(n)]);
    }

    @Override
    public Buffer allocateBytes(long n) {
        return HostBuffer.of(new byte[Math.toIntExact(n)]);
    }

    private static int[] ints(Buffer b, String what) {
        if (b instanceof HostBuffer h && h.ints != null) {
            return h.ints;
        }
        throw new IllegalArgumentException(what + ": not an int32 buffer of the reference kernels: " + b);
    }

    private static double[] doubles(Buffer b, String what) {
        if (b instanceof HostBuffer h && h.doubles != null) {
            return h.doubles;
        }
        throw new IllegalArgumentException(what + ": not a float64 buffer of the reference kernels: " + b);
    }

    @Override
    public void upload(int[] values, Buffer into) {
        System.arraycopy(values, 0, ints(into, "upload"), 0, values.length);
    }

    @Override
    public void upload(double[] values, Buffer into) {
        System.arraycopy(values, 0, doubles(into, "upload"), 0, values.length);
    }

    @Override
    public void download(Buffer ints, int[] out) {
        System.arraycopy(ints(ints, "download"), 0, out, 0, out.length);
    }

    @Override
    public void download(Buffer doubles, double[] out) {
        System.arraycopy(doubles(doubles, "download"), 0, out, 0, out.length);
    }

    @Override
    public void download(Buffer bytes, byte[] out) {
        System.arraycopy(bytes(bytes, "download"), 0, out, 0, out.length);
    }

    /** {@code s = s + a*a} in order, each step rounded (no fma): the device's and ProductQuantizer's norms. */
    static float sqNorm(HostMatrix m, long r, long c0, int n) {
        float s = 0f;
        for (int t = 0; t < n; t++) {
            float v = m.get(r, c0 + t);
            s += v * v;
        }
        return s;
    }

    @Override
    public void rowNorms(Matrix src, Matrix out) {
        HostMatrix h = host(src, "rowNorms src");
        HostMatrix o = host(out, "rowNorms out");
        for (long r = 0; r < h.rows(); r++) {
            o.set(0, r, sqNorm(h, r, 0, (int) h.cols()));
        }
    }

    @Override
    public void gatherRows(Matrix x, Buffer rows, long row0, Matrix centroids, Buffer labels, Matrix out) {
        HostMatrix hx = host(x, "gatherRows x");
        HostMatrix ho = host(out, "gatherRows out");
        HostMatrix hc = centroids == null ? null : host(centroids, "gatherRows centroids");
        int[] rw = rows == null ? null : ints(rows, "gatherRows rows");
        int[] lb = hc == null ? null : ints(labels, "gatherRows labels");
        for (long r = 0; r < ho.rows(); r++) {
            long row = rw == null ? row0 + r : rw[(int) r];
            for (long t = 0; t < hx.cols(); t++) {
                float v = hx.get(row, t);
                ho.set(r, t, hc == null ? v : v - hc.get(lb[(int) row], t));
            }
        }
    }

    @Override
    public void kmeansArgmin(Matrix dots, int k, Matrix cnorms, Buffer labels, long labelOffset) {
        HostMatrix hd = host(dots, "kmeansArgmin dots");
        HostMatrix hn = host(cnorms, "kmeansArgmin cnorms");
        int[] out = ints(labels, "kmeansArgmin labels");
        for (long r = 0; r < hd.rows(); r++) {
            int best = 0;
            float bd = Float.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                float dd = hn.get(0, j) - 2f * hd.get(r, j);
                if (dd < bd) {
                    bd = dd;
                    best = j;
                }
            }
            out[(int) (labelOffset + r)] = best;
        }
    }

    /**
     * Nearest of the k codewords of problem s to {@code xs} (fma dots in order), ties to the lowest;
     * centroids ((m*k) x dsub) and cnorms (m*k) as arrays.
     */
    static int nearest(float[] xs, float[] centroids, float[] cnorms, int s, int k) {
        int dsub = xs.length;
        int best = 0;
        float bd = Float.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            int row = s * k + j;
            float acc = 0f;
            for (int t = 0; t < dsub; t++) {
                acc = Math.fma(xs[t], centroids[row * dsub + t], acc);
            }
            float dd = cnorms[row] - 2f * acc;
            if (dd < bd) {
                bd = dd;
                best = j;
            }
        }
        return best;
    }

    @Override
    public void kmeansSubspaceArgmin(Matrix x, int m, Matrix centroids, Matrix cnorms, int k, Buffer labels) {
        HostMatrix hx = host(x, "kmeansSubspaceArgmin x");
        float[] hc = host(centroids, "kmeansSubspaceArgmin centroids").toArray();
        float[] hn = host(cnorms, "kmeansSubspaceArgmin cnorms").toArray();
        int[] out = ints(labels, "kmeansSubspaceArgmin labels");
        int d = (int) hx.cols();
        int dsub = d / m;
        float[] xv = hx.toArray();
        float[] xs = new float[dsub];
        for (int i = 0; i < (int) hx.rows(); i++) {
            for (int s = 0; s < m; s++) {
                System.arraycopy(xv, i * d + s * dsub, xs, 0, dsub);
                out[i * m + s] = s * k + nearest(xs, hc, hn, s, k);
            }
        }
    }

    @Override
    public void sortPairs(Buffer keys, Buffer values, int n, int endBit, Buffer keysOut, Buffer valuesOut) {
        int[] kin = ints(keys, "sortPairs keys");
        int[] vin = ints(values, "sortPairs values");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (endBit < 32 && (kin[i] < 0 || kin[i] >= (1L << endBit))) {
                throw new IllegalArgumentException("sortPairs: key " + kin[i] + " at " + i + " outside [0, 2^" + endBit + ")");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(kin[a], kin[b])); // stable
        int[] kout = ints(keysOut, "sortPairs keysOut");
        int[] vout = ints(valuesOut, "sortPairs valuesOut");
        for (int i = 0; i < n; i++) {
            kout[i] = kin[order[i]];
            vout[i] = vin[order[i]];
        }
    }

    @Override
    public void segmentOffsets(Buffer sortedKeys, int n, int groups, Buffer offsets) {
        int[] keys = ints(sortedKeys, "segmentOffsets keys");
        int[] out = ints(offsets, "segmentOffsets offsets");
        int pos = 0;
        for (int g = 0; g <= groups; g++) {
            while (pos < n && keys[pos] < g) {
                pos++;
            }
            out[g] = pos;
        }
    }

    @Override
    public void kmeansUpdate(Matrix x, int m, Buffer sortedPoints, Buffer offsets, int k, Matrix centroids) {
        HostMatrix hx = host(x, "kmeansUpdate x");
        HostMatrix hc = host(centroids, "kmeansUpdate centroids");
        int[] pts = ints(sortedPoints, "kmeansUpdate sortedPoints");
        int[] off = ints(offsets, "kmeansUpdate offsets");
        int dsub = (int) hx.cols() / m;
        for (int g = 0; g < m * k; g++) {
            int count = off[g + 1] - off[g];
            if (count == 0) {
                continue;
            }
            int s = g / k;
            for (int t = 0; t < dsub; t++) {
                double sum = 0;
                for (int p = off[g]; p < off[g + 1]; p++) {
                    sum += hx.get(pts[p], (long) s * dsub + t);
                }
                hc.set(g, t, (float) (sum / count));
            }
        }
    }

    @Override
    public void kmeansRepair(Matrix x, int m, Matrix centroids, Buffer plan, int entries) {
        HostMatrix hx = host(x, "kmeansRepair x");
        HostMatrix hc = host(centroids, "kmeansRepair centroids");
        int[] pl = ints(plan, "kmeansRepair plan");
        int dsub = (int) hx.cols() / m;
        int k = (int) hc.rows() / m;
        final float eps = 1f / 1024;
        for (int p = 0; p < entries; p++) {
            int s = pl[3 * p];
            long a = (long) s * k + pl[3 * p + 1];
            int src = pl[3 * p + 2];
            for (int t = 0; t < dsub; t++) {
                if (src >= 0) {
                    long b = (long) s * k + src;
                    float v = hc.get(b, t);
                    float delta = (t % 2 == 0 ? 1 : -1) * eps * (Math.abs(v) + eps);
                    hc.set(a, t, v + delta);
                    hc.set(b, t, v - delta);
                } else {
                    hc.set(a, t, hx.get(-(long) src - 1, (long) s * dsub + t));
                }
            }
        }
    }

    @Override
    public void kmeansPlusPlusDistances(Matrix x, int m, Matrix centroids, int k, int j, boolean first, Matrix best,
                                        Buffer blockSums) {
        HostMatrix hx = host(x, "kmeansPlusPlusDistances x");
        HostMatrix hc = host(centroids, "kmeansPlusPlusDistances centroids");
        HostMatrix hb = host(best, "kmeansPlusPlusDistances best");
        double[] sums = doubles(blockSums, "kmeansPlusPlusDistances blockSums");
        int n = (int) hx.rows();
        int d = (int) hx.cols();
        int dsub = d / m;
        float[] xv = hx.toArray();
        int blocks = (n + PP_BLOCK - 1) / PP_BLOCK;
        double[] tree = new double[PP_BLOCK];
        for (int s = 0; s < m; s++) {
            long c = (long) s * k + j;
            for (int b = 0; b < blocks; b++) {
                for (int e = 0; e < PP_BLOCK; e++) {
                    int i = b * PP_BLOCK + e;
                    if (i >= n) {
                        tree[e] = 0;
                        continue;
                    }
                    float dist = 0f;
                    for (int t = 0; t < dsub; t++) {
                        float df = xv[i * d + s * dsub + t] - hc.get(c, t);
                        dist += df * df;
                    }
                    float v = first ? dist : Math.min(hb.get(s, i), dist);
                    hb.set(s, i, v);
                    tree[e] = v;
                }
                for (int stride = PP_BLOCK / 2; stride > 0; stride >>= 1) { // the kernel's tree
                    for (int e = 0; e < stride; e++) {
                        tree[e] += tree[e + stride];
                    }
                }
                sums[s * blocks + b] = tree[0];
            }
        }
    }

    @Override
    public void kmeansPlusPlusPick(Matrix x, int m, Matrix best, Buffer plan, Matrix centroids, int k, int j) {
        HostMatrix hx = host(x, "kmeansPlusPlusPick x");
        HostMatrix hb = host(best, "kmeansPlusPlusPick best");
        HostMatrix hc = host(centroids, "kmeansPlusPlusPick centroids");
        double[] pl = doubles(plan, "kmeansPlusPlusPick plan");
        int n = (int) hx.rows();
        int dsub = (int) hx.cols() / m;
        for (int s = 0; s < m; s++) {
            int pick = (int) pl[3 * s + 2];
            if (pick < 0) {
                double r = pl[3 * s + 1];
                pick = n - 1;
                for (int i = (int) pl[3 * s] * PP_BLOCK; i < n; i++) {
                    r -= hb.get(s, i);
                    if (r < 0) {
                        pick = i;
                        break;
                    }
                }
            }
            for (int t = 0; t < dsub; t++) {
                hc.set((long) s * k + j, t, hx.get(pick, (long) s * dsub + t));
            }
        }
    }

    @Override
    public void pqEncode(Matrix x, Matrix coarse, Buffer labels, Matrix codebooks, Matrix codeNorms, int m, int ksub,
                         Buffer codes, Matrix terms) {
        HostMatrix hx = host(x, "pqEncode x");
        HostMatrix hc = coarse == null ? null : host(coarse, "pqEncode coarse");
        int[] lb = hc == null ? null : ints(labels, "pqEncode labels");
        HostMatrix cb = host(codebooks, "pqEncode codebooks");
        float[] cbv = cb.toArray();
        float[] cn = host(codeNorms, "pqEncode codeNorms").toArray();
        byte[] out = bytes(codes, "pqEncode codes");
        HostMatrix ht = terms == null ? null : host(terms, "pqEncode terms");
        int d = (int) hx.cols();
        int dsub = d / m;
        float[] xs = new float[dsub];
        for (long i = 0; i < hx.rows(); i++) {
            float rr = 0f;
            float cr = 0f;
            for (int s = 0; s < m; s++) {
                for (int t = 0; t < dsub; t++) {
                    long col = (long) s * dsub + t;
                    xs[t] = hc == null ? hx.get(i, col) : hx.get(i, col) - hc.get(lb[(int) i], col);
                }
                int code = nearest(xs, cbv, cn, s, ksub);
                out[(int) (i * m + s)] = (byte) code;
                if (ht != null) {
                    for (int t = 0; t < dsub; t++) {
                        float v = cb.get((long) s * ksub + code, t);
                        rr = Math.fma(v, v, rr);
                        cr = Math.fma(hc.get(lb[(int) i], (long) s * dsub + t), v, cr);
                    }
                }
            }
            if (ht != null) {
                ht.set(0, i, rr + 2f * cr);
            }
        }
    }

    @Override
    public void ivfpqRerank(Matrix queries, Matrix vectors, Buffer ids, Buffer cand, int r, boolean innerProduct, int k,
                            Buffer outIds, Matrix outDist) {
        HostMatrix hq = host(queries, "ivfpqRerank queries");
        HostMatrix hv = host(vectors, "ivfpqRerank vectors");
        long[] idOf = longs(ids, "ivfpqRerank ids");
        long[] cd = longs(cand, "ivfpqRerank cand");
        long[] out = longs(outIds, "ivfpqRerank outIds");
        int d = (int) hq.cols();
        float[] dist = new float[r];
        long[] id = new long[r];
        for (long q = 0; q < hq.rows(); q++) {
            for (int e = 0; e < r; e++) {
                long pos = cd[(int) (q * r + e)];
                if (pos < 0) {
                    dist[e] = Float.POSITIVE_INFINITY;
                    id[e] = -1;
                    continue;
                }
                float acc = 0f;
                for (int t = 0; t < d; t++) {
                    float a = hq.get(q, t);
                    float b = hv.get(pos, t);
                    acc = innerProduct ? Math.fma(a, b, acc) : Math.fma(a - b, a - b, acc);
                }
                dist[e] = innerProduct ? -acc : acc;
                id[e] = idOf[(int) pos];
            }
            select(dist, id, r, k, out, (int) (q * k), host(outDist, "ivfpqRerank outDist"), q);
        }
    }
}
