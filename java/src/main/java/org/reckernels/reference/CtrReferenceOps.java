package org.reckernels.reference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.EmbeddingBags;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.tensor.HostIndexVector;
import org.reckernels.tensor.HostMatrix;

/**
 * Test oracles for the embedding-bag, FM and logistic-loss ops: plain loops in double, one element
 * at a time, written to be obviously right rather than fast. Layout as in {@link EmbeddingBags}.
 */
public final class CtrReferenceOps {
    private CtrReferenceOps() {
    }

    private static int tableOf(int bag, long batch) {
        return (int) (bag / batch);
    }

    private static double weightOf(HostMatrix psw, int k) {
        return psw == null ? 1.0 : psw.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, k);
    }

    public static void embeddingBagForward(HostMatrix w, long[] tableOffsets, HostIndexVector indices,
                                           HostIndexVector offsets, HostMatrix psw, Pooling pooling, HostMatrix out) {
        int tables = tableOffsets.length - 1;
        int d = (int) w.cols();
        long batch = (offsets.length() - 1) / tables;
        out.fill(0f);
        for (int g = 0; g < tables * batch; g++) {
            int t = tableOf(g, batch);
            int b = (int) (g % batch);
            int s = offsets.get(g);
            int e = offsets.get(g + 1);
            double[] acc = new double[d];
            for (int k = s; k < e; k++) {
                long row = tableOffsets[t] + indices.get(k);
                double c = weightOf(psw, k);
                for (int j = 0; j < d; j++) {
                    double v = c * w.get(row, j);
                    if (pooling == Pooling.NONE) {
                        out.set(k, j, (float) v);
                    } else {
                        acc[j] += v;
                    }
                }
            }
            if (pooling != Pooling.NONE) {
                double scale = pooling == Pooling.MEAN && e > s ? 1.0 / (e - s) : 1.0;
                for (int j = 0; j < d; j++) {
                    out.set(b, (long) t * d + j, (float) (acc[j] * scale));
                }
            }
        }
    }

    /** Reduces the per-row gradients (double), then applies the optimizer once per touched row. */
    public static void embeddingBagBackward(HostMatrix w, long[] tableOffsets, HostIndexVector indices,
                                            HostIndexVector offsets, HostMatrix psw, Pooling pooling, HostMatrix gradOut,
                                            SparseOptimizer opt, HostMatrix state1, HostMatrix state2, long step) {
        int tables = tableOffsets.length - 1;
        int d = (int) w.cols();
        long batch = (offsets.length() - 1) / tables;
        Map<Long, double[]> grads = new LinkedHashMap<>();
        for (int g = 0; g < tables * batch; g++) {
            int t = tableOf(g, batch);
            int b = (int) (g % batch);
            int s = offsets.get(g);
            int e = offsets.get(g + 1);
            for (int k = s; k < e; k++) {
                long row = tableOffsets[t] + indices.get(k);
                double c = pooling == Pooling.MEAN ? 1.0 / (e - s) : weightOf(psw, k);
                double[] acc = grads.computeIfAbsent(row, r -> new double[d]);
                for (int j = 0; j < d; j++) {
                    double go = pooling == Pooling.NONE ? gradOut.get(k, j) : gradOut.get(b, (long) t * d + j);
                    acc[j] += c * go;
                }
            }
        }
        List<Long> rows = new ArrayList<>(grads.keySet());
        for (long r : rows) {
            double[] g = grads.get(r);
            switch (opt.kind()) {
                case SGD -> {
                    for (int j = 0; j < d; j++) {
                        w.set(r, j, (float) (w.get(r, j) - opt.lr() * g[j]));
                    }
                }
                case ADAGRAD -> {
                    for (int j = 0; j < d; j++) {
                        double h = state1.get(r, j) + g[j] * g[j];
                        state1.set(r, j, (float) h);
                        w.set(r, j, (float) (w.get(r, j) - opt.lr() * g[j] / (Math.sqrt(h) + opt.eps())));
                    }
                }
                case ROWWISE_ADAGRAD -> {
                    double sq = 0;
                    for (int j = 0; j < d; j++) {
                        sq += g[j] * g[j];
                    }
                    double h = state1.get(r, 0) + sq / d;
                    state1.set(r, 0, (float) h);
                    for (int j = 0; j < d; j++) {
                        w.set(r, j, (float) (w.get(r, j) - opt.lr() * g[j] / (Math.sqrt(h) + opt.eps())));
                    }
                }
                case ADAM -> {
                    double b1 = opt.beta1();
                    double b2 = opt.beta2();
                    for (int j = 0; j < d; j++) {
                        double m = b1 * state1.get(r, j) + (1 - b1) * g[j];
                        double v = b2 * state2.get(r, j) + (1 - b2) * g[j] * g[j];
                        state1.set(r, j, (float) m);
                        state2.set(r, j, (float) v);
                        double mh = m / (1 - Math.pow(b1, step));
                        double vh = v / (1 - Math.pow(b2, step));
                        w.set(r, j, (float) (w.get(r, j) - opt.lr() * mh / (Math.sqrt(vh) + opt.eps())));
                    }
                }
            }
        }
    }

    /** logits[b] = Σ linear[b] + ½Σ_c[(Σ_f v)² − Σ_f v²], by the pairwise definition Σ_{f<g} ⟨v_f, v_g⟩. */
    public static void fmForward(HostMatrix v, int fields, HostMatrix linear, HostMatrix logits) {
        int d = (int) (v.cols() / fields);
        for (long b = 0; b < v.rows(); b++) {
            double z = 0;
            if (linear != null) {
                for (long l = 0; l < linear.cols(); l++) {
                    z += linear.get(b, l);
                }
            }
            for (int f = 0; f < fields; f++) {
                for (int g = f + 1; g < fields; g++) {
                    for (int c = 0; c < d; c++) {
                        z += (double) v.get(b, (long) f * d + c) * v.get(b, (long) g * d + c);
                    }
                }
            }
            logits.set(b, 0, (float) z);
        }
    }

    public static void fmBackward(HostMatrix v, int fields, HostMatrix gradLogits, HostMatrix gradV, HostMatrix gradLinear) {
        int d = (int) (v.cols() / fields);
        for (long b = 0; b < v.rows(); b++) {
            double g = gradLogits.get(b, 0);
            for (int f = 0; f < fields; f++) {
                for (int c = 0; c < d; c++) {
                    double others = 0;
                    for (int h = 0; h < fields; h++) {
                        if (h != f) {
                            others += v.get(b, (long) h * d + c);
                        }
                    }
                    gradV.set(b, (long) f * d + c, (float) (g * others));
                }
            }
            if (gradLinear != null) {
                for (long l = 0; l < gradLinear.cols(); l++) {
                    gradLinear.set(b, l, (float) g);
                }
            }
        }
    }

    public static void logisticLossGrad(HostMatrix logits, HostMatrix labels, float scale, HostMatrix grad,
                                        HostMatrix lossSum) {
        double loss = 0;
        for (long b = 0; b < logits.rows(); b++) {
            double z = logits.get(b, 0);
            double y = labels.get(b, 0);
            loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
            grad.set(b, 0, (float) (scale * (1.0 / (1.0 + Math.exp(-z)) - y)));
        }
        lossSum.set(0, 0, (float) (lossSum.get(0, 0) + loss));
    }
}
