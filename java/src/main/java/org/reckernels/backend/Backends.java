package org.reckernels.backend;

import java.lang.System.Logger.Level;
import java.util.Locale;
import org.reckernels.backend.cuda.CudaBackend;
import org.reckernels.backend.cuda.CudaProbe;
import org.reckernels.backend.java.JavaBackend;

/**
 * Chooses and holds the process-wide backend.
 *
 * <p>The choice comes from the system property {@code reckernels.backend}, else the environment
 * variable {@code RECKERNELS_BACKEND}, else {@code auto}: {@code auto} takes CUDA when the
 * driver loads, a device exists and the kernels were built, otherwise Java. {@code cuda} where
 * CUDA cannot run fails with the reason; it never falls back silently. The choice and its reason
 * are logged once.
 */
public final class Backends {
    public static final String PROPERTY = "reckernels.backend";
    public static final String ENV = "RECKERNELS_BACKEND";
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    /** The requested kind, validated: "auto", "java" or "cuda". */
    public static String requestedKind() {
        String v = System.getProperty(PROPERTY);
        String from = "system property " + PROPERTY;
        if (v == null || v.isBlank()) {
            v = System.getenv(ENV);
            from = "environment variable " + ENV;
        }
        if (v == null || v.isBlank()) {
            return "auto";
        }
        String kind = v.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("auto") && !kind.equals("java") && !kind.equals("cuda")) {
            throw new IllegalArgumentException(from + " = '" + v + "': expected auto, java or cuda");
        }
        return kind;
    }

    /** The process-wide backend, chosen on first use. */
    public static Backend get() {
        return Holder.INSTANCE.backend();
    }

    /** Why the process-wide backend was chosen (for logs and {@code reckernels info}). */
    public static String reason() {
        return Holder.INSTANCE.reason();
    }

    /** A chosen backend and the reason it was chosen. */
    public record Choice(Backend backend, String reason) {
    }

    /** Opens a new backend of the given kind ("auto", "java", "cuda"); the caller closes it. */
    public static Choice open(String kind) {
        return switch (kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT)) {
            case "java" -> new Choice(new JavaBackend(), "java requested");
            case "cuda" -> {
                CudaProbe.Result probe = CudaProbe.probe();
                if (!probe.available()) {
                    throw new BackendUnavailableException("CUDA backend requested but unavailable: " + probe.reason());
                }
                yield new Choice(CudaBackend.open(0), "cuda requested; " + probe.reason());
            }
            case "auto" -> {
                CudaProbe.Result probe = CudaProbe.probe();
                if (probe.available()) {
                    yield new Choice(CudaBackend.open(0), "auto: " + probe.reason());
                }
                yield new Choice(new JavaBackend(), "auto: CUDA unavailable (" + probe.reason() + "), using java");
            }
            default -> throw new IllegalArgumentException("unknown backend '" + kind + "': expected auto, java or cuda");
        };
    }

    private static final class Holder {
        static final Choice INSTANCE = choose();

        private static Choice choose() {
            Choice c = open(requestedKind());
            LOG.log(Level.INFO, "reckernels backend: {0} ({1})", c.backend().name(), c.reason());
            return c;
        }
    }
}
