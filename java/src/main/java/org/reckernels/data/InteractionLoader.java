package org.reckernels.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads interaction files.
 *
 * <ul>
 *   <li>{@code user item item ...} lines (the Gowalla/LightGCN format): 0-based integer ids
 *       separated by spaces or tabs; blank lines, Windows line endings and trailing blanks are
 *       accepted. A user line with no items is a user without interactions: it counts toward
 *       {@code numUsers}. A user may have several lines (they merge). Repeated interactions are
 *       dropped and counted in the {@link LoadReport}. Negative ids, ids of
 *       {@code Integer.MAX_VALUE} or more, and non-integers are rejected with an
 *       {@link IllegalArgumentException} naming the file, line and value.</li>
 *   <li>CSV/TSV edge lists {@code user,item[,timestamp]} with arbitrary string ids, remapped to
 *       dense ints in first-seen order through {@link IdMap}s.</li>
 *   <li>Train/test pairs sharing {@code numUsers}/{@code numItems} ({@link #loadSplit}).</li>
 * </ul>
 * Nothing is returned half-built: a bad line fails the whole load.
 */
public final class InteractionLoader {
    private InteractionLoader() {
    }

    /** Loads a {@code user item item ...} file; numUsers/numItems are one more than the largest ids. */
    public static Loaded loadAdjacency(Path file) throws IOException {
        AdjacencyParser p = AdjacencyParser.parse(file);
        Interactions set = p.pairs().build(numUsers(p), p.pairs().maxItem() + 1);
        return new Loaded(set, LoadReport.of(p.name(), p.lines(), p.pairs().size(), set));
    }

    /** An interaction set and its load report. */
    public record Loaded(Interactions interactions, LoadReport report) {
    }

    /**
     * Loads two {@code user item item ...} files as a train/test pair. Both get
     * {@code numUsers = 1 + max user id over both files} and likewise {@code numItems}.
     */
    public static TrainTestSplit loadSplit(Path trainFile, Path testFile) throws IOException {
        AdjacencyParser tr = AdjacencyParser.parse(trainFile);
        AdjacencyParser te = AdjacencyParser.parse(testFile);
        int numUsers = Math.max(numUsers(tr), numUsers(te));
        int numItems = Math.max(tr.pairs().maxItem(), te.pairs().maxItem()) + 1;
        Interactions train = tr.pairs().build(numUsers, numItems);
        Interactions test = te.pairs().build(numUsers, numItems);
        return TrainTestSplit.of(train, test, LoadReport.of(tr.name(), tr.lines(), tr.pairs().size(), train),
                LoadReport.of(te.name(), te.lines(), te.pairs().size(), test));
    }

    /**
     * Loads a CSV or TSV edge list, detecting the separator (tab when the first line has one,
     * else comma) and a header (when the first line's first field is a usual user-column name such
     * as {@code user}, {@code user_id}, {@code userId}, {@code uid}).
     */
    public static MappedInteractions loadEdgeList(Path file) throws IOException {
        EdgeListParser.Format f = EdgeListParser.detect(file);
        return EdgeListParser.parse(file, f.separator(), f.header());
    }

    /** Loads an edge list with the given separator; {@code header} skips the first line. */
    public static MappedInteractions loadEdgeList(Path file, char separator, boolean header) throws IOException {
        if (separator == '"' || separator == '\n' || separator == '\r') {
            throw new IllegalArgumentException("loadEdgeList: separator '" + separator + "' is not allowed");
        }
        return EdgeListParser.parse(file, separator, header);
    }

    private static int numUsers(AdjacencyParser p) {
        return Math.max(p.maxListedUser(), p.pairs().maxUser()) + 1;
    }
}
