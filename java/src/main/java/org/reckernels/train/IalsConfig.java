package org.reckernels.train;

import org.reckernels.backend.AlsParams;

/**
 * Settings of an implicit-ALS run (see {@link AlsParams} for the objective).
 *
 * @param dim       factor width d
 * @param alpha     confidence slope: c_ui = 1 + alpha·r_ui on observed pairs
 * @param w0        weight of every unobserved pair (the Gramian term)
 * @param lambda    L2 regularisation (plain when nu = 0)
 * @param nu        frequency scaling of lambda: λ_u = lambda·(|I(u)| + w0·n)^nu (0: off)
 * @param cgSteps   conjugate-gradient steps per row and half-sweep (warm-started)
 * @param sweeps    full sweeps (user step then item step)
 * @param seed      seed of the initial factors
 * @param initStd   standard deviation of the initial factors' entries (normal, mean 0)
 * @param evalEvery evaluate every this many sweeps (0: only at the end)
 */
public record IalsConfig(int dim, float alpha, float w0, float lambda, float nu, int cgSteps, int sweeps, long seed,
                         float initStd, int evalEvery) {
    public IalsConfig {
        if (dim < 1 || sweeps < 0 || !(initStd >= 0 && Float.isFinite(initStd)) || evalEvery < 0) {
            throw new IllegalArgumentException("IalsConfig: bad settings dim=" + dim + " sweeps=" + sweeps + " initStd="
                    + initStd + " evalEvery=" + evalEvery + " (need dim >= 1, sweeps >= 0, initStd >= 0, evalEvery >= 0)");
        }
        params(alpha, w0, lambda, nu, cgSteps); // validates the rest
    }

    /** The tuned Gowalla setting: d 64, alpha 3, w0 0.1, plain lambda 0.1, 3 CG steps, 10 sweeps (recall@20 ~0.151). */
    public static IalsConfig gowallaDefaults() {
        return new IalsConfig(64, 3f, 0.1f, 0.1f, 0f, 3, 10, 2020, 0.01f, 0);
    }

    private static AlsParams params(float alpha, float w0, float lambda, float nu, int cgSteps) {
        return new AlsParams(alpha, w0, lambda, nu, cgSteps);
    }

    /** The per-half-sweep hyper-parameters. */
    public AlsParams params() {
        return params(alpha, w0, lambda, nu, cgSteps);
    }

    public IalsConfig withSweeps(int s) {
        return new IalsConfig(dim, alpha, w0, lambda, nu, cgSteps, s, seed, initStd, evalEvery);
    }
}
