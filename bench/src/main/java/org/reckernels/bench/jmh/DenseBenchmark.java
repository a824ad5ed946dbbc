package org.reckernels.bench.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.nn.Activation;
import org.reckernels.nn.Dense;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * One {@link Dense} layer on the Java backend at DeepFM's shapes (the first layer takes 39 fields x d 16 = 624
 * inputs): forward {@code y = relu(x·W + b)} (GEMM with the fused epilogue) and backward (weight gradient Xᵀ·G,
 * bias gradient, input gradient G·Wᵀ through the layer below's ReLU). One invocation is one batch; 2·rows·in·out
 * flops forward, 4·rows·in·out backward. Threads: {@code -Dreckernels.threads} (default all cores).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp "bench/target/reckernels-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main DenseBenchmark} (add {@code -p shape=2048x624x64} to pick one shape).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DenseBenchmark {
    /** rows x in x out: train deepfm's default layers (batch 2048, hidden 64-32) and the issue's (batch 4096, 400s). */
    @Param({"2048x624x64", "2048x64x32", "4096x624x400", "4096x400x400", "4096x400x1"})
    public String shape;

    private JavaBackend backend;
    private Dense layer;
    private Matrix x;
    private Matrix y;
    private Matrix gradY;
    private Matrix gradX;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]);
        int in = Integer.parseInt(p[1]);
        int out = Integer.parseInt(p[2]);
        backend = new JavaBackend();
        layer = new Dense(backend, in, out, out == 1 ? Activation.NONE : Activation.RELU, new Random(1));
        try (HostMatrix hx = SpmmBenchmark.randomMatrix(rows, in, 2);
             HostMatrix hg = SpmmBenchmark.randomMatrix(rows, out, 3)) {
            x = backend.upload(hx);
            gradY = backend.upload(hg);
        }
        y = backend.allocate(rows, out);
        gradX = backend.allocate(rows, in);
        layer.forward(x, y);
    }

    @Benchmark
    public Matrix forward() {
        layer.forward(x, y);
        return y;
    }

    /** Backward with the gradient already taken through this layer's activation, as inside an MLP. */
    @Benchmark
    public Matrix backward() {
        layer.backward(x, y, gradY, true, gradX, Activation.RELU, false);
        return gradX;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        layer.close();
        x.close();
        y.close();
        gradY.close();
        gradX.close();
        backend.close();
    }
}
