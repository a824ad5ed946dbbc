package org.reckernels.data;

import java.util.Arrays;

/**
 * A growable list of (user, item) pairs that builds {@link Interactions}: counting sort by user,
 * then each user's items sorted and de-duplicated. Ids are checked by the caller.
 */
final class PairBuffer {
    private int[] users;
    private int[] items;
    private int size;
    private int maxUser = -1;
    private int maxItem = -1;

    PairBuffer(int capacity) {
        users = new int[Math.max(16, capacity)];
        items = new int[users.length];
    }

    void add(int user, int item) {
        if (size == users.length) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8L, users.length * 2L);
            if (cap == size) {
                throw new IllegalStateException("more than " + size + " interactions do not fit in memory arrays");
            }
            users = Arrays.copyOf(users, cap);
            items = Arrays.copyOf(items, cap);
        }
        users[size] = user;
        items[size] = item;
        size++;
        maxUser = Math.max(maxUser, user);
        maxItem = Math.max(maxItem, item);
    }

    /** Pairs added so far, repeats included. */
    int size() {
        return size;
    }

    /** Largest user id added, or -1. */
    int maxUser() {
        return maxUser;
    }

    /** Largest item id added, or -1. */
    int maxItem() {
        return maxItem;
    }

    /** Builds the set; numUsers and numItems must exceed every id added. */
    Interactions build(int numUsers, int numItems) {
        Interactions.checkDims("Interactions", numUsers, numItems);
        if (maxUser >= numUsers || maxItem >= numItems) {
            throw new IllegalArgumentException("Interactions: ids up to user " + maxUser + ", item " + maxItem
                    + " do not fit " + numUsers + " users x " + numItems + " items");
        }
        long[] ptr = new long[numUsers + 1];
        for (int k = 0; k < size; k++) {
            ptr[users[k] + 1]++;
        }
        for (int u = 0; u < numUsers; u++) {
            ptr[u + 1] += ptr[u];
        }
        int[] sorted = new int[size];
        long[] next = Arrays.copyOf(ptr, numUsers);
        for (int k = 0; k < size; k++) {
            sorted[(int) next[users[k]]++] = items[k];
        }
        // Sort each row, then compact in place dropping repeats; ptr is rewritten as we go.
        int out = 0;
        long rowStart = 0;
        for (int u = 0; u < numUsers; u++) {
            int a = (int) rowStart;
            int b = (int) ptr[u + 1];
            rowStart = b;
            if (!isStrictlyIncreasing(sorted, a, b)) {
                Arrays.sort(sorted, a, b);
            }
            ptr[u] = out;
            for (int k = a; k < b; k++) {
                if (k == a || sorted[k] != sorted[k - 1]) {
                    sorted[out++] = sorted[k];
                }
            }
        }
        ptr[numUsers] = out;
        return new Interactions(numUsers, numItems, ptr, out == size ? sorted : Arrays.copyOf(sorted, out));
    }

    private static boolean isStrictlyIncreasing(int[] a, int from, int to) {
        for (int k = from + 1; k < to; k++) {
            if (a[k] <= a[k - 1]) {
                return false;
            }
        }
        return true;
    }
}
