package org.reckernels.backend;

/**
 * The bias-corrected step factors of Adam (torch.optim.Adam) at step t, computed once on the host
 * for every backend's kernel:
 * <pre>
 *   c1 = lr / (1 − β1^t)          (scales m)
 *   c2 = 1 / sqrt(1 − β2^t)       (scales sqrt(v))
 *   p −= c1 · m / (sqrt(v) · c2 + eps)
 * </pre>
 */
public record AdamStep(float c1, float c2) {
    public static AdamStep of(float lr, float beta1, float beta2, long step) {
        return new AdamStep((float) (lr / (1.0 - Math.pow(beta1, step))), (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, step))));
    }
}
