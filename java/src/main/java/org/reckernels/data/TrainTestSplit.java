package org.reckernels.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A train/test pair over the same users and items ({@code numUsers} and {@code numItems} are
 * equal in both: one more than the largest id in either file).
 *
 * <p>Users that appear only in test are kept: they have no train items, so full-ranking
 * evaluation masks nothing for them ({@code testUsersWithoutTrain} counts them). Items that
 * appear only in test are allowed; a model has never seen them ({@code testItemsWithoutTrain}).
 *
 * @param testUsersWithoutTrain users with at least one test item and no train item
 * @param testItemsWithoutTrain items with at least one test interaction and no train interaction
 * @param overlap               (user, item) pairs present in both train and test
 */
public record TrainTestSplit(Interactions train, Interactions test, LoadReport trainReport, LoadReport testReport,
        int testUsersWithoutTrain, int testItemsWithoutTrain, long overlap) {

    public TrainTestSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()) {
            throw new IllegalArgumentException("TrainTestSplit: train is " + train + " but test is " + test);
        }
    }

    /** Reads {@code dir/train.txt} and {@code dir/test.txt} ({@code user item item ...} format). */
    public static TrainTestSplit load(Path dir) throws IOException {
        return InteractionLoader.loadSplit(dir.resolve("train.txt"), dir.resolve("test.txt"));
    }

    /** Builds the pair and its statistics (reports may be null for in-memory data). */
    public static TrainTestSplit of(Interactions train, Interactions test, LoadReport trainReport, LoadReport testReport) {
        int coldUsers = 0;
        long overlap = 0;
        for (int u = 0; u < test.numUsers(); u++) {
            if (test.degreeOfUser(u) > 0 && train.degreeOfUser(u) == 0) {
                coldUsers++;
            }
            for (long k = test.start(u); k < test.end(u); k++) {
                overlap += train.contains(u, test.itemAt(k)) ? 1 : 0;
            }
        }
        int coldItems = 0;
        for (int i = 0; i < test.numItems(); i++) {
            if (test.degreeOfItem(i) > 0 && train.degreeOfItem(i) == 0) {
                coldItems++;
            }
        }
        return new TrainTestSplit(train, test, trainReport, testReport, coldUsers, coldItems, overlap);
    }

    public int numUsers() {
        return train.numUsers();
    }

    public int numItems() {
        return train.numItems();
    }

    @Override
    public String toString() {
        return "TrainTestSplit[" + numUsers() + " users x " + numItems() + " items; train " + train.size() + ", test "
                + test.size() + "; " + testUsersWithoutTrain + " test users without train, " + testItemsWithoutTrain
                + " test items without train, " + overlap + " pairs in both]";
    }
}
