package org.reckernels.backend.java;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The Java backend's worker pool: a fork-join pool of {@code reckernels.threads} threads
 * (default: all available processors). Ops split their work into chunks and call {@link #forEach}.
 */
final class Parallel implements AutoCloseable {
    private final ForkJoinPool pool;
    private final int threads;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("reckernels.threads = " + threads + ": must be >= 1");
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    static int defaultThreads() {
        String v = System.getProperty("reckernels.threads");
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property reckernels.threads = '" + v + "': not an integer", e);
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for i in [0, tasks), in parallel, and waits for all. */
    void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (pool == null || tasks == 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        pool.invoke(ForkJoinTask.adapt(() -> {
            List<ForkJoinTask<?>> forks = new ArrayList<>(tasks);
            for (int i = 1; i < tasks; i++) {
                final int t = i;
                forks.add(ForkJoinTask.adapt(() -> body.accept(t)).fork());
            }
            body.accept(0);
            for (int i = forks.size() - 1; i >= 0; i--) {
                forks.get(i).join();
            }
        }));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
