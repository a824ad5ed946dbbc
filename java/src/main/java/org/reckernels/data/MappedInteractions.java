package org.reckernels.data;

import java.util.Objects;

/**
 * Interactions loaded from an edge list with string ids: dense ints in {@code interactions} and
 * the maps back to the original user and item ids.
 */
public record MappedInteractions(Interactions interactions, IdMap users, IdMap items, LoadReport report) {
    public MappedInteractions {
        Objects.requireNonNull(interactions, "interactions");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(report, "report");
        if (users.size() != interactions.numUsers() || items.size() != interactions.numItems()) {
            throw new IllegalArgumentException("MappedInteractions: id maps have " + users.size() + " users, "
                    + items.size() + " items but the interactions are " + interactions);
        }
    }
}
