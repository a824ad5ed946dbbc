package org.reckernels.backend.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds and loads cuBLAS: libcublas.so.13, then libcublas.so.12, in each of these places in
 * order (the first that loads wins):
 * <ol>
 *   <li>system property {@value #PROPERTY}: a library file, or a folder holding it;</li>
 *   <li>{@code $CUDA_HOME/lib64} (else {@code /usr/local/cuda/lib64});</li>
 *   <li>each folder on {@code LD_LIBRARY_PATH};</li>
 *   <li>the nvidia Python wheel folders: {@code {/usr/lib, /usr/local/lib, ~/.local/lib}/python3*
 *       /{site,dist}-packages/nvidia/{cublas/lib, cu13/lib, cu12/lib}};</li>
 *   <li>the plain soname through the system loader (ld.so.cache, RPATH, LD_LIBRARY_PATH).</li>
 * </ol>
 * libcublas.so.N needs libcublasLt.so.N; when that lies beside the file, it is loaded first so
 * that the dynamic linker finds it by soname even where the folder is not on the search path.
 * Libraries are loaded into the global arena and stay loaded for the life of the process.
 */
final class CublasLocator {
    static final String PROPERTY = "reckernels.cublas.path";
    static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

    /**
     * Where to look; {@link #fromEnvironment()} for the real process, tests build their own.
     *
     * @param property       value of {@value #PROPERTY}, or null
     * @param cudaHome       CUDA_HOME, or null
     * @param ldLibraryPath  LD_LIBRARY_PATH, or null
     * @param pythonRoots    folders holding python3* folders (e.g. /usr/lib, ~/.local/lib)
     * @param systemLoader   whether to try the plain soname through the system loader last
     */
    record Sources(String property, String cudaHome, String ldLibraryPath, List<Path> pythonRoots, boolean systemLoader) {
        static Sources fromEnvironment() {
            String home = System.getProperty("user.home");
            List<Path> roots = new ArrayList<>(List.of(Path.of("/usr/lib"), Path.of("/usr/local/lib")));
            if (home != null) {
                roots.add(Path.of(home, ".local", "lib"));
            }
            return new Sources(System.getProperty(PROPERTY), System.getenv("CUDA_HOME"), System.getenv("LD_LIBRARY_PATH"),
                    roots, true);
        }
    }

    /** A loaded cuBLAS: its symbols and the file (or soname) it came from. */
    record Loaded(SymbolLookup lookup, String from) {
    }

    private CublasLocator() {
    }

    /** The folders (or, for the property, possibly one file) to try, in order, without duplicates. */
    static List<Path> places(Sources s) {
        Set<Path> out = new LinkedHashSet<>();
        if (s.property() != null && !s.property().isBlank()) {
            out.add(Path.of(s.property().trim()));
        }
        if (s.cudaHome() != null && !s.cudaHome().isBlank()) {
            out.add(Path.of(s.cudaHome().trim(), "lib64"));
        } else {
            out.add(Path.of("/usr/local/cuda/lib64"));
        }
        if (s.ldLibraryPath() != null) {
            for (String dir : s.ldLibraryPath().split(":")) {
                if (!dir.isBlank()) {
                    out.add(Path.of(dir.trim()));
                }
            }
        }
        for (Path root : s.pythonRoots()) {
            for (Path py : glob(root, "python3*")) {
                for (String pkgs : List.of("site-packages", "dist-packages")) {
                    Path nvidia = py.resolve(pkgs).resolve("nvidia");
                    out.add(nvidia.resolve("cublas").resolve("lib"));
                    out.add(nvidia.resolve("cu13").resolve("lib"));
                    out.add(nvidia.resolve("cu12").resolve("lib"));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The concrete files to try, in order: for each place, .so.13 then .so.12 (or the file itself). */
    static List<Path> candidates(Sources s) {
        List<Path> files = new ArrayList<>();
        for (Path place : places(s)) {
            if (Files.isRegularFile(place)) {
                files.add(place);
            } else {
                for (String soname : SONAMES) {
                    files.add(place.resolve(soname));
                }
            }
        }
        return files;
    }

    /**
     * Loads the first cuBLAS that works.
     *
     * @throws CudaException listing every path tried and why each failed, and how to point
     *                       the library at cuBLAS
     */
    static Loaded load(Sources s) {
        List<String> tried = new ArrayList<>();
        for (Path file : candidates(s)) {
            if (!Files.isRegularFile(file)) {
                tried.add(file + ": no such file");
                continue;
            }
            try {
                preloadLt(file);
                return new Loaded(SymbolLookup.libraryLookup(file, Arena.global()), file.toString());
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                tried.add(file + ": " + e.getMessage());
            }
        }
        if (s.systemLoader()) {
            for (String soname : SONAMES) {
                try {
                    return new Loaded(SymbolLookup.libraryLookup(soname, Arena.global()), soname + " (system loader)");
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    tried.add(soname + " via the system loader: " + e.getMessage());
                }
            }
        }
        throw new CudaException("cuBLAS not found: no " + String.join(" or ", SONAMES) + " could be loaded. Point to it"
                + " with -D" + PROPERTY + "=<file or folder>, or set CUDA_HOME or LD_LIBRARY_PATH, or pip install"
                + " nvidia-cublas. Tried, in order:\n  " + String.join("\n  ", tried), (Throwable) null);
    }

    /** libcublas.so.N → libcublasLt.so.N in the same folder, loaded first when present. */
    private static void preloadLt(Path cublas) {
        String name = cublas.getFileName().toString();
        if (!name.startsWith("libcublas.so")) {
            return;
        }
        Path lt = cublas.resolveSibling("libcublasLt" + name.substring("libcublas".length()));
        if (Files.isRegularFile(lt)) {
            SymbolLookup.libraryLookup(lt, Arena.global());
        }
    }

    private static List<Path> glob(Path dir, String pattern) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (IOException | SecurityException e) {
            // an unreadable folder is simply not a place to look
        }
        out.sort(null);
        return out;
    }
}
