package org.reckernels.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Buffers that a helper object (NCF's batch and scorer) allocates one by one and frees together,
 * in allocation order. A failing close is rethrown as an {@link IllegalStateException} that names
 * the owner.
 */
final class BufferGroup implements AutoCloseable {
    private final String owner;
    private final List<AutoCloseable> parts = new ArrayList<>();

    /** @param owner names the holder in the close error, e.g. {@code "NCF.Batch"} */
    BufferGroup(String owner) {
        this.owner = owner;
    }

    /** Adds {@code part} to the group and returns it. */
    <T extends AutoCloseable> T add(T part) {
        parts.add(part);
        return part;
    }

    @Override
    public void close() {
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                throw new IllegalStateException(owner + ": closing a buffer failed", e);
            }
        }
        parts.clear();
    }
}
