package org.reckernels.data;

/**
 * What a loader read from one file and what it made of it.
 *
 * @param file              the file's name (as used in error messages)
 * @param lines             lines in the file, blank lines and any header included
 * @param interactions      distinct (user, item) interactions kept
 * @param duplicatesDropped repeated (user, item) pairs read and dropped (file total minus kept)
 * @param emptyUsers        user ids in {@code [0, numUsers)} with no interaction in this file: users
 *                          listed with no items, ids never listed, and (in a split) users that only
 *                          the other file has
 * @param numUsers          the user count of the loaded set (in a split: shared by train and test)
 * @param numItems          the item count of the loaded set (in a split: shared by train and test)
 */
public record LoadReport(String file, long lines, long interactions, long duplicatesDropped, int emptyUsers,
        int numUsers, int numItems) {

    static LoadReport of(String file, long lines, int pairsRead, Interactions set) {
        return new LoadReport(file, lines, set.size(), pairsRead - set.size(),
                set.numUsers() - set.activeUsers(), set.numUsers(), set.numItems());
    }

    @Override
    public String toString() {
        return file + ": " + lines + " lines, " + interactions + " interactions (" + duplicatesDropped
                + " duplicates dropped), " + numUsers + " users (" + emptyUsers + " without interactions), "
                + numItems + " items";
    }
}
