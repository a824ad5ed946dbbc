package org.reckernels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest extends CommandTestBase {
    @Test
    void infoOnJavaNamesBackendReasonAndKernels() {
        assertEquals(0, run("info", "--backend", "java"));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("backend:  java"), s);
        assertTrue(s.contains("reason:   java requested"), s);
        assertTrue(s.contains("spmm_csr_f32"), s);
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
        assertEquals(1, run("info", "--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bogus"));
    }
}
