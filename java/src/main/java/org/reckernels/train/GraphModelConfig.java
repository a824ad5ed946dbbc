package org.reckernels.train;

import java.util.Locale;

/**
 * Which graph CF model to build and its shape.
 *
 * @param model   "lightgcn" or "mf" (LightGCN with 0 layers: plain matrix factorisation)
 * @param dim     embedding width
 * @param layers  propagation layers (0 for mf)
 * @param initStd standard deviation of the normal initialisation (0.1 as in the reference)
 * @param seed    initialisation seed
 */
public record GraphModelConfig(String model, int dim, int layers, float initStd, long seed) {
    public GraphModelConfig {
        model = model.toLowerCase(Locale.ROOT);
        if (!model.equals("lightgcn") && !model.equals("mf")) {
            throw new IllegalArgumentException("unknown graph model '" + model + "': expected lightgcn or mf");
        }
        if (model.equals("mf")) {
            layers = 0;
        }
        if (dim <= 0 || layers < 0 || !(initStd > 0)) {
            throw new IllegalArgumentException(model + ": bad shape dim=" + dim + " layers=" + layers + " initStd=" + initStd);
        }
    }

    /** LightGCN's paper settings: d = 64, 3 layers. */
    public static GraphModelConfig lightgcn() {
        return new GraphModelConfig("lightgcn", 64, 3, 0.1f, 2020);
    }
}
