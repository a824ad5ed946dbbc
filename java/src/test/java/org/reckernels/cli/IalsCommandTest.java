package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code reckernels train ials} on the synthetic default data, and its bad-input messages. */
class IalsCommandTest extends CommandTestBase {
    @Test
    void trainsOnSyntheticDataWithAProgressLinePerSweep() {
        assertEquals(0, run("train", "ials", "--sweeps", "3", "--dim", "16", "--alpha", "2", "--eval-every", "2",
                "--backend", "java"), err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("epoch    3/3") && s.contains("eval @ epoch 2") && s.contains("final (3 sweeps"), s);
        assertTrue(s.contains("recall@20"), s);
    }

    @Test
    void rejectsBadHyperParameters() {
        assertEquals(1, run("train", "ials", "--lambda", "0", "--backend", "java"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("lambda=0.0"), e);
        assertEquals(1, run("train", "ials", "--epochs", "3"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--epochs"), err.toString(StandardCharsets.UTF_8));
    }
}
