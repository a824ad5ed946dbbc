package org.reckernels.model;

import java.util.List;
import java.util.Random;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * LightGCN (He et al., SIGIR 2020): ego embeddings E⁰ of users and items, propagated K times over
 * the normalised adjacency Â, and combined by the mean of the layers:
 * <pre>
 *   E^(k+1) = Â · E^(k);      F = (E⁰ + E¹ + ... + E^K) / (K + 1)
 *   score(u, i) = F[u] · F[U + i]
 * </pre>
 * Backward, because Â is symmetric: {@code ∂L/∂E⁰ = (1/(K+1)) Σ_k Â^k · ∂L/∂F}. With K = 0 this is
 * matrix factorisation (MF-BPR). Holds its tensors on the given backend; the model does not own
 * the backend or Â.
 */
public final class LightGCN implements EmbeddingModel {
    private final Backend backend;
    private final SparseMatrix adjacency;
    private final int layers;
    private final int users;
    private final int items;
    private final Matrix ego;      // E⁰: (users + items) x dim, the trained parameters
    private final Matrix fin;      // F: the layer mean, valid after forward()
    private final Matrix layerA;   // ping-pong buffers for E^(k) / Â^k·G
    private final Matrix layerB;

    /**
     * @param adjacency Â on {@code backend}, (users + items) square
     * @param initStd   standard deviation of the normal initialisation (0.1 in the reference)
     */
    public LightGCN(Backend backend, SparseMatrix adjacency, int users, int items, int dim, int layers, float initStd,
                    long seed) {
        GraphShapes.checkSizes("LightGCN", users, items, dim, layers);
        long n = GraphShapes.checkAdjacency("LightGCN", adjacency, users, items);
        this.backend = backend;
        this.adjacency = adjacency;
        this.layers = layers;
        this.users = users;
        this.items = items;
        try (HostMatrix init = normal(n, dim, initStd, seed)) {
            this.ego = backend.upload(init);
        }
        this.fin = backend.allocate(n, dim);
        this.layerA = layers > 0 ? backend.allocate(n, dim) : null;
        this.layerB = layers > 1 ? backend.allocate(n, dim) : null;
    }

    static HostMatrix normal(long rows, int cols, float std, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
        return HostMatrix.of(rows, cols, v);
    }

    /** Computes F from E⁰: a scaled copy of E⁰, then K SpMMs each adding its layer into F. */
    @Override
    public void forward() {
        propagateMean(ego, fin);
    }

    /** Writes {@code gradEgo = (1/(K+1)) Σ_k Â^k · gradFinal} (overwrites gradEgo, the only gradient). */
    @Override
    public void backward(Matrix gradFinal, List<Matrix> gradParameters) {
        if (gradParameters.size() != 1) {
            throw new IllegalArgumentException("LightGCN.backward: one gradient (E⁰) expected, got " + gradParameters.size());
        }
        propagateMean(gradFinal, gradParameters.get(0));
    }

    /**
     * out = (1/(K+1)) Σ_{k=0..K} Â^k · in. Each layer is one fused SpMM that also adds its share
     * into out ({@link Backend#spmmAccumulate}), so the running mean costs no separate pass.
     */
    private void propagateMean(Matrix in, Matrix out) {
        float w = 1f / (layers + 1);
        backend.axpby(w, in, 0f, out);
        Matrix prev = in;
        for (int k = 1; k <= layers; k++) {
            Matrix next = (k % 2 == 1) ? layerA : layerB;
            backend.spmmAccumulate(adjacency, prev, next, w, out);
            prev = next;
        }
    }

    /** One parameter tensor: E⁰. */
    @Override
    public List<Matrix> parameters() {
        return List.of(ego);
    }

    @Override
    public Matrix finalEmbeddings() {
        return fin;
    }

    @Override
    public int users() {
        return users;
    }

    @Override
    public int items() {
        return items;
    }

    public int layers() {
        return layers;
    }

    @Override
    public void close() {
        ego.close();
        fin.close();
        if (layerA != null) {
            layerA.close();
        }
        if (layerB != null) {
            layerB.close();
        }
    }
}
