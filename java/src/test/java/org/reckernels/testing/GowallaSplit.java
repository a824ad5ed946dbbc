package org.reckernels.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the shared Gowalla split (train.txt, test.txt), and a skip when it is absent. */
public final class GowallaSplit {
    private GowallaSplit() {
    }

    /**
     * {@code -Dreckernels.data.gowalla=DIR}, else the first {@code ../shared/data/gowalla} holding a train.txt,
     * looking from the working directory upwards.
     */
    public static Path dir() {
        String prop = System.getProperty("reckernels.data.gowalla");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        // Surefire runs in java/; the project root is its parent.
        Path here = Path.of("").toAbsolutePath();
        for (Path root = here; root != null; root = root.getParent()) {
            Path p = root.resolve("../shared/data/gowalla").normalize();
            if (Files.isRegularFile(p.resolve("train.txt"))) {
                return p;
            }
        }
        return here.resolve("../shared/data/gowalla").normalize();
    }

    /** {@link #dir()}, skipping the calling test unless both train.txt and test.txt are there. */
    public static Path dirOrSkip() {
        Path dir = dir();
        assumeTrue(Files.isRegularFile(dir.resolve("train.txt")) && Files.isRegularFile(dir.resolve("test.txt")),
                "Gowalla split not found at " + dir);
        return dir;
    }
}
