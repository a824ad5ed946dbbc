package org.reckernels.backend.cuda;

import static org.reckernels.backend.cuda.Launch.ptr;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import java.util.List;
import jcuda.Pointer;
import org.reckernels.backend.EmbeddingBags;
import org.reckernels.backend.EmbeddingBags.Pooling;
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;

/**
 * Launches the table-batched embedding-bag kernels of {@code kernels/embedding.cu}.
 *
 * <pre>
 *   rk_embedding_bag_fwd_f32(const float* w, Tables tables, int T, int B, const int* indices,
 *                            const int* offsets, const float* psw, int pooling, int d, float* out)
 *       w: (R x d);  indices: (nnz);  offsets: (T·B + 1);  psw: null or (nnz)
 *       out: (B x T·d) for SUM / MEAN, (nnz x d) for NONE
 *   rk_embedding_bwd_keys(Tables tables, int T, int B, const int* indices, const int* offsets, int sentinel,
 *                         int* keys, int* vals, int* bag_of)                       keys, vals, bag_of: (nnz)
 *   rk_sort_pairs_i32 (native/, CUB): (keys, vals) → (sorted keys, sorted positions)
 *   rk_embedding_bwd_update(const int* keys, const int* pos, const int* bag_of, const int* offsets, int nnz,
 *                           int sentinel, int T, int B, const float* psw, int pooling, int d,
 *                           const float* grad_out, float* w, float* state1, float* state2, int opt,
 *                           float lr, float eps, float beta1, float beta2, float c1, float c2)
 * </pre>
 * {@code Tables} is {@code long long row_offset[257]}, passed by value (T <= {@value #MAX_TABLES}): no
 * device copy of the table offsets per call. Launch shape: blockDim = 256; forward and key kernels give
 * each bag one warp, the update kernel each group of 32 sorted positions one warp; grids capped at
 * {@link TrainingLauncher#MAX_GRID} (the kernels grid-stride). The backward's scratch (5 int32 arrays of
 * nnz plus CUB's temp storage) is one buffer kept between calls and grown when needed: no allocation in a
 * steady training step. Shapes were validated by {@link EmbeddingBags}; this class adds the limits of the
 * kernels (T <= 256, d·B·T within int where the kernels need it).
 */
final class EmbeddingLauncher implements AutoCloseable {
    static final int MAX_TABLES = 256;
    static final String FWD = "rk_embedding_bag_fwd_f32";
    static final String BWD_KEYS = "rk_embedding_bwd_keys";
    static final String BWD_UPDATE = "rk_embedding_bwd_update";

    private final CudaContext ctx;
    private final KernelModule module;
    private DeviceBuffer scratch;

    EmbeddingLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(FWD, BWD_KEYS, BWD_UPDATE);
    }

    static int poolingCode(Pooling p) {
        return switch (p) {
            case SUM -> 0;
            case MEAN -> 1;
            case NONE -> 2;
        };
    }

    static int optimizerCode(EmbeddingBags.OptimizerKind k) {
        return switch (k) {
            case SGD -> 0;
            case ADAGRAD -> 1;
            case ROWWISE_ADAGRAD -> 2;
            case ADAM -> 3;
        };
    }

    /** The by-value kernel parameter: table row offsets padded to MAX_TABLES + 1 entries. */
    static long[] tablesParam(long[] tableOffsets) {
        int tables = tableOffsets.length - 1;
        if (tables > MAX_TABLES) {
            throw new IllegalArgumentException("embedding bags on cuda: " + tables + " tables in one call; the kernels "
                    + "take at most " + MAX_TABLES + " (split the call by tables)");
        }
        long[] p = new long[MAX_TABLES + 1];
        System.arraycopy(tableOffsets, 0, p, 0, tableOffsets.length);
        for (int i = tableOffsets.length; i < p.length; i++) {
            p[i] = tableOffsets[tables];
        }
        return p;
    }

    /** Bits the radix sort needs for keys in [0, sentinel], sentinel = R (the first invalid global row). */
    static int sortBits(long sentinel) {
        return Math.max(1, 64 - Long.numberOfLeadingZeros(sentinel));
    }

    private static void checkKernelLimits(EmbeddingBags.Shape s) {
        if (s.batch() > Integer.MAX_VALUE || s.bags() >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("embedding bags on cuda: " + s.bags() + " bags (T·B) exceed the kernels' "
                    + "int32 bag ids");
        }
    }

    void forward(DeviceMatrix w, long[] tableOffsets, DeviceIndexVector indices, DeviceIndexVector offsets,
                 DeviceMatrix psw, Pooling pooling, DeviceMatrix out, EmbeddingBags.Shape s) {
        checkKernelLimits(s);
        long[] tables = tablesParam(tableOffsets);
        if (s.bags() == 0) {
            return;
        }
        launch(FWD, TrainingLauncher.warpPerItemGrid(s.bags()), ptr(w.address()), Pointer.to(tables),
                Pointer.to(new int[] {s.tables()}), Pointer.to(new int[] {(int) s.batch()}), ptr(indices.address()),
                ptr(offsets.address()), ptr(psw == null ? 0L : psw.address()), Pointer.to(new int[] {poolingCode(pooling)}),
                Pointer.to(new int[] {s.dim()}), ptr(out.address()));
    }

    synchronized void backward(DeviceMatrix w, long[] tableOffsets, DeviceIndexVector indices, DeviceIndexVector offsets,
                               DeviceMatrix psw, Pooling pooling, DeviceMatrix gradOut, SparseOptimizer opt,
                               DeviceMatrix state1, DeviceMatrix state2, long step, EmbeddingBags.Shape s) {
        checkKernelLimits(s);
        long[] tables = tablesParam(tableOffsets);
        int n = (int) s.nnz();
        if (n == 0 || s.bags() == 0) {
            return;
        }
        int sentinel = (int) w.rows(); // R < 2^31 - 1 was checked
        NativeBindings nat = NativeBindings.get();
        long tempBytes = nat.sortPairsTempBytes(n);
        long arrays = 5L * n * Integer.BYTES;
        long tempOff = (arrays + 255) / 256 * 256;
        ensureScratch(tempOff + tempBytes);
        long base = scratch.address();
        long keysIn = base;
        long valsIn = base + (long) n * 4;
        long keysOut = base + 2L * n * 4;
        long valsOut = base + 3L * n * 4;
        long bagOf = base + 4L * n * 4;
        CudaException.check(cuMemsetD32Async(scratch.ptr(), sentinel, n, ctx.stream()), "cuMemsetD32Async",
                n + " sort keys");
        int bagGrid = TrainingLauncher.warpPerItemGrid(s.bags());
        launch(BWD_KEYS, bagGrid, Pointer.to(tables), Pointer.to(new int[] {s.tables()}),
                Pointer.to(new int[] {(int) s.batch()}), ptr(indices.address()), ptr(offsets.address()),
                Pointer.to(new int[] {sentinel}), ptr(keysIn), ptr(valsIn), ptr(bagOf));
        nat.sortPairs(base + tempOff, scratch.byteSize() - tempOff, keysIn, keysOut, valsIn, valsOut, n,
                sortBits(sentinel), ctx.stream().address());
        ctx.afterLaunch("rk_sort_pairs_i32");
        float c1 = opt.kind() == EmbeddingBags.OptimizerKind.ADAM ? opt.adamC1(step) : 0f;
        float c2 = opt.kind() == EmbeddingBags.OptimizerKind.ADAM ? opt.adamC2(step) : 0f;
        launch(BWD_UPDATE, TrainingLauncher.warpPerItemGrid((n + 31L) / 32), ptr(keysOut), ptr(valsOut), ptr(bagOf),
                ptr(offsets.address()), Pointer.to(new int[] {n}), Pointer.to(new int[] {sentinel}),
                Pointer.to(new int[] {s.tables()}), Pointer.to(new int[] {(int) s.batch()}),
                ptr(psw == null ? 0L : psw.address()), Pointer.to(new int[] {poolingCode(pooling)}),
                Pointer.to(new int[] {s.dim()}), ptr(gradOut.address()), ptr(w.address()),
                ptr(state1 == null ? 0L : state1.address()), ptr(state2 == null ? 0L : state2.address()),
                Pointer.to(new int[] {optimizerCode(opt.kind())}), Pointer.to(new float[] {opt.lr()}),
                Pointer.to(new float[] {opt.eps()}), Pointer.to(new float[] {opt.beta1()}),
                Pointer.to(new float[] {opt.beta2()}), Pointer.to(new float[] {c1}), Pointer.to(new float[] {c2}));
    }

    private void ensureScratch(long bytes) {
        if (scratch != null && scratch.byteSize() >= bytes) {
            return;
        }
        if (scratch != null) {
            ctx.synchronize("embeddingBagBackward before growing its scratch"); // earlier launches may still read it
            scratch.close();
            scratch = null;
        }
        scratch = DeviceBuffer.allocate(ctx, Math.max(bytes + bytes / 2, 1L << 20));
    }


    private void launch(String entry, int grid, Pointer... args) {
        Launch.run(ctx, module, entry, grid, TrainingLauncher.BLOCK, args);
    }

    @Override
    public synchronized void close() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
