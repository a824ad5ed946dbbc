package org.reckernels.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.reckernels.tensor.CsrMatrix;

/**
 * The graphs the SpMM benchmarks run on: the normalised adjacency of a user-item bipartite graph,
 * as LightGCN and NGCF propagate over it.
 *
 * <pre>
 *   A   : (U+I) x (U+I), A[u][U+i] = A[U+i][u] = 1 for each interaction (u, i)
 *   Â   = D^-1/2 A D^-1/2, i.e. Â[u][U+i] = 1 / sqrt(deg(u) * deg(U+i))
 * </pre>
 * Rows are users then items; columns inside a row are sorted. nnz(Â) = 2 x interactions.
 *
 * <ul>
 *   <li>{@code synthetic}: a generated power-law graph the size of Gowalla (29,858 users, 40,981
 *       items, 810,128 interactions, so about 1.62M non-zeros). User degrees follow a Pareto law
 *       (minimum 10, mean 27.1, as Gowalla's 10-core), items are drawn from a Zipf law (exponent
 *       {@value #ITEM_ZIPF}) over a random permutation of the ids, duplicates redrawn.
 *       Deterministic for a given seed.</li>
 *   <li>{@code gowalla}: {@code ../shared/data/gowalla/train.txt} (lines {@code user item item ...}),
 *       when it exists.</li>
 * </ul>
 */
public final class BenchGraphs {
    public static final int GOWALLA_USERS = 29_858;
    public static final int GOWALLA_ITEMS = 40_981;
    public static final int GOWALLA_INTERACTIONS = 810_128;
    public static final long DEFAULT_SEED = 20_261_125L;
    static final double ITEM_ZIPF = 0.9;
    private static final int MIN_USER_DEGREE = 10;

    private BenchGraphs() {
    }

    /** A bipartite interaction graph: {@code items[u]} is user u's sorted, distinct item list. */
    public record Bipartite(String name, int users, int itemCount, int[][] items) {
        public long interactions() {
            long n = 0;
            for (int[] row : items) {
                n += row.length;
            }
            return n;
        }
    }

    /** The graph named {@code synthetic} or {@code gowalla}; gowalla needs its file. */
    public static Bipartite load(String name) throws IOException {
        return switch (name) {
            case "synthetic" -> synthetic(DEFAULT_SEED);
            case "gowalla" -> gowalla(gowallaTrain().orElseThrow(() -> new IOException(
                    "gowalla: no train.txt under " + dataDir() + " (set reckernels.data or RECKERNELS_DATA)")));
            default -> throw new IllegalArgumentException("unknown graph '" + name + "': expected synthetic or gowalla");
        };
    }

    /** The graphs available here: synthetic always, gowalla when its file exists. */
    public static List<String> available() {
        return gowallaTrain().isPresent() ? List.of("synthetic", "gowalla") : List.of("synthetic");
    }

    /** The shared data folder: property reckernels.data, env RECKERNELS_DATA, else ../shared/data. */
    public static Path dataDir() {
        String p = System.getProperty("reckernels.data", System.getenv("RECKERNELS_DATA"));
        if (p == null || p.isBlank()) {
            Path here = Path.of("../shared/data");
            // run from bench/ (Maven exec) or from the project root
            return Files.isDirectory(here) ? here : Path.of("../../shared/data");
        }
        return Path.of(p);
    }

    public static Optional<Path> gowallaTrain() {
        Path f = dataDir().resolve("gowalla/train.txt");
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /** The synthetic Gowalla-sized power-law graph (see class comment). */
    public static Bipartite synthetic(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] degree = userDegrees(rnd, GOWALLA_USERS, GOWALLA_ITEMS, GOWALLA_INTERACTIONS);
        double[] cdf = zipfCdf(GOWALLA_ITEMS, ITEM_ZIPF);
        int[] perm = permutation(rnd, GOWALLA_ITEMS);
        int[][] items = new int[GOWALLA_USERS][];
        for (int u = 0; u < GOWALLA_USERS; u++) {
            int[] row = new int[degree[u]];
            int filled = 0;
            while (filled < row.length) {
                int item = perm[sample(cdf, rnd.nextDouble())];
                if (!contains(row, filled, item)) {
                    row[filled++] = item;
                }
            }
            Arrays.sort(row);
            items[u] = row;
        }
        return new Bipartite("synthetic", GOWALLA_USERS, GOWALLA_ITEMS, items);
    }

    /** Pareto degrees (min 10), rescaled so that they sum to exactly {@code total}, each ≤ items/2. */
    private static int[] userDegrees(SplittableRandom rnd, int users, int items, long total) {
        double mean = (double) total / users;
        double alpha = mean / (mean - MIN_USER_DEGREE); // Pareto mean = alpha xmin / (alpha - 1)
        int cap = items / 2;
        double[] raw = new double[users];
        double sum = 0;
        for (int u = 0; u < users; u++) {
            raw[u] = Math.min(cap, MIN_USER_DEGREE / Math.pow(1 - rnd.nextDouble(), 1 / alpha));
            sum += raw[u];
        }
        int[] deg = new int[users];
        long got = 0;
        for (int u = 0; u < users; u++) {
            deg[u] = (int) Math.max(MIN_USER_DEGREE, Math.min(cap, Math.round(raw[u] * total / sum)));
            got += deg[u];
        }
        while (got != total) { // fix rounding one random user at a time
            int u = rnd.nextInt(users);
            if (got < total && deg[u] < cap) {
                deg[u]++;
                got++;
            } else if (got > total && deg[u] > MIN_USER_DEGREE) {
                deg[u]--;
                got--;
            }
        }
        return deg;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += 1 / Math.pow(i + 1, s);
            cdf[i] = acc;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= acc;
        }
        return cdf;
    }

    private static int sample(double[] cdf, double p) {
        int i = Arrays.binarySearch(cdf, p);
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }

    private static int[] permutation(SplittableRandom rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static boolean contains(int[] row, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (row[i] == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads an interaction list ({@code user item item ...}, 0-based ids, one line per user).
     * Users and items are counted as max id + 1; repeated items of a user are kept once.
     *
     * @throws IOException naming the file and line of a bad token or negative id
     */
    public static Bipartite gowalla(Path file) throws IOException {
        List<int[]> rows = new ArrayList<>();
        int maxItem = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] tok = line.trim().split("\\s+");
                if (tok.length == 0 || tok[0].isEmpty()) {
                    continue;
                }
                int user = parseId(tok[0], file, lineNo, "user");
                int[] items = new int[tok.length - 1];
                for (int k = 1; k < tok.length; k++) {
                    items[k - 1] = parseId(tok[k], file, lineNo, "item");
                    maxItem = Math.max(maxItem, items[k - 1]);
                }
                while (rows.size() <= user) {
                    rows.add(new int[0]);
                }
                rows.set(user, Arrays.stream(items).sorted().distinct().toArray());
            }
        }
        return new Bipartite("gowalla", rows.size(), maxItem + 1, rows.toArray(int[][]::new));
    }

    private static int parseId(String s, Path file, int line, String what) throws IOException {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new IOException(file + " line " + line + ": " + what + " id " + v + " is negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException(file + " line " + line + ": '" + s + "' is not a " + what + " id", e);
        }
    }

    /** Â = D^-1/2 A D^-1/2 of the (users+items) square graph, as a host CSR (see class comment). */
    public static CsrMatrix normalizedAdjacency(Bipartite g) {
        int u = g.users();
        int n = u + g.itemCount();
        long[] rowPtr = new long[n + 1];
        int[] itemDeg = new int[g.itemCount()];
        for (int[] row : g.items()) {
            for (int i : row) {
                itemDeg[i]++;
            }
        }
        for (int r = 0; r < n; r++) {
            rowPtr[r + 1] = rowPtr[r] + (r < u ? g.items()[r].length : itemDeg[r - u]);
        }
        int nnz = Math.toIntExact(rowPtr[n]);
        int[] col = new int[nnz];
        float[] val = new float[nnz];
        long[] next = Arrays.copyOfRange(rowPtr, u, n); // write cursors of item rows
        for (int user = 0; user < u; user++) { // users ascending, so item rows come out sorted
            int[] row = g.items()[user];
            int at = (int) rowPtr[user];
            for (int i : row) {
                float w = (float) (1.0 / Math.sqrt((double) row.length * itemDeg[i]));
                col[at] = u + i;
                val[at++] = w;
                int back = (int) next[i]++;
                col[back] = user;
                val[back] = w;
            }
        }
        return CsrMatrix.of(n, n, rowPtr, col, val);
    }
}
