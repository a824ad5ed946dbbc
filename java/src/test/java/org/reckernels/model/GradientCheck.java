package org.reckernels.model;

import org.reckernels.tensor.HostMatrix;

/**
 * Finite-difference checks of the graph models' backward on the Java backend, where parameters and
 * final embeddings are host matrices: the probe loss is {@code L = Σ W ⊙ F}, so {@code ∂L/∂F = W}
 * and {@code backward(W)} must match the central differences of L.
 */
final class GradientCheck {
    private GradientCheck() {
    }

    /** {@code L = Σ W ⊙ F}. */
    static double dot(HostMatrix w, HostMatrix f) {
        double s = 0;
        float[] x = w.toArray();
        float[] y = f.toArray();
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    /**
     * The central difference of L with respect to {@code p[r, c]} (a parameter of {@code model}; restored
     * afterwards), over the steps actually taken in float32 rather than the nominal ±h.
     *
     * @param f the model's final embeddings, read after each forward
     */
    static double central(EmbeddingModel model, HostMatrix w, HostMatrix f, HostMatrix p, long r, long c, double h) {
        float old = p.get(r, c);
        p.set(r, c, (float) (old + h));
        model.forward();
        double plus = dot(w, f);
        p.set(r, c, (float) (old - h));
        model.forward();
        double minus = dot(w, f);
        p.set(r, c, old);
        return (plus - minus) / ((double) (float) (old + h) - (double) (float) (old - h));
    }
}
