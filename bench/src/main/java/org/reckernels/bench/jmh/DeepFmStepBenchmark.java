package org.reckernels.bench.jmh;

import java.util.Arrays;
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
import org.reckernels.backend.EmbeddingBags.SparseOptimizer;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.data.ctr.CtrDataset;
import org.reckernels.data.ctr.SyntheticCtr;
import org.reckernels.model.DeepFM;

/**
 * One DeepFM training step (fused FM passes + MLP forward/backward + Adam + sparse Adagrad) on the Java backend,
 * 39 fields, d = 16, planted-FM data; batches walk a shuffled order. {@code default}: train deepfm's hidden 64-32 at
 * batch 2048; {@code issue}: the issue's 400-400-400 at batch 4096. Samples/s = batch / score.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp "bench/target/reckernels-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * org.openjdk.jmh.Main DeepFmStepBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DeepFmStepBenchmark {
    @Param({"default", "issue"})
    public String config;

    private JavaBackend backend;
    private DeepFM model;
    private CtrDataset data;
    private int[] order;
    private int batch;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        boolean issue = config.equals("issue");
        batch = issue ? 4096 : 2048;
        int[] hidden = issue ? new int[] {400, 400, 400} : new int[] {64, 32};
        int n = batch * 32;
        data = SyntheticCtr.generate(SyntheticCtr.Spec.defaults(n, 7)).data();
        order = new int[n];
        Arrays.setAll(order, i -> i);
        Random rnd = new Random(1);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        backend = new JavaBackend();
        model = DeepFM.create(backend, data.vocab(), 16, SparseOptimizer.adagrad(0.05f, 1e-6f), 0.03f, 0.01f,
                new DeepFM.DeepSpec(hidden, 1e-3f, 0f), 1);
    }

    @Benchmark
    public double step() {
        double loss = model.trainStep(data.ids(), order, next, batch, data.labels());
        next = next + 2 * batch > order.length ? 0 : next + batch;
        return loss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        backend.close();
    }
}
