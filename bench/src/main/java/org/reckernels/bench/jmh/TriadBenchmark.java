package org.reckernels.bench.jmh;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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

/**
 * STREAM triad {@code a[i] = b[i] + s*c[i]} over three double arrays of {@code n} elements each
 * (default 2^25, 256 MiB per array: far beyond any cache), split into one contiguous block per
 * core and run on a pool of all cores. Bytes per call, as STREAM counts them: {@code 24 n}
 * (read b and c, write a; write-allocate traffic not counted). This is the CPU's measured
 * memory bandwidth that {@code bw_fraction} of CPU benchmarks divides by.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TriadBenchmark {
    public static final int BYTES_PER_ELEMENT = 3 * Double.BYTES;

    @Param({"33554432"})
    public int n;

    private double[] a;
    private double[] b;
    private double[] c;
    private ForkJoinPool pool;
    private int threads;

    @Setup(Level.Trial)
    public void setup() {
        threads = Runtime.getRuntime().availableProcessors();
        pool = new ForkJoinPool(threads);
        a = new double[n];
        b = new double[n];
        c = new double[n];
        // first touch from the pool, block by block, as the timed loop will
        pool.submit(() -> IntStream.range(0, threads).parallel().forEach(t -> {
            for (int i = lo(t); i < lo(t + 1); i++) {
                a[i] = 0;
                b[i] = 1 + i % 7;
                c[i] = 2 + i % 5;
            }
        })).join();
    }

    private int lo(int t) {
        return (int) ((long) n * t / threads);
    }

    @Benchmark
    public double triad() {
        final double s = 3.0;
        pool.submit(() -> IntStream.range(0, threads).parallel().forEach(t -> {
            double[] aa = a;
            double[] bb = b;
            double[] cc = c;
            for (int i = lo(t), end = lo(t + 1); i < end; i++) {
                aa[i] = bb[i] + s * cc[i];
            }
        })).join();
        return a[n - 1];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }
}
