package org.reckernels.backend.cuda;

import static jcuda.driver.JCudaDriver.cuFuncGetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction_attribute;
import org.reckernels.backend.SgnsJob;

/**
 * Launches {@code kernels/sgns.cu}: one launch per epoch of
 * <pre>
 *   rk_sgns_epoch_f32(float* in, float* out, const int* ids, const int* starts, int num_seq,
 *                     long long total_tokens, const float* keep, const float* alias_prob,
 *                     const int* alias_idx, int v, int d, int window, int negative, int whole_sequence,
 *                     float alpha0, float min_alpha, int epoch, int epochs, unsigned long long seed,
 *                     float* loss_sum)
 * </pre>
 * blockDim 128, one block per sequence (grid-stride; grid = min(sequences, {@link #MAX_GRID})),
 * dynamic shared memory {@link #sharedBytes}. The corpus, keep-probabilities and alias table are
 * uploaded once per training run. Arguments were validated by {@link SgnsJob} and CudaBackend.
 * GPU-unverified in the session that wrote it (no device there): the @Tag("gpu") test checks it.
 */
final class SgnsLauncher {
    static final String EPOCH = "rk_sgns_epoch_f32";
    static final int BLOCK = 128;
    static final int MAX_CTX = 16;
    static final int MAX_SEQ = 1000;
    /** Concurrent blocks bound the Hogwild staleness; a few per SM on an H100 (132 SMs). */
    static final int MAX_GRID = 1024;
    /**
     * The default per-block shared-memory limit (no opt-in). It bounds static + dynamic shared memory together:
     * the kernel's own {@code __shared__} variables (s_len, s_m, s_n, s_q, s_loss: 32 bytes) come out of it, so
     * the dynamic part may use at most {@code MAX_SHARED - static} bytes (the function's
     * CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES); more fails the launch with CUDA_ERROR_INVALID_VALUE.
     */
    static final int MAX_SHARED = 48 * 1024;
    /** The kernel's static {@code __shared__} bytes (4 ints + kWarps floats), assumed where the driver is not asked. */
    static final int STATIC_SHARED = 4 * 4 + 4 * (BLOCK / 32);

    private final CudaContext ctx;
    private final KernelModule module;

    SgnsLauncher(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(EPOCH);
    }

    /** Dynamic shared memory of one block: tile + Δout (2·(k+1)·d floats), G, sequence buffers, ids. */
    static long sharedBytes(int d, int negative) {
        long m = negative + 1L;
        return 4L * (2 * m * d + MAX_CTX * m + 2L * MAX_SEQ + m + MAX_CTX);
    }

    /**
     * Throws unless {@code shared} dynamic bytes fit {@code maxDynamic}, the most the kernel may take (the
     * 48 KiB block limit less its static shared memory).
     */
    static void checkShared(int d, int negative, long shared, long maxDynamic) {
        if (shared > maxDynamic) {
            throw new IllegalArgumentException("sgnsTrain (cuda): d = " + d + " with " + negative + " negatives needs " + shared
                    + " bytes of dynamic shared memory per block, more than the " + maxDynamic + " the kernel may take ("
                    + MAX_SHARED + " less its static shared memory)");
        }
    }

    /** Host copy of the kernel's counter-based draw (rk::sgns::draw), for tests. */
    static long draw(long seed, int epoch, long pos, int stream) {
        long key = mix64(seed + 0x9E3779B97F4A7C15L * (epoch + 1L));
        key = mix64(key ^ (pos * 0xD1B54A32D192ED03L));
        return mix64(key + 0x632BE59BD9B4E019L * (stream + 1L));
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    SgnsJob.SgnsResult train(DeviceMatrix in, DeviceMatrix out, SgnsJob job, int maxGrid) {
        int d = Math.toIntExact(in.cols());
        int v = job.negatives().size();
        long shared = sharedBytes(d, job.negative());
        int[] maxDynamic = {MAX_SHARED - STATIC_SHARED};
        CudaException.check(cuFuncGetAttribute(maxDynamic, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                module.function(EPOCH)), "cuFuncGetAttribute(" + EPOCH + ", MAX_DYNAMIC_SHARED_SIZE_BYTES)");
        checkShared(d, job.negative(), shared, maxDynamic[0]);
        int[] starts = job.starts();
        for (int s = 0; s + 1 < starts.length; s++) {
            if (starts[s + 1] - starts[s] > MAX_SEQ) {
                throw new IllegalArgumentException("sgnsTrain (cuda): sequence " + s + " has " + (starts[s + 1] - starts[s])
                        + " tokens; the kernel takes at most " + MAX_SEQ + " (SequenceCorpus splits longer ones)");
            }
        }
        int numSeq = starts.length - 1;
        long t0 = System.nanoTime();
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer ids = upload(arena, job.ids());
             DeviceBuffer st = upload(arena, starts);
             DeviceBuffer keep = upload(arena, job.keep());
             DeviceBuffer prob = upload(arena, job.negatives().prob());
             DeviceBuffer alias = upload(arena, job.negatives().alias());
             DeviceBuffer loss = upload(arena, new float[1])) {
            int grid = Math.max(1, Math.min(numSeq, maxGrid));
            for (int epoch = 0; epoch < job.epochs() && numSeq > 0; epoch++) {
                Pointer args = Pointer.to(ptr(in.address()), ptr(out.address()), ptr(ids.address()), ptr(st.address()),
                        Pointer.to(new int[] {numSeq}), Pointer.to(new long[] {job.ids().length}), ptr(keep.address()),
                        ptr(prob.address()), ptr(alias.address()), Pointer.to(new int[] {v}), Pointer.to(new int[] {d}),
                        Pointer.to(new int[] {job.window()}), Pointer.to(new int[] {job.negative()}),
                        Pointer.to(new int[] {job.wholeSequence() ? 1 : 0}), Pointer.to(new float[] {job.alpha()}),
                        Pointer.to(new float[] {job.minAlpha()}), Pointer.to(new int[] {epoch}),
                        Pointer.to(new int[] {job.epochs()}), Pointer.to(new long[] {job.seed()}), ptr(loss.address()));
                CudaException.check(cuLaunchKernel(module.function(EPOCH), grid, 1, 1, BLOCK, 1, 1, (int) shared, ctx.stream(),
                        args, null), "cuLaunchKernel(" + EPOCH + ")", "grid " + grid + ", block " + BLOCK + ", shared " + shared);
                ctx.afterLaunch(EPOCH);
                if (job.progress() != null) {
                    ctx.synchronize(EPOCH);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    long done = job.words() * (epoch + 1);
                    job.progress().accept(new SgnsJob.SgnsProgress(done, job.words() * job.epochs(), sec,
                            Math.max(job.minAlpha(), job.alpha() - (job.alpha() - job.minAlpha()) * (epoch + 1f) / job.epochs()), Double.NaN));
                }
            }
            MemorySegment l = arena.allocate(4);
            loss.copyToHost(l);
            ctx.synchronize(EPOCH);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new SgnsJob.SgnsResult(job.words() * job.epochs(), seconds, l.get(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    private DeviceBuffer upload(Arena arena, int[] a) {
        MemorySegment s = arena.allocate(Math.max(4L, 4L * a.length), 64);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_INT, 0, a.length);
        DeviceBuffer b = DeviceBuffer.allocate(ctx, s.byteSize());
        b.copyFromHost(s);
        return b;
    }

    private DeviceBuffer upload(Arena arena, float[] a) {
        MemorySegment s = arena.allocate(Math.max(4L, 4L * a.length), 64);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
        DeviceBuffer b = DeviceBuffer.allocate(ctx, s.byteSize());
        b.copyFromHost(s);
        return b;
    }

    private static Pointer ptr(long address) {
        return Pointer.to(new long[] {address});
    }
}
