package org.reckernels.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where cuBLAS is looked for and what the failure says; runs without a GPU or cuBLAS. */
class CublasLocatorTest {

    @Test
    void failureNamesEveryPathTriedAndTheProperty(@TempDir Path tmp) throws IOException {
        Path prop = tmp.resolve("from-property");
        Path cudaHome = tmp.resolve("cuda");
        Path ld1 = tmp.resolve("ld1");
        Path ld2 = tmp.resolve("ld2");
        Path wheels = tmp.resolve("usr-lib");
        Path site = wheels.resolve("python3.12").resolve("site-packages");
        Files.createDirectories(site.resolve("nvidia").resolve("cublas").resolve("lib"));
        CublasLocator.Sources s = new CublasLocator.Sources(prop.toString(), cudaHome.toString(), ld1 + ":" + ld2 + ":",
                List.of(wheels, tmp.resolve("absent-root")), false);

        CudaException e = assertThrows(CudaException.class, () -> CublasLocator.load(s));
        String m = e.getMessage();
        assertTrue(m.contains("-D" + CublasLocator.PROPERTY + "="), m);
        assertTrue(m.contains("reckernels.cublas.path"), m);
        for (Path dir : List.of(prop, cudaHome.resolve("lib64"), ld1, ld2, site.resolve("nvidia/cublas/lib"))) {
            assertTrue(m.contains(dir.resolve("libcublas.so.13").toString()), dir + " (13) missing from:\n" + m);
            assertTrue(m.contains(dir.resolve("libcublas.so.12").toString()), dir + " (12) missing from:\n" + m);
        }
        assertEquals(-1, e.code());
    }

    @Test
    void searchOrderIsPropertyCudaHomeLdPathThenWheels(@TempDir Path tmp) throws IOException {
        Path wheels = tmp.resolve("local-lib");
        Files.createDirectories(wheels.resolve("python3.11"));
        CublasLocator.Sources s = new CublasLocator.Sources("/p", "/cuda", "/a:/b", List.of(wheels), false);
        List<Path> places = CublasLocator.places(s);
        assertEquals(Path.of("/p"), places.get(0));
        assertEquals(Path.of("/cuda/lib64"), places.get(1));
        assertEquals(Path.of("/a"), places.get(2));
        assertEquals(Path.of("/b"), places.get(3));
        assertEquals(wheels.resolve("python3.11/site-packages/nvidia/cublas/lib"), places.get(4));
        List<Path> files = CublasLocator.candidates(s);
        assertEquals(Path.of("/p/libcublas.so.13"), files.get(0));
        assertEquals(Path.of("/p/libcublas.so.12"), files.get(1));
    }

    @Test
    void aPropertyNamingAFileIsTriedAsThatFile(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("libcublas.so.13.1.0"), "placeholder");
        CublasLocator.Sources s = new CublasLocator.Sources(file.toString(), null, null, List.of(), false);
        List<Path> files = CublasLocator.candidates(s);
        assertEquals(file, files.get(0));
        assertEquals(Path.of("/usr/local/cuda/lib64/libcublas.so.13"), files.get(1));
    }
}
