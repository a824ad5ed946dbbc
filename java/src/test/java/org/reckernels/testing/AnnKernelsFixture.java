package org.reckernels.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.reckernels.backend.AnnKernels;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.backend.java.JavaBackend;
import org.reckernels.reference.AnnReferenceKernels;

/**
 * The {@link AnnKernels} that an ANN or top-k contract test class runs against, opened before its
 * tests and closed after them. Register it on the test class:
 * <pre>
 *   &#64;RegisterExtension
 *   static final AnnKernelsFixture FIXTURE = AnnKernelsFixture.cuda();   // or reference()
 * </pre>
 * With {@link GpuTest} on the class, nothing is opened where no GPU can run.
 */
public final class AnnKernelsFixture implements BeforeAllCallback, AfterAllCallback {
    private final boolean cuda;
    private AutoCloseable backend;
    private AnnKernels kernels;

    private AnnKernelsFixture(boolean cuda) {
        this.cuda = cuda;
    }

    /** The CUDA kernels of device 0 (the backend owns them; closing the backend frees them). */
    public static AnnKernelsFixture cuda() {
        return new AnnKernelsFixture(true);
    }

    /** The CPU reference kernels over a two-thread Java backend. */
    public static AnnKernelsFixture reference() {
        return new AnnKernelsFixture(false);
    }

    public AnnKernels kernels() {
        return kernels;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (cuda) {
            CudaBackend b = CudaBackend.open(0);
            backend = b;
            kernels = b.annKernels();
        } else {
            JavaBackend b = new JavaBackend(2);
            backend = b;
            kernels = new AnnReferenceKernels(b);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!cuda && kernels != null) {
            kernels.close();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
