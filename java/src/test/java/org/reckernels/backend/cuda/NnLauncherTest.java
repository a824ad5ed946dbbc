package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The dense-layer launcher names kernels that kernels/nn.cu defines (CPU only). */
class NnLauncherTest {
    @Test
    void entryPointsAreDefinedInNnCu() throws IOException {
        Path src = Path.of("..", "kernels", "nn.cu");
        String cu = Files.readString(src);
        for (String e : NnLauncher.entryPoints()) {
            assertTrue(e.startsWith("rk_nn_") && e.endsWith("_f32"), e);
            assertTrue(cu.contains("extern \"C\" __global__ void " + e + "("), e + " is not defined in " + src);
        }
    }
}
