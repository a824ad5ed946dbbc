package org.reckernels.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.reckernels.backend.cuda.CudaProbe;

/**
 * Marks a test class that needs a GPU: tagged {@code gpu} (ci/gpu-check.sh selects these) and
 * disabled, with the probe's reason, where CUDA cannot run — so reports show it as skipped
 * rather than as zero tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(GpuTest.Condition.class)
public @interface GpuTest {

    /** Enabled only when {@link CudaProbe} finds a usable GPU. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            CudaProbe.Result probe = CudaProbe.probe();
            return probe.available() ? ConditionEvaluationResult.enabled("GPU: " + probe.reason())
                    : ConditionEvaluationResult.disabled("no usable GPU: " + probe.reason());
        }
    }
}
