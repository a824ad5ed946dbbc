package org.reckernels.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Facts about the run for results files: the git commit (or RECKERNELS_COMMIT). */
public final class Env {
    private Env() {
    }

    /** Short commit hash: env RECKERNELS_COMMIT (set by the GPU bundle), else git, else "unknown". */
    public static String commit() {
        String c = System.getenv("RECKERNELS_COMMIT");
        if (c != null && !c.isBlank()) {
            return c.trim();
        }
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
                return out;
            }
        } catch (IOException e) {
            // no git here (the GPU machine): fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }
}
