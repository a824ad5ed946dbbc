package org.reckernels.backend.cuda;

import static org.reckernels.backend.cuda.Launch.ptr;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import org.reckernels.tensor.CsrMatrix;

/**
 * Builds the normalised bipartite adjacency Â of LightGCN / NGCF on the device from the
 * interaction CSR R (kernels/adjacency.cu; CUB sort and scan from native/scan.cu):
 * <pre>
 *   R: (U x I) CSR, N entries   →   Â: (U + I) x (U + I) CSR, 2N entries, users first
 * </pre>
 * Only R travels host → device (rows + 1 longs, N ints), not the 2N columns and values of Â.
 * Scratch (4N + U + I ints and the CUB temp) lives for one build and is freed after the stream
 * drains. The result equals {@code graph.NormalizedAdjacency.build(r)} entry for entry.
 */
final class AdjacencyBuilder {
    static final String EXPAND = "rk_adj_expand_i32";
    static final String VALUES = "rk_adj_values_f32";
    /** The same limit as the host builder: 2N entries must index with int32 arithmetic. */
    static final long MAX_INTERACTIONS = (Integer.MAX_VALUE - 8) / 2;

    private final CudaContext ctx;
    private final KernelModule module;

    AdjacencyBuilder(CudaContext ctx, KernelModule module) {
        this.ctx = ctx;
        this.module = module;
    }

    static List<String> entryPoints() {
        return List.of(EXPAND, VALUES);
    }

    /** Radix-sort bits for keys in [0, items): at least 1, at most 31. */
    static int sortBits(int items) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(items - 1, 1)));
    }

    /** Â for R on the device; the context must be current. */
    DeviceCsr build(CudaBackend owner, CsrMatrix r) {
        int users = Math.toIntExact(r.rows());
        int items = Math.toIntExact(r.cols());
        int n = Math.addExact(users, items);
        long pairs = r.nnz();
        if (pairs > MAX_INTERACTIONS) {
            throw new IllegalArgumentException("normalizedAdjacency: " + pairs + " interactions exceed the builder's limit ("
                    + MAX_INTERACTIONS + ")");
        }
        int np = (int) pairs;
        List<DeviceBuffer> scratch = new ArrayList<>();
        DeviceBuffer aPtr = null;
        DeviceBuffer aCol = null;
        DeviceBuffer aVal = null;
        try {
            DeviceBuffer rPtr = keep(scratch, DeviceBuffer.allocate(ctx, ((long) users + 1) * Long.BYTES));
            rPtr.copyFromHost(r.rowPtrSegment());
            DeviceBuffer rCol = keep(scratch, DeviceBuffer.allocate(ctx, pairs * Integer.BYTES));
            rCol.copyFromHost(r.colIdxSegment().asSlice(0, pairs * Integer.BYTES));
            DeviceBuffer deg = keep(scratch, DeviceBuffer.allocate(ctx, (long) n * Integer.BYTES));
            DeviceBuffer pairItem = keep(scratch, DeviceBuffer.allocate(ctx, pairs * Integer.BYTES));
            DeviceBuffer pairUser = keep(scratch, DeviceBuffer.allocate(ctx, pairs * Integer.BYTES));
            DeviceBuffer sortedItem = keep(scratch, DeviceBuffer.allocate(ctx, pairs * Integer.BYTES));
            DeviceBuffer sortedUser = keep(scratch, DeviceBuffer.allocate(ctx, pairs * Integer.BYTES));
            aCol = DeviceBuffer.allocate(ctx, 2 * pairs * Integer.BYTES);
            aVal = DeviceBuffer.allocate(ctx, 2 * pairs * Float.BYTES);
            if (n > 0) {
                CudaException.check(cuMemsetD32Async(deg.ptr(), 0, n, ctx.stream()), "cuMemsetD32Async", n + " degrees");
            }
            int grid = TrainingLauncher.warpPerItemGrid(Math.max(users, 1));
            if (users > 0) {
                launch(EXPAND, grid, ptr(rPtr.address()), ptr(rCol.address()), Pointer.to(new int[] {users}),
                        ptr(deg.address()), ptr(aCol.address()), ptr(pairItem.address()), ptr(pairUser.address()));
            }
            NativeBindings nat = NativeBindings.get();
            if (np > 0) {
                long sortTemp = nat.sortPairsTempBytes(np);
                DeviceBuffer temp = keep(scratch, DeviceBuffer.allocate(ctx, sortTemp));
                nat.sortPairs(temp.address(), temp.byteSize(), pairItem.address(), sortedItem.address(), pairUser.address(),
                        sortedUser.address(), np, sortBits(items), ctx.stream().address());
                ctx.afterLaunch("rk_sort_pairs_i32");
            }
            long scanTemp = nat.rowPtrFromDegreesTempBytes(n);
            DeviceBuffer temp = keep(scratch, DeviceBuffer.allocate(ctx, scanTemp));
            aPtr = DeviceBuffer.allocate(ctx, ((long) n + 1) * Long.BYTES);
            nat.rowPtrFromDegrees(temp.address(), temp.byteSize(), deg.address(), aPtr.address(), n, ctx.stream().address());
            ctx.afterLaunch("rk_row_ptr_from_degrees");
            if (np > 0) {
                launch(VALUES, TrainingLauncher.warpPerItemGrid(Math.max(users, (pairs + 31) / 32)), ptr(rPtr.address()),
                        Pointer.to(new int[] {users}), ptr(deg.address()), ptr(sortedItem.address()),
                        ptr(sortedUser.address()), Pointer.to(new long[] {pairs}), ptr(aCol.address()),
                        ptr(aVal.address()));
            }
            ctx.synchronize("normalizedAdjacency before freeing its scratch");
            return DeviceCsr.adopt(owner, n, n, 2 * pairs, aPtr, aCol, aVal);
        } catch (RuntimeException e) {
            for (DeviceBuffer b : new DeviceBuffer[] {aPtr, aCol, aVal}) {
                closeQuietly(b, e);
            }
            throw e;
        } finally {
            for (DeviceBuffer b : scratch) {
                closeQuietly(b, null);
            }
        }
    }

    private static DeviceBuffer keep(List<DeviceBuffer> scratch, DeviceBuffer b) {
        scratch.add(b);
        return b;
    }

    private static void closeQuietly(DeviceBuffer b, RuntimeException into) {
        if (b == null) {
            return;
        }
        try {
            b.close();
        } catch (RuntimeException suppressed) {
            if (into != null) {
                into.addSuppressed(suppressed);
            }
        }
    }


    private void launch(String entry, int grid, Pointer... args) {
        Launch.run(ctx, module, entry, grid, TrainingLauncher.BLOCK, args);
    }
}
