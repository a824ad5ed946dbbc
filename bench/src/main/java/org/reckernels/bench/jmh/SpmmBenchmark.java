package org.reckernels.bench.jmh;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.bench.BenchGraphs;
import org.reckernels.tensor.CsrMatrix;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;
import org.reckernels.tensor.SparseMatrix;

/**
 * {@code Y = Â·X} on the Java backend, Â the normalised adjacency of a user-item graph
 * ({@link BenchGraphs}), X random {@code n x d}. One invocation is one full SpMM.
 * Correctness is checked once by {@link org.reckernels.bench.CpuBench} before it runs JMH.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SpmmBenchmark {
    /** synthetic, or gowalla when ../shared/data/gowalla/train.txt exists. */
    @Param({"synthetic"})
    public String graph;

    @Param({"64"})
    public int d;

    private JavaBackend backend;
    private CsrMatrix host;
    private SparseMatrix a;
    private Matrix x;
    private Matrix y;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        host = BenchGraphs.normalizedAdjacency(BenchGraphs.load(graph));
        backend = new JavaBackend();
        a = backend.upload(host);
        try (HostMatrix hx = randomMatrix(host.cols(), d, 42)) {
            x = backend.upload(hx);
        }
        y = backend.allocate(host.rows(), d);
    }

    @Benchmark
    public Matrix spmm() {
        backend.spmm(a, x, y);
        backend.synchronize();
        return y;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        y.close();
        x.close();
        a.close();
        host.close();
        backend.close();
    }

    /** A {@code rows x cols} matrix of uniform values in [-1, 1), deterministic by seed. */
    public static HostMatrix randomMatrix(long rows, long cols, long seed) {
        HostMatrix m = HostMatrix.zeros(rows, cols);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0, n = rows * cols; i < n; i++) {
            m.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextDouble() * 2 - 1));
        }
        return m;
    }
}
