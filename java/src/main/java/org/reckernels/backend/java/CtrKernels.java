package org.reckernels.backend.java;

import java.lang.foreign.MemorySegment;

/**
 * Inner loops of the embedding-bag, sparse-optimizer and FM ops on the Java backend ({@link CtrOps}
 * splits the work). Two implementations, chosen with {@link HostKernels}: {@link VectorCtrKernels}
 * (Vector API) and {@link ScalarCtrKernels}. Offsets are in floats; segments are float32 row-major.
 */
interface CtrKernels {

    String describe();

    /** {@code y[yo .. yo+d) = a·x[xo .. xo+d)}. */
    void scaleCopy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int d);

    /** {@code y[yo .. yo+d) += a·x[xo .. xo+d)} (one fused multiply-add per element). */
    void axpy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int d);

    /** {@code y[yo .. yo+d) = 0}. */
    void zero(MemorySegment y, long yo, int d);

    /** Σ_j g[go + j]² as a float sum. */
    float sumSquares(MemorySegment g, long go, int d);

    /** Adagrad on one row: {@code h += g²;  w −= lr·g / (sqrt(h) + eps)}. */
    void adagradRow(MemorySegment w, long wo, MemorySegment h, long ho, MemorySegment g, long go, int d, float lr,
                    float eps);

    /** {@code w −= coef·g} (SGD, and row-wise Adagrad with coef = lr / (sqrt(h_r) + eps)). */
    void stepRow(MemorySegment w, long wo, MemorySegment g, long go, int d, float coef);

    /** Adam on one row with {@code c1 = lr/(1−β1^t)}, {@code c2 = 1/sqrt(1−β2^t)} (as rk_adam_f32). */
    void adamRow(MemorySegment w, long wo, MemorySegment m, MemorySegment v, long so, MemorySegment g, long go, int d,
                 float beta1, float beta2, float eps, float c1, float c2);

    /** ½ Σ_c [(Σ_f v[f·d + c])² − Σ_f v[f·d + c]²] for the fields·d floats at base. */
    float fmInteraction(MemorySegment v, long base, int fields, int d);

    /** {@code gv[gbase + f·d + c] = g·(Σ_h v[base + h·d + c] − v[base + f·d + c])}. */
    void fmGrad(MemorySegment v, long base, int fields, int d, float g, MemorySegment gv, long gbase);

    /**
     * The fused FM forward of one sample (one row per field, gathered in place): with rows
     * {@code r_f = rows[first + f·stride]}, writes {@code S = Σ_f v[r_f·d ..]} to {@code s[so .. so+d)} and
     * returns {@code ½ Σ_c [S_c² − Σ_f v[r_f·d + c]²]}, summing in the order of {@link #fmInteraction} and
     * {@link #fmGrad} (so the result equals theirs on the gathered rows, bit for bit).
     */
    float fmGatherSum(MemorySegment v, int[] rows, int first, int stride, int fields, int d, float[] s, int so);

    /**
     * The fused FM backward of one field over a batch: for i in [0, b) ascending, with
     * {@code r = rows[rowFirst + i·rowStride]}, its slot (assigned in order of first appearance through
     * {@code slotOfRow}, recorded in {@code rowOfSlot[slotFirst + slot]}) and
     * {@code gr = grad[i]·(sums[i·d ..] − v[r·d ..]) + l2·v[r·d ..]} (the l2 term only when l2 != 0, added as
     * {@code axpby} adds it): {@code acc[(slotFirst + slot)·d ..] = gr} on the row's first appearance, else
     * {@code += gr}; {@code accW[slotFirst + slot]} likewise sums grad[i]. The roundings are those of
     * {@link #fmGrad} followed by the embedding-bag backward's accumulation. Returns the slot count.
     */
    int fmAccumulateField(MemorySegment v, int[] rows, int rowFirst, int rowStride, int b, float[] sums, float[] grad,
                          float l2, int[] slotOfRow, int[] rowOfSlot, int slotFirst, float[] acc, float[] accW, int d);

    /**
     * {@link #fmGatherSum} with stride 1 that also copies the gathered rows into {@code pooled}: field f's row to
     * floats {@code [po + f·d, po + (f+1)·d)} (DeepFM's MLP input, written while the rows are in registers).
     */
    float fmGatherSumCopy(MemorySegment v, int[] rows, int first, int fields, int d, float[] s, int so,
                          MemorySegment pooled, long po);

    /**
     * {@link #fmAccumulateField} with one more gradient per sample, {@code extra[eo + i·eStride .. +d)} (DeepFM's MLP
     * input gradient for this field), added after the FM term and before the l2 term:
     * {@code gr = (grad[i]·(sums − v) + extra) + l2·v}, the order DeepFM's general path adds them in.
     */
    int fmAccumulateFieldExtra(MemorySegment v, int[] rows, int rowFirst, int rowStride, int b, float[] sums,
                               float[] grad, float l2, int[] slotOfRow, int[] rowOfSlot, int slotFirst, float[] acc,
                               float[] accW, int d, MemorySegment extra, long eo, long eStride);
}
