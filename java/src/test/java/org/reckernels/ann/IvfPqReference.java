package org.reckernels.ann;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The test oracle: IVF-PQ search done the obvious way, in double precision. Probed lists are the
 * nprobe centroids nearest the query (L2) or with the largest inner product; every vector in them
 * is decoded to {@code c + r} and compared with the query directly (no LUT, no decomposition);
 * all candidates sorted by (distance, id).
 */
final class IvfPqReference {
    private IvfPqReference() {
    }

    record Hit(long id, double dist) {
    }

    static List<Hit> search(IvfPqIndex ix, float[] q, int qo, int k, int nprobe) {
        int d = ix.d;
        List<Hit> lists = new ArrayList<>();
        for (int c = 0; c < ix.nlist; c++) {
            lists.add(new Hit(c, distance(ix.metric, q, qo, ix.centroids, c * d, d)));
        }
        lists.sort(Comparator.comparingDouble(Hit::dist).thenComparingLong(Hit::id));
        List<Hit> all = new ArrayList<>();
        float[] rec = new float[d];
        for (int p = 0; p < nprobe; p++) {
            int li = (int) lists.get(p).id();
            IvfPqIndex.InvList l = ix.lists[li];
            for (int i = 0; i < l.size; i++) {
                ix.pq.decode(l.codes, i * ix.m, rec, 0);
                for (int t = 0; t < d; t++) {
                    rec[t] += ix.centroids[li * d + t];
                }
                all.add(new Hit(l.ids[i], distance(ix.metric, q, qo, rec, 0, d)));
            }
        }
        all.sort(Comparator.comparingDouble(Hit::dist).thenComparingLong(Hit::id));
        return all.subList(0, Math.min(k, all.size()));
    }

    static double distance(Metric metric, float[] a, int ao, float[] b, int bo, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            s += metric == Metric.L2 ? (double) (a[ao + t] - b[bo + t]) * (a[ao + t] - b[bo + t]) : -(double) a[ao + t] * b[bo + t];
        }
        return s;
    }
}
