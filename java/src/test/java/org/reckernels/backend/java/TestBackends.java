package org.reckernels.backend.java;

/**
 * The Java backends the op contracts run on, shared by every contract test class of the JVM (their
 * fork-join workers are daemon threads, so nothing needs closing). The scalar one uses another
 * pool size on purpose, so that results are checked under two work splits.
 */
final class TestBackends {
    static final JavaBackend VECTOR = new JavaBackend(2, new VectorKernels());
    static final JavaBackend SCALAR = new JavaBackend(3, new ScalarKernels());

    private TestBackends() {
    }
}
