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

    /** A host array as a buffer. */
    private record HostBuffer(long[] longs, byte[] bytes) implements Buffer {
        @Override
        public long length() {
            return longs != null ? longs.length : bytes.length;
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
        return new HostBuffer(values.clone(), null);
    }

    @Override
    public Buffer uploadBytes(byte[] values) {
        return new HostBuffer(null, values.clone());
    }

    @Override
    public Buffer allocateLongs(long n) {
        return new HostBuffer(new long[Math.toIntExact(n)], null);
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
        long[] idOf = longs(ids, "ivfpqSelect ids");
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
                    id[(int) (e - start)] = idOf[(int) (lo[(int) pr[qp]] + e - co[qp])];
                }
            }
            select(d, id, n, k, out, q * k, host(outDist, "outDist"), q);
        }
    }

    @Override
    public void close() {
    }
}
