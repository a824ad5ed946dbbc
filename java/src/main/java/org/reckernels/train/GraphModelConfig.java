package org.reckernels.train;

import java.util.Locale;

/**
 * Which graph CF model to build and its shape.
 *
 * @param model   "lightgcn", "mf" (LightGCN with 0 layers: plain matrix factorisation) or "ngcf"
 * @param dim     embedding width (NGCF: every layer's width)
 * @param layers  propagation layers (0 for mf)
 * @param initStd standard deviation of the normal initialisation (0.1 as in the reference; NGCF
 *                ignores it and uses Xavier uniform, as its reference does)
 * @param seed    initialisation seed (NGCF: also the dropout masks' seed)
 * @param dropout NGCF's message dropout rate in [0, 1) (0.1 in the reference; 0 disables); must be 0
 *                for the other models
 */
public record GraphModelConfig(String model, int dim, int layers, float initStd, long seed, float dropout) {
    public GraphModelConfig {
        model = model.toLowerCase(Locale.ROOT);
        if (!model.equals("lightgcn") && !model.equals("mf") && !model.equals("ngcf")) {
            throw new IllegalArgumentException("unknown graph model '" + model + "': expected lightgcn, mf or ngcf");
        }
        if (model.equals("mf")) {
            layers = 0;
        }
        if (dim <= 0 || layers < 0 || !(initStd > 0)) {
            throw new IllegalArgumentException(model + ": bad shape dim=" + dim + " layers=" + layers + " initStd=" + initStd);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException(model + ": dropout " + dropout + " outside [0, 1)");
        }
        if (dropout != 0f && !model.equals("ngcf")) {
            throw new IllegalArgumentException(model + ": dropout " + dropout + " given, but only ngcf has dropout");
        }
    }

    /** The model's default dropout: 0.1 for ngcf (the reference's message dropout), 0 otherwise. */
    public GraphModelConfig(String model, int dim, int layers, float initStd, long seed) {
        this(model, dim, layers, initStd, seed, defaultDropout(model));
    }

    public static float defaultDropout(String model) {
        return model.toLowerCase(Locale.ROOT).equals("ngcf") ? 0.1f : 0f;
    }

    /** LightGCN's paper settings: d = 64, 3 layers. */
    public static GraphModelConfig lightgcn() {
        return new GraphModelConfig("lightgcn", 64, 3, 0.1f, 2020);
    }

    /** NGCF's reference settings: layer sizes 64 x 3, message dropout 0.1. */
    public static GraphModelConfig ngcf() {
        return new GraphModelConfig("ngcf", 64, 3, 0.1f, 2020, 0.1f);
    }
}
