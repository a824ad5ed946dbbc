package org.reckernels.nn;

import java.util.ArrayList;
import java.util.List;
import org.reckernels.backend.Backend;
import org.reckernels.tensor.Matrix;

/**
 * The per-batch buffers of an {@link Mlp} for a fixed row count: layer l's output h_l
 * (rows x sizes[l+1]) and its gradient (the same shape). Make one per batch size and reuse it;
 * nothing is allocated per batch.
 */
public final class MlpWorkspace implements AutoCloseable {
    private final Mlp owner;
    private final long rows;
    private final List<Matrix> activations = new ArrayList<>();
    private final List<Matrix> gradients = new ArrayList<>();

    MlpWorkspace(Backend backend, Mlp owner, long rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("MlpWorkspace: rows must be > 0, got " + rows);
        }
        this.owner = owner;
        this.rows = rows;
        try {
            for (Dense d : owner.layers()) {
                activations.add(backend.allocate(rows, d.out()));
                gradients.add(backend.allocate(rows, d.out()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    Mlp owner() {
        return owner;
    }

    public long rows() {
        return rows;
    }

    /** h_l, the output of layer l (0-based), after the last forward. */
    public Matrix activation(int layer) {
        return activations.get(layer);
    }

    /** The output of the last layer. */
    public Matrix output() {
        return activations.get(activations.size() - 1);
    }

    /** Scratch for layer l's output gradient (the backward overwrites it). */
    Matrix gradient(int layer) {
        return gradients.get(layer);
    }

    @Override
    public void close() {
        activations.forEach(Matrix::close);
        gradients.forEach(Matrix::close);
        activations.clear();
        gradients.clear();
    }
}
