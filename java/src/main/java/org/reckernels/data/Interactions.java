package org.reckernels.data;

import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.reckernels.tensor.CsrMatrix;

/**
 * An immutable user→item interaction set in CSR form: for each user, its items sorted ascending
 * and without repeats.
 *
 * <pre>
 *   rowPtr : (numUsers + 1) int64, rowPtr[0] = 0, rowPtr[numUsers] = size()
 *   items  : (size()) int32, items of user u in [rowPtr[u], rowPtr[u+1]), strictly increasing
 * </pre>
 * Users and items are dense ids in {@code [0, numUsers)} and {@code [0, numItems)}; users and
 * items without interactions are allowed. Storage is on-heap, so {@code size()} is limited to
 * {@code Integer.MAX_VALUE - 8} interactions.
 */
public final class Interactions {
    private final int numUsers;
    private final int numItems;
    private final long[] rowPtr;
    private final int[] items;
    private final int[] itemDegree;

    /** Takes ownership of validated arrays (rows sorted, unique, in range). */
    Interactions(int numUsers, int numItems, long[] rowPtr, int[] items) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.rowPtr = rowPtr;
        this.items = items;
        this.itemDegree = new int[numItems];
        for (int i : items) {
            itemDegree[i]++;
        }
    }

    /** No interactions. */
    public static Interactions empty(int numUsers, int numItems) {
        checkDims("Interactions.empty", numUsers, numItems);
        return new Interactions(numUsers, numItems, new long[numUsers + 1], new int[0]);
    }

    /**
     * Builds from (user, item) pairs in any order; repeated pairs are kept once.
     *
     * @throws IllegalArgumentException naming the first pair with an id out of range
     */
    public static Interactions fromPairs(int numUsers, int numItems, int[] users, int[] items) {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        if (users.length != items.length) {
            throw new IllegalArgumentException("Interactions.fromPairs: " + users.length + " users but " + items.length + " items");
        }
        PairBuffer buf = new PairBuffer(users.length);
        for (int k = 0; k < users.length; k++) {
            if (users[k] < 0 || users[k] >= numUsers) {
                throw new IllegalArgumentException("Interactions.fromPairs: pair " + k + " has user " + users[k]
                        + " outside [0, " + numUsers + ")");
            }
            if (items[k] < 0 || items[k] >= numItems) {
                throw new IllegalArgumentException("Interactions.fromPairs: pair " + k + " has item " + items[k]
                        + " outside [0, " + numItems + ")");
            }
            buf.add(users[k], items[k]);
        }
        return buf.build(numUsers, numItems);
    }

    /** Builds from one item list per user (any order, repeats dropped); user u is {@code lists[u]}. */
    public static Interactions fromLists(int numItems, int[][] lists) {
        Objects.requireNonNull(lists, "lists");
        PairBuffer buf = new PairBuffer(16);
        for (int u = 0; u < lists.length; u++) {
            for (int i : lists[u]) {
                if (i < 0 || i >= numItems) {
                    throw new IllegalArgumentException("Interactions.fromLists: user " + u + " has item " + i
                            + " outside [0, " + numItems + ")");
                }
                buf.add(u, i);
            }
        }
        return buf.build(lists.length, numItems);
    }

    static void checkDims(String where, int numUsers, int numItems) {
        if (numUsers < 0 || numItems < 0) {
            throw new IllegalArgumentException(where + ": negative size " + numUsers + " users x " + numItems + " items");
        }
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    /** Number of (user, item) interactions. */
    public long size() {
        return items.length;
    }

    /** Read-only view of the sorted items of user {@code u} (no copy). */
    public IntBuffer items(int u) {
        Objects.checkIndex(u, numUsers);
        int start = (int) rowPtr[u];
        return IntBuffer.wrap(items, start, (int) rowPtr[u + 1] - start).slice().asReadOnlyBuffer();
    }

    /** A copy of the sorted items of user {@code u}. */
    public int[] itemArray(int u) {
        Objects.checkIndex(u, numUsers);
        return Arrays.copyOfRange(items, (int) rowPtr[u], (int) rowPtr[u + 1]);
    }

    /** Offset of user {@code u}'s first item in the flat item array (see {@link #itemAt}). */
    public long start(int u) {
        return rowPtr[u];
    }

    /** One past the offset of user {@code u}'s last item. */
    public long end(int u) {
        return rowPtr[u + 1];
    }

    /** The item at flat offset {@code k} (for hot loops over {@code [start(u), end(u))}). */
    public int itemAt(long k) {
        return items[(int) k];
    }

    /** Whether user {@code u} interacted with item {@code i} (binary search; false for ids out of range). */
    public boolean contains(int u, int i) {
        if (u < 0 || u >= numUsers || i < 0 || i >= numItems) {
            return false;
        }
        return Arrays.binarySearch(items, (int) rowPtr[u], (int) rowPtr[u + 1], i) >= 0;
    }

    public int degreeOfUser(int u) {
        Objects.checkIndex(u, numUsers);
        return (int) (rowPtr[u + 1] - rowPtr[u]);
    }

    public int degreeOfItem(int i) {
        Objects.checkIndex(i, numItems);
        return itemDegree[i];
    }

    /** Users with at least one interaction. */
    public int activeUsers() {
        int n = 0;
        for (int u = 0; u < numUsers; u++) {
            n += rowPtr[u + 1] > rowPtr[u] ? 1 : 0;
        }
        return n;
    }

    /** Items with at least one interaction. */
    public int activeItems() {
        int n = 0;
        for (int d : itemDegree) {
            n += d > 0 ? 1 : 0;
        }
        return n;
    }

    /** The same interactions seen from the items: numItems "users", each with its sorted users. */
    public Interactions transpose() {
        long[] ptr = new long[numItems + 1];
        for (int i = 0; i < numItems; i++) {
            ptr[i + 1] = ptr[i] + itemDegree[i];
        }
        long[] next = Arrays.copyOf(ptr, numItems);
        int[] users = new int[items.length];
        for (int u = 0; u < numUsers; u++) {
            for (int k = (int) rowPtr[u]; k < rowPtr[u + 1]; k++) {
                users[(int) next[items[k]]++] = u; // users visited in order, so each row comes out sorted
            }
        }
        return new Interactions(numItems, numUsers, ptr, users);
    }

    /** The {@code numUsers x numItems} unit-valued CSR matrix (a copy, off-heap; caller closes it). */
    public CsrMatrix toCsr() {
        return CsrMatrix.of(numUsers, numItems, rowPtr, items, null);
    }

    /** The {@code numItems x numUsers} unit-valued CSR matrix (a copy, off-heap; caller closes it). */
    public CsrMatrix transposeCsr() {
        return transpose().toCsr();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Interactions x && x.numUsers == numUsers && x.numItems == numItems
                && Arrays.equals(x.rowPtr, rowPtr) && Arrays.equals(x.items, items);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * numUsers + numItems) + Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return "Interactions[" + numUsers + " users x " + numItems + " items, " + items.length + " interactions]";
    }
}
